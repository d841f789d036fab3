package io.gradflow.model.activation;

import io.gradflow.model.InitScheme;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One element-wise nonlinearity: everything gradflow knows about it in one place. Its values and
 * slope as Deeplearning4j computes them (org.nd4j.linalg.activations.impl), the points where they
 * have kinks (for quadrature), closed forms where the analysis has them, the properties rules
 * ask about, its DL4J class and parameters, and the output range where the verifier counts a
 * unit as saturated. Parameters ({@code alpha}, {@code beta}) mean what each function says.
 *
 * <p>Adding an activation: a subclass here and a line in {@link Activations}; readers find it by
 * its DL4J class and DSL name, and {@code ActivationCatalogueTest} checks its slope against a
 * numeric derivative of its values.
 */
public abstract class ActivationFunction {

    private final String id;

    protected ActivationFunction(String id) {
        this.id = id;
    }

    /** The name messages and the DSL use ("relu", "leakyrelu"). */
    public final String id() {
        return id;
    }

    // ------------------------------------------------------------------ parameters

    /** Deeplearning4j's default for the first parameter, NaN when there is none. */
    public double defaultAlpha() {
        return Double.NaN;
    }

    /** Deeplearning4j's default for the second parameter, NaN when there is none. */
    public double defaultBeta() {
        return Double.NaN;
    }

    /** The parameters' names as gradflow's DSL writes them, in order (alpha, beta); empty when none. */
    public List<String> parameters() {
        return List.of();
    }

    // ------------------------------------------------------------------ values

    /** phi(x). */
    public abstract double phi(double x, double alpha, double beta);

    /** phi'(x) as DL4J's backward pass applies it. */
    public abstract double slope(double x, double alpha, double beta);

    /**
     * {@link #slope(double, double, double)} at {@code x}, given {@code y = phi(x)} already computed:
     * a function whose slope is a function of its value (tanh) overrides it to spare a second
     * evaluation, with the very same result.
     */
    public double slope(double x, double y, double alpha, double beta) {
        return slope(x, alpha, beta);
    }

    /** ln |phi(x)|, finite where phi(x) itself would overflow a double (e^x, x^3 of a huge x). */
    public double logAbsPhi(double x, double alpha, double beta) {
        return Math.log(Math.abs(phi(x, alpha, beta)));
    }

    /**
     * ln E[phi(h)^2] for h ~ N(mean, var): the second moment where it is too large for a double,
     * as a sum over a fine grid of 2 ln|phi| plus the Gaussian's log density, added in log
     * space. Good to a few percent for functions that grow no faster than a power of h, whose
     * mass lies within 40 standard deviations; faster ones give their closed form.
     */
    public double logSecondMoment(double mean, double var, double alpha, double beta) {
        double sd = Math.sqrt(Math.max(var, 0));
        if (sd == 0) {
            return 2 * logAbsPhi(mean, alpha, beta);
        }
        double step = 0.01;
        double best = Double.NEGATIVE_INFINITY;
        double[] terms = new double[8001];
        for (int i = 0; i < terms.length; i++) {
            double t = -40 + i * step;
            terms[i] = 2 * logAbsPhi(mean + t * sd, alpha, beta) - t * t / 2;
            if (terms[i] > best) {
                best = terms[i];
            }
        }
        if (best == Double.NEGATIVE_INFINITY || Double.isNaN(best)) {
            return best;
        }
        double sum = 0;
        for (double v : terms) {
            sum += Math.exp(v - best);
        }
        return best + Math.log(sum * step / Math.sqrt(2 * Math.PI));
    }

    /** Points where phi or phi' has a kink, besides the quadrature's own ladder. */
    public double[] kinks(double alpha, double beta) {
        return new double[0];
    }

    /** Passes every value on unchanged (identity, and an unknown function read as one). */
    public boolean passesThrough() {
        return false;
    }

    /**
     * The slope on the negative axis of a function that is x above zero and slope times x below
     * (ReLU 0, leaky ReLU alpha): its Gaussian moments have closed forms. NaN for other functions.
     */
    public double leak(double alpha, double beta) {
        return Double.NaN;
    }

