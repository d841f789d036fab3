package io.gradflow.rules.recurrent;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.WeightInit;
import io.gradflow.rules.Blocks;
import io.gradflow.rules.Category;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleContext;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A recurrent layer through whose steps the gradient vanishes or explodes: what the loss sends
 * back to the last step reaches the first 10^3 times smaller (or larger), so the layer cannot
 * learn from the start of its sequences (or its updates blow up).
 */
public final class UnstableThroughTime implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF017", "unstable-through-time", Severity.ERROR,
            Category.VANISHING_GRADIENT,
            "The gradient through a recurrent layer's steps vanishes or explodes before it reaches the first step",
            "0.2.0")
            .withRole(RuleInfo.Role.CAUSE);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        GradientAnalysis a = ctx.analysis();
        double vanish = ctx.config().thresholds().vanishingDecades();
        double explode = ctx.config().thresholds().explodingDecades();
        List<Finding> out = new ArrayList<>();
        for (LayerProfile p : a.layers()) {
            LayerProfile.Time t = p.time();
            if (t == null || Double.isNaN(t.decades()) || !p.certain()) {
                continue;
            }
            boolean vanishes = t.decades() < -vanish;
            boolean explodes = t.decades() > explode;
            if (!vanishes && !explodes) {
                continue;
            }
            Node n = p.node();
            double threshold = vanishes ? vanish : explode;
            String where = n.kind() == LayerKind.BIDIRECTIONAL
                    ? String.format(Locale.US, "the gradient reaching its middle step is 10^%s of the one reaching "
                    + "its ends", signed(t.decades()))
                    : String.format(Locale.US, "the gradient reaching step 1 is 10^%s of the one reaching step %d",
                    signed(t.decades()), t.steps());
            String within = t.perStep() != 0 && Math.signum(t.perStep()) == Math.signum(t.decades())
                    ? String.format(Locale.US, ", so it %s 10^%s within %d steps", vanishes ? "falls" : "grows",
                    Blocks.dec(threshold), (int) Math.ceil(threshold / Math.abs(t.perStep())))
                    : "";
            String msg = String.format(Locale.US, "layer '%s' (%s): over its %d steps, %s (threshold 10^%s%s): "
                            + "each step back multiplies it by 10^%s (%s)%s", n.name(), n.type(), t.steps(), where,
                    vanishes ? "-" : "", Blocks.dec(threshold), String.format(Locale.US, "%+.3f", t.perStep()),
                    cause(n), within);
            // the span's decades are the change through the steps: its sign tells a fix which way it goes
            out.add(ctx.finding(INFO, Severity.ERROR, n, n, t.decades(), msg, fix(n, vanishes)));
        }
        return out;
    }

    private static String signed(double d) {
        return String.format(Locale.US, "%.2f", d);
    }

    /** What sets the per-step factor, in the file's words. */
    private static String cause(Node outer) {
        Node n = outer.core();
        Activation act = n.activation() == null ? Activation.TANH : n.activation();
        WeightInit rec = n.recurrentInit() != null ? n.recurrentInit() : n.weightInit();
        String r = "recurrent " + (rec == null ? "weights" : rec.label()) + ", " + act.label();
        if (n.kind() == LayerKind.LSTM) {
            return r + String.format(Locale.US, ", forget-gate bias %.3g", n.forgetGateBias());
        }
        return r;
    }

    private static String fix(Node outer, boolean vanishes) {
        Node n = outer.core();
        if (!vanishes) {
            return "clip the gradient (Keras clipnorm, DL4J gradientNormalization ClipL2PerLayer) and initialise the "
                    + "recurrent weights orthogonally with gain 1";
        }
        if (n.kind() == LayerKind.SIMPLE_RNN) {
            return "initialise the recurrent weights orthogonally (gain 1) or as the identity, or use an LSTM or GRU";
        }
        if (n.kind() == LayerKind.LSTM && n.forgetGateBias() < 1) {
            return n.hasBias() ? "set the forget-gate bias to 1 (Keras unit_forget_bias=True, DL4J forgetGateBiasInit 1, "
                    + "DSL forgetbias 1; `gradflow lint --fix` does it)"
                    : "give the layer a bias (Keras use_bias=True) with its forget-gate slice at 1 (unit_forget_bias=True)";
        }
        return "return every step to the loss, pool over the steps, or train on shorter windows "
                + "(truncated backpropagation through time)";
    }
}
