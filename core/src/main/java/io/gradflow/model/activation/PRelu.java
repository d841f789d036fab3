package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.List;

/** Leaky ReLU with learned slopes; alpha is their initial value. */
public final class PRelu extends ActivationFunction {

    PRelu() {
        super("prelu");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x > 0 ? x : or(alpha, 0.01) * x;
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return x > 0 ? 1 : or(alpha, 0.01);
    }

    /** The initial slopes (Keras initialises them to zero: a ReLU at first). */
    @Override
    public double leak(double alpha, double beta) {
        return or(alpha, 0);
    }

    @Override
    public boolean reluFamily() {
        return true;
    }

    @Override
    public double idealGain(double alpha) {
        return 2 / (1 + or(alpha, 0.01) * or(alpha, 0.01));
    }

    @Override
    public InitScheme recommendedScheme() {
        return InitScheme.HE;
    }

    @Override
    public List<String> dl4jAliases() {
        return List.of("prelu");
    }
}
