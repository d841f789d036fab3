package io.gradflow.model;

import java.util.Objects;
import io.gradflow.model.init.Draw;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * How a layer's weights are drawn: the one table of initialiser definitions, read by the analysis
 * (a weight's mean and variance for the layer's fans) and by the verifier and the finite-width
 * simulation (a tensor drawn as the framework the file came from draws it, {@link #sample}).
 *
 * <p>FAN_SCALED covers the fan-based schemes of every framework: per-weight variance is
 * {@code c / fan} (times the truncation factor for TRUNCATED), with fan chosen by {@code fan}.
 * {@code name} keeps what the file said ("XAVIER", "he_normal"...) for messages.
 */
public record WeightInit(Family family, double c, @Nullable Fan fan, @Nullable Shape shape, @Nullable Distribution dist,
                         double gain, String name) {

    /** The families the analysis treats differently. */
    public enum Family { FAN_SCALED, DISTRIBUTION, CONSTANT, IDENTITY, ORTHOGONAL, UNKNOWN }

    /** Which fan divides the variance; LEGACY_SHAPE is DL4J's XAVIER_LEGACY (nIn + nOut). */
    public enum Fan { IN, OUT, AVG, LEGACY_SHAPE }

    /**
     * The shape of a fan-scaled draw: a normal; a normal cut at two standard deviations as DL4J's
     * VarScaling classes and standalone Keras before 2.2.3 draw it (variance 0.774 c / fan);
     * the same widened by 1/0.8796 so the variance is c / fan exactly (Keras 2.2.3 and later,
     * tf.keras, Keras 3); a uniform.
     */
    public enum Shape { NORMAL, TRUNCATED, TRUNCATED_EXACT, UNIFORM }

    public static WeightInit fanScaled(String name, double c, Fan fan, Shape shape) {
        return new WeightInit(Family.FAN_SCALED, c, fan, shape, null, 1, name);
    }

    public static WeightInit distribution(String name, Distribution d) {
        if (d.kind() == Distribution.Kind.ORTHOGONAL) {
            return orthogonal(name, d.a());
        }
        if (d.kind() == Distribution.Kind.CONSTANT) {
            return constant(name, d.a());
        }
        return new WeightInit(Family.DISTRIBUTION, 0, null, null, d, 1, name);
    }

    public static WeightInit constant(String name, double value) {
        return new WeightInit(Family.CONSTANT, value, null, null, null, 1, name);
    }

    public static WeightInit identity(String name, double gain) {
        return new WeightInit(Family.IDENTITY, 0, null, null, null, gain, name);
    }

    public static WeightInit orthogonal(String name, double gain) {
        return new WeightInit(Family.ORTHOGONAL, 0, null, null, null, gain, name);
    }

    public static WeightInit unknown(String name) {
        return new WeightInit(Family.UNKNOWN, 0, null, null, null, 1, name);
    }

    /** Constant weights (zeros, ones, constant distributions) give every unit the same gradient. */
    public boolean symmetric() {
        return family == Family.CONSTANT
                || family == Family.DISTRIBUTION && distribution().variance() == 0;
    }

    /**
     * Per-weight variance for a layer with these fans; orthogonal and identity behave as
     * gain^2 / fanIn. NaN when unknown.
     */
    public double variance(double fanIn, double fanOut, double legacyShape) {
        return switch (family) {
            case FAN_SCALED -> {
                double f = switch (fan) {
                    case IN -> fanIn;
                    case OUT -> fanOut;
                    case AVG -> (fanIn + fanOut) / 2;
                    case LEGACY_SHAPE -> legacyShape;
                };
                double v = c / f;
                yield shape == Shape.TRUNCATED ? v * Distribution.TRUNCATION_FACTOR_2SD : v;
            }
            case DISTRIBUTION -> distribution().variance();
            case CONSTANT -> 0;
            case IDENTITY, ORTHOGONAL -> gain * gain / fanIn;
            case UNKNOWN -> Double.NaN;
        };
    }

    /**
     * A tensor of {@code shape} (the framework's own layout: orthogonal and identity read it as a
     * matrix of every axis but the last by the last) drawn as this initialiser draws it for a
     * layer with these fans, flat in row-major order. An unknown initialiser is drawn as the
     * analysis assumes it, N(0, 1/fanIn).
     */
    public double[] sample(long[] shape, double fanIn, double fanOut, double legacyShape, SplittableRandom r) {
        double v = family == Family.UNKNOWN ? 1 / fanIn : variance(fanIn, fanOut, legacyShape);
        return draw(shape, v, r);
    }

    /**
     * A tensor drawn as {@link #sample} draws it, with {@code variance} the per-weight variance of a
     * fan-scaled or unknown initialiser (the other families carry theirs).
     */
    public double[] draw(long[] shape, double variance, SplittableRandom r) {
        int n = Draw.count(shape);
        double sd = Math.sqrt(variance);
        return switch (family) {
            case CONSTANT -> Draw.constant(n, c);
            case IDENTITY -> Draw.identity(shape, gain);
            case ORTHOGONAL -> Draw.orthogonal(Draw.rows(shape), Draw.cols(shape), gain, r);
            case UNKNOWN -> Draw.normal(n, 0, sd, r);
            case FAN_SCALED -> switch (this.shape) {
                case NORMAL -> Draw.normal(n, 0, sd, r);
                case UNIFORM -> Draw.symmetricUniform(n, sd * Math.sqrt(3), r);
                // the variance already holds the truncation's 0.774: widen back to the cut normal's sd
                case TRUNCATED, TRUNCATED_EXACT -> Draw.truncated(n, 0, sd * Draw.TRUNCATION_WIDENING, r);
            };
            case DISTRIBUTION -> {
                Distribution d = Objects.requireNonNull(dist, "the family has one");
                yield switch (d.kind()) {
                    case NORMAL -> Draw.normal(n, d.a(), d.b(), r);
                    case TRUNCATED_NORMAL -> Draw.truncated(n, d.a(), d.b(), r);
                    case UNIFORM -> Draw.uniform(n, d.a(), d.b(), r);
                    case LOG_NORMAL -> Draw.logNormal(n, d.a(), d.b(), r);
                    case BINOMIAL -> Draw.binomial(n, (int) d.a(), d.b(), r);
                    case CONSTANT -> Draw.constant(n, d.a());
                    case ORTHOGONAL -> Draw.orthogonal(Draw.rows(shape), Draw.cols(shape), d.a(), r);
                };
            }
        };
    }

    /** Mean of every weight: non-zero only for distributions and constants. */
    public double mean() {
        return switch (family) {
            case DISTRIBUTION -> distribution().mean();
            case CONSTANT -> c;
            default -> 0;
        };
    }

    private Distribution distribution() {
        return Objects.requireNonNull(dist, "the DISTRIBUTION family has its distribution");
    }

    /** Label for messages: the name with the distribution's parameters where they matter. */
    public String label() {
        if (family == Family.DISTRIBUTION) {
            return distribution().label();
        }
        if (family == Family.ORTHOGONAL && gain != 1) {
            return name + "(gain=" + Distribution.num(gain) + ")";
        }
        return name;
    }
}
