package io.gradflow.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonWriter;
import io.gradflow.rules.Finding;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * JSON Lines ({@code --format json-lines}, ruff's name): one compact JSON object per line, per
 * finding and per unreadable input, and nothing else, for {@code jq}, log shippers and scripts
 * that stream. A finding carries the fields of the JSON report's findings plus its {@code source};
 * an unreadable input has {@code "rule": null} and {@code "severity": "error"}.
 */
public final class JsonLinesReporter implements Reporter {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    @Override
    public void write(LintReport report, PrintWriter out) {
        for (InputError e : report.errors()) {
            JsonObject o = new JsonObject();
            o.addProperty("source", e.source());
            o.add("rule", JsonNull.INSTANCE);
            o.addProperty("severity", "error");
            o.addProperty("message", e.message());
            o.addProperty("line", e.line());
            o.addProperty("column", e.column());
            if (e.pointer() != null && !e.pointer().isEmpty()) {
                o.addProperty("pointer", e.pointer());
            }
            out.println(Printable.json(GSON.toJson(o)));
        }
        for (ModelResult m : report.models()) {
            for (Finding f : m.findings()) {
                out.println(Printable.json(finding(f)));
            }
        }
    }

    /** A finding on one line: its source, then the fields the JSON report gives it. */
    static String finding(Finding f) {
        StringWriter s = new StringWriter();
        try {
            JsonReporter.finding(f, f.source(), new JsonWriter(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }
}
