package io.gradflow.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.model.LayerKind;
import io.gradflow.rules.Finding;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The machine format. The contract (README) only grows: fields are added, never renamed.
 * {@code {"tool":{...},"models":[{...,"findings":[...],"gradient":{...}}],"errors":[...]}}
 */
public final class JsonReporter implements Reporter {

    private final String version;

    public JsonReporter(String version) {
        this.version = version;
    }

    @Override
    public void write(LintReport report, PrintWriter out) {
        out.println(Printable.json(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create()
                .toJson(toJson(report))));
    }

    public JsonObject toJson(LintReport report) {
        JsonObject root = new JsonObject();
        JsonObject tool = new JsonObject();
        tool.addProperty("name", "gradflow");
        tool.addProperty("version", version);
        root.add("tool", tool);
        JsonArray models = new JsonArray();
        for (ModelResult m : report.models()) {
            models.add(model(m));
        }
        root.add("models", models);
        JsonArray errors = new JsonArray();
        for (InputError e : report.errors()) {
            JsonObject o = new JsonObject();
            o.addProperty("source", e.source());
            o.addProperty("line", e.line());
            o.addProperty("column", e.column());
            o.addProperty("message", e.message());
            if (e.pointer() != null && !e.pointer().isEmpty()) {
                o.addProperty("pointer", e.pointer());
            }
            errors.add(o);
        }
        root.add("errors", errors);
        root.addProperty("baselined", report.baselined());
        return root;
    }

    private static JsonObject model(ModelResult m) {
        JsonObject o = new JsonObject();
        o.addProperty("source", m.model().source());
        o.addProperty("format", m.model().format().id());
        o.addProperty("layers", m.model().layerCount());
        o.addProperty("verdict", m.analysis().verdict().id());
        JsonArray findings = new JsonArray();
        for (Finding f : m.findings()) {
            JsonObject j = new JsonObject();
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
            findings.add(j);
        }
        o.add("findings", findings);
        o.add("gradient", gradient(m.analysis()));
        return o;
    }

    private static JsonObject gradient(GradientAnalysis a) {
        JsonObject g = new JsonObject();
        g.add("firstToLastDecades", num(a.firstToLastDecades()));
        g.add("signalDecades", num(a.signalDecades()));
        g.addProperty("method", a.method());
        g.add("firstHidden", a.firstHidden() == null ? JsonNull.INSTANCE : new JsonPrimitive(a.firstHidden()));
        g.add("lastHidden", a.lastHidden() == null ? JsonNull.INSTANCE : new JsonPrimitive(a.lastHidden()));
        JsonArray layers = new JsonArray();
        for (LayerProfile p : a.layers()) {
            if (p.node().kind() == LayerKind.INPUT) {
                continue;
            }
            JsonObject l = new JsonObject();
            l.addProperty("layer", p.name());
            l.addProperty("line", p.node().pos().line());
            l.add("activationRms", num(p.activationRms()));
            l.add("gradientRms", num(p.gradientRms()));
            l.add("weightGradientRms", num(p.weightGradientRms()));
            l.add("gainDecades", num(p.gainDecades()));
            layers.add(l);
        }
        g.add("layers", layers);
        JsonArray assumed = new JsonArray();
        a.assumptions().forEach(assumed::add);
        g.add("assumptions", assumed);
        return g;
    }

    /** JSON has no NaN or infinity: those become null. */
    static JsonElement num(double d) {
        if (!Double.isFinite(d)) {
            return JsonNull.INSTANCE;
        }
        double r = Math.abs(d) >= 1e-3 && Math.abs(d) < 1e7
                ? Math.round(d * 1e6) / 1e6 : Double.parseDouble(String.format(Locale.ROOT, "%.6g", d));
        return new JsonPrimitive(r);
    }
}
