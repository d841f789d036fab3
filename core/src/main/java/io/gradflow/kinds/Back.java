package io.gradflow.kinds;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a node's backward step gives: the gradient it passes back ({@code through}, whose change
 * is the node's gain), the second moment of the gradient at its pre-activation ({@code gPre}, NaN
 * where it has none), the second moment of its weight gradient ({@code wg}, NaN for weightless
 * nodes), for merges that treat their inputs differently one gradient per input, and how the
 * gradient passed back is spread over a sequence's steps ({@code steps}: null where the node
 * passes on the spread that reached it).
 */
public record Back(Grad through, double gPre, double wg, @Nullable List<Grad> perInput, @Nullable Steps steps) {

    public Back(Grad through, double gPre, double wg, @Nullable List<Grad> perInput) {
        this(through, gPre, wg, perInput, null);
    }

    /** The same gradient to every input. */
    public static Back of(Grad through) {
        return new Back(through, Double.NaN, Double.NaN, null, null);
    }

    /** The same gradient to every input, with the node's pre-activation and weight gradients. */
    public static Back of(Grad through, double gPre, double wg) {
        return new Back(through, gPre, wg, null, null);
    }

    /** The same step with the gradient spread over the input's steps as {@code s} says. */
    public Back withSteps(Steps s) {
        return new Back(through, gPre, wg, perInput, s);
    }

    /**
     * How a gradient is spread over the steps of a sequence: {@code shape} holds its second moment
     * per step relative to the mean over steps (null: the same at every step). A recurrent layer
     * also says what its recurrence does: {@code decades} is log10 of the RMS of the gradient
     * reaching its input at the first step over the one at the last (for a bidirectional layer,
     * at the step farthest from both ends over the ends'), as the loss delivers it;
     * {@code ownDecades} the same for a gradient that enters at the last step only (the
     * recurrence's own memory). NaN where the node is not recurrent. {@code paths}, where an
     * identity recurrence gives them, are samples of the gradient at its input (one input unit
     * each, by steps) relative to the mean second moment: that gradient is strongly correlated
     * from step to step, and an identity recurrence below adds it up coherently. {@code aligned},
     * where an LSTM or GRU gives it, is how the gradient it passes back is spread and aligned from
     * step to step once the same input kernel at every step is counted (docs/theory.md section 8.8).
     */
    public record Steps(double @Nullable [] shape, int count, double decades, double ownDecades,
                        double @Nullable [][] paths, @Nullable Aligned aligned) {

        /** Without a covariance over the steps. */
        public Steps(double @Nullable [] shape, int count, double decades, double ownDecades) {
            this(shape, count, decades, ownDecades, null, null);
        }

        /** An identity recurrence's sampled paths. */
        public Steps(double @Nullable [] shape, int count, double decades, double ownDecades,
                     double @Nullable [][] paths) {
            this(shape, count, decades, ownDecades, paths, null);
        }

        /** An LSTM's or GRU's alignment over the steps. */
        public Steps(double @Nullable [] shape, int count, double decades, double ownDecades,
                     @Nullable Aligned aligned) {
            this(shape, count, decades, ownDecades, null, aligned);
        }

        /** The same gradient at every step (what averaging over the steps leaves). */
        public static final Steps FLAT = new Steps(null, 0, Double.NaN, Double.NaN);

        /** A spread without a recurrence's figures. */
        public static Steps of(double @Nullable [] shape) {
            return new Steps(shape, shape == null ? 0 : shape.length, Double.NaN, Double.NaN);
        }

        /** Whether a recurrence measured itself here. */
        public boolean recurrent() {
            return !Double.isNaN(ownDecades);
        }
    }

    /**
     * The gradient a recurrent layer passes back, over the steps, with its steps' alignment
     * (docs/theory.md section 8.8): {@code shape} its second moment per step relative to the mean
     * over the steps, {@code correlation[t][s - t - 1]} the correlation coefficient of the vector
     * at step {@code t} with the one at a later step {@code s}.
     */
    public record Aligned(double[] shape, double[][] correlation) { }
}
