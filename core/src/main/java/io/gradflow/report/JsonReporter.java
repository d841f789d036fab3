package io.gradflow.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.NumericRange;
import io.gradflow.model.LayerKind;
import io.gradflow.model.NumberFormat;
import io.gradflow.rules.Finding;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Objects;

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
        Printable.printJson(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create(),
                toJson(report), out);
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
            findings.add(finding(f));
        }
        o.add("findings", findings);
        o.add("gradient", gradient(m.analysis()));
        return o;
    }

    private static JsonObject gradient(GradientAnalysis a) {
        JsonObject g = new JsonObject();
        put(g, "firstToLastDecades", a.firstToLastDecades());
        put(g, "signalDecades", a.signalDecades());
        put(g, "firstToLastGradientDecades", a.firstToLastGradientDecades());
        if (a.trainability().selfTuning()) {
            put(g, "firstToLastUpdateDecades", a.firstToLastUpdateDecades());
        }
        LayerProfile worst = a.worstTime();
        if (worst != null) {
            put(g, "timeDecades", Objects.requireNonNull(worst.time(), "worstTime() has steps").decades());
            g.addProperty("timeLayer", worst.name());
        }
        g.addProperty("selfTuning", a.trainability().selfTuning());
        if (a.trainability().offsetDecades() != 0) {
            put(g, "firstToLastPersistentDecades", a.trainability().persistent(a.firstToLastDecades()));
        }
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
            put(l, "activationRms", p.activationRms());
            put(l, "gradientRms", p.gradientRms());
            put(l, "weightGradientRms", p.weightGradientRms());
            put(l, "gainDecades", p.gainDecades());
            if (p.time() != null) {
                l.addProperty("timeSteps", p.time().steps());
                put(l, "timeDecades", p.time().decades());
                put(l, "recurrenceDecades", p.time().ownDecades());
            }
            LayerProfile.Logs logs = p.logs();
            if (logs.precision() != a.model().numberFormat().compute()) {
                l.addProperty("precision", logs.precision().id());
            }
            if (logs.range() != null) {
                l.addProperty("outOfRange", logs.range().id());
            }
            if (logs.flushed() >= 0.01) {
                put(l, "weightGradientFlushed", logs.flushed());
            }
            layers.add(l);
        }
        g.add("layers", layers);
        if (a.range() != null) {
            g.add("numbers", numbers(a.range()));
        }
        JsonArray assumed = new JsonArray();
        a.assumptions().forEach(assumed::add);
        g.add("assumptions", assumed);
        return g;
    }

    /** The number format and where the figures leave its range. */
    private static JsonObject numbers(NumericRange r) {
        JsonObject o = new JsonObject();
        NumberFormat f = r.numbers();
        o.addProperty("compute", f.compute().id());
        o.addProperty("variables", f.variables().id());
        o.addProperty("dynamicLossScaling", f.dynamicLossScaling());
        if (f.declared() != null) {
            o.addProperty("declared", f.declared());
        }
        if (r.forward() != null) {
            o.add("activation", event(r.forward()));
        }
        JsonArray grads = new JsonArray();
        r.gradients().forEach(e -> grads.add(event(e)));
        o.add("gradients", grads);
        if (r.lossScale() != null) {
            JsonObject s = new JsonObject();
            s.addProperty("fits", r.lossScale().fits());
            s.addProperty("minLog2", r.lossScale().minLog2());
            s.addProperty("maxLog2", r.lossScale().maxLog2());
            if (r.lossScale().fits()) {
                s.addProperty("advisedLog2", r.lossScale().advisedLog2());
            }
            o.add("lossScale", s);
        }
        return o;
    }

    private static JsonObject event(NumericRange.Event e) {
        JsonObject o = new JsonObject();
        o.addProperty("layer", e.layer());
        o.addProperty("quantity", e.quantity().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        o.addProperty("direction", e.direction().id());
        o.addProperty("precision", e.precision().id());
        put(o, "log10Rms", e.log10Rms());
        put(o, "log10Limit", e.log10Limit());
        if (e.direction() == NumericRange.Direction.UNDERFLOW) {
            put(o, "flushed", e.flushed());
        }
        return o;
    }

    /** Adds a figure; JSON has no NaN or infinity, and a figure the analysis could not give is left out. */
    static void put(JsonObject o, String key, double d) {
        if (Double.isFinite(d)) {
            o.add(key, num(d));
        }
    }

    /** A finite figure rounded for the report. */
    static JsonElement num(double d) {
        double r = Math.abs(d) >= 1e-3 && Math.abs(d) < 1e7 ? Math.round(d * 1e6) / 1e6 : sixDigits(d);
        return new JsonPrimitive(r);
    }

    private static final MathContext SIX_DIGITS = new MathContext(6, RoundingMode.HALF_UP);

    /**
     * {@code d} to six significant digits as {@code String.format("%.6g")} rounds it (half up, from
     * the digits Double.toString gives), without the format string parsed at every call: a 100,000
     * layer report rounds a figure this way per layer, and the format took a tenth of its time.
     */
    static double sixDigits(double d) {
        if (d == 0) {
            // the format prints 0.00000 or -0.00000: zero, sign kept (half the calls at 100,000 layers)
            return d;
        }
        if (!Double.isFinite(d)) {
            return Double.parseDouble(String.format(Locale.ROOT, "%.6g", d));
        }
        return new BigDecimal(Double.toString(d)).round(SIX_DIGITS).doubleValue();
    }

    /** One finding as the JSON report writes it (JSON Lines adds its source). */
    static JsonObject finding(Finding f) {
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
        return j;
    }
}
