package io.gradflow.model;

import io.gradflow.model.init.Draw;
import java.util.Locale;

/**
 * A weight distribution with fixed parameters (DL4J's WeightInitDistribution, Keras RandomNormal...).
 * {@code a} and {@code b} are (mean, std) for the normal family, (lower, upper) for uniform,
 * (value, unused) for constant, (trials, p) for binomial, (gain, unused) for orthogonal.
 */
public record Distribution(Kind kind, double a, double b) {

    /** Distribution families; TRUNCATED_NORMAL is cut at two standard deviations (ND4J, TensorFlow). */
    public enum Kind { NORMAL, TRUNCATED_NORMAL, UNIFORM, LOG_NORMAL, CONSTANT, BINOMIAL, ORTHOGONAL }

    /** Variance of a standard normal truncated to [-2, 2]. */
    public static final double TRUNCATION_FACTOR_2SD = Draw.TRUNCATION_FACTOR_2SD;

    public static Distribution normal(double mean, double std) {
        return new Distribution(Kind.NORMAL, mean, std);
    }

    public static Distribution uniform(double lower, double upper) {
        return new Distribution(Kind.UNIFORM, lower, upper);
    }

    public double mean() {
        return switch (kind) {
            case NORMAL, TRUNCATED_NORMAL -> a;
            case UNIFORM -> (a + b) / 2;
            case LOG_NORMAL -> Math.exp(a + b * b / 2);
            case CONSTANT -> a;
            case BINOMIAL -> a * b;
            case ORTHOGONAL -> 0;
        };
    }

    /** Per-weight variance; orthogonal has none of its own (it depends on the layer's fan-in). */
    public double variance() {
        return switch (kind) {
            case NORMAL -> b * b;
            case TRUNCATED_NORMAL -> b * b * TRUNCATION_FACTOR_2SD;
            case UNIFORM -> (b - a) * (b - a) / 12;
            case LOG_NORMAL -> (Math.exp(b * b) - 1) * Math.exp(2 * a + b * b);
            case CONSTANT -> 0;
            case BINOMIAL -> a * b * (1 - b);
            case ORTHOGONAL -> Double.NaN;
        };
    }

    public String label() {
        return switch (kind) {
            case NORMAL -> "N(" + num(a) + ", " + num(b) + ")";
            case TRUNCATED_NORMAL -> "truncated N(" + num(a) + ", " + num(b) + ")";
            case UNIFORM -> "U(" + num(a) + ", " + num(b) + ")";
            case LOG_NORMAL -> "lognormal(" + num(a) + ", " + num(b) + ")";
            case CONSTANT -> "constant(" + num(a) + ")";
            case BINOMIAL -> "binomial(" + num(a) + ", " + num(b) + ")";
            case ORTHOGONAL -> "orthogonal(" + num(a) + ")";
        };
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.US, "%.4g", v).replaceAll("\\.?0+($|e)", "$1");
    }
}
