package io.gradflow.rules.exploding;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.Verdict;
import io.gradflow.model.LayerKind;
import io.gradflow.rules.Blocks;
import io.gradflow.rules.Category;
import io.gradflow.rules.Segments;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleContext;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.Severity;
import java.util.List;
import java.util.Locale;

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
        double update = a.firstToLastUpdateDecades();
        if (update > t) {
            Segments.Segment seg = Segments.worstSegment(ctx, false);
            String where = seg == null ? "" : String.format(Locale.US,
                    "; the gradient reaching the layers grows most across "
                    + "%s (%s decades)", Blocks.span(seg.from(), seg.to()), Blocks.dec(seg.decades()));
            String msg = String.format(Locale.US,
                    "the predicted weight gradient of the first hidden layer '%s' is 10^%s "
                            + "times the last hidden layer's '%s'%s (threshold 10^%s)%s", a.firstHidden(),
                    Blocks.dec(a.firstToLastDecades()), a.lastHidden(), Blocks.relativeUpdate(a),
                    Blocks.dec(t), where);
            String fix = "reduce the initialisers' scale (Xavier for tanh, He for ReLU), add normalisation after the "
                    + "first layers (a layer that feeds batch normalisation tunes its own step), or clip gradients "
                    + "(DL4J gradientNormalization)";
            if (seg == null) {
                return List.of(ctx.finding(INFO, Severity.ERROR, ctx.model().node(a.firstHidden()), msg, fix));
            }
            return List.of(ctx.finding(INFO, Severity.ERROR, seg.from(), seg.to(), seg.decades(), msg, fix));
        }
        String msg = String.format(Locale.US,
                "the activation RMS grows %s decades between the input and the last hidden "
                        + "layer '%s' (threshold %s)%s", Blocks.dec(a.signalDecades()), a.lastHidden(),
                Blocks.dec(ctx.config().thresholds().signalDecades()),
                hasResidual(ctx) ? ": every unnormalised residual block adds its branch's variance" : "");
        return List.of(ctx.finding(INFO, Severity.ERROR, ctx.model().node(a.lastHidden()), msg,
                hasResidual(ctx) ? "normalise inside the residual branches or scale the branch down (zero-init "
                        + "its last layer, Fixup, SkipInit)" : "scale the initialisers to the nonlinearity or add "
                        + "normalisation"));
    }

    private static boolean hasResidual(RuleContext ctx) {
        return ctx.model().nodes().stream().anyMatch(n -> n.kind() == LayerKind.ELEMENTWISE);
    }
}
