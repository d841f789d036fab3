package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;

/** x relu6(x + 3) / 6 (Keras's hard_silu); Deeplearning4j has no class for it. */
public final class HardSwish extends ActivationFunction {

    HardSwish() {
        super("hardswish");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x * Math.max(0, Math.min(6, x + 3)) / 6;
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return x < -3 ? 0 : x > 3 ? 1 : (2 * x + 3) / 6;
    }

    @Override
    public double[] kinks(double alpha, double beta) {
        return new double[] {-3, 3};
    }

    @Override
    public boolean reluFamily() {
        return true;
    }

    @Override
    public double idealGain(double alpha) {
        return 2;
    }

    @Override
    public InitScheme recommendedScheme() {
        return InitScheme.HE;
    }
}
