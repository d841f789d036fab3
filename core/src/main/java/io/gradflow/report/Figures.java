package io.gradflow.report;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.model.LayerKind;
import io.gradflow.analysis.NumericRange;
import java.util.Locale;
import java.util.Objects;

/**
 * How reports write the analysis's figures: never NaN or infinity. A figure the analysis could
 * not give is left out, or said in words; an RMS past a double's range is written from its log.
 */
public final class Figures {

    private Figures() {
    }

    /** An RMS from its log10, as "%.3g" would write it, for any finite log; "-" for none. */
    public static String rms(double log10) {
        if (Double.isNaN(log10)) {
            return "-";
        }
        if (log10 == Double.NEGATIVE_INFINITY) {
            return "0";
        }
        if (log10 == Double.POSITIVE_INFINITY) {
            return "overflow";
        }
        if (log10 > -300 && log10 < 300) {
            return String.format(Locale.US, "%.3g", Math.pow(10, log10));
        }
        double e = Math.floor(log10);
        double m = Math.pow(10, log10 - e);
        if (m >= 9.995) {
            m /= 10;
            e += 1;
        }
        return String.format(Locale.US, "%.2fe%+d", m, (long) e);
    }

    /** Signed decades with two decimals. */
    public static String decades(double d) {
        return String.format(Locale.US, "%+.2f", d);
    }

    /**
     * Why the verdict is what it is, for the verdict line: the first-to-last weight-gradient ratio
     * and the signal where the analysis has them, else what stopped it.
     */
    public static String reason(GradientAnalysis a) {
        NumericRange r = a.range();
        if (r != null && r.forward() != null) {
            NumericRange.Event e = r.forward();
            return String.format(Locale.US, "the activation %s %s at '%s': RMS %s", e.direction() == NumericRange
                            .Direction.OVERFLOW ? "overflows" : "rounds to zero in", e.precision().id(), e.layer(),
                    power(e.log10Rms()));
        }
        StringBuilder b = new StringBuilder();
        if (Double.isFinite(a.firstToLastDecades())) {
            b.append("weight gradient first-to-last ").append(decades(a.firstToLastDecades())).append(" decades");
        } else if (a.firstHidden() != null) {
            b.append("weight gradient first-to-last: none (a weight gradient is exactly zero)");
        } else {
            b.append("no hidden layer");
        }
        double u = a.firstToLastUpdateDecades();
        if (a.trainability().selfTuning() && Double.isFinite(u)) {
            b.append(", relative update first-to-last ").append(decades(u))
                    .append(" decades (the first layer feeds normalisation: its effective step is its relative update, "
                            + "and it tunes itself)");
        }
        if (a.trainability().offsetDecades() != 0 && Double.isFinite(a.firstToLastDecades())) {
            b.append(", once the output's bias is corrected ")
                    .append(decades(a.trainability().persistent(a.firstToLastDecades()))).append(" decades");
        }
        if (Double.isFinite(a.firstToLastGradientDecades())) {
            b.append(", gradient reaching first-to-last ").append(decades(a.firstToLastGradientDecades()))
                    .append(" decades");
        }
        LayerProfile worst = a.worstTime();
        LayerProfile.Time worstTime = worst == null ? null : worst.time();
        if (worst != null && worstTime != null && Double.isFinite(worstTime.decades())) {
            b.append(", through time ").append(decades(worstTime.decades())).append(" decades at '")
                    .append(worst.name()).append("'");
        }
        if (Double.isFinite(a.signalDecades())) {
            b.append(", signal ").append(decades(a.signalDecades())).append(" decades");
        } else if (a.signalDecades() == Double.NEGATIVE_INFINITY || Double.isNaN(a.signalDecades())
                && a.firstHidden() != null) {
            b.append(", signal: zero");
        }
        if (r != null && !r.gradients().isEmpty()) {
            NumericRange.Event e = r.gradients().get(0);
            b.append(String.format(Locale.US, "; the %s '%s' %s %s", e.quantity().words()
                            + (e.quantity() == NumericRange.Quantity.WEIGHT_GRADIENT ? " of" : ""), e.layer(),
                    e.direction() == NumericRange.Direction.OVERFLOW ? "overflows" : "rounds to zero in",
                    e.precision().id()));
        }
        return b.toString();
    }

    /**
     * A recurrent layer's gradient through its steps, in words: "'lstm', 20 steps: the gradient
     * reaching step 1 is 10^-2.7 of the one reaching step 20 (the recurrence alone: -0.14 decades
     * per step)".
     */
    public static String time(LayerProfile p) {
        LayerProfile.Time t = Objects.requireNonNull(p.time(), "a recurrent layer's profile has its steps");
        boolean bi = p.node().kind() == LayerKind.BIDIRECTIONAL;
        String where = bi ? String.format(Locale.US, "the middle step (%d)", (t.steps() - 1) / 2 + 1)
                : "step 1";
        String ends = bi ? "the ends" : "step " + t.steps();
        return String.format(Locale.US, "'%s', %d steps: the gradient reaching %s is %s of the one reaching %s "
                        + "(the recurrence alone: %s decades per step)", p.name(), t.steps(), where,
                power(t.decades()), ends, String.format(Locale.US, "%+.3f", t.perStep()));
    }

    /** 10^x with one decimal, or in scientific form when x itself is huge. */
    public static String power(double log10) {
        if (Math.abs(log10) < 1e6) {
            return String.format(Locale.US, "10^%.1f", log10);
        }
        return String.format(Locale.US, "10^(%.2g)", log10);
    }
}