    /**
     * E[phi(h)] for h ~ N(mean, var) in closed form, or NaN where this function has none (the
     * analysis then integrates it): the per-unit means inside the analysis's outer quadratures,
     * where an inner rule per node was most of a transformer's lint.
     */
    public double gaussianMean(double mean, double var, double alpha, double beta) {
        return Double.NaN;
    }

    /** E[phi'(h)] for h ~ N(mean, var) in closed form, or NaN where this function has none. */
    public double gaussianMeanSlope(double mean, double var, double alpha, double beta) {
        return Double.NaN;
    }

    /** True when the backward pass uses slope 1 everywhere (DL4J's RReLU): all slope moments are 1. */
    public boolean unitSlope() {
        return false;
    }

    // ------------------------------------------------------------------ properties

    /** Bounded with a slope that goes to zero in both tails: the vanishing-gradient family. */
    public boolean saturating() {
        return false;
    }

    /** A zero slope on the whole negative axis: units can die. */
    public boolean rectifying() {
        return false;
    }

    /** For a rectifying function: the input at and below which a unit passes no gradient. */
    public double inactiveBelow(double alpha) {
        return 0;
    }

    /** phi(x) <= phi(y) whenever x <= y: a maximum can be taken before the activation. */
    public boolean nonDecreasing(double alpha) {
        return false;
    }

    /** phi(cx) = c phi(x) for c > 0: scaling a layer's weights scales its output. */
    public boolean positivelyHomogeneous(double alpha) {
        return false;
    }

    /** ReLU and its smooth or leaky variants, which He initialisation is made for. */
    public boolean reluFamily() {
        return false;
    }

    /** The v x fanIn that keeps the signal's scale through this function (Xavier's 1, He's 2). */
    public double idealGain(double alpha) {
        return 1;
    }

    /** The initialiser made for this function: He for the ReLU family, LeCun for SELU, Xavier otherwise. */
    public InitScheme recommendedScheme() {
        return InitScheme.XAVIER;
    }

    /** The initialiser to recommend before this function, in DL4J's and Keras's names. */
    public final String recommendedInit() {
        return recommendedScheme().advice();
    }

    /** A short label for messages: the name plus any parameter that changes its behaviour. */
    public String label(double alpha, double beta) {
        return id;
    }

    // ------------------------------------------------------------------ Deeplearning4j

    /** Simple names of the ND4J classes that are this function ("ActivationReLU"); empty where DL4J has none. */
    public List<String> dl4jNames() {
        return List.of();
    }

    /** The ND4J class DL4J's JSON writes for these parameters, or null where DL4J has none. */
    public @Nullable String dl4jClass(double alpha, double beta) {
        return dl4jNames().isEmpty() ? null : dl4jNames().get(0);
    }

    /**
     * Whether DL4J's class ({@link #dl4jClass}) computes exactly this function with these
     * parameters; where it does not, gradflow verify runs gradflow's own definition instead.
     */
    public boolean dl4jExact(double alpha, double beta) {
        return dl4jClass(alpha, beta) != null;
    }

    /** Other names DL4J configurations use for it (legacy enum strings), lower case. */
    public List<String> dl4jAliases() {
        return List.of();
    }

    /** The parameter fields DL4J's JSON writes for the class, in order. */
    public Map<String, Object> dl4jFields(double alpha, double beta) {
        return Map.of();
    }

    // ------------------------------------------------------------------ the verifier

    /**
     * The output values at and beyond which the slope is under a tenth of its maximum,
     * {low, high}: the verifier counts such outputs as saturated. Null where it does not apply.
     */
    public double @Nullable [] saturatedOutputs(double alpha, double beta) {
        return null;
    }

    @Override
    public String toString() {
        return id;
    }

    // ------------------------------------------------------------------ shared helpers

    static double or(double v, double dflt) {
        return Double.isNaN(v) ? dflt : v;
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v) : Double.toString(v);
    }
}
