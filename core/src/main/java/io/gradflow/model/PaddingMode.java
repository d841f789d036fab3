package io.gradflow.model;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a convolution or pooling window treats the input's border: {@link #TRUNCATE} (DL4J's
 * default, Keras "valid": explicit padding only, a partial window at the end is dropped),
 * {@link #STRICT} (the same, but DL4J refuses sizes that do not divide), {@link #SAME} (padded so
 * the output has ceil(in / stride) positions), {@link #CAUSAL} (padded on one side only).
 */
public enum PaddingMode {
    TRUNCATE("Truncate"), STRICT("Strict"), SAME("Same"), CAUSAL("Causal");

    private final String dl4j;

    PaddingMode(String dl4j) {
        this.dl4j = dl4j;
    }

    /** DL4J's ConvolutionMode name. */
    public String dl4jName() {
        return dl4j;
    }

    /** Whether the output keeps ceil(in / stride) positions. */
    public boolean keepsSize() {
        return this == SAME || this == CAUSAL;
    }

    /** A mode as DL4J ("Same", "Truncate") or Keras ("same", "valid", "causal") writes it; null for null. */
    public static @Nullable PaddingMode parse(@Nullable String s) {
        if (s == null) {
            return null;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "same" -> SAME;
            case "causal" -> CAUSAL;
            case "strict" -> STRICT;
            default -> TRUNCATE;
        };
    }
}
