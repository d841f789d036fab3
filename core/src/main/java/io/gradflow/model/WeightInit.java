package io.gradflow.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a layer's weights are drawn, reduced to what the analysis needs.
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

    /** The shape of a fan-scaled draw. */
    public enum Shape { NORMAL, TRUNCATED, UNIFORM }

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
