package io.gradflow.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.NumericRange;
import io.gradflow.model.LayerKind;
import io.gradflow.model.NumberFormat;
import io.gradflow.rules.Finding;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The machine format. The contract (README) only grows: fields are added, never renamed.
 * {@code {"tool":{...},"models":[{...,"findings":[...],"gradient":{...}}],"errors":[...]}}
 *
 * <p>Written field by field to a Gson {@link JsonWriter}, not built as a tree first: the report
 * is written after the last file, on one thread while the others are done, and the tree (and the
 * Gson instance that printed it) had been a third of that time (issue 17). The bytes are those
 * the tree printed, pretty-printed by Gson with nulls kept.
 */
public final class JsonReporter implements Reporter {

    private final String version;
    private final @Nullable Parts parts;

    public JsonReporter(String version) {
        this(version, null);
    }

    /** A report that copies the models' parts {@code parts} has rendered already. */
    public JsonReporter(String version, @Nullable Parts parts) {
        this.version = version;
        this.parts = parts;
    }

    /**
     * The models' parts of the report, each rendered on the thread that linted its model, side by
     * side with the other files: after the last file the report only copies them, where it had
     * rendered every model on one thread while the other cores had nothing left to do (issue 17).
     * A model the report holds in another form (a baseline took findings away) is rendered then.
     */
    public static final class Parts {
        /**
         * Larger models are rendered when the report is written, as before: a part held for one
         * would be a second copy of a report of several megabytes, for a tail that is short beside
         * its lint.
         */
        private static final int MOST_LAYERS = 2000;
        /** A model's lines in the report: inside the "models" array of the root object. */
        private static final String INDENT = "    ";

        private final Map<ModelResult, String> rendered = Collections.synchronizedMap(new IdentityHashMap<>());

        /** Renders {@code m}'s part; safe to call from several threads at once. */
        public void render(ModelResult m) {
            if (m.model().layerCount() > MOST_LAYERS) {
                return;
            }
            rendered.put(m, Printable.rendered(w -> model(m, w), INDENT));
        }

        @Nullable String get(ModelResult m) {
            return rendered.get(m);
        }
    }

    @Override
    public void write(LintReport report, PrintWriter out) {
        Printable.printJson(out, w -> write(report, w));
    }

    /**
     * The report as a Gson tree, for a caller that adds to it (verify's report): the streamed
     * report read back, so that the tree holds the very numbers and strings {@link #write} prints.
     */
    public JsonObject toJson(LintReport report) {
        return Printable.readBack(w -> write(report, w));
    }

    private void write(LintReport report, JsonWriter w) throws IOException {
        w.beginObject();
        w.name("tool").beginObject();
        w.name("name").value("gradflow");
        w.name("version").value(version);
        w.endObject();
        w.name("models").beginArray();
        for (ModelResult m : report.models()) {
            String part = parts == null ? null : parts.get(m);
            if (part != null) {
                w.jsonValue(part);
            } else {
                model(m, w);
            }
        }
        w.endArray();
        w.name("errors").beginArray();
        for (InputError e : report.errors()) {
            w.beginObject();
            w.name("source").value(e.source());
            w.name("line").value(e.line());
            w.name("column").value(e.column());
            w.name("message").value(e.message());
            if (e.pointer() != null && !e.pointer().isEmpty()) {
                w.name("pointer").value(e.pointer());
            }
            w.endObject();
        }
        w.endArray();
        w.name("baselined").value(report.baselined());
        w.endObject();
    }

    private static void model(ModelResult m, JsonWriter w) throws IOException {
        w.beginObject();
        w.name("source").value(m.model().source());
        w.name("format").value(m.model().format().id());
        w.name("layers").value(m.model().layerCount());
        w.name("verdict").value(m.analysis().verdict().id());
        w.name("findings").beginArray();
        for (Finding f : m.findings()) {
            finding(f, null, w);
        }
        w.endArray();
        w.name("gradient");
        gradient(m.analysis(), w);
        w.endObject();
    }

