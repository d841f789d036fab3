package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** max(0, x). */
public final class Relu extends ActivationFunction {

    Relu() {
        super("relu");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x > 0 ? x : 0;
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return x > 0 ? 1 : 0;
    }

    @Override
    public double leak(double alpha, double beta) {
        return 0;
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
    public boolean positivelyHomogeneous(double alpha) {
        return true;
    }

    @Override
    public boolean reluFamily() {
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
        return List.of("ActivationReLU");
    }

    /** DL4J writes its optional cap, negative slope and threshold as nulls. */
    @Override
    public Map<String, Object> dl4jFields(double alpha, double beta) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max", null);
        m.put("negativeSlope", null);
        m.put("threshold", null);
        return m;
    }
}
