package io.gradflow.kinds;

import io.gradflow.math.Moments;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the forward pass found at one node: the moments that entered it (after the dropout it
 * applies to its input) and that it produces, what its nonlinearity sees, how that nonlinearity
 * passes the gradient back, the normalisation's factor, the weights, the positions a weight
 * gradient sums, the share of the output's variance that is a positional pattern, and the kind's
 * own record. Immutable: the engine replaces a state where a later node refines it.
 *
 * @param in            moments arriving (after input dropout), null for a network input
 * @param out           moments leaving
 * @param pre           what the node's nonlinearity sees, or null
 * @param slopes        the nonlinearity's slope moments at {@code pre}
 * @param normFactor    the factor a normalisation applies to the gradient's second moment (1 if none)
 * @param weights       the initial weights, or null for a weightless node
 * @param positions     positions the weight gradient (or a pooling window) spans
 * @param patternRelVar relative variance across channels of the output's positional pattern
 * @param own           the kind's own record, or null
 */
public record LayerState(@Nullable Moments in, Moments out, @Nullable Moments pre, Slopes slopes, double normFactor,
                         @Nullable Weights weights,
                         double positions, double patternRelVar, @Nullable KindData own) {

    /** A node that passes {@code out} on and has nothing else to say. */
    public static LayerState of(@Nullable Moments in, Moments out) {
        return new LayerState(in, out, null, Slopes.ONE, 1, null, 1, 0, null);
    }

    public LayerState withOut(Moments o) {
        return new LayerState(in, o, pre, slopes, normFactor, weights, positions, patternRelVar, own);
    }

    public LayerState withSlopes(Slopes s) {
        return new LayerState(in, out, pre, s, normFactor, weights, positions, patternRelVar, own);
    }

    public LayerState withNormFactor(double f) {
        return new LayerState(in, out, pre, slopes, f, weights, positions, patternRelVar, own);
    }

    /** The same node with exact values from an element-wise chain. */
    public LayerState exact(Moments o, Moments p, Slopes s) {
        return new LayerState(in, o, p, s, normFactor, weights, positions, patternRelVar, own);
    }

    /** The kind's own record, of the type the kind wrote. */
    public <T extends KindData> T own(Class<T> type) {
        return type.cast(Objects.requireNonNull(own, "the kind wrote its record"));
    }
}
