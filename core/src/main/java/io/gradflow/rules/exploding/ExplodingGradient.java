package io.gradflow.rules.exploding;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.Verdict;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.rules.Blocks;
import io.gradflow.rules.Category;
import io.gradflow.rules.Segments;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleContext;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.Severity;
import java.util.List;

/** The model's predicted verdict is exploding and no more specific rule has said why. */
public final class ExplodingGradient implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF011", "exploding-gradient", Severity.ERROR,
            Category.EXPLODING_GRADIENT,
            "The predicted gradient grows past the threshold towards the input, or the signal grows past it",
            "0.1.0")
            .withRole(RuleInfo.Role.VERDICT);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        GradientAnalysis a = ctx.analysis();
        if (a.verdict() != Verdict.EXPLODING) {
            return List.of();
        }
        double t = ctx.config().thresholds().explodingDecades();
        if (a.firstToLastDecades() > t) {
            Segments.Segment seg = Segments.worstSegment(ctx, false);
            String where = seg == null ? "" : String.format("; most of the growth is across %s (%s decades)",
                    Blocks.span(seg.from(), seg.to()), Blocks.dec(seg.decades()));
            String msg = String.format("the predicted weight gradient of the first hidden layer '%s' is 10^%s "
                            + "times the last hidden layer's '%s' (threshold 10^%s)%s", a.firstHidden(),
                    Blocks.dec(a.firstToLastDecades()), a.lastHidden(), Blocks.dec(t), where);
            Severity sev = Severity.ERROR;
            String fix = "reduce the initialisers' scale (Xavier for tanh, He for ReLU), add normalisation, or clip "
                    + "gradients (DL4J gradientNormalization)";
            if (scaleInvariant(ctx.model()) && hasResidual(ctx)
                    && Math.abs(a.signalDecades()) <= ctx.config().thresholds().signalDecades()) {
                sev = Severity.WARNING;
                msg += "; every weighted layer feeds a normalisation and the blocks are residual, so SGD damps a "
                        + "layer with large gradients itself (its weights grow, its effective step shrinks)";
                fix = "if the first layers' steps are too large, give them a smaller learning rate, use an "
                        + "adaptive updater (Adam), or clip gradients (DL4J gradientNormalization)";
            }
            if (seg == null) {
                return List.of(ctx.finding(INFO, sev, ctx.model().node(a.firstHidden()), msg, fix));
            }
            return List.of(ctx.finding(INFO, sev, seg.from(), seg.to(), seg.decades(), msg, fix));
        }
        String msg = String.format("the activation RMS grows %s decades between the input and the last hidden "
                        + "layer '%s' (threshold %s)%s", Blocks.dec(a.signalDecades()), a.lastHidden(),
                Blocks.dec(ctx.config().thresholds().signalDecades()),
                hasResidual(ctx) ? ": every unnormalised residual block adds its branch's variance" : "");
        return List.of(ctx.finding(INFO, Severity.ERROR, ctx.model().node(a.lastHidden()), msg,
                hasResidual(ctx) ? "normalise inside the residual branches or scale the branch down (zero-init "
                        + "its last layer, Fixup, SkipInit)" : "scale the initialisers to the nonlinearity or add "
                        + "normalisation"));
    }

    /**
     * Every weighted layer but the outputs feeds nothing but batch or layer normalisation, through
     * an activation that scales with its input (identity, ReLU, leaky ReLU): the loss is then
     * invariant to each layer's weight scale, so a gradient step, orthogonal to the weights, grows
     * their norm by the step's square and lowers that layer's effective learning rate (Arora, Li and
     * Lyu 2019). With residual blocks, as in ResNet, a weight-gradient ratio past the threshold is
     * then self-correcting under SGD; a plain normalised stack keeps the error, its gradient
     * explosion makes it untrainable at depth (Yang et al. 2019).
     */
    static boolean scaleInvariant(ModelGraph g) {
        boolean any = false;
        for (Node n : g.nodes()) {
            if (!n.hasWeights() || n.kind() == LayerKind.OUTPUT) {
                continue;
            }
            any = true;
            if (n.layerNorm()) {
                continue;   // normalised inside the layer, before its activation
            }
            boolean homogeneous = n.activation() == null || n.activation().positivelyHomogeneous();
            List<String> users = g.consumers(n.name());
            if (!homogeneous || users.isEmpty() || !users.stream().allMatch(u -> g.node(u).kind().normalization())) {
                return false;
            }
        }
        return any;
    }

    private static boolean hasResidual(RuleContext ctx) {
        return ctx.model().nodes().stream().anyMatch(n -> n.kind() == LayerKind.ELEMENTWISE);
    }
}
