package io.gradflow.cli;

import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RulePages;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code gradflow explain GF001}: prints a rule's page (bundled in the jar) as Markdown. */
final class ExplainCommand implements Subcommand {

    @Override
    public String name() {
        return "explain";
    }

    @Override
    public String summary() {
        return "Print a rule's page: what it finds, why it matters, what to do instead.";
    }

    @Override
    public String synopsis() {
        return "RULE";
    }

    @Override
    public String footer() {
        return "RULE is an id (GF001) or a name (deep-saturating-stack); 'gradflow rules' lists them.";
    }

    @Override
    public Options options() {
        return new Options().addOption(Main.helpOption());
    }

    @Override
    public int run(CommandLine cl, Io io) throws UsageException {
        if (cl.getArgList().size() != 1) {
            throw new UsageException("explain: give one rule id or name, e.g. 'gradflow explain GF001'");
        }
        String wanted = cl.getArgList().get(0);
        Rule rule = BuiltInRules.find(wanted).orElseThrow(() -> new UsageException("explain: unknown rule '"
                + wanted + "' ('gradflow rules' lists them)"));
        String page = RulePages.text(rule.info()).orElseThrow(() -> new UsageException("explain: the page of "
                + rule.info().id() + " is missing from this build (" + rule.info().page() + ")"));
        io.out().print(page.endsWith("\n") ? page : page + "\n");
        return Main.CLEAN;
    }
}
