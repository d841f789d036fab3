package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** x above zero, alpha x below (0.01 by default in DL4J). */
public final class LeakyRelu extends ActivationFunction {

    LeakyRelu() {
        super("leakyrelu");
    }

    @Override
    public double defaultAlpha() {
        return 0.01;
    }

    @Override
    public List<String> parameters() {
        return List.of("alpha");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x > 0 ? x : or(alpha, 0.01) * x;
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return x > 0 ? 1 : or(alpha, 0.01);
    }

    @Override
    public double leak(double alpha, double beta) {
        return or(alpha, 0.01);
    }

    @Override
    public boolean nonDecreasing(double alpha) {
        return alpha >= 0;
    }

    @Override
    public boolean positivelyHomogeneous(double alpha) {
        return alpha >= 0;
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
    public String label(double alpha, double beta) {
        return "leakyrelu(" + fmt(alpha) + ")";
    }

    @Override
    public List<String> dl4jNames() {
        return List.of("ActivationLReLU");
    }

    @Override
    public List<String> dl4jAliases() {
        return List.of("leakyrelu");
    }

    @Override
    public Map<String, Object> dl4jFields(double alpha, double beta) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alpha", alpha);
        return m;
    }
}
