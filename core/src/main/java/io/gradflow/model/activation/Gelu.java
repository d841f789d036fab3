package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import io.gradflow.math.Gaussian;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Gaussian error linear unit. */
public final class Gelu extends ActivationFunction {

    Gelu() {
        super("gelu");
    }

    /** DL4J's default GELU is the sigmoid approximation x sigmoid(1.702 x). */
    @Override
    public double defaultAlpha() {
        return 1.702;
    }

    /** sqrt(2/pi), the tanh approximation's scale. */
    private static final double TANH_SCALE = Math.sqrt(2 / Math.PI);

    /**
     * With alpha the sigmoid form x sigmoid(alpha x); with alpha NaN the exact x Phi(x) (Keras, DL4J
     * precise), or with beta 1 the tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
     * (Keras's approximate=True).
     */
    @Override
    public double phi(double x, double alpha, double beta) {
        if (Double.isNaN(alpha) && beta == 1) {
            return 0.5 * x * (1 + Math.tanh(TANH_SCALE * (x + 0.044715 * x * x * x)));
        }
        return Double.isNaN(alpha) ? x * Gaussian.cdf(x) : x * sigmoid(alpha * x);
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        if (Double.isNaN(alpha) && beta == 1) {
            double u = TANH_SCALE * (x + 0.044715 * x * x * x);
            double t = Math.tanh(u);
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * TANH_SCALE * (1 + 3 * 0.044715 * x * x);
        }
        if (Double.isNaN(alpha)) {
            return Gaussian.cdf(x) + x * Gaussian.pdf(x);
        }
        double sg = sigmoid(alpha * x);
        return sg + alpha * x * sg * (1 - sg);
    }

    /**
     * The exact form's x Phi(x) has one: with t = sqrt(1 + var) and a = mean / t, E[h Phi(h)] is
     * mean Phi(a) + var / t phi(a) (Stein's lemma, and E[Phi(h)] = Phi(a)). The approximations
     * have none.
     */
    @Override
    public double gaussianMean(double mean, double var, double alpha, double beta) {
        if (!exact(alpha, beta)) {
            return Double.NaN;
        }
        double t = Math.sqrt(1 + var);
        double a = mean / t;
        return mean * Gaussian.cdf(a) + var / t * Gaussian.pdf(a);
    }

    /**
     * E[Phi(h) + h phi(h)] = Phi(a) + mean phi(a) / t^3: phi(h) times the density of h is phi(a) / t
     * times a normal density with mean mean / t^2.
     */
    @Override
    public double gaussianMeanSlope(double mean, double var, double alpha, double beta) {
        if (!exact(alpha, beta)) {
            return Double.NaN;
        }
        double t2 = 1 + var;
        double t = Math.sqrt(t2);
        double a = mean / t;
        return Gaussian.cdf(a) + mean * Gaussian.pdf(a) / (t2 * t);
    }

    private static boolean exact(double alpha, double beta) {
        return Double.isNaN(alpha) && beta != 1;
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
        return List.of("ActivationGELU");
    }

    /** DL4J's GELU is the sigmoid form with 1.702; the exact x Phi(x) (Keras's) is not DL4J's. */
    @Override
    public boolean dl4jExact(double alpha, double beta) {
        return alpha == 1.702;
    }

    @Override
    public Map<String, Object> dl4jFields(double alpha, double beta) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precise", false);
        return m;
    }
}
