package io.gradflow.verify;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.Verdict;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.report.InputError;
import io.gradflow.report.JsonReporter;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.report.html.HtmlReporter;
import io.gradflow.report.html.Measured;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Map;

/** Writes verification reports: predicted next to measured, per layer and per finding. */
public final class VerifyReporter {

    private VerifyReporter() {
    }

    public static void text(List<VerifyReport> reports, List<InputError> errors, PrintWriter out) {
        for (InputError e : errors) {
            out.println(e.source() + (e.line() > 0 ? ":" + e.line() + ":" + Math.max(e.column(), 1) : "")
                    + ": error: " + e.message());
        }
        for (VerifyReport r : reports) {
            ModelResult m = r.lint();
            VerifyReport.Run run = r.run();
            String src = m.model().source();
            out.printf(Locale.ROOT, "%s: measured on %s%s; weights %s%n", src, run.env().label(),
                    run.format().equals("float32") ? "" : " in " + run.format(), run.weights());
            for (String note : run.notes()) {
                out.println("  note: " + note);
            }
            boolean zeros = r.atInit().layers().stream().anyMatch(l -> l.zeros() != null);
            out.printf(Locale.ROOT, "  %-24s %6s  %10s %10s  %10s %10s  %10s %10s  %5s %5s %8s%s%n", "layer", "line",
                    "wgrad.pred", "wgrad.meas", "grad.pred", "grad.meas", "act.pred", "act.meas", "sat%", "dead%",
                    "upd/w", zeros ? String.format(Locale.ROOT, "  %6s %6s %6s", "zero%", "zero32", "flush%") : "");
            Measurement after = r.after();
            List<String> through = new ArrayList<>();
            for (LayerProfile p : m.analysis().layers()) {
                Node n = p.node();
                if (n.kind() == LayerKind.INPUT) {
                    continue;
                }
                LayerMeasurement l = r.atInit().layer(n.name());
                LayerMeasurement la = after == null ? null : after.layer(n.name());
                String name = n.name().length() > 24 ? n.name().substring(0, 23) + "~" : n.name();
                LayerMeasurement.Zeros z = l == null ? null : l.zeros();
                out.printf(Locale.ROOT, "  %-24s %6s  %10s %10s  %10s %10s  %10s %10s  %5s %5s %8s%s%n", name,
                        n.pos().line() > 0 ? Integer.toString(n.pos().line()) : "-",
                        g(p.weightGradientRms()), g(l == null ? Double.NaN : l.weightGradientRms()),
                        g(p.gradientRms()), g(l == null ? Double.NaN : l.gradientRms()),
                        g(p.activationRms()), g(l == null ? Double.NaN : l.activationRms()),
                        pct(l == null ? Double.NaN : l.saturated()), pct(l == null ? Double.NaN : l.dead()),
                        g(la == null ? Double.NaN : la.updateRatio()),
                        !zeros ? "" : z == null ? String.format(Locale.ROOT, "  %6s %6s %6s", "-", "-", "-")
                                : String.format(Locale.ROOT, "  %6s %6s %6s", pct1(z.inFormat()), pct1(z.float32()),
                                        pct1(z.flushed())));
                if (l != null && Double.isFinite(l.throughTime())) {
                    through.add(String.format(Locale.ROOT, "'%s' %+.2f", n.name(), l.throughTime()));
                }
            }
            if (zeros) {
                out.println("  " + flushedLine(r.atInit()));
            }
            if (!through.isEmpty()) {
                out.println("  through time (gradient at the input's first step over its last, decades): "
                        + String.join(", ", through));
            }
            out.printf(Locale.ROOT, "  first-to-last: predicted %+.2f, measured %s at initialisation%s%n",
                    m.analysis().firstToLastDecades(), dec(r.atInit().firstToLastDecades()),
                    after == null ? "" : ", " + dec(after.firstToLastDecades()) + " after " + after.steps() + " steps");
            out.printf(Locale.ROOT, "  signal: predicted %+.2f, measured %s at initialisation%s%n",
                    m.analysis().signalDecades(), dec(r.atInit().signalDecades()),
                    after == null ? "" : ", " + dec(after.signalDecades()) + " after " + after.steps() + " steps");
            out.printf(Locale.ROOT, "  verdict: predicted %s, measured %s at initialisation%s%n",
                    m.analysis().verdict().id(), verdict(r.atInit()),
                    after == null ? "" : ", " + verdict(after) + " after " + after.steps() + " steps");
            if (run.cut() != null) {
                out.println("  " + run.cut());
            }
            for (VerifyReport.Check c : r.checks()) {
                var f = c.finding();
                String where = f.line() > 0 ? ":" + f.line() + ":" + Math.max(f.column(), 1) + ": "
                        : f.layer() != null ? ": layer '" + f.layer() + "': " : ": ";
                out.println(src + where + f.severity().id() + ": " + f.message() + " [" + f.rule() + "] ("
                        + c.status().id() + ": " + c.evidence() + ")");
            }
        }
        out.println(summary(reports, errors));
    }

