package io.gradflow.rules;

import io.gradflow.analysis.LayerProfile;
import io.gradflow.model.Node;
import io.gradflow.rules.dead.DeadReluRisk;
import io.gradflow.rules.initialization.InitActivationMismatch;
import io.gradflow.rules.initialization.SymmetricInit;
import io.gradflow.rules.initialization.UnscaledInit;
import io.gradflow.rules.vanishing.DeepSaturatingStack;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules that name a cause of a bad verdict, and the part of the network where the gradient
 * or the signal is lost: what the model-level rules need so they speak only when no cause has.
 */
public final class Causes {

    private static final List<Rule> CAUSES = List.of(new DeepSaturatingStack(), new InitActivationMismatch(),
            new SymmetricInit(), new UnscaledInit(), new DeadReluRisk());

    private Causes() {
    }

    /** True when an enabled cause rule reports an error (after configuration) for this model. */
    public static boolean explained(RuleContext ctx) {
        for (Rule r : CAUSES) {
            if (!ctx.config().enabled(r.info().id())) {
                continue;
            }
            for (Finding f : r.check(ctx)) {
                Severity s = ctx.config().severityOverridden(r.info().id()) ? ctx.config().severity(r.info())
                        : f.severity();
                if (s == Severity.ERROR) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The contiguous run of hidden layers across which the gradient changes most in the given
     * direction.
     *
     * @param shrinking true to find the largest loss, false the largest growth
     * @return {from, to} layer nodes and the decades as a third element, or null
     */
    public static Segment worstSegment(RuleContext ctx, boolean shrinking) {
        List<Node> hidden = new ArrayList<>();
        for (Node n : ctx.model().nodes()) {
            if (Blocks.hidden(n)) {
                hidden.add(n);
            }
        }
        if (hidden.size() < 2) {
            return null;
        }
        double sign = shrinking ? -1 : 1;
        double best = 0;
        int bestFrom = -1;
        int bestTo = -1;
        double run = 0;
        int runFrom = 0;
        for (int i = 0; i + 1 < hidden.size(); i++) {
            LayerProfile a = ctx.profile(hidden.get(i));
            LayerProfile b = ctx.profile(hidden.get(i + 1));
            double step = a.gradientRms() > 0 && b.gradientRms() > 0
                    ? sign * Math.log10(a.gradientRms() / b.gradientRms()) : 0;
            if (run <= 0) {
                run = 0;
                runFrom = i;
            }
            run += step;
            if (run > best) {
                best = run;
                bestFrom = runFrom;
                bestTo = i + 1;
            }
        }
        return bestFrom < 0 ? null : new Segment(hidden.get(bestFrom), hidden.get(bestTo), sign * best);
    }

    /** A run of layers and the decades the gradient changes across it (negative: shrinks). */
    public record Segment(Node from, Node to, double decades) { }
}
