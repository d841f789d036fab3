package io.gradflow.model;

import io.gradflow.model.activation.ActivationFunction;
import io.gradflow.model.activation.Activations;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An element-wise nonlinearity with its parameters: a function from {@link Activations} and the
 * values of its {@code alpha} and {@code beta}, which mean what the function says (leaky slope, ELU
 * alpha, ReLU cap, RReLU bounds, hard-sigmoid slope...). {@code name} keeps what the file called it.
 */
public record Activation(ActivationFunction fn, double alpha, double beta, @Nullable String name) {

    public static final Activation IDENTITY = of(Activations.IDENTITY);
    public static final Activation RELU = of(Activations.RELU);
    public static final Activation SIGMOID = of(Activations.SIGMOID);
    public static final Activation TANH = of(Activations.TANH);
    public static final Activation SOFTMAX = of(Activations.SOFTMAX);

    public Activation {
        name = name == null ? fn.id() : name;
    }

    /** The function with Deeplearning4j's default parameters (Keras readers pass their own). */
    public static Activation of(ActivationFunction fn) {
        return new Activation(fn, fn.defaultAlpha(), fn.defaultBeta(), null);
    }

    public static Activation of(ActivationFunction fn, double alpha) {
        return new Activation(fn, alpha, fn.defaultBeta(), null);
    }

    /** A function gradflow does not know, by the file's name for it. */
    public static Activation unknown(String name) {
        return new Activation(Activations.UNKNOWN, Double.NaN, Double.NaN, name);
    }

    /** Whether this is {@code f}. */
    public boolean is(ActivationFunction f) {
        return fn == f;
    }

    public double phi(double x) {
        return fn.phi(x, alpha, beta);
    }

    public double slope(double x) {
        return fn.slope(x, alpha, beta);
    }

    /** {@link #slope(double)} given {@code y = phi(x)}: the same number, cheaper where the slope follows from the value. */
    public double slope(double x, double y) {
        return fn.slope(x, y, alpha, beta);
    }

    /** E[phi(h)] for h ~ N(mean, var) in closed form; NaN where the function has none. */
    public double gaussianMean(double mean, double var) {
        return fn.gaussianMean(mean, var, alpha, beta);
    }

    /** E[phi'(h)] for h ~ N(mean, var) in closed form; NaN where the function has none. */
    public double gaussianMeanSlope(double mean, double var) {
        return fn.gaussianMeanSlope(mean, var, alpha, beta);
    }

    /** ln E[phi(h)^2] for h ~ N(mean, var), finite where the second moment overflows a double. */
    public double logSecondMoment(double mean, double var) {
        return fn.logSecondMoment(mean, var, alpha, beta);
    }

    /** Bounded functions whose slope goes to zero in both tails: the vanishing-gradient family. */
    public boolean saturating() {
        return fn.saturating();
    }

    /** Functions with a zero slope on the whole negative axis (units can die). */
    public boolean rectifying() {
        return fn.rectifying();
    }

    /** phi(x) <= phi(y) whenever x <= y: a maximum can be taken before the activation. */
    public boolean nonDecreasing() {
        return fn.nonDecreasing(alpha);
    }

    /** phi(cx) = c phi(x) for c > 0: scaling a layer's weights scales its output. */
    public boolean positivelyHomogeneous() {
        return fn.positivelyHomogeneous(alpha);
    }

    public boolean reluFamily() {
        return fn.reluFamily();
    }

    /** A short label for messages: the name plus any parameter that changes its behaviour. */
    public String label() {
        return fn == Activations.UNKNOWN ? Objects.requireNonNull(name, "an unknown activation keeps its name")
                : fn.label(alpha, beta);
    }
}
