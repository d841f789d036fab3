package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.List;

/** x sigmoid(x), also called SiLU. */
public final class Swish extends ActivationFunction {

    Swish() {
        super("swish");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x * sigmoid(x);
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        double s = sigmoid(x);
        return s + x * s * (1 - s);
    }

    @Override
    public boolean reluFamily() {
        return true;
    }

    @Override
    public double idealGain(double alpha) {
        return 1.6;
    }

    @Override
    public InitScheme recommendedScheme() {
        return InitScheme.HE;
    }

    @Override
    public List<String> dl4jNames() {
        return List.of("ActivationSwish");
    }
}
