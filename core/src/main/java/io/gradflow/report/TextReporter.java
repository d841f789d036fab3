package io.gradflow.report;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.MemoryEstimate;
import io.gradflow.analysis.NumericRange;
import io.gradflow.analysis.Verdict;
import io.gradflow.model.LayerKind;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Severity;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The human format: one line per finding as editors and terminals make clickable,
 * {@code path:line:col: severity: message [rule]} (or {@code path: layer 'name': ...} where the
 * format has no lines), then a one-line summary.
 */
public final class TextReporter implements Reporter {

    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";

    /** Eight heights of a bar, lowest first. */
    private static final String BARS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588";

    private final boolean color;
    private final boolean fixes;
    private final boolean profile;
    private final boolean quiet;
    private final boolean bars;

    public TextReporter(boolean color, boolean fixes, boolean profile) {
        this(color, fixes, profile, false, false);
    }

    /**
     * @param quiet leave out the summary line ({@code -q})
     * @param bars  the profile gets a column drawing each layer's gradient (for a terminal)
     */
    public TextReporter(boolean color, boolean fixes, boolean profile, boolean quiet, boolean bars) {
        this.color = color;
        this.fixes = fixes;
        this.profile = profile;
        this.quiet = quiet;
        this.bars = bars;
    }

    /** An unreadable input's line. */
    String line(InputError e) {
        return location(e.source(), e.line(), e.column(), null, e.pointer()) + sev(Severity.ERROR) + ": "
                + Printable.text(e.message());
    }

    /** A finding's line with the given message. */
    String line(Finding f, String message) {
        return location(f.source(), f.line(), f.column(), f.layer(), f.pointer()) + sev(f.severity()) + ": "
                + Printable.text(message) + " " + paint(DIM, "[" + f.rule() + "]");
    }

    @Override
    public void write(LintReport report, PrintWriter out) {
        for (InputError e : report.errors()) {
            out.println(line(e));
        }
        for (ModelResult m : report.models()) {
            for (Finding f : m.findings()) {
                out.println(line(f, f.message()));
                if (fixes && f.fix() != null) {
                    out.println("    fix: " + Printable.text(f.fix()));
                }
                for (Finding.Related r : f.related()) {
                    out.println("  " + paint(DIM, "note:") + " " + Printable.text(r.message()) + " "
                            + paint(DIM, "[" + r.rule() + "]"));
                    if (fixes && r.fix() != null) {
                        out.println("    fix: " + Printable.text(r.fix()));
                    }
                }
            }
            if (profile) {
                profile(m, out);
            }
        }
        if (!quiet) {
            out.println(summary(report));
        }
    }

    private String location(String source, int line, int column, @Nullable String layer, @Nullable String pointer) {
        StringBuilder b = new StringBuilder(paint(BOLD, Printable.text(source)));
        if (line > 0) {
            b.append(':').append(line).append(':').append(Math.max(column, 1)).append(": ");
        } else if (layer != null) {
            b.append(": layer '").append(Printable.text(layer)).append("': ");
        } else if (pointer != null && !pointer.isEmpty()) {
            b.append(": ").append(Printable.text(pointer)).append(": ");
        } else {
            b.append(": ");
        }
        return b.toString();
    }

    private String sev(Severity s) {
        String code = switch (s) {
            case ERROR -> "\u001b[1;31m";
            case WARNING -> "\u001b[1;33m";
            case INFO -> "\u001b[1;36m";
        };
        return paint(code, s.id());
    }

    private String paint(String code, String text) {
        return color ? code + text + RESET : text;
    }

