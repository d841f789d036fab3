package io.gradflow.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.rules.Finding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * GitLab Code Quality ({@code --format gitlab}): the subset of the Code Climate issue format that
 * GitLab reads from an {@code artifacts:reports:codequality} file and shows in merge requests:
 * {@code description} (the message, the rules that said the same, and the fix), {@code
 * check_name} (the rule), {@code fingerprint} (rule, file and layer, as SARIF's), {@code
 * severity} (error: critical, warning: major, info: info) and {@code location} (the path relative
 * to where gradflow runs, the line; line 1 where the format has none). An unreadable input is a
 * critical issue of the check {@code gradflow/unreadable-input}.
 */
public final class GitlabReporter implements Reporter {

    /** The check name of an unreadable input. */
    static final String UNREADABLE = "gradflow/unreadable-input";

    private final Path base;

    /** @param base the directory paths are relative to (the repository checkout: where gradflow runs) */
    public GitlabReporter(Path base) {
        this.base = base.toAbsolutePath().normalize();
    }

    @Override
    public void write(LintReport report, PrintWriter out) {
        Printable.printJson(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create(), toJson(report), out);
    }

    public JsonArray toJson(LintReport report) {
        JsonArray issues = new JsonArray();
        Map<String, Integer> occurrences = new HashMap<>();
        for (InputError e : report.errors()) {
            String key = UNREADABLE + "\n" + Locations.relative(e.source(), base) + "\n" + e.line() + "\n" + e.message();
            int n = occurrences.merge(key, 1, Integer::sum);
            issues.add(issue(UNREADABLE, Locations.message(e), "critical", e.source(), e.line(), null,
                    Locations.sha256(key).substring(0, 32) + ":" + n));
        }
        for (ModelResult m : report.models()) {
            for (Finding f : m.findings()) {
                int n = occurrences.merge(Locations.key(f, base), 1, Integer::sum);
                issues.add(issue(f.rule(), Locations.messageWithFix(f), severity(f), f.source(), f.line(),
                        f.name(), Locations.fingerprint(f, base, n)));
            }
        }
        return issues;
    }

    private JsonObject issue(String check, String description, String severity, String source, int line,
                             @Nullable String name, String fingerprint) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "issue");
        o.addProperty("check_name", check);
        o.addProperty("description", description);
        JsonArray categories = new JsonArray();
        categories.add("Bug Risk");
        o.add("categories", categories);
        o.addProperty("severity", severity);
        o.addProperty("fingerprint", fingerprint);
        JsonObject lines = new JsonObject();
        lines.addProperty("begin", Math.max(line, 1));
        JsonObject location = new JsonObject();
        location.addProperty("path", Locations.relative(source, base));
        location.add("lines", lines);
        o.add("location", location);
        if (name != null) {
            JsonObject content = new JsonObject();
            content.addProperty("body", "`gradflow explain " + check + "` (" + name + ") says why and what to do.");
            o.add("content", content);
        }
        return o;
    }

    private static String severity(Finding f) {
        return switch (f.severity()) {
            case ERROR -> "critical";
            case WARNING -> "major";
            case INFO -> "info";
        };
    }
}
