package io.gradflow.rules;

import io.gradflow.analysis.LayerProfile;
import io.gradflow.model.Activation;
import io.gradflow.model.Distribution;
import io.gradflow.model.WeightInit;

/**
 * The forward gain an initialiser gives a layer (per-weight variance times the number of inputs
 * each unit sums) against the gain its nonlinearity needs to keep the signal's scale.
 */
public final class InitScale {

    private InitScale() {
    }

    /** v x fanIn of the layer: 1 for Xavier on a square layer, 2 for He. NaN if unknown. */
    public static double gain(LayerProfile p) {
        return p.weightVariance() * p.fanIn();
    }

    /**
     * The scale a fan-scaled scheme means, v x fan on a square layer (Xavier 1, He 2, DL4J's
     * LECUN_UNIFORM 3), independent of this layer's shape: a wide first layer under Xavier is not
     * a mismatch, Xavier under ReLU is.
     */
    public static double nominal(WeightInit w) {
        double c = w.c();
        return w.shape() == WeightInit.Shape.TRUNCATED ? c * Distribution.TRUNCATION_FACTOR_2SD : c;
    }

    /** The v x fanIn that keeps the signal's scale through this nonlinearity. */
    public static double ideal(Activation a) {
        return a.fn().idealGain(a.alpha());
    }

    /** The initialiser to recommend for a nonlinearity, in DL4J's and Keras's names. */
    public static String recommend(Activation a) {
        return a.fn().recommendedInit();
    }
}