    private void profile(ModelResult m, PrintWriter out) {
        GradientAnalysis a = m.analysis();
        out.printf(Locale.US, "%s: verdict %s (%s%s)%n",
                Printable.text(m.model().source()), a.verdict().id(), Printable.text(Figures.reason(a)),
                GradientAnalysis.FINITE_WIDTH.equals(a.method())
                        ? "; finite-width model: the median of networks simulated at these widths" : "");
        // the bars span the model's own range of gradient RMS, in decades (log space: a gradient
        // below a double's range still gets its bar)
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (LayerProfile p : a.layers()) {
            if (p.node().kind() != LayerKind.INPUT && Double.isFinite(p.logGradient())) {
                lo = Math.min(lo, p.logGradient());
                hi = Math.max(hi, p.logGradient());
            }
        }
        boolean drawn = bars && Double.isFinite(lo);
        MemoryEstimate mem = MemoryEstimate.of(m.model());
        out.printf(Locale.US, "  memory: %s parameters (%s as %s), %s%s values per example in the layers' outputs%n",
                MemoryEstimate.count(mem.parameters()), MemoryEstimate.bytes(mem.parameters() * mem.bytesPerValue()),
                mem.bytesPerValue() == 8 ? "double" : mem.bytesPerValue() == 2 ? "half" : "float",
                mem.complete() ? "" : "at least ", MemoryEstimate.count(mem.activationsPerExample()));
        out.printf(Locale.US, "  %-24s %6s  %-14s %10s %10s %10s %7s%s%n", "layer", "line", "kind", "act.rms",
                "grad.rms", "wgrad.rms", "gain", drawn ? "  grad" : "");
        for (LayerProfile p : a.layers()) {
            if (p.node().kind() == LayerKind.INPUT) {
                continue;
            }
            String full = Printable.text(p.name());
            String name = full.length() > 24 ? full.substring(0, 23) + "~" : full;
            String act = p.logs().range() == NumericRange.Direction.OVERFLOW ? "overflow"
                    : Figures.rms(p.logActivation());
            out.printf(Locale.US, "  %-24s %6s  %-14s %10s %10s %10s %7s%s%s%n", name,
                    p.node().pos().line() > 0 ? Integer.toString(p.node().pos().line()) : "-",
                    p.node().kind().name().toLowerCase(Locale.ROOT), act, Figures.rms(p.logGradient()),
                    Figures.rms(p.logWeightGradient()),
                    Double.isFinite(p.gainDecades()) ? Figures.decades(p.gainDecades()) : "-",
                    drawn ? "  " + bar(p.logGradient(), lo, hi) : "", p.certain() ? "" : "  ?");
        }
        if (drawn) {
            out.printf(Locale.US, "  grad: the gradient RMS on a log scale, %s at 1e%+.0f to %s at 1e%+.0f; gain: "
                    + "decades it changes passing back through the layer%n", BARS.charAt(0), Math.floor(lo),
                    BARS.charAt(BARS.length() - 1), Math.ceil(hi));
        }
        for (LayerProfile p : a.layers()) {
            if (p.time() != null) {
                out.println("  through time: " + Figures.time(p));
            }
        }
        for (String s : a.assumptions()) {
            out.println("  assumed: " + Printable.text(s));
        }
    }

    /** A bar as high as log10 of a value's place between lo and hi; a space where it has none. */
    static char bar(double log10, double lo, double hi) {
        if (!Double.isFinite(log10)) {
            return ' ';
        }
        double f = hi > lo ? (log10 - lo) / (hi - lo) : 1;
        return BARS.charAt((int) Math.max(0, Math.min(BARS.length() - 1, Math.round(f * (BARS.length() - 1)))));
    }

    /** One line: problems by severity, models by verdict, unreadable files, findings a baseline held back. */
    public static String summary(LintReport r) {
        long e = r.count(Severity.ERROR);
        long w = r.count(Severity.WARNING);
        long i = r.count(Severity.INFO);
        Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);
        for (ModelResult m : r.models()) {
            verdicts.merge(m.analysis().verdict(), 1, Integer::sum);
        }
        StringBuilder v = new StringBuilder();
        for (Map.Entry<Verdict, Integer> en : verdicts.entrySet()) {
            v.append(v.length() == 0 ? "" : ", ").append(en.getValue()).append(' ').append(en.getKey().id());
        }
        String models = r.models().size() + (r.models().size() == 1 ? " model" : " models")
                + (v.length() > 0 ? " (" + v + ")" : "");
        // a file with several problems (a DSL file reports all of them) is one unreadable file
        long unreadable = r.errors().stream().map(InputError::source).distinct().count();
        String errors = unreadable == 0 ? ""
                : ", " + unreadable + (unreadable == 1 ? " file" : " files") + " not readable";
        int skipped = r.skipped().size();
        errors += skipped == 0 ? "" : ", " + skipped + (skipped == 1 ? " other file" : " other files")
                + " skipped (not models)";
        return String.format(Locale.US, "gradflow: %s%s: %d %s, %d %s, %d info%s", models, errors,
                e, e == 1 ? "error" : "errors", w, w == 1 ? "warning" : "warnings", i,
                r.baselined() > 0 ? ", " + r.baselined() + " baselined" : "");
    }
}
