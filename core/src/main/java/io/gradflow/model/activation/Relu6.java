package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ReLU capped at a maximum (alpha, 6 by default). */
public final class Relu6 extends ActivationFunction {

    Relu6() {
        super("relu6");
    }

    @Override
    public double defaultAlpha() {
        return 6;
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x > 0 ? Math.min(x, or(alpha, 6)) : 0;
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return x > 0 && x < or(alpha, 6) ? 1 : 0;
    }

    @Override
    public double[] kinks(double alpha, double beta) {
        return new double[] {or(alpha, 6)};
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
    public String label(double alpha, double beta) {
        return alpha == 6.0 ? "relu6" : "relu(max=" + fmt(alpha) + ")";
    }

    @Override
    public List<String> dl4jNames() {
        return List.of("ActivationReLU6");
    }

    /** ReLU6 proper, or DL4J's ReLU with a cap for other maxima. */
    @Override
    public String dl4jClass(double alpha, double beta) {
        return alpha == 6.0 ? "ActivationReLU6" : "ActivationReLU";
    }

    @Override
    public Map<String, Object> dl4jFields(double alpha, double beta) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (alpha != 6.0) {
            m.put("max", alpha);
            m.put("negativeSlope", null);
            m.put("threshold", null);
        }
        return m;
    }
}
