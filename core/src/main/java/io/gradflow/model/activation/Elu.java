package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** x above zero, alpha (e^x - 1) below. */
public final class Elu extends ActivationFunction {

    Elu() {
        super("elu");
    }

    @Override
    public double defaultAlpha() {
        return 1;
    }

    @Override
    public List<String> parameters() {
        return List.of("alpha");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x > 0 ? x : or(alpha, 1.0) * Math.expm1(x);
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return x > 0 ? 1 : or(alpha, 1.0) * Math.exp(x);
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
    public double idealGain(double alpha) {
        return 1.6;
    }

    @Override
    public InitScheme recommendedScheme() {
        return InitScheme.HE;
    }

    @Override
    public String label(double alpha, double beta) {
        return alpha == 1.0 ? "elu" : "elu(" + fmt(alpha) + ")";
    }

    @Override
    public List<String> dl4jNames() {
        return List.of("ActivationELU");
    }

    @Override
    public Map<String, Object> dl4jFields(double alpha, double beta) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alpha", alpha);
        return m;
    }
}
