package io.gradflow.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.gradflow.rules.Finding;
import java.io.PrintWriter;

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
            out.println(GSON.toJson(o));
        }
        for (ModelResult m : report.models()) {
            for (Finding f : m.findings()) {
                out.println(GSON.toJson(finding(f)));
            }
        }
    }

    static JsonObject finding(Finding f) {
        JsonObject j = new JsonObject();
        j.addProperty("source", f.source());
        j.addProperty("rule", f.rule());
        j.addProperty("name", f.name());
        j.addProperty("severity", f.severity().id());
        j.addProperty("category", f.category().id());
        j.addProperty("message", f.message());
        j.addProperty("fix", f.fix());
        j.addProperty("line", f.line());
        j.addProperty("column", f.column());
        j.add("layer", f.layer() == null ? JsonNull.INSTANCE : new JsonPrimitive(f.layer()));
        if (f.pointer() != null && !f.pointer().isEmpty()) {
            j.addProperty("pointer", f.pointer());
        }
        if (!f.related().isEmpty()) {
            JsonArray related = new JsonArray();
            for (Finding.Related r : f.related()) {
                JsonObject rj = new JsonObject();
                rj.addProperty("rule", r.rule());
                rj.addProperty("name", r.name());
                rj.addProperty("severity", r.severity().id());
                rj.addProperty("message", r.message());
                rj.addProperty("fix", r.fix());
                related.add(rj);
            }
            j.add("related", related);
        }
        return j;
    }
}
