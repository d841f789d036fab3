package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.List;

/** max(0, tanh(x)). */
public final class RectifiedTanh extends ActivationFunction {

    RectifiedTanh() {
        super("rectifiedtanh");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x > 0 ? Math.tanh(x) : 0;
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        double t = Math.tanh(x);
        return x > 0 ? 1 - t * t : 0;
    }

    @Override
    public boolean rectifying() {
        return true;
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
        return List.of("ActivationRectifiedTanh");
    }
}
