package io.gradflow.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.RuleOption;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gradflow rules}: every built-in rule with its default severity, as a table or JSON. */
final class RulesCommand implements Subcommand {

    static final List<String> FORMATS = List.of("text", "json");

    @Override
    public String name() {
        return "rules";
    }

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(name(),
                "List every rule: id, name, default severity, category and what it finds.", "[OPTIONS]",
                "'gradflow explain RULE' prints a rule's page.");
        Specs.choice(spec, "FORMAT", FORMATS, "text (default) or json", "-f", "--format");
        // no arguments, but `gradflow rules GF001` is answered with a pointer to explain
        Specs.unlistedArguments(spec);
        return spec;
    }

    @Override
    public int run(Args cl, Io io) throws UsageException {
        if (!cl.arguments().isEmpty()) {
            throw new UsageException("rules: unexpected argument '" + cl.arguments().get(0)
                    + "' ('gradflow explain " + cl.arguments().get(0) + "' prints one rule's page)");
        }
        String format = cl.value("--format", "text").toLowerCase(Locale.ROOT);
        switch (format) {
            case "text" -> table(BuiltInRules.all(), io.out());
            case "json" -> Json.write(BuiltInRules.all(), io.out());
            default -> {
                String hint = Suggest.hint(format, FORMATS);
                throw new UsageException("rules: unknown --format '" + format + "'"
                        + (hint.isEmpty() ? " (text or json)" : hint));
            }
        }
        return Main.CLEAN;
    }

    private static void table(List<Rule> rules, PrintWriter out) {
        int name = "NAME".length();
        int category = "CATEGORY".length();
        for (Rule r : rules) {
            name = Math.max(name, r.info().name().length());
            category = Math.max(category, r.info().category().id().length());
        }
        String row = "%-6s %-" + name + "s  %-8s  %-" + category + "s  %s%n";
        out.printf(Locale.US, row, "ID", "NAME", "DEFAULT", "CATEGORY", "SUMMARY");
        for (Rule r : rules) {
            RuleInfo i = r.info();
            out.printf(Locale.US, row, i.id(), i.name(), i.severity().id(), i.category().id(), i.summary());
        }
    }

    /** Kept apart so that listing commands for every run does not load Gson. */
    private static final class Json {

        static void write(List<Rule> rules, PrintWriter out) {
            out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(tree(rules)));
        }

        static JsonObject tree(List<Rule> rules) {
            JsonArray all = new JsonArray();
            for (Rule r : rules) {
                RuleInfo i = r.info();
                JsonObject o = new JsonObject();
                o.addProperty("id", i.id());
                o.addProperty("name", i.name());
                o.addProperty("severity", i.severity().id());
                o.addProperty("category", i.category().id());
                o.addProperty("summary", i.summary());
                o.addProperty("since", i.since());
                o.addProperty("page", i.page());
                JsonArray options = new JsonArray();
                for (RuleOption opt : i.options()) {
                    JsonObject j = new JsonObject();
                    j.addProperty("name", opt.name());
                    j.addProperty("default", opt.integer() ? (Number) (long) opt.defaultValue() : opt.defaultValue());
                    j.addProperty("type", opt.integer() ? "integer" : "number");
                    options.add(j);
                }
                o.add("options", options);
                all.add(o);
            }
            JsonObject root = new JsonObject();
            root.add("rules", all);
            return root;
        }
    }
}
