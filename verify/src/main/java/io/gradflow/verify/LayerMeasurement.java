package io.gradflow.verify;

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
 */
public record LayerMeasurement(String layer, double weightGradientRms, double activationRms,
                               double activationMean, double saturated, double dead, double inactive,
                               double updateRatio, boolean nonFinite) {

    public LayerMeasurement withUpdateRatio(double r) {
        return new LayerMeasurement(layer, weightGradientRms, activationRms, activationMean, saturated, dead,
                inactive, r, nonFinite);
    }
}
