package io.gradflow.model.activation;

import java.util.List;

/** DL4J's rational approximation of 1.7159 tanh(2x/3). */
public final class RationalTanh extends ActivationFunction {

    RationalTanh() {
        super("rationaltanh");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        double y = 2 * x / 3;
        double a = Math.abs(y);
        return 1.7159 * Math.signum(y) * (1 - 1 / (1 + a + a * a + 1.41645 * a * a * a * a));
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        double y = Math.abs(2 * x / 3);
        double d = 1 + y + y * y + 1.41645 * y * y * y * y;
        return 1.7159 * (2.0 / 3) * (1 + 2 * y + 4 * 1.41645 * y * y * y) / (d * d);
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
        return List.of("ActivationRationalTanh");
    }

    @Override
    public double[] saturatedOutputs(double alpha, double beta) {
        return new double[] {-0.95 * 1.7159, 0.95 * 1.7159};
    }
}