    /** The measured verdict, or where a NaN or infinity stopped it being one. */
    private static String verdict(Measurement m) {
        if (m.nonFiniteAt() != null && m.verdict() == Verdict.UNKNOWN) {
            return "not finite (NaN or infinity, first at layer '" + m.nonFiniteAt() + "')";
        }
        return m.verdict().id() + (m.nonFiniteAt() != null ? " (NaN or infinity at layer '" + m.nonFiniteAt() + "')" : "");
    }

    /** The last line: models measured, verdicts held, findings confirmed, contradicted and unchecked. */
    static String summary(List<VerifyReport> reports, List<InputError> errors) {
        long held = reports.stream().filter(r -> r.atInit().verdict() == r.lint().analysis().verdict()).count();
        long[] counts = new long[Checks.Status.values().length];
        reports.forEach(r -> r.checks().forEach(c -> counts[c.status().ordinal()]++));
        return String.format(Locale.ROOT, "gradflow verify: %d %s measured, verdict held for %d; findings: %d confirmed, "
                        + "%d contradicted, %d unchecked%s", reports.size(), reports.size() == 1 ? "model" : "models", held,
                counts[Checks.Status.CONFIRMED.ordinal()], counts[Checks.Status.CONTRADICTED.ordinal()],
                counts[Checks.Status.UNCHECKED.ordinal()],
                errors.isEmpty() ? "" : "; " + errors.size() + " not verifiable");
    }

