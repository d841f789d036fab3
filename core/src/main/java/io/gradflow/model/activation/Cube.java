package io.gradflow.model.activation;

import java.util.List;

/** x^3. */
public final class Cube extends ActivationFunction {

    Cube() {
        super("cube");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x * x * x;
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return 3 * x * x;
    }

    @Override
    public double logAbsPhi(double x, double alpha, double beta) {
        return 3 * Math.log(Math.abs(x));
    }

    @Override
    public boolean nonDecreasing(double alpha) {
        return true;
    }

    @Override
    public List<String> dl4jNames() {
        return List.of("ActivationCube");
    }
}
