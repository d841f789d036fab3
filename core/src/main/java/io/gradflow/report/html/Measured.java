package io.gradflow.report.html;

import java.util.List;
import java.util.Map;

/**
 * What a real run measured for one model, as the HTML report draws it beside the prediction:
 * the verify module fills it from its measurements.
 *
 * @param verdict            the measured verdict ("healthy", "vanishing"...)
 * @param firstToLastDecades log10 of the first over the last hidden layer's weight-gradient RMS
 * @param signalDecades      log10 of the last hidden block's activation RMS over the input's
 * @param where              where and how it was measured, one line ("CPU (...); weights initialised")
 * @param layers             per layer name: its measured activation and weight-gradient RMS (NaN where none)
 * @param findingNotes       per finding (in the model's order): whether the measurement bore it out, or null
 */
public record Measured(String verdict, double firstToLastDecades, double signalDecades, String where,
                       Map<String, Layer> layers, List<String> findingNotes) {

    /**
     * One layer's measured numbers.
     *
     * @param flushed for a run in half precision, the fraction of its weight-gradient entries that
     *                rounded to zero (zero there, not in float32); NaN otherwise
     */
    public record Layer(double activationRms, double weightGradientRms, double flushed) {

        public Layer(double activationRms, double weightGradientRms) {
            this(activationRms, weightGradientRms, Double.NaN);
        }
    }
}
