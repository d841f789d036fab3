package io.gradflow.model.activation;

import java.util.List;

/** clip(x, -1, 1). */
public final class HardTanh extends ActivationFunction {

    HardTanh() {
        super("hardtanh");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return Math.max(-1, Math.min(1, x));
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return Math.abs(x) < 1 ? 1 : 0;
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
        return List.of("ActivationHardTanH");
    }

    @Override
    public double[] saturatedOutputs(double alpha, double beta) {
        return new double[] {-1 + 1e-9, 1 - 1e-9};
    }
}
