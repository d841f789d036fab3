package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.List;

/** x tanh(softplus(x)). */
public final class Mish extends ActivationFunction {

    Mish() {
        super("mish");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x * Math.tanh(softplus(x));
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        double t = Math.tanh(softplus(x));
        return t + x * (1 - t * t) * sigmoid(x);
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
        return List.of("ActivationMish");
    }
}
