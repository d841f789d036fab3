package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Randomised leaky ReLU: the negative slope drawn from U(l, u) in training. */
public final class RRelu extends ActivationFunction {

    RRelu() {
        super("rrelu");
    }

    @Override
    public double defaultAlpha() {
        return 1.0 / 8;
    }

    @Override
    public double defaultBeta() {
        return 1.0 / 3;
    }

    @Override
    public List<String> parameters() {
        return List.of("lower", "upper");
    }

    /** Values as at test time: the negative side scaled by the mean of U(l, u). */
    @Override
    public double phi(double x, double alpha, double beta) {
        return x > 0 ? x : (or(alpha, 1.0 / 8) + or(beta, 1.0 / 3)) / 2 * x;
    }

    /**
     * DL4J 1.0.0-M2.1's RReLU backprop tests its condition on an array of ones and never replaces it:
     * the gradient passes with slope 1 on both sides (measured, see README).
     */
    @Override
    public double slope(double x, double alpha, double beta) {
        return 1;
    }

    @Override
    public double leak(double alpha, double beta) {
        return (or(alpha, 1.0 / 8) + or(beta, 1.0 / 3)) / 2;
    }

    @Override
    public boolean unitSlope() {
        return true;
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
    public List<String> dl4jNames() {
        return List.of("ActivationRReLU");
    }

    @Override
    public Map<String, Object> dl4jFields(double alpha, double beta) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("l", alpha);
        m.put("u", beta);
        return m;
    }
}
