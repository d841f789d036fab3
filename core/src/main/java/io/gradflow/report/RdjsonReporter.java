package io.gradflow.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * reviewdog's Diagnostic Format ({@code --format rdjson}; {@code reviewdog -f=rdjson}), which
 * reviewdog posts as pull-request review comments on GitHub, GitLab, Bitbucket and Gerrit: one
 * diagnostic per finding with its message and fix, location (a range start where the format has
 * lines; the file alone where it has none), severity, rule code with the address of its page, and
 * the other rules that said the same as related locations. Unreadable inputs are ERROR diagnostics
 * with the code {@code unreadable-input}. Valid under reviewdog's published JSON schema.
 */
public final class RdjsonReporter implements Reporter {

    private final String informationUri;
    private final String rulesUri;

    /**
     * @param informationUri the project's home page
     * @param rulesUri       base address of the rule pages (a page is this plus "GF001-name.md")
     */
    public RdjsonReporter(String informationUri, String rulesUri) {
        this.informationUri = informationUri;
        this.rulesUri = rulesUri.endsWith("/") ? rulesUri : rulesUri + "/";
    }

    @Override
    public void write(LintReport report, PrintWriter out) {
        Printable.printJson(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create(), toJson(report), out);
    }

    public JsonObject toJson(LintReport report) {
        Map<String, String> pages = new HashMap<>();
        for (Rule r : BuiltInRules.all()) {
            String page = r.info().page();
            pages.put(r.info().id(), rulesUri + page.substring(page.lastIndexOf('/') + 1));
        }
        JsonObject source = new JsonObject();
        source.addProperty("name", "gradflow");
        source.addProperty("url", informationUri);
        JsonArray diagnostics = new JsonArray();
        for (InputError e : report.errors()) {
            JsonObject d = new JsonObject();
            d.addProperty("message", Locations.message(e));
            d.add("location", location(e.source(), e.line(), e.column()));
            d.addProperty("severity", "ERROR");
            JsonObject code = new JsonObject();
            code.addProperty("value", "unreadable-input");
            d.add("code", code);
            diagnostics.add(d);
        }
        for (ModelResult m : report.models()) {
            for (Finding f : m.findings()) {
                JsonObject d = new JsonObject();
                d.addProperty("message", Locations.messageWithFix(f));
                d.add("location", location(f.source(), f.line(), f.column()));
                d.addProperty("severity", switch (f.severity()) {
                    case ERROR -> "ERROR";
                    case WARNING -> "WARNING";
                    case INFO -> "INFO";
                });
                JsonObject code = new JsonObject();
                code.addProperty("value", f.rule());
                if (pages.containsKey(f.rule())) {
                    code.addProperty("url", pages.get(f.rule()));
                }
                d.add("code", code);
                if (!f.related().isEmpty()) {
                    JsonArray related = new JsonArray();
                    for (Finding.Related r : f.related()) {
                        JsonObject rl = new JsonObject();
                        rl.addProperty("message", "[" + r.rule() + "] " + r.message());
                        rl.add("location", location(f.source(), f.line(), f.column()));
                        related.add(rl);
                    }
                    d.add("related_locations", related);
                }
                diagnostics.add(d);
            }
        }
        JsonObject root = new JsonObject();
        root.add("source", source);
        root.add("diagnostics", diagnostics);
        return root;
    }

    /** A path as given (reviewdog relates it to the repository itself) and, where there are lines, where. */
    private static JsonObject location(String source, int line, int column) {
        JsonObject l = new JsonObject();
        l.addProperty("path", source);
        if (line > 0) {
            JsonObject start = new JsonObject();
            start.addProperty("line", line);
            start.addProperty("column", Math.max(column, 1));
            JsonObject range = new JsonObject();
            range.add("start", start);
            l.add("range", range);
        }
        return l;
    }
}