    public static void json(List<VerifyReport> reports, List<InputError> errors, String version, PrintWriter out) {
        List<ModelResult> models = new ArrayList<>();
        reports.forEach(r -> models.add(r.lint()));
        JsonObject root = new JsonReporter(version).toJson(new LintReport(models, errors));
        JsonArray arr = root.getAsJsonArray("models");
        for (int i = 0; i < reports.size(); i++) {
            VerifyReport r = reports.get(i);
            JsonObject m = arr.get(i).getAsJsonObject();
            VerifyReport.Run run = r.run();
            JsonObject measured = measurement(r.atInit());
            measured.addProperty("backend", run.env().backend());
            measured.addProperty("device", run.env().device());
            measured.addProperty("cores", run.env().cores());
            measured.addProperty("steps", r.after() == null ? 0 : r.after().steps());
            measured.addProperty("weights", run.weights());
            measured.addProperty("format", run.format());
            JsonArray notes = new JsonArray();
            run.notes().forEach(notes::add);
            measured.add("notes", notes);
            measured.add("afterSteps", r.after() == null ? JsonNull.INSTANCE : measurement(r.after()));
            measured.add("cut", run.cut() == null ? JsonNull.INSTANCE : new JsonPrimitive(run.cut()));
            measured.add("seconds", num(run.seconds()));
            m.add("measured", measured);
            JsonArray findings = m.getAsJsonArray("findings");
            for (int k = 0; k < findings.size() && k < r.checks().size(); k++) {
                VerifyReport.Check c = r.checks().get(k);
                JsonObject f = findings.get(k).getAsJsonObject();
                // confirmed: true, false when contradicted, null when unchecked (as before the check said more)
                f.add("confirmed", switch (c.status()) {
                    case CONFIRMED -> new JsonPrimitive(true);
                    case CONTRADICTED -> new JsonPrimitive(false);
                    case UNCHECKED -> JsonNull.INSTANCE;
                });
                f.addProperty("check", c.status().id());
                f.addProperty("evidence", c.evidence());
            }
        }
        JsonObject summary = new JsonObject();
        long[] counts = new long[Checks.Status.values().length];
        reports.forEach(r -> r.checks().forEach(c -> counts[c.status().ordinal()]++));
        summary.addProperty("models", reports.size());
        summary.addProperty("verdictHeld", reports.stream()
                .filter(r -> r.atInit().verdict() == r.lint().analysis().verdict()).count());
        for (Checks.Status st : Checks.Status.values()) {
            summary.addProperty(st.id(), counts[st.ordinal()]);
        }
        summary.addProperty("notVerifiable", errors.size());
        root.add("verifySummary", summary);
        out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(root));
    }

    /** The HTML page: the core's report with the measurement at initialisation beside each prediction. */
    public static void html(List<VerifyReport> reports, List<InputError> errors, String version, PrintWriter out) {
        List<HtmlReporter.Section> sections = new ArrayList<>();
        for (VerifyReport r : reports) {
            Map<String, Measured.Layer> layers = new HashMap<>();
            r.atInit().layers().forEach(l -> layers.put(l.layer(), new Measured.Layer(l.activationRms(),
                    l.weightGradientRms(), l.zeros() == null ? Double.NaN : l.zeros().flushed())));
            boolean zeros = r.atInit().layers().stream().anyMatch(l -> l.zeros() != null);
            List<String> notes = new ArrayList<>();
            r.checks().forEach(c -> notes.add(c.status().id() + ": " + c.evidence()));
            sections.add(new HtmlReporter.Section(r.lint(), new Measured(r.atInit().verdict().id(),
                    r.atInit().firstToLastDecades(), r.atInit().signalDecades(), r.run().env().label()
                    + (r.run().format().equals("float32") ? "" : " in " + r.run().format()) + "; weights "
                    + r.run().weights() + (zeros ? "; " + flushedLine(r.atInit()) : ""), layers, notes)));
        }
        long held = reports.stream().filter(r -> r.atInit().verdict() == r.lint().analysis().verdict()).count();
        new HtmlReporter(version).write(sections, errors, String.format(Locale.ROOT,
                "gradflow verify: %d %s, prediction held for %d", reports.size(), reports.size() == 1 ? "model" : "models",
                held), out);
    }

    private static JsonObject measurement(Measurement m) {
        JsonObject o = new JsonObject();
        o.addProperty("verdict", m.verdict().id());
        o.add("firstToLastDecades", num(m.firstToLastDecades()));
        o.add("signalDecades", num(m.signalDecades()));
        o.add("nonFiniteAt", m.nonFiniteAt() == null ? JsonNull.INSTANCE : new JsonPrimitive(m.nonFiniteAt()));
        JsonArray layers = new JsonArray();
        for (LayerMeasurement l : m.layers()) {
            JsonObject j = new JsonObject();
            j.addProperty("layer", l.layer());
            j.add("weightGradientRms", num(l.weightGradientRms()));
            j.add("activationRms", num(l.activationRms()));
            j.add("activationMean", num(l.activationMean()));
            j.add("saturated", num(l.saturated()));
            j.add("dead", num(l.dead()));
            j.add("inactive", num(l.inactive()));
            j.add("updateRatio", num(l.updateRatio()));
            j.add("gradientRms", num(l.gradientRms()));
            j.add("throughTimeDecades", num(l.throughTime()));
            j.addProperty("nonFinite", l.nonFinite());
            if (l.zeros() == null) {
                j.add("zeros", JsonNull.INSTANCE);
            } else {
                JsonObject z = new JsonObject();
                z.addProperty("format", l.zeros().format());
                z.add("zeroFraction", num(l.zeros().inFormat()));
                z.add("zeroFractionFloat32", num(l.zeros().float32()));
                z.add("flushedFraction", num(l.zeros().flushed()));
                j.add("zeros", z);
            }
            layers.add(j);
        }
        o.add("layers", layers);
        return o;
    }

    private static JsonElement num(double d) {
        return Double.isFinite(d) ? new JsonPrimitive(Double.parseDouble(String.format(Locale.ROOT, "%.6g", d)))
                : JsonNull.INSTANCE;
    }

    private static String dec(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%+.2f", d) : Double.isNaN(d) ? "NaN" : d > 0 ? "+inf" : "-inf";
    }

    private static String g(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.3g", d);
    }

    /**
     * One line on the entries a half-precision run rounded to zero: over all weighted layers, and
     * the layer that lost most.
     */
    static String flushedLine(Measurement m) {
        double worst = -1;
        String at = null;
        for (LayerMeasurement l : m.layers()) {
            if (l.zeros() != null && l.zeros().flushed() > worst) {
                worst = l.zeros().flushed();
                at = l.layer();
            }
        }
        String format = m.layers().stream().filter(l -> l.zeros() != null).findFirst()
                .map(l -> Objects.requireNonNull(l.zeros(), "filtered above").format()).orElse("half precision");
        return String.format(Locale.ROOT, "flushed: weight-gradient entries zero in %s but not in float32 (same "
                + "weights and batches, at initialisation): most in '%s', %s%%", format, at, pct1(worst));
    }

    private static String pct1(double d) {
        if (Double.isNaN(d)) {
            return "-";
        }
        // a small nonzero fraction must not print as 0
        return d > 0 && d < 0.001 ? "<0.1" : String.format(Locale.ROOT, "%.1f", 100 * d);
    }

    private static String pct(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.0f", 100 * d);
    }
}
