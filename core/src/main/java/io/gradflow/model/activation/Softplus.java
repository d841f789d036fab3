package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.List;

/** log(1 + e^x). */
public final class Softplus extends ActivationFunction {

    Softplus() {
        super("softplus");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return softplus(x);
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return sigmoid(x);
    }

    @Override
    public boolean nonDecreasing(double alpha) {
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

    @Override
    public List<String> dl4jNames() {
        return List.of("ActivationSoftPlus");
    }
}
