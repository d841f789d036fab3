package io.gradflow.verify;

import io.gradflow.analysis.Verdict;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A measured gradient profile: the same model numbers as the prediction, from a real network.
 *
 * @param verdict            measured verdict, by the prediction's definitions and thresholds;
 *                           {@link Verdict#UNKNOWN} when a number it needs is not finite
 * @param firstToLastDecades log10 of first over last hidden layer's measured weight-gradient RMS
 * @param signalDecades      log10 of the last hidden block's measured activation RMS over the input's
 * @param steps              training steps done before this measurement (0 at initialisation)
 * @param layers             per-layer measurements, in the model's order
 * @param nonFiniteAt        the layer where a NaN or infinity appeared, or null: the first (in the model's
 *                           order) whose output is not finite, else the deepest whose weight gradient is
 *                           not (a backward pass runs from the output toward the input)
 */
public record Measurement(Verdict verdict, double firstToLastDecades, double signalDecades, int steps,
                          List<LayerMeasurement> layers, @Nullable String nonFiniteAt) {

    public Measurement(Verdict verdict, double firstToLastDecades, double signalDecades, int steps,
                       List<LayerMeasurement> layers) {
        this(verdict, firstToLastDecades, signalDecades, steps, layers, null);
    }

    public @Nullable LayerMeasurement layer(String name) {
        for (LayerMeasurement l : layers) {
            if (l.layer().equals(name)) {
                return l;
            }
        }
        return null;
    }
}
