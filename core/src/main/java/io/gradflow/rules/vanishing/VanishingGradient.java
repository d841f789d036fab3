package io.gradflow.rules.vanishing;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.Verdict;
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
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The model's predicted verdict is vanishing and no more specific rule has said why. */
public final class VanishingGradient implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF010", "vanishing-gradient", Severity.ERROR,
            Category.VANISHING_GRADIENT,
            "The predicted gradient at the first hidden layer, or the signal at the last, is below the threshold",
            "0.1.0")
            .withRole(RuleInfo.Role.VERDICT);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        GradientAnalysis a = ctx.analysis();
        if (a.verdict() != Verdict.VANISHING) {
            return List.of();
        }
        double t = ctx.config().thresholds().signalDecades();
        if (Double.isNaN(a.signalDecades()) || Double.isNaN(a.firstToLastDecades())) {
            // a signal that is exactly zero, or too small for a double: no ratio to quote
            Node last = Objects.requireNonNull(
                    ctx.model().node(a.lastHidden() != null ? a.lastHidden() : a.signalLayer()),
                    "a dead signal is found at a layer");
            String msg = String.format(Locale.US,
                    "the predicted activation RMS of the last hidden layer '%s' is zero (or below "
                    + "what a double holds): the network's output does not depend on its input, and no gradient "
                    + "reaches the first layers", last.name());
            return List.of(ctx.finding(INFO, Severity.ERROR, last, msg, "scale the initialisers to the nonlinearity "
                    + "(He for ReLU, Xavier for tanh) or add batch normalisation"));
        }
        if (a.signalDecades() < -t) {
            Node where = firstBelow(ctx, -t);
            String msg = String.format(Locale.US, "the activation RMS falls %s decades between the input and the last "
                            + "hidden layer '%s' (threshold %s): the network's output barely depends on its "
                            + "input%s", Blocks.dec(a.signalDecades()), a.lastHidden(), Blocks.dec(t),
                    where == null ? "" : "; it is past the threshold from layer '" + where.name() + "' on");
            return List.of(ctx.finding(INFO, Severity.ERROR, where != null ? where : ctx.model().node(a.lastHidden()),
                    msg, "scale the initialisers to the nonlinearity (He for ReLU, Xavier for tanh) or add "
                            + "batch normalisation"));
        }
        Segments.Segment seg = Segments.worstSegment(ctx, true);
        String where = seg == null ? "" : String.format(Locale.US,
                "; the gradient reaching the layers shrinks most across "
                + "%s (%s decades)", Blocks.span(seg.from(), seg.to()), Blocks.dec(seg.decades()));
        String msg = String.format(Locale.US,
                "the predicted weight gradient of the first hidden layer '%s' is 10^-%s of the "
                        + "last hidden layer's '%s'%s (threshold 10^-%s)%s", a.firstHidden(),
                Blocks.dec(a.firstToLastDecades()), a.lastHidden(), Blocks.relativeUpdate(a),
                Blocks.dec(ctx.config().thresholds().vanishingDecades()), where);
        String fix = "add batch normalisation or residual connections across that part, or use ReLU with He init";
        if (seg == null) {
            return List.of(ctx.finding(INFO, Severity.ERROR, ctx.model().node(a.firstHidden()), msg, fix));
        }
        return List.of(ctx.finding(INFO, Severity.ERROR, seg.from(), seg.to(), seg.decades(), msg, fix));
    }

    private static @Nullable Node firstBelow(RuleContext ctx, double decades) {
        double in = 0;
        for (LayerProfile p : ctx.analysis().layers()) {
            if (p.node().kind() == io.gradflow.model.LayerKind.INPUT) {
                in = p.logActivation();
                continue;
            }
            if (Blocks.hidden(p.node()) && p.logActivation() - in < decades) {
                return p.node();
            }
        }
        return null;
    }
}
