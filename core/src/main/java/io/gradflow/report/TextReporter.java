package io.gradflow.report;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
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

    private final boolean color;
    private final boolean fixes;
    private final boolean profile;

    public TextReporter(boolean color, boolean fixes, boolean profile) {
        this.color = color;
        this.fixes = fixes;
        this.profile = profile;
    }

    @Override
    public void write(LintReport report, PrintWriter out) {
        for (InputError e : report.errors()) {
            out.println(location(e.source(), e.line(), e.column(), null, e.pointer()) + sev(Severity.ERROR)
                    + ": " + e.message());
        }
        for (ModelResult m : report.models()) {
            for (Finding f : m.findings()) {
                out.println(location(f.source(), f.line(), f.column(), f.layer(), f.pointer()) + sev(f.severity())
                        + ": " + f.message() + " " + paint(DIM, "[" + f.rule() + "]"));
                if (fixes && f.fix() != null) {
                    out.println("    fix: " + f.fix());
                }
                for (Finding.Related r : f.related()) {
                    out.println("  " + paint(DIM, "note:") + " " + r.message() + " " + paint(DIM, "[" + r.rule() + "]"));
                    if (fixes && r.fix() != null) {
                        out.println("    fix: " + r.fix());
                    }
                }
            }
            if (profile) {
                profile(m, out);
            }
        }
        out.println(summary(report));
    }

    private String location(String source, int line, int column, @Nullable String layer, String pointer) {
        StringBuilder b = new StringBuilder(paint(BOLD, source));
        if (line > 0) {
            b.append(':').append(line).append(':').append(Math.max(column, 1)).append(": ");
        } else if (layer != null) {
            b.append(": layer '").append(layer).append("': ");
        } else if (pointer != null && !pointer.isEmpty()) {
            b.append(": ").append(pointer).append(": ");
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
        out.printf(Locale.ROOT, "%s: verdict %s (%s%s)%n",
                m.model().source(), a.verdict().id(), Figures.reason(a),
                GradientAnalysis.FINITE_WIDTH.equals(a.method())
                        ? "; finite-width model: the median of networks simulated at these widths" : "");
        out.printf(Locale.ROOT, "  %-24s %6s  %-14s %10s %10s %10s %7s%n", "layer", "line", "kind", "act.rms",
                "grad.rms", "wgrad.rms", "gain");
        for (LayerProfile p : a.layers()) {
            if (p.node().kind() == LayerKind.INPUT) {
                continue;
            }
            String name = p.name().length() > 24 ? p.name().substring(0, 23) + "~" : p.name();
            String act = p.logs().range() == NumericRange.Direction.OVERFLOW ? "overflow"
                    : Figures.rms(p.logActivation());
            out.printf(Locale.ROOT, "  %-24s %6s  %-14s %10s %10s %10s %7s%s%n", name,
                    p.node().pos().line() > 0 ? Integer.toString(p.node().pos().line()) : "-",
                    p.node().kind().name().toLowerCase(Locale.ROOT), act, Figures.rms(p.logGradient()),
                    Figures.rms(p.logWeightGradient()),
                    Double.isFinite(p.gainDecades()) ? Figures.decades(p.gainDecades()) : "-",
                    p.certain() ? "" : "  ?");
        }
        for (String s : a.assumptions()) {
            out.println("  assumed: " + s);
        }
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
        return String.format(Locale.ROOT, "gradflow: %s%s: %d %s, %d %s, %d info%s", models, errors,
                e, e == 1 ? "error" : "errors", w, w == 1 ? "warning" : "warnings", i,
                r.baselined() > 0 ? ", " + r.baselined() + " baselined" : "");
    }
}
