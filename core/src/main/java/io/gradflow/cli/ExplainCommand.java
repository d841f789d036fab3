package io.gradflow.cli;

import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.RulePages;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gradflow explain GF001}: prints a rule's page (bundled in the jar) as Markdown. */
final class ExplainCommand implements Subcommand {

    @Override
    public String name() {
        return "explain";
    }

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(name(),
                "Print a rule's page: what it finds, why it matters, what to do instead.", "RULE",
                "'gradflow rules' lists the rules.");
        Specs.arguments(spec, "RULE", "an id (GF001), a name (deep-saturating-stack) or the start of a name "
                + "(deep-saturating)", ruleWords());
        return spec;
    }

    @Override
    public int run(Args cl, Io io) throws UsageException {
        if (cl.arguments().size() != 1) {
            throw new UsageException("explain: give one rule id or name, e.g. 'gradflow explain GF001'");
        }
        Rule rule = resolve(cl.arguments().get(0));
        String page = RulePages.text(rule.info()).orElseThrow(() -> new UsageException("explain: the page of "
                + rule.info().id() + " is missing from this build (" + rule.info().page() + ")"));
        io.out().print(page.endsWith("\n") ? page : page + "\n");
        return Main.CLEAN;
    }

    /**
     * The rule {@code wanted} names: its id (any case), its name, or the start of exactly one
     * rule's name. Otherwise a usage error that lists the rules a prefix fits, or the closest ids
     * and names.
     */
    static Rule resolve(String wanted) throws UsageException {
        String w = wanted.toLowerCase(Locale.ROOT);
        List<Rule> started = new ArrayList<>();
        for (Rule r : BuiltInRules.all()) {
            RuleInfo i = r.info();
            if (i.id().equalsIgnoreCase(w) || i.name().equalsIgnoreCase(w)) {
                return r;
            }
            if (!w.isEmpty() && i.name().toLowerCase(Locale.ROOT).startsWith(w)) {
                started.add(r);
            }
        }
        if (started.size() == 1) {
            return started.get(0);
        }
        if (started.size() > 1) {
            List<String> which = new ArrayList<>();
            for (Rule r : started) {
                which.add(r.info().id() + " " + r.info().name());
            }
            throw new UsageException("explain: '" + wanted + "' starts the names of several rules: "
                    + String.join(", ", which.subList(0, which.size() - 1)) + " and " + which.get(which.size() - 1)
                    + "; give more of the name or the id");
        }
        List<String> near = new ArrayList<>(Suggest.closest(wanted, ruleWords()));
        // a word of a name: `relu` for dead-relu-risk, `saturating` for deep-saturating-stack
        for (Rule r : BuiltInRules.all()) {
            String name = r.info().name();
            if (w.length() >= 3 && near.size() < Suggest.MAX && !near.contains(name)
                    && ("-" + name + "-").contains("-" + w + "-")) {
                near.add(name);
            }
        }
        throw new UsageException("explain: unknown rule '" + wanted + "'" + (near.isEmpty()
                ? " ('gradflow rules' lists them)" : " (did you mean " + Suggest.quoted(near) + "?)"));
    }

    /** Every id and name, for completion and suggestions. */
    private static List<String> ruleWords() {
        List<String> words = new ArrayList<>();
        for (Rule r : BuiltInRules.all()) {
            words.add(r.info().id());
        }
        for (Rule r : BuiltInRules.all()) {
            words.add(r.info().name());
        }
        return words;
    }
}
