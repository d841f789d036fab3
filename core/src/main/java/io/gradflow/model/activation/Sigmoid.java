package io.gradflow.model.activation;

import java.util.List;

/** The logistic function 1 / (1 + e^-x): its slope is at most 0.25. */
public final class Sigmoid extends ActivationFunction {

    Sigmoid() {
        super("sigmoid");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return sigmoid(x);
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        double s = sigmoid(x);
        return s * (1 - s);
    }

    @Override
    public double slope(double x, double y, double alpha, double beta) {
        return y * (1 - y);
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
        return List.of("ActivationSigmoid");
    }

    @Override
    public double[] saturatedOutputs(double alpha, double beta) {
        return new double[] {0.0257, 1 - 0.0257};
    }
}
