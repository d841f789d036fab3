package io.gradflow.verify;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.gradflow.analysis.LayerProfile;
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
            String src = m.model().source();
            out.printf(Locale.ROOT, "%s: measured on %s; weights %s%n", src, r.env().label(), r.weights());
            out.printf(Locale.ROOT, "  %-24s %6s  %10s %10s  %10s %10s  %5s %5s %8s%n", "layer", "line",
                    "wgrad.pred", "wgrad.meas", "act.pred", "act.meas", "sat%", "dead%", "upd/w");
            Measurement after = r.after();
            for (LayerProfile p : m.analysis().layers()) {
                Node n = p.node();
                if (n.kind() == LayerKind.INPUT) {
                    continue;
                }
                LayerMeasurement l = r.atInit().layer(n.name());
                LayerMeasurement la = after == null ? null : after.layer(n.name());
                String name = n.name().length() > 24 ? n.name().substring(0, 23) + "~" : n.name();
                out.printf(Locale.ROOT, "  %-24s %6s  %10s %10s  %10s %10s  %5s %5s %8s%n", name,
                        n.pos().line() > 0 ? Integer.toString(n.pos().line()) : "-",
                        g(p.weightGradientRms()), g(l == null ? Double.NaN : l.weightGradientRms()),
                        g(p.activationRms()), g(l == null ? Double.NaN : l.activationRms()),
                        pct(l == null ? Double.NaN : l.saturated()), pct(l == null ? Double.NaN : l.dead()),
                        g(la == null ? Double.NaN : la.updateRatio()));
            }
            out.printf(Locale.ROOT, "  first-to-last: predicted %+.2f, measured %+.2f at initialisation%s%n",
                    m.analysis().firstToLastDecades(), r.atInit().firstToLastDecades(),
                    after == null ? "" : String.format(Locale.ROOT, ", %+.2f after %d steps", after.firstToLastDecades(),
                            after.steps()));
            out.printf(Locale.ROOT, "  signal: predicted %+.2f, measured %+.2f at initialisation%s%n",
                    m.analysis().signalDecades(), r.atInit().signalDecades(),
                    after == null ? "" : String.format(Locale.ROOT, ", %+.2f after %d steps", after.signalDecades(),
                            after.steps()));
            out.printf(Locale.ROOT, "  verdict: predicted %s, measured %s at initialisation%s%n",
                    m.analysis().verdict().id(), r.atInit().verdict().id(),
                    after == null ? "" : ", " + after.verdict().id() + " after " + after.steps() + " steps");
            if (r.cut() != null) {
                out.println("  " + r.cut());
            }
            for (VerifyReport.Check c : r.checks()) {
                var f = c.finding();
                String where = f.line() > 0 ? ":" + f.line() + ":" + Math.max(f.column(), 1) + ": "
                        : f.layer() != null ? ": layer '" + f.layer() + "': " : ": ";
                String status = c.confirmed() == null ? "not checked" : c.confirmed() ? "confirmed" : "not confirmed";
                out.println(src + where + f.severity().id() + ": " + f.message() + " [" + f.rule() + "] ("
                        + status + ": " + c.evidence() + ")");
            }
        }
        long held = reports.stream().filter(r -> r.atInit().verdict() == r.lint().analysis().verdict()).count();
        out.printf(Locale.ROOT, "gradflow verify: %d %s, prediction held for %d%s%n", reports.size(),
                reports.size() == 1 ? "model" : "models", held,
                errors.isEmpty() ? "" : ", " + errors.size() + " not verifiable");
    }

    public static void json(List<VerifyReport> reports, List<InputError> errors, String version, PrintWriter out) {
        List<ModelResult> models = new ArrayList<>();
        reports.forEach(r -> models.add(r.lint()));
        JsonObject root = new JsonReporter(version).toJson(new LintReport(models, errors));
        JsonArray arr = root.getAsJsonArray("models");
        for (int i = 0; i < reports.size(); i++) {
            VerifyReport r = reports.get(i);
            JsonObject m = arr.get(i).getAsJsonObject();
            JsonObject measured = measurement(r.atInit());
            measured.addProperty("backend", r.env().backend());
            measured.addProperty("device", r.env().device());
            measured.addProperty("cores", r.env().cores());
            measured.addProperty("steps", r.after() == null ? 0 : r.after().steps());
            measured.addProperty("weights", r.weights());
            measured.add("afterSteps", r.after() == null ? JsonNull.INSTANCE : measurement(r.after()));
            measured.add("cut", r.cut() == null ? JsonNull.INSTANCE : new JsonPrimitive(r.cut()));
            measured.add("seconds", num(r.seconds()));
            m.add("measured", measured);
            JsonArray findings = m.getAsJsonArray("findings");
            for (int k = 0; k < findings.size() && k < r.checks().size(); k++) {
                Boolean c = r.checks().get(k).confirmed();
                findings.get(k).getAsJsonObject().add("confirmed", c == null ? JsonNull.INSTANCE : new JsonPrimitive(c));
                findings.get(k).getAsJsonObject().addProperty("evidence", r.checks().get(k).evidence());
            }
        }
        out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(root));
    }

    /** The HTML page: the core's report with the measurement at initialisation beside each prediction. */
    public static void html(List<VerifyReport> reports, List<InputError> errors, String version, PrintWriter out) {
        List<HtmlReporter.Section> sections = new ArrayList<>();
        for (VerifyReport r : reports) {
            Map<String, Measured.Layer> layers = new HashMap<>();
            r.atInit().layers().forEach(l -> layers.put(l.layer(), new Measured.Layer(l.activationRms(), l.weightGradientRms())));
            List<String> notes = new ArrayList<>();
            r.checks().forEach(c -> notes.add((c.confirmed() == null ? "not checked" : c.confirmed() ? "confirmed"
                    : "not confirmed") + ": " + c.evidence()));
            sections.add(new HtmlReporter.Section(r.lint(), new Measured(r.atInit().verdict().id(),
                    r.atInit().firstToLastDecades(), r.atInit().signalDecades(), r.env().label() + "; weights " + r.weights(),
                    layers, notes)));
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
            j.addProperty("nonFinite", l.nonFinite());
            layers.add(j);
        }
        o.add("layers", layers);
        return o;
    }

    private static JsonElement num(double d) {
        return Double.isFinite(d) ? new JsonPrimitive(Double.parseDouble(String.format(Locale.ROOT, "%.6g", d)))
                : JsonNull.INSTANCE;
    }

    private static String g(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.3g", d);
    }

    private static String pct(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.0f", 100 * d);
    }
}
