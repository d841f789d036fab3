package io.gradflow.verify;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.Thresholds;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Category;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Whether a measurement shows what each finding claims. A finding that claims a change in decades
 * (the gradient across its layers, the activation RMS, the model's first-to-last ratio) is
 * <em>confirmed</em> when the same number, measured, moves the same way by at least
 * {@link #FRACTION} of the claimed decades; <em>contradicted</em> when it moves the other way (by
 * more than {@link #NOISE}); <em>unchecked</em> otherwise, and always when the measured number is
 * not finite (reported as such, with the layer where it first appeared) or the finding claims no
 * number a training run can test.
 */
public final class Checks {

    /** The share of a finding's claimed decades a measurement must show, the same way, to confirm it. */
    public static final double FRACTION = 0.5;
    /** Decades within which a measured change is read as no change. */
    public static final double NOISE = 0.1;

    /** The three outcomes. */
    public enum Status {
        CONFIRMED("confirmed"), CONTRADICTED("contradicted"), UNCHECKED("unchecked");

        private final String id;

        Status(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** What a finding claims: a quantity, its predicted and measured decades, and what they are. */
    private record Claim(String what, double predicted, double measured) { }

    private Checks() {
    }

    /** One check per finding, in order. */
    public static List<VerifyReport.Check> check(List<Finding> findings, GradientAnalysis a, Measurement m,
                                                 Thresholds t) {
        List<VerifyReport.Check> out = new ArrayList<>();
        for (Finding f : findings) {
            out.add(check(f, a, m, t));
        }
        return out;
    }

    static VerifyReport.Check check(Finding f, GradientAnalysis a, Measurement m, Thresholds t) {
        return switch (f.category()) {
            case VANISHING_GRADIENT, EXPLODING_GRADIENT, INITIALIZATION, NORMALIZATION, SKIP_CONNECTION -> {
                Claim c = claim(f, a, m, t);
                yield c == null ? new VerifyReport.Check(f, Status.UNCHECKED, "it claims no change a training run "
                        + "can measure") : decide(f, c, m);
            }
            case DEAD_UNITS -> fraction(f, m, true);
            case SATURATION -> fraction(f, m, false);
            case NUMBER_RANGE -> flushed(f, m);
            default -> new VerifyReport.Check(f, Status.UNCHECKED, "not checked by a training run");
        };
    }

    private static VerifyReport.Check decide(Finding f, Claim c, Measurement m) {
        String numbers = String.format(Locale.ROOT, "%s: predicted %+.2f decades, measured %+.2f", c.what(),
                c.predicted(), c.measured());
        if (!Double.isFinite(c.measured())) {
            String where = m.nonFiniteAt() != null ? ", first at layer '" + m.nonFiniteAt() + "'" : "";
            return new VerifyReport.Check(f, Status.UNCHECKED, c.what() + ": measured "
                    + (Double.isNaN(c.measured()) ? "no finite number" : "an infinite change") + where);
        }
        if (!(Math.abs(c.predicted()) > NOISE)) {
            return new VerifyReport.Check(f, Status.UNCHECKED, numbers + "; the finding claims no change");
        }
        double along = Math.signum(c.predicted()) * c.measured();
        if (along >= FRACTION * Math.abs(c.predicted())) {
            return new VerifyReport.Check(f, Status.CONFIRMED, numbers);
        }
        if (along < -NOISE) {
            return new VerifyReport.Check(f, Status.CONTRADICTED, numbers + ", the other way");
        }
        return new VerifyReport.Check(f, Status.UNCHECKED, numbers + String.format(Locale.ROOT,
                ", less than %.0f%% of the claimed change", 100 * FRACTION));
    }

    /** The number a finding speaks of, predicted and measured; null when it speaks of none. */
    private static @Nullable Claim claim(Finding f, GradientAnalysis a, Measurement m, Thresholds t) {
        RuleInfo.Role role = BuiltInRules.find(f.rule()).map(r -> r.info().role()).orElse(RuleInfo.Role.ADVICE);
        if (role == RuleInfo.Role.VERDICT || f.span() == null && f.layer() == null) {
            boolean byRatio = a.firstToLastDecades() <= -t.vanishingDecades()
                    || a.firstToLastDecades() >= t.explodingDecades()
                    || Math.abs(a.signalDecades()) < t.signalDecades();
            return byRatio ? new Claim("first-to-last", a.firstToLastDecades(), m.firstToLastDecades())
                    : new Claim("signal", a.signalDecades(), m.signalDecades());
        }
        if (f.span() == null) {
            return null;
        }
        ModelGraph g = a.model();
        Node first = g.node(f.layer());
        Node last = g.node(f.span().last());
        if (first == null || last == null) {
            return null;
        }
        String span = first == last ? "layer '" + first.name() + "'" : "'" + first.name() + "'..'" + last.name() + "'";
        if (f.category() == Category.INITIALIZATION) {
            // the rule speaks of the signal where it drifts more than the gradient
            Claim signal = signal(a, m, first, last, span);
            if (signal != null && Math.abs(signal.predicted()) >= Math.abs(f.span().decades())) {
                return signal;
            }
        }
        LayerMeasurement mf = m.layer(first.name());
        LayerMeasurement ml = m.layer(last.name());
        if (mf != null && ml != null && (mf.nonFinite() || ml.nonFinite())) {
            return new Claim("gradient across " + span, f.span().decades(), Double.NaN);
        }
        if (mf != null && ml != null && Double.isFinite(mf.gradientRms()) && Double.isFinite(ml.gradientRms())) {
            return new Claim("gradient across " + span, f.span().decades(),
                    Math.log10(mf.gradientRms() / ml.gradientRms()));
        }
        // no view of the output gradient there: the weight gradients, predicted and measured
        LayerProfile pf = a.profile(first.name());
        LayerProfile pl = a.profile(last.name());
        if (pf == null || pl == null || mf == null || ml == null || !(pf.weightGradientRms() > 0)
                || !(pl.weightGradientRms() > 0)) {
            return null;
        }
        return new Claim("weight gradient across " + span, Math.log10(pf.weightGradientRms() / pl.weightGradientRms()),
                Math.log10(mf.weightGradientRms() / ml.weightGradientRms()));
    }

    /** The activation RMS from the input of {@code first} to the output of {@code last}. */
    private static @Nullable Claim signal(GradientAnalysis a, Measurement m, Node first, Node last, String span) {
        if (first.inputs().isEmpty()) {
            return null;
        }
        String in = first.inputs().get(0);
        LayerProfile ps = a.profile(in);
        LayerProfile pe = a.profile(last.name());
        LayerMeasurement ms = m.layer(in);
        LayerMeasurement me = m.layer(last.name());
        if (ps == null || pe == null || ms == null || me == null || !(ps.activationRms() > 0)
                || !(pe.activationRms() > 0)) {
            return null;
        }
        return new Claim("activation RMS across " + span, Math.log10(pe.activationRms() / ps.activationRms()),
                Math.log10(me.activationRms() / ms.activationRms()));
    }

    /**
     * A number-range finding: what a run in the model's half-precision format measured at the
     * layer, as evidence; unchecked, as the finding may claim an overflow or a rounding to zero of
     * activations or gradients, and the run measures one of them (weight-gradient entries flushed).
     */
    private static VerifyReport.Check flushed(Finding f, Measurement m) {
        LayerMeasurement l = f.layer() == null ? null : m.layer(f.layer());
        if (l == null || l.zeros() == null) {
            return new VerifyReport.Check(f, Status.UNCHECKED,
                    "no weight gradient of this layer was measured in half precision");
        }
        LayerMeasurement.Zeros z = l.zeros();
        return new VerifyReport.Check(f, Status.UNCHECKED, String.format(Locale.ROOT, "measured in %s: %.1f%% of "
                + "the layer's weight-gradient entries flushed (zero in %s, %.1f%%, not in float32, %.1f%%)",
                z.format(), 100 * z.flushed(), z.format(), 100 * z.inFormat(), 100 * z.float32()));
    }

    /** Dead or saturated units: confirmed when most are, contradicted when few are. */
    private static VerifyReport.Check fraction(Finding f, Measurement m, boolean dead) {
        LayerMeasurement l = f.layer() == null ? null : m.layer(f.layer());
        double v = l == null ? Double.NaN : dead ? l.inactive() : l.saturated();
        String what = dead ? "outputs inactive" : "outputs saturated";
        if (Double.isNaN(v)) {
            return new VerifyReport.Check(f, Status.UNCHECKED, "the layer's " + what + " were not measured");
        }
        String ev = String.format(Locale.ROOT, "measured %.0f%% of its %s", 100 * v, what)
                + (dead && l != null && !Double.isNaN(l.dead()) ? String.format(Locale.ROOT, ", %.0f%% of units dead",
                100 * l.dead()) : "");
        if (v >= 0.5) {
            return new VerifyReport.Check(f, Status.CONFIRMED, ev);
        }
        return new VerifyReport.Check(f, v < 0.25 ? Status.CONTRADICTED : Status.UNCHECKED, ev);
    }
}
