package io.gradflow.model;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A floating-point format a network computes in, with the range that matters for signal
 * propagation: the largest finite value, the smallest normal value (below it the format loses
 * precision bit by bit) and the smallest subnormal (below half of it a value rounds to zero).
 */
public enum Precision {
    FLOAT64("float64", Double.MAX_VALUE, Double.MIN_NORMAL, Double.MIN_VALUE),
    FLOAT32("float32", Float.MAX_VALUE, Float.MIN_NORMAL, Float.MIN_VALUE),
    /** 8 exponent bits like float32, 7 fraction bits. */
    BFLOAT16("bfloat16", 3.3895313892515355e38, 1.1754943508222875e-38, 9.183549615799121e-41),
    /** IEEE 754 half precision: 5 exponent bits, 10 fraction bits. */
    FLOAT16("float16", 65504.0, 6.103515625e-5, 5.960464477539063e-8);

    private final String id;
    private final double max;
    private final double minNormal;
    private final double minSubnormal;

    Precision(String id, double max, double minNormal, double minSubnormal) {
        this.id = id;
        this.max = max;
        this.minNormal = minNormal;
        this.minSubnormal = minSubnormal;
    }

    /** The name used in reports and in the DSL: float16, bfloat16, float32, float64. */
    public String id() {
        return id;
    }

    /** The largest finite value. */
    public double max() {
        return max;
    }

    /** The smallest value with full precision. */
    public double minNormal() {
        return minNormal;
    }

    /** The smallest non-zero value; half of it and less round to zero. */
    public double minSubnormal() {
        return minSubnormal;
    }

    public double log10Max() {
        return Math.log10(max);
    }

    public double log10MinNormal() {
        return Math.log10(minNormal);
    }

    public double log10MinSubnormal() {
        return Math.log10(minSubnormal);
    }

    /** Whether this format's range is narrower than {@code o}'s. */
    public boolean narrowerThan(Precision o) {
        return max < o.max || minSubnormal > o.minSubnormal;
    }

    /**
     * The precision a name means, in the spellings of DL4J ({@code HALF}, {@code FLOAT},
     * {@code DOUBLE}, {@code BFLOAT16}), Keras and NumPy ({@code float16}, {@code float32},
     * {@code float64}, {@code bfloat16}, {@code half}, {@code double}) and common shorthand
     * ({@code fp16}, {@code bf16}, {@code fp32}); null for anything else (an integer type).
     */
    public static @Nullable Precision parse(@Nullable String name) {
        if (name == null) {
            return null;
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "float64", "double", "fp64", "f64" -> FLOAT64;
            case "float32", "float", "single", "fp32", "f32" -> FLOAT32;
            case "bfloat16", "bf16" -> BFLOAT16;
            case "float16", "half", "fp16", "f16" -> FLOAT16;
            default -> null;
        };
    }
}
