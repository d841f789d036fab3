package io.gradflow.model;

import java.util.Locale;

/**
 * An element-wise nonlinearity with its parameters. {@code alpha} and {@code beta} mean what the
 * kind says (leaky slope, ELU alpha, ReLU cap, RReLU bounds, hard-sigmoid slope...).
 */
public record Activation(Kind kind, double alpha, double beta, String name) {

    /** Every activation gradflow knows; UNKNOWN keeps the file's name. */
    public enum Kind {
        IDENTITY, RELU, LEAKYRELU, RRELU, THRESHOLDEDRELU, RELU6, ELU, SELU, GELU, SWISH, MISH,
        SOFTPLUS, SOFTSIGN, SIGMOID, HARDSIGMOID, TANH, HARDTANH, RATIONALTANH, RECTIFIEDTANH,
        CUBE, SOFTMAX, EXPONENTIAL, HARDSWISH, PRELU, UNKNOWN
    }

    public static final Activation IDENTITY = of(Kind.IDENTITY);
    public static final Activation RELU = of(Kind.RELU);
    public static final Activation SIGMOID = of(Kind.SIGMOID);
    public static final Activation TANH = of(Kind.TANH);
    public static final Activation SOFTMAX = of(Kind.SOFTMAX);

    public Activation {
        name = name == null ? kind.name().toLowerCase(Locale.ROOT) : name;
    }

    public static Activation of(Kind kind) {
        return new Activation(kind, defaultAlpha(kind), defaultBeta(kind), null);
    }

    public static Activation of(Kind kind, double alpha) {
        return new Activation(kind, alpha, defaultBeta(kind), null);
    }

    public static Activation unknown(String name) {
        return new Activation(Kind.UNKNOWN, Double.NaN, Double.NaN, name);
    }

    /** Parameter defaults as DL4J defines them (Keras readers pass their own). */
    static double defaultAlpha(Kind kind) {
        return switch (kind) {
            case LEAKYRELU -> 0.01;
            case ELU -> 1.0;
            case RRELU -> 1.0 / 8;
            case THRESHOLDEDRELU -> 1.0;
            case RELU6 -> 6.0;
            case HARDSIGMOID -> 0.2;
            // DL4J's default GELU is the sigmoid approximation x sigmoid(1.702 x)
            case GELU -> 1.702;
            default -> Double.NaN;
        };
    }

    static double defaultBeta(Kind kind) {
        return kind == Kind.RRELU ? 1.0 / 3 : Double.NaN;
    }

    /** Bounded functions whose slope goes to zero in both tails: the vanishing-gradient family. */
    public boolean saturating() {
        return switch (kind) {
            case SIGMOID, HARDSIGMOID, TANH, HARDTANH, SOFTSIGN, RATIONALTANH -> true;
            default -> false;
        };
    }

    /** Functions with a zero slope on the whole negative axis (units can die). */
    public boolean rectifying() {
        return switch (kind) {
            case RELU, RELU6, THRESHOLDEDRELU, RECTIFIEDTANH -> true;
            default -> false;
        };
    }

    /** phi(x) <= phi(y) whenever x <= y: a maximum can be taken before the activation. */
    public boolean nonDecreasing() {
        return switch (kind) {
            case IDENTITY, RELU, RELU6, ELU, SELU, SOFTPLUS, SOFTSIGN, SIGMOID, HARDSIGMOID, TANH, HARDTANH,
                 RATIONALTANH, RECTIFIEDTANH, CUBE, EXPONENTIAL -> true;
            case LEAKYRELU, THRESHOLDEDRELU -> alpha >= 0;
            default -> false;
        };
    }

    /** phi(cx) = c phi(x) for c > 0: scaling a layer's weights scales its output. */
    public boolean positivelyHomogeneous() {
        return switch (kind) {
            case IDENTITY, RELU -> true;
            case LEAKYRELU -> alpha >= 0;
            default -> false;
        };
    }

    public boolean reluFamily() {
        return switch (kind) {
            case RELU, RELU6, LEAKYRELU, RRELU, THRESHOLDEDRELU, PRELU, ELU, SELU, GELU, SWISH,
                 MISH, HARDSWISH -> true;
            default -> false;
        };
    }

    /** A short label for messages: the name plus any parameter that changes its behaviour. */
    public String label() {
        return switch (kind) {
            case LEAKYRELU -> "leakyrelu(" + fmt(alpha) + ")";
            case ELU -> alpha == 1.0 ? "elu" : "elu(" + fmt(alpha) + ")";
            case RELU6 -> alpha == 6.0 ? "relu6" : "relu(max=" + fmt(alpha) + ")";
            case UNKNOWN -> name;
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v) : Double.toString(v);
    }
}
