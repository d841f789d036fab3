package io.gradflow.report.html;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.Thresholds;
import io.gradflow.analysis.Verdict;
import io.gradflow.model.LayerKind;
import io.gradflow.report.Figures;
import io.gradflow.report.InputError;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.report.Reporter;
import io.gradflow.report.TextReporter;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One self-contained HTML page (inline CSS, script and SVG; nothing fetched when it is viewed):
 * an index of the models, most severe first, then per model its verdict, its findings linked to
 * their layers, a chart of the activation RMS and the weight-gradient RMS per layer on log scales
 * (predicted as lines, measured as points when {@code gradflow verify} ran, the verdict's
 * thresholds shaded, the first and last hidden layers marked) and the same numbers as a table.
 * The chart is one tab stop: arrow keys move along the layers and a live region reads each one.
 */
public final class HtmlReporter implements Reporter {

    /** One model on the page: its lint result and, from a verify run, what was measured. */
    public record Section(ModelResult lint, @Nullable Measured measured) { }

    private final String version;
    private final Function<ModelResult, Thresholds> thresholds;

    /** A reporter that shades each model's thresholds as its configuration sets them. */
    public HtmlReporter(String version, Function<ModelResult, Thresholds> thresholds) {
        this.version = version;
        this.thresholds = thresholds;
    }

    public HtmlReporter(String version) {
        this(version, m -> Thresholds.DEFAULT);
    }

    @Override
    public void write(LintReport report, PrintWriter out) {
        List<Section> sections = new ArrayList<>();
        report.models().forEach(m -> sections.add(new Section(m, null)));
        write(sections, report.errors(), TextReporter.summary(report), out);
    }

    /** The page for these models (in the given order; the index sorts them) and unreadable inputs. */
    public void write(List<Section> sections, List<InputError> errors, String summary, PrintWriter out) {
        StringBuilder b = new StringBuilder(64 * 1024);
        boolean measured = sections.stream().anyMatch(s -> s.measured() != null);
        String title = "gradflow " + (measured ? "verify" : "lint") + " report: " + sections.size()
                + (sections.size() == 1 ? " model" : " models");
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"gradflow ").append(esc(version)).append("\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(resource("report.css"))
                .append("</style>\n</head>\n<body>\n<header>\n<h1>").append(esc(title)).append("</h1>\n<p class=\"summary\">")
                .append(esc(summary)).append("</p>\n</header>\n<main>\n");
        List<Integer> order = bySeverity(sections);
        index(b, sections, order);
        if (!errors.isEmpty()) {
            b.append("<section aria-labelledby=\"unreadable\">\n<h2 id=\"unreadable\">Files that could not be read</h2>\n<ul>\n");
            for (InputError e : errors) {
                b.append("<li><code>").append(esc(e.source() + (e.line() > 0 ? ":" + e.line() + ":" + Math.max(1, e.column())
                        : ""))).append("</code>: ").append(esc(e.message())).append("</li>\n");
            }
            b.append("</ul>\n</section>\n");
        }
        for (int i : order) {
            model(b, "m" + (i + 1), sections.get(i));
        }
        b.append("</main>\n<div id=\"tip\" class=\"tip\" hidden></div>\n<footer><p>gradflow ").append(esc(version))
                .append(". Predicted numbers come from the architecture alone (mean-field signal propagation, or the "
                        + "finite-width model where it says so); measured ones from a real network built with "
                        + "Deeplearning4j at initialisation. <em>Gain</em> is the decades by which the gradient changes "
                        + "passing back through a layer: negative shrinks it, positive grows it.</p></footer>\n<script>\n")
                .append(resource("report.js")).append("</script>\n</body>\n</html>\n");
        out.print(b);
        out.flush();
    }

    // ---------------------------------------------------------------- index

    private static int rank(Verdict v) {
        return switch (v) {
            case VANISHING, EXPLODING -> 0;
            case UNKNOWN -> 1;
            case HEALTHY -> 2;
        };
    }

