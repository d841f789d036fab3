package io.gradflow.model.activation;

import java.util.List;

/** The hyperbolic tangent. */
public final class Tanh extends ActivationFunction {

    Tanh() {
        super("tanh");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return Math.tanh(x);
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        double t = Math.tanh(x);
        return 1 - t * t;
    }

    @Override
    public double slope(double x, double y, double alpha, double beta) {
        return 1 - y * y;
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
        return List.of("ActivationTanH");
    }

    @Override
    public double[] saturatedOutputs(double alpha, double beta) {
        return new double[] {-0.9487, 0.9487};
    }
}
