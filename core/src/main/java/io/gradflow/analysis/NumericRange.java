package io.gradflow.analysis;

import io.gradflow.model.NumberFormat;
import io.gradflow.model.Precision;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Where a model's predicted numbers leave the range of the format it computes in
 * (docs/theory.md section 13). Activations are absolute (the input has RMS 1); gradients are
 * made absolute with an assumed loss gradient at the output ({@link #outputGradientLog10}) and
 * the batch size, as the framework stores them in its backward pass.
 *
 * @param numbers              the model's number format
 * @param forward              the first activation that leaves the range, or null
 * @param gradients            weight gradients and gradients that leave the range, from the
 *                             output back
 * @param lossScale            what a loss scale can do for the gradients, or null where every
 *                             gradient sits in its format's normal range
 * @param outputGradientLog10  log10 of the assumed per-example RMS of the loss gradient at the
 *                             output layer's pre-activation
 */
public record NumericRange(NumberFormat numbers, @Nullable Event forward, List<Event> gradients,
                           @Nullable LossScale lossScale,
                           double outputGradientLog10) {

    public NumericRange {
        gradients = List.copyOf(gradients);
    }

    /** What leaves the range. */
    public enum Quantity {
        ACTIVATION("activation"), GRADIENT("gradient reaching"), WEIGHT_GRADIENT("weight gradient");

        private final String words;

        Quantity(String words) {
            this.words = words;
        }

        /** How messages name it. */
        public String words() {
            return words;
        }
    }

    /** Which way. */
    public enum Direction {
        /** Past the largest finite value: infinity, then NaN. */
        OVERFLOW,
        /** Under half the smallest subnormal for most entries: they round to zero. */
        UNDERFLOW;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One layer's quantity out of range.
     *
     * @param layer      the node
     * @param quantity   what leaves the range
     * @param direction  which way
     * @param precision  the format it leaves
     * @param log10Rms   log10 of the quantity's predicted RMS
     * @param log10Limit log10 of the bound it passes (the format's largest value, or its smallest subnormal)
     * @param flushed    predicted fraction of entries that round to zero (underflow), else 0
     */
    public record Event(String layer, Quantity quantity, Direction direction, Precision precision, double log10Rms,
                        double log10Limit, double flushed) {

        /** Decades by which the RMS passes the bound (positive). */
        public double decades() {
            return Math.abs(log10Rms - log10Limit);
        }
    }

    /**
     * The power-of-two loss scale that would bring every gradient into range: the loss times
     * 2^k before the backward pass, the gradients divided by it before the update.
     *
     * @param minLog2     smallest k that lifts the smallest weight gradient's RMS to the format's
     *                    smallest normal value
     * @param maxLog2     largest k that keeps the largest gradient's peak under the format's maximum
     * @param precision   the format the gradients are computed in
     * @param dynamic     whether the framework scales the loss dynamically (from 2^15 down)
     */
    public record LossScale(int minLog2, int maxLog2, @Nullable Precision precision, boolean dynamic) {

        /** The initial scale dynamic loss scaling starts from (Keras, PyTorch): 2^15. */
        public static final int DYNAMIC_START = 15;

        /** Whether one scale brings all gradients into range. */
        public boolean fits() {
            return minLog2 <= maxLog2;
        }

        /** The scale to use: the smallest that lifts the small gradients, or 1 if none is needed. */
        public int advisedLog2() {
            return minLog2 > 0 ? minLog2 : Math.min(0, maxLog2);
        }

        /** Whether dynamic loss scaling finds a fitting scale quickly (at or below its start, by halving). */
        public boolean dynamicReaches() {
            return dynamic && fits() && advisedLog2() <= DYNAMIC_START;
        }
    }

    /** Whether the activations overflow (the loss is not a number). */
    public boolean forwardOverflows() {
        return forward != null && forward.direction() == Direction.OVERFLOW;
    }

    /** Whether the signal rounds to zero before it reaches an output. */
    public boolean forwardUnderflows() {
        return forward != null && forward.direction() == Direction.UNDERFLOW;
    }
}