    /** The sections' indices, most severe first: errors, warnings, a bad verdict, notes; the given order within. */
    private static List<Integer> bySeverity(List<Section> sections) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < sections.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> -count(sections.get(i), Severity.ERROR))
                .thenComparingLong(i -> -count(sections.get(i), Severity.WARNING))
                .thenComparingInt(i -> rank(sections.get(i).lint().analysis().verdict()))
                .thenComparingLong(i -> -count(sections.get(i), Severity.INFO)));
        return order;
    }

    private static void index(StringBuilder b, List<Section> sections, List<Integer> order) {
        b.append("<nav aria-labelledby=\"index\">\n<h2 id=\"index\">Models, most severe first</h2>\n")
                .append("<table class=\"index\">\n<thead><tr><th scope=\"col\">Model</th><th scope=\"col\">Verdict</th>")
                .append("<th scope=\"col\">Errors</th><th scope=\"col\">Warnings</th><th scope=\"col\">Info</th>")
                .append("<th scope=\"col\">Layers</th></tr></thead>\n<tbody>\n");
        for (int i : order) {
            Section s = sections.get(i);
            b.append("<tr><td><a href=\"#m").append(i + 1).append("\">").append(esc(s.lint().model().source()))
                    .append("</a></td><td>").append(badge(s.lint().analysis().verdict().id()));
            if (s.measured() != null) {
                b.append(" measured ").append(badge(s.measured().verdict()));
            }
            b.append("</td><td>").append(count(s, Severity.ERROR)).append("</td><td>").append(count(s, Severity.WARNING))
                    .append("</td><td>").append(count(s, Severity.INFO)).append("</td><td>")
                    .append(s.lint().model().layerCount()).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</nav>\n");
    }

    private static long count(Section s, Severity sev) {
        return s.lint().findings().stream().filter(f -> f.severity() == sev).count();
    }

    private static String badge(String verdict) {
        return "<span class=\"badge v-" + esc(verdict) + "\">" + esc(verdict) + "</span>";
    }

    // ---------------------------------------------------------------- one model

    private void model(StringBuilder b, String id, Section s) {
        ModelResult m = s.lint();
        GradientAnalysis a = m.analysis();
        Thresholds t = thresholds.apply(m);
        List<LayerProfile> layers = new ArrayList<>();
        for (LayerProfile p : a.layers()) {
            if (p.node().kind() != LayerKind.INPUT) {
                layers.add(p);
            }
        }
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            column.put(layers.get(i).name(), i);
        }
        b.append("<section class=\"model\" id=\"").append(id).append("\" aria-labelledby=\"").append(id).append("-t\">\n")
                .append("<h2 id=\"").append(id).append("-t\"><code>").append(esc(m.model().source())).append("</code> ")
                .append(badge(a.verdict().id()));
        Measured meas = s.measured();
        if (meas != null) {
            b.append(" <span class=\"measured-label\">measured</span> ").append(badge(meas.verdict()));
        }
        b.append("</h2>\n<p class=\"facts\">").append(esc(m.model().format().id())).append(", ")
                .append(m.model().layerCount()).append(" layers; first-to-last gradient ")
                .append(dec(a.firstToLastDecades())).append(" decades")
                .append(meas != null ? " (measured " + dec(meas.firstToLastDecades()) + ")" : "")
                .append(", signal ").append(dec(a.signalDecades())).append(" decades")
                .append(meas != null ? " (measured " + dec(meas.signalDecades()) + ")" : "")
                .append("; thresholds 10<sup>&minus;").append(num(t.vanishingDecades())).append("</sup> and 10<sup>")
                .append(num(t.explodingDecades())).append("</sup>; ")
                .append(GradientAnalysis.FINITE_WIDTH.equals(a.method())
                        ? "finite-width model (the median of networks simulated at these widths)" : "mean field")
                .append(".</p>\n");
        if (meas != null && meas.where() != null) {
            b.append("<p class=\"facts\">Measured on ").append(esc(meas.where())).append(".</p>\n");
        }
        findings(b, id, m, meas, column);
        chart(b, id, a, layers, meas, t, m.findings(), column);
        table(b, id, layers, meas);
        for (String as : a.assumptions()) {
            b.append("<p class=\"assumed\">Assumed: ").append(esc(as)).append("</p>\n");
        }
        b.append("</section>\n");
    }

    private static void findings(StringBuilder b, String id, ModelResult m, @Nullable Measured meas,
                                 Map<String, Integer> column) {
        b.append("<h3>Findings</h3>\n");
        if (m.findings().isEmpty()) {
            b.append("<p class=\"none\">No findings.</p>\n");
            return;
        }
        b.append("<ol class=\"findings\">\n");
        for (int k = 0; k < m.findings().size(); k++) {
            Finding f = m.findings().get(k);
            b.append("<li class=\"sev-").append(f.severity().id()).append("\"><span class=\"sev\">")
                    .append(f.severity().id()).append("</span> ");
            Integer col = f.layer() == null ? null : column.get(f.layer());
            if (col != null) {
                b.append("<a class=\"layer-link\" href=\"#").append(id).append("-l").append(col)
                        .append("\" data-col=\"").append(col).append("\">").append(esc(f.layer())).append("</a>");
            } else {
                b.append("<span class=\"layer-link\">model</span>");
            }
            if (f.line() > 0) {
                b.append(" <span class=\"where\">line ").append(f.line()).append("</span>");
            }
            b.append(": ").append(esc(f.message())).append(" <code>").append(esc(f.rule())).append("</code>");
            if (f.fix() != null) {
                b.append("<br><span class=\"fix\">Fix: ").append(esc(f.fix())).append("</span>");
            }
            if (meas != null && meas.findingNotes() != null && k < meas.findingNotes().size()
                    && meas.findingNotes().get(k) != null) {
                b.append("<br><span class=\"check\">").append(esc(meas.findingNotes().get(k))).append("</span>");
            }
            if (!f.related().isEmpty()) {
                b.append("\n<ul class=\"related\">");
                for (Finding.Related r : f.related()) {
                    b.append("<li>").append(esc(r.message())).append(" <code>").append(esc(r.rule())).append("</code></li>");
                }
                b.append("</ul>");
            }
            b.append("</li>\n");
        }
        b.append("</ol>\n");
    }

    // ---------------------------------------------------------------- chart

    private static final int WIDTH = 960;
    private static final int LEFT = 70;
    private static final int RIGHT = 16;
    private static final int PANEL = 200;
    private static final int GAP = 44;
    private static final int TOP = 24;

    /**
     * A log-scale y axis over whole decades, placed by log10 of each value: the analysis works in
     * log space, and a predicted RMS below or above a double's range still has its place.
     */
    private record Axis(double lo, double hi, int top) {
        double y(double log10) {
            return top + PANEL * (hi - log10) / (hi - lo);
        }

        static Axis over(List<Double> logs, int top) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double d : logs) {
                if (Double.isFinite(d)) {
                    lo = Math.min(lo, d);
                    hi = Math.max(hi, d);
                }
            }
            if (!Double.isFinite(lo)) {
                return new Axis(-1, 1, top);
            }
            lo = Math.floor(lo - 0.25);
            hi = Math.ceil(hi + 0.25);
            return new Axis(lo, Math.max(hi, lo + 1), top);
        }
    }

    private void chart(StringBuilder b, String id, GradientAnalysis a, List<LayerProfile> layers,
                       @Nullable Measured meas, Thresholds t, List<Finding> findings, Map<String, Integer> column) {
        int n = layers.size();
        if (n == 0) {
            return;
        }
        double step = (WIDTH - LEFT - RIGHT) / (double) n;
        LayerProfile input = a.layers().stream().filter(p -> p.node().kind() == LayerKind.INPUT).findFirst().orElse(null);
        double inputRms = input != null && Double.isFinite(input.logActivation()) ? input.logActivation() : 0;
        LayerProfile last = a.lastHidden() == null ? null : a.profile(a.lastHidden());
        double lastGrad = last == null ? Double.NaN : last.logWeightGradient();

        List<Double> acts = new ArrayList<>();
        List<Double> grads = new ArrayList<>();
        for (LayerProfile p : layers) {
            acts.add(p.logActivation());
            grads.add(p.logWeightGradient());
            Measured.Layer ml = meas == null ? null : meas.layers().get(p.name());
            if (ml != null) {
                acts.add(Math.log10(ml.activationRms()));
                grads.add(Math.log10(ml.weightGradientRms()));
            }
        }
        acts.add(inputRms);
        Axis act = Axis.over(acts, TOP);
        Axis grad = Axis.over(grads, TOP + PANEL + GAP);
        int height = TOP + 2 * PANEL + GAP + 48;

        String label = "Chart of " + n + " layers: activation RMS (top) and weight-gradient RMS (bottom) per layer, "
                + "log scale, predicted" + (meas != null ? " and measured" : "") + "; the table below has the numbers";
        b.append("<figure class=\"chart-figure\">\n<figcaption id=\"").append(id).append("-c\">Predicted")
                .append(meas != null ? " (lines) and measured (squares)" : "")
                .append(" activation RMS and weight-gradient RMS per layer, log scales. Shaded: where the first hidden "
                        + "layer's gradient, or the last hidden layer's activation, makes the verdict vanishing or "
                        + "exploding. Use the arrow keys in the chart to read each layer.</figcaption>\n")
                .append("<div class=\"chart\" tabindex=\"0\" role=\"group\" aria-label=\"").append(esc(label))
                .append("\" aria-describedby=\"").append(id).append("-c\">\n")
                .append("<svg viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" role=\"img\" aria-labelledby=\"").append(id).append("-c\" width=\"100%\">\n");
        panel(b, act, "activation RMS", step, n);
        panel(b, grad, "weight-gradient RMS", step, n);
        // the verdict's thresholds: the signal against the input's RMS, the gradient against the last hidden layer's
        zone(b, act, inputRms - t.signalDecades(), true, "signal vanishes below");
        zone(b, act, inputRms + t.signalDecades(), false, "signal explodes above");
        if (Double.isFinite(lastGrad)) {
            zone(b, grad, lastGrad - t.vanishingDecades(), true, "vanishing below");
            zone(b, grad, lastGrad + t.explodingDecades(), false, "exploding above");
        }
        for (String marked : new String[] {a.firstHidden(), a.lastHidden()}) {
            Integer c = marked == null ? null : column.get(marked);
            if (c != null) {
                double x = LEFT + step * (c + 0.5);
                b.append("<line class=\"mark\" x1=\"").append(f1(x)).append("\" y1=\"").append(TOP - 6).append("\" x2=\"")
                        .append(f1(x)).append("\" y2=\"").append(TOP + 2 * PANEL + GAP).append("\"/>\n")
                        .append("<text class=\"mark-label\" x=\"").append(f1(x)).append("\" y=\"").append(TOP - 10)
                        .append("\" text-anchor=\"middle\">").append(marked.equals(a.firstHidden()) ? "first" : "last")
                        .append(" hidden</text>\n");
            }
        }
        line(b, layers, act, step, LayerProfile::logActivation, "pred act");
        line(b, layers, grad, step, LayerProfile::logWeightGradient, "pred grad");
        // finding markers under the layers they name, and a bar under the run of layers they speak of
        int row = 0;
        for (Finding f : findings) {
            Integer c = f.layer() == null ? null : column.get(f.layer());
            if (c == null) {
                continue;
            }
            double x = LEFT + step * (c + 0.5);
            int y = TOP + 2 * PANEL + GAP + 18 + 6 * row;
            b.append("<path class=\"flag sev-").append(f.severity().id()).append("\" d=\"M").append(f1(x)).append(' ')
                    .append(y - 10).append(" l-5 9 h10 z\"/>\n");
            Integer end = f.span() == null ? null : column.get(f.span().last());
            if (end != null && end > c) {
                b.append("<rect class=\"flag sev-").append(f.severity().id()).append("\" x=\"").append(f1(x))
                        .append("\" y=\"").append(y).append("\" width=\"").append(f1(step * (end - c)))
                        .append("\" height=\"3\"/>\n");
            }
            row = Math.min(row + 1, 3);
        }
        for (int i = 0; i < n; i++) {
            LayerProfile p = layers.get(i);
            double x = LEFT + step * (i + 0.5);
            Measured.Layer ml = meas == null ? null : meas.layers().get(p.name());
            b.append("<g class=\"col\" id=\"").append(id).append("-c").append(i).append("\" data-tip=\"")
                    .append(esc(tip(p, ml))).append("\">");
            b.append("<rect class=\"hit\" x=\"").append(f1(LEFT + step * i)).append("\" y=\"").append(TOP)
                    .append("\" width=\"").append(f1(step)).append("\" height=\"").append(2 * PANEL + GAP).append("\"/>");
            point(b, "pt act", x, act, p.logActivation(), false);
            point(b, "pt grad", x, grad, p.logWeightGradient(), false);
            if (ml != null) {
                point(b, "meas act", x, act, Math.log10(ml.activationRms()), true);
                point(b, "meas grad", x, grad, Math.log10(ml.weightGradientRms()), true);
            }
            b.append("</g>\n");
        }
        b.append("</svg>\n</div>\n<p class=\"sr live\" aria-live=\"polite\"></p>\n</figure>\n");
    }

    private static void panel(StringBuilder b, Axis axis, String name, double step, int n) {
        int bottom = axis.top() + PANEL;
        b.append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(axis.top()).append("\" width=\"")
                .append(WIDTH - LEFT - RIGHT).append("\" height=\"").append(PANEL).append("\"/>\n");
        int decades = (int) (axis.hi() - axis.lo());
        int every = Math.max(1, (int) Math.ceil(decades / 8.0));
        for (int d = (int) axis.lo(); d <= axis.hi(); d++) {
            double y = axis.y(d);
            b.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" y1=\"").append(f1(y)).append("\" x2=\"")
                    .append(WIDTH - RIGHT).append("\" y2=\"").append(f1(y)).append("\"/>");
            if ((d - (int) axis.lo()) % every == 0) {
                b.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(f1(y + 4))
                        .append("\" text-anchor=\"end\">1e").append(d).append("</text>");
            }
            b.append('\n');
        }
        b.append("<text class=\"axis-name\" x=\"").append(LEFT + 6).append("\" y=\"").append(axis.top() + 14).append("\">")
                .append(esc(name)).append("</text>\n");
        int labels = Math.max(1, (int) Math.ceil(n / 24.0));
        for (int i = 0; i < n; i += labels) {
            b.append("<text class=\"tick\" x=\"").append(f1(LEFT + step * (i + 0.5))).append("\" y=\"").append(bottom + 14)
                    .append("\" text-anchor=\"middle\">").append(i + 1).append("</text>");
        }
        b.append('\n');
    }

    /** A shaded band from a threshold (log10) to the panel's bottom ({@code below}) or top. */
    private static void zone(StringBuilder b, Axis axis, double at, boolean below, String what) {
        if (!Double.isFinite(at)) {
            return;
        }
        double y = Math.max(axis.top(), Math.min(axis.top() + PANEL, axis.y(at)));
        double y0 = below ? y : axis.top();
        double y1 = below ? axis.top() + PANEL : y;
        if (y1 - y0 < 0.5) {
            return;
        }
        b.append("<rect class=\"zone ").append(below ? "low" : "high").append("\" x=\"").append(LEFT).append("\" y=\"")
                .append(f1(y0)).append("\" width=\"").append(WIDTH - LEFT - RIGHT).append("\" height=\"")
                .append(f1(y1 - y0)).append("\"/>\n<text class=\"zone-label\" x=\"").append(WIDTH - RIGHT - 6)
                .append("\" y=\"").append(f1(below ? y0 + 14 : y1 - 6)).append("\" text-anchor=\"end\">").append(esc(what))
                .append(' ').append(Figures.rms(at)).append("</text>\n");
    }

    private static void line(StringBuilder b, List<LayerProfile> layers, Axis axis, double step,
                             Function<LayerProfile, Double> value, String cls) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < layers.size(); i++) {
            double v = value.apply(layers.get(i));
            if (Double.isFinite(v)) {
                d.append(d.length() == 0 ? "M" : " L").append(f1(LEFT + step * (i + 0.5))).append(' ')
                        .append(f1(axis.y(v)));
            }
        }
        if (d.length() > 0) {
            b.append("<path class=\"").append(cls).append("\" d=\"").append(d).append("\"/>\n");
        }
    }

    private static void point(StringBuilder b, String cls, double x, Axis axis, double v, boolean square) {
        if (!Double.isFinite(v)) {
            return;
        }
        double y = axis.y(v);
        if (square) {
            b.append("<rect class=\"").append(cls).append("\" x=\"").append(f1(x - 3.5)).append("\" y=\"")
                    .append(f1(y - 3.5)).append("\" width=\"7\" height=\"7\"/>");
        } else {
            b.append("<circle class=\"").append(cls).append("\" cx=\"").append(f1(x)).append("\" cy=\"").append(f1(y))
                    .append("\" r=\"2.6\"/>");
        }
    }

    private static String tip(LayerProfile p, Measured.@Nullable Layer ml) {
        StringBuilder s = new StringBuilder(p.name()).append(" (").append(p.node().kind().name().toLowerCase(Locale.ROOT))
                .append(p.node().pos().line() > 0 ? ", line " + p.node().pos().line() : "").append(")");
        s.append("; activation RMS ").append(Figures.rms(p.logActivation())).append(" predicted");
        if (ml != null) {
            s.append(", ").append(sci(ml.activationRms())).append(" measured");
        }
        if (!Double.isNaN(p.logWeightGradient()) || ml != null && Double.isFinite(ml.weightGradientRms())) {
            s.append("; weight-gradient RMS ").append(Figures.rms(p.logWeightGradient())).append(" predicted");
            if (ml != null) {
                s.append(", ").append(sci(ml.weightGradientRms())).append(" measured");
            }
        }
        s.append("; gain ").append(dec(p.gainDecades())).append(" decades");
        return s.toString();
    }

    // ---------------------------------------------------------------- table

    private static void table(StringBuilder b, String id, List<LayerProfile> layers, @Nullable Measured meas) {
        boolean flushed = meas != null && meas.layers().values().stream().anyMatch(l -> !Double.isNaN(l.flushed()));
        b.append("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-labelledby=\"").append(id).append("-n\">\n")
                .append("<table class=\"layers\">\n<caption id=\"").append(id).append("-n\">Per-layer numbers (")
                .append(layers.size()).append(" layers)</caption>\n<thead><tr><th scope=\"col\">#</th>")
                .append("<th scope=\"col\">Layer</th><th scope=\"col\">Kind</th><th scope=\"col\">Line</th>")
                .append("<th scope=\"col\">Activation RMS</th>")
                .append(meas != null ? "<th scope=\"col\">measured</th>" : "")
                .append("<th scope=\"col\">Gradient RMS</th><th scope=\"col\">Weight-gradient RMS</th>")
                .append(meas != null ? "<th scope=\"col\">measured</th>" : "")
                .append(flushed ? "<th scope=\"col\"><abbr title=\"weight-gradient entries that are zero in the "
                        + "half-precision run and not in float32\">Flushed</abbr></th>" : "")
                .append("<th scope=\"col\"><abbr title=\"decades by which the gradient changes passing back through "
                        + "the layer\">Gain</abbr></th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < layers.size(); i++) {
            LayerProfile p = layers.get(i);
            Measured.Layer ml = meas == null ? null : meas.layers().get(p.name());
            b.append("<tr id=\"").append(id).append("-l").append(i).append("\" data-col=\"").append(i).append("\"><td>")
                    .append(i + 1).append("</td><th scope=\"row\">").append(esc(p.name())).append("</th><td>")
                    .append(p.node().kind().name().toLowerCase(Locale.ROOT)).append("</td><td>")
                    .append(p.node().pos().line() > 0 ? Integer.toString(p.node().pos().line()) : "&ndash;")
                    .append("</td><td>").append(Figures.rms(p.logActivation())).append("</td>");
            if (meas != null) {
                b.append("<td>").append(ml == null ? "&ndash;" : sci(ml.activationRms())).append("</td>");
            }
            b.append("<td>").append(Figures.rms(p.logGradient())).append("</td><td>")
                    .append(Figures.rms(p.logWeightGradient()))
                    .append("</td>");
            if (meas != null) {
                b.append("<td>").append(ml == null ? "&ndash;" : sci(ml.weightGradientRms())).append("</td>");
            }
            if (flushed) {
                b.append("<td>").append(ml == null || Double.isNaN(ml.flushed()) ? "&ndash;"
                        : String.format(Locale.US, "%.1f%%", 100 * ml.flushed())).append("</td>");
            }
            b.append("<td>").append(dec(p.gainDecades())).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</div>\n");
    }

    // ---------------------------------------------------------------- text

    static String esc(@Nullable String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // control characters are not allowed in HTML text
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        b.append(' ');
                    } else if (c >= 0x7f && c <= 0x9f) {
                        // DEL and C1 (0x9b is a terminal's CSI), shown as the text report shows them
                        b.append(String.format(Locale.US, "\\x%02x", (int) c));
                    } else if (c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069) {
                        // bidirectional overrides would reorder what the reader sees
                        b.append(String.format(Locale.US, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static String sci(double v) {
        return Double.isFinite(v) ? String.format(Locale.US, "%.3g", v) : "n/a";
    }

    private static String dec(double v) {
        return Double.isFinite(v) ? String.format(Locale.US, "%+.2f", v).replace("-", "\u2212") : "n/a";
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.US, "%.2g", v);
    }

    private static String f1(double v) {
        return String.format(Locale.US, "%.1f", v);
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReporter.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
