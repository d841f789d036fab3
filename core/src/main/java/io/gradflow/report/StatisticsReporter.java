package io.gradflow.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.rules.Finding;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --statistics} (ruff's): how many findings each rule reported, the most frequent first,
 * instead of the findings themselves; as text or, with {@code --format json}, as a JSON array.
 * A related note counts for its own rule too: the rule fired there.
 */
public final class StatisticsReporter implements Reporter {

    private final boolean json;
    private final boolean quiet;

    public StatisticsReporter(boolean json, boolean quiet) {
        this.json = json;
        this.quiet = quiet;
    }

    /** One rule's count. */
    private record Row(String rule, String name, String severity, int count) { }

    @Override
    public void write(LintReport report, PrintWriter out) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Finding f : report.findings()) {
            add(rows, f.rule(), f.name(), f.severity().id());
            for (Finding.Related r : f.related()) {
                add(rows, r.rule(), r.name(), r.severity().id());
            }
        }
        if (!report.errors().isEmpty()) {
            rows.put("unreadable-input", new Row("unreadable-input", "", "error", (int) report.errors().stream()
                    .map(InputError::source).distinct().count()));
        }
        List<Row> sorted = new ArrayList<>(rows.values());
        sorted.sort((a, b) -> a.count() != b.count() ? Integer.compare(b.count(), a.count()) : a.rule().compareTo(b.rule()));
        if (json) {
            JsonArray a = new JsonArray();
            for (Row r : sorted) {
                JsonObject o = new JsonObject();
                o.addProperty("code", r.rule());
                o.addProperty("name", r.name());
                o.addProperty("count", r.count());
                a.add(o);
            }
            out.println(Printable.json(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(a)));
            return;
        }
        for (Row r : sorted) {
            out.println(String.format(Locale.US, "%5d  %-16s %-8s %s", r.count(), r.rule(), r.severity(), r.name())
                    .stripTrailing());
        }
        if (!quiet) {
            out.println(TextReporter.summary(report));
        }
    }

    private static void add(Map<String, Row> rows, String rule, String name, String severity) {
        Row r = rows.get(rule);
        rows.put(rule, new Row(rule, name, r == null ? severity : r.severity(), r == null ? 1 : r.count() + 1));
    }
}
