package io.gradflow.verify;

import org.jspecify.annotations.Nullable;

/**
 * What one layer measured over the probe batches.
 *
 * @param layer             node name
 * @param weightGradientRms per-element RMS of the weight gradient (NaN for weightless layers)
 * @param activationRms     RMS of the layer's output
 * @param activationMean    mean of the layer's output
 * @param saturated         fraction of outputs where a sigmoid/tanh-family slope is below 10% of its
 *                          maximum (NaN for other activations)
 * @param dead              fraction of ReLU-family units inactive for every example of a batch
 *                          (NaN for other activations)
 * @param inactive          fraction of ReLU-family outputs that are zero (NaN for other activations)
 * @param updateRatio       mean |update| / |weights| per training step (NaN before training)
 * @param nonFinite         whether a NaN or infinity appeared in the layer's output or gradient
 * @param gradientRms       RMS of the loss gradient at the layer's output (NaN where the network gives
 *                          no view of it: layers without an activation of their own)
 * @param throughTime       for a recurrent layer reading a sequence: log10 of the gradient's RMS at its
 *                          input's first step over the last step's, NaN otherwise
 * @param zeros             for a network measured in a half-precision format: its weight gradients'
 *                          exact zeros there and in float32 from the same weights and batches; null
 *                          otherwise
 */
public record LayerMeasurement(String layer, double weightGradientRms, double activationRms,
                               double activationMean, double saturated, double dead, double inactive,
                               double updateRatio, boolean nonFinite, double gradientRms, double throughTime,
                               @Nullable Zeros zeros) {

    /**
     * Exactly-zero weight-gradient entries of one layer, over the probe batches at initialisation.
     *
     * @param format   the half-precision format the network was measured in ("float16")
     * @param inFormat fraction of the entries that are zero in that format
     * @param float32  fraction that are zero in the float32 network (dead units, pooling: zeros that
     *                 are no rounding)
     * @param flushed  fraction that are zero in the format and not in float32: rounded to zero
     */
    public record Zeros(String format, double inFormat, double float32, double flushed) { }

    public LayerMeasurement(String layer, double weightGradientRms, double activationRms, double activationMean,
                            double saturated, double dead, double inactive, double updateRatio, boolean nonFinite,
                            double gradientRms, double throughTime) {
        this(layer, weightGradientRms, activationRms, activationMean, saturated, dead, inactive, updateRatio,
                nonFinite, gradientRms, throughTime, null);
    }

    public LayerMeasurement(String layer, double weightGradientRms, double activationRms, double activationMean,
                            double saturated, double dead, double inactive, double updateRatio, boolean nonFinite) {
        this(layer, weightGradientRms, activationRms, activationMean, saturated, dead, inactive, updateRatio,
                nonFinite, Double.NaN, Double.NaN);
    }

    public LayerMeasurement withUpdateRatio(double r) {
        return new LayerMeasurement(layer, weightGradientRms, activationRms, activationMean, saturated, dead,
                inactive, r, nonFinite, gradientRms, throughTime, zeros);
    }
}