    private static void gradient(GradientAnalysis a, JsonWriter w) throws IOException {
        w.beginObject();
        put(w, "firstToLastDecades", a.firstToLastDecades());
        put(w, "signalDecades", a.signalDecades());
        put(w, "firstToLastGradientDecades", a.firstToLastGradientDecades());
        if (a.trainability().selfTuning()) {
            put(w, "firstToLastUpdateDecades", a.firstToLastUpdateDecades());
        }
        LayerProfile worst = a.worstTime();
        if (worst != null) {
            put(w, "timeDecades", Objects.requireNonNull(worst.time(), "worstTime() has steps").decades());
            w.name("timeLayer").value(worst.name());
        }
        w.name("selfTuning").value(a.trainability().selfTuning());
        if (a.trainability().offsetDecades() != 0) {
            put(w, "firstToLastPersistentDecades", a.trainability().persistent(a.firstToLastDecades()));
        }
        w.name("method").value(a.method());
        w.name("firstHidden").value(a.firstHidden());
        w.name("lastHidden").value(a.lastHidden());
        w.name("layers").beginArray();
        for (LayerProfile p : a.layers()) {
            if (p.node().kind() == LayerKind.INPUT) {
                continue;
            }
            w.beginObject();
            w.name("layer").value(p.name());
            w.name("line").value(p.node().pos().line());
            put(w, "activationRms", p.activationRms());
            put(w, "gradientRms", p.gradientRms());
            put(w, "weightGradientRms", p.weightGradientRms());
            put(w, "gainDecades", p.gainDecades());
            if (p.time() != null) {
                w.name("timeSteps").value(p.time().steps());
                put(w, "timeDecades", p.time().decades());
                put(w, "recurrenceDecades", p.time().ownDecades());
            }
            LayerProfile.Logs logs = p.logs();
            if (logs.precision() != a.model().numberFormat().compute()) {
                w.name("precision").value(logs.precision().id());
            }
            if (logs.range() != null) {
                w.name("outOfRange").value(logs.range().id());
            }
            if (logs.flushed() >= 0.01) {
                put(w, "weightGradientFlushed", logs.flushed());
            }
            w.endObject();
        }
        w.endArray();
        if (a.range() != null) {
            w.name("numbers");
            numbers(a.range(), w);
        }
        w.name("assumptions").beginArray();
        for (String assumed : a.assumptions()) {
            w.value(assumed);
        }
        w.endArray();
        w.endObject();
    }

    /** The number format and where the figures leave its range. */
    private static void numbers(NumericRange r, JsonWriter w) throws IOException {
        w.beginObject();
        NumberFormat f = r.numbers();
        w.name("compute").value(f.compute().id());
        w.name("variables").value(f.variables().id());
        w.name("dynamicLossScaling").value(f.dynamicLossScaling());
        if (f.declared() != null) {
            w.name("declared").value(f.declared());
        }
        if (r.forward() != null) {
            w.name("activation");
            event(r.forward(), w);
        }
        w.name("gradients").beginArray();
        for (NumericRange.Event e : r.gradients()) {
            event(e, w);
        }
        w.endArray();
        if (r.lossScale() != null) {
            w.name("lossScale").beginObject();
            w.name("fits").value(r.lossScale().fits());
            w.name("minLog2").value(r.lossScale().minLog2());
            w.name("maxLog2").value(r.lossScale().maxLog2());
            if (r.lossScale().fits()) {
                w.name("advisedLog2").value(r.lossScale().advisedLog2());
            }
            w.endObject();
        }
        w.endObject();
    }

    private static void event(NumericRange.Event e, JsonWriter w) throws IOException {
        w.beginObject();
        w.name("layer").value(e.layer());
        w.name("quantity").value(e.quantity().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        w.name("direction").value(e.direction().id());
        w.name("precision").value(e.precision().id());
        put(w, "log10Rms", e.log10Rms());
        put(w, "log10Limit", e.log10Limit());
        if (e.direction() == NumericRange.Direction.UNDERFLOW) {
            put(w, "flushed", e.flushed());
        }
        w.endObject();
    }

    /** Writes a figure; JSON has no NaN or infinity, and a figure the analysis could not give is left out. */
    static void put(JsonWriter w, String key, double d) throws IOException {
        if (Double.isFinite(d)) {
            w.name(key).value(num(d));
        }
    }

    /** A finite figure rounded for the report. */
    static double num(double d) {
        return Math.abs(d) >= 1e-3 && Math.abs(d) < 1e7 ? Math.round(d * 1e6) / 1e6 : sixDigits(d);
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
            return Double.parseDouble(String.format(Locale.US, "%.6g", d));
        }
        return new BigDecimal(Double.toString(d)).round(SIX_DIGITS).doubleValue();
    }

    /** One finding as the JSON report writes it; JSON Lines gives its {@code source} too, first. */
    static void finding(Finding f, @Nullable String source, JsonWriter w) throws IOException {
        w.beginObject();
        if (source != null) {
            w.name("source").value(source);
        }
        w.name("rule").value(f.rule());
        w.name("name").value(f.name());
        w.name("severity").value(f.severity().id());
        w.name("category").value(f.category().id());
        w.name("message").value(f.message());
        w.name("fix").value(f.fix());
        w.name("line").value(f.line());
        w.name("column").value(f.column());
        w.name("layer").value(f.layer());
        if (f.pointer() != null && !f.pointer().isEmpty()) {
            w.name("pointer").value(f.pointer());
        }
        if (!f.related().isEmpty()) {
            w.name("related").beginArray();
            for (Finding.Related r : f.related()) {
                w.beginObject();
                w.name("rule").value(r.rule());
                w.name("name").value(r.name());
                w.name("severity").value(r.severity().id());
                w.name("message").value(r.message());
                w.name("fix").value(r.fix());
                w.endObject();
            }
            w.endArray();
        }
        w.endObject();
    }
}
