package io.gradflow.model.activation;

import java.util.List;

/** clip(alpha x + 0.5, 0, 1): its slope never exceeds alpha, less than the sigmoid's 0.25. */
public final class HardSigmoid extends ActivationFunction {

    HardSigmoid() {
        super("hardsigmoid");
    }

    /** DL4J's (and Keras 2's) slope 0.2; Keras 3 uses 1/6. */
    @Override
    public double defaultAlpha() {
        return 0.2;
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return Math.max(0, Math.min(1, or(alpha, 0.2) * x + 0.5));
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        double s = or(alpha, 0.2);
        return Math.abs(x) < 0.5 / s ? s : 0;
    }

    @Override
    public double[] kinks(double alpha, double beta) {
        return new double[] {-0.5 / or(alpha, 0.2), 0.5 / or(alpha, 0.2)};
    }

    @Override
    public boolean saturating() {
        return true;
    }

    @Override
    public boolean nonDecreasing(double alpha) {
        return true;
    }

    @Override
    public List<String> dl4jNames() {
        return List.of("ActivationHardSigmoid");
    }

    /** DL4J's hard sigmoid has Keras 2's slope 0.2; Keras 3's 1/6 is not DL4J's. */
    @Override
    public boolean dl4jExact(double alpha, double beta) {
        return Double.isNaN(alpha) || alpha == 0.2;
    }

    @Override
    public double[] saturatedOutputs(double alpha, double beta) {
        return new double[] {1e-9, 1 - 1e-9};
    }
}
