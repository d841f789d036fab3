package io.gradflow.rules;

import io.gradflow.analysis.LayerProfile;
import io.gradflow.model.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The part of the network where the gradient changes most, for the verdict rules' messages. */
public final class Segments {

    private Segments() {
    }

    /**
     * The contiguous run of hidden layers across which the gradient reaching them (at their
     * pre-activation) changes most in the given direction.
     *
     * @param shrinking true to find the largest loss, false the largest growth
     * @return {from, to} layer nodes and the decades as a third element, or null
     */
    public static @Nullable Segment worstSegment(RuleContext ctx, boolean shrinking) {
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
            LayerProfile a = Objects.requireNonNull(ctx.profile(hidden.get(i)), "every layer has a profile");
            LayerProfile b = Objects.requireNonNull(ctx.profile(hidden.get(i + 1)), "every layer has a profile");
            double step = Double.isFinite(a.logGradient()) && Double.isFinite(b.logGradient())
                    ? sign * (a.logGradient() - b.logGradient()) : 0;
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
