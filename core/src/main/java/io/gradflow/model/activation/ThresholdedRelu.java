package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** x above a threshold theta (alpha, 1 by default), 0 below it. */
public final class ThresholdedRelu extends ActivationFunction {

    ThresholdedRelu() {
        super("thresholdedrelu");
    }

    @Override
    public double defaultAlpha() {
        return 1;
    }

    @Override
    public List<String> parameters() {
        return List.of("theta");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x > or(alpha, 1.0) ? x : 0;
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return x > or(alpha, 1.0) ? 1 : 0;
    }

    @Override
    public double inactiveBelow(double alpha) {
        return or(alpha, 1);
    }

    @Override
    public double[] kinks(double alpha, double beta) {
        return new double[] {or(alpha, 1.0)};
    }

    @Override
    public boolean rectifying() {
        return true;
    }

    @Override
    public boolean nonDecreasing(double alpha) {
        return alpha >= 0;
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
        return List.of("ActivationThresholdedReLU");
    }

    @Override
    public Map<String, Object> dl4jFields(double alpha, double beta) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("theta", alpha);
        return m;
    }
}
