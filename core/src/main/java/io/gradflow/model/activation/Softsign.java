package io.gradflow.model.activation;

import java.util.List;

/** x / (1 + |x|). */
public final class Softsign extends ActivationFunction {

    Softsign() {
        super("softsign");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x / (1 + Math.abs(x));
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        double d = 1 + Math.abs(x);
        return 1 / (d * d);
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
        return List.of("ActivationSoftSign");
    }

    @Override
    public double[] saturatedOutputs(double alpha, double beta) {
        return new double[] {-0.6838, 0.6838};
    }
}
