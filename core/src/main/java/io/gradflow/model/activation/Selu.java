package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.List;

/** The scaled ELU of self-normalising networks. */
public final class Selu extends ActivationFunction {

    Selu() {
        super("selu");
    }

    static final double LAMBDA = 1.0507009873554805;
    static final double ALPHA = 1.6732632423543772;

    @Override
    public double phi(double x, double alpha, double beta) {
        return LAMBDA * (x > 0 ? x : ALPHA * Math.expm1(x));
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return LAMBDA * (x > 0 ? 1 : ALPHA * Math.exp(x));
    }

    @Override
    public boolean nonDecreasing(double alpha) {
        return true;
    }

    @Override
    public boolean reluFamily() {
        return true;
    }

    @Override
    public InitScheme recommendedScheme() {
        return InitScheme.LECUN;
    }

    @Override
    public List<String> dl4jNames() {
        return List.of("ActivationSELU");
    }
}
