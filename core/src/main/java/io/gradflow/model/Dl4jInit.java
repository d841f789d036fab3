package io.gradflow.model;

import io.gradflow.model.WeightInit.Fan;
import io.gradflow.model.WeightInit.Shape;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Deeplearning4j 1.0.0-M2.1's initialisers (org.deeplearning4j.nn.weights), one table for reading
 * and writing: the WeightInit enum name older configurations use, the IWeightInit class newer ones
 * write, and the per-weight variance c/fan it draws with. The VarScaling classes multiply by their
 * scale (squared, for the uniform ones, whose bound is scale * 3/sqrt(fan)).
 */
public enum Dl4jInit {
    XAVIER(1, Fan.AVG, Shape.NORMAL, true),
    XAVIER_UNIFORM(1, Fan.AVG, Shape.UNIFORM, true),
    XAVIER_FAN_IN(1, Fan.IN, Shape.NORMAL, false),
    XAVIER_LEGACY(1, Fan.LEGACY_SHAPE, Shape.NORMAL, true),
    RELU(2, Fan.IN, Shape.NORMAL, true),
    RELU_UNIFORM(2, Fan.IN, Shape.UNIFORM, true),
    NORMAL(1, Fan.IN, Shape.NORMAL, true),
    LECUN_NORMAL(1, Fan.IN, Shape.NORMAL, false),
    UNIFORM(1.0 / 3, Fan.IN, Shape.UNIFORM, false),
    /** DL4J draws U(-3/sqrt(fanIn), 3/sqrt(fanIn)): variance 3/fanIn, not LeCun's 1/fanIn. */
    LECUN_UNIFORM(3, Fan.IN, Shape.UNIFORM, false),
    SIGMOID_UNIFORM(16, Fan.AVG, Shape.UNIFORM, false),
    VAR_SCALING_NORMAL_FAN_IN(1, Fan.IN, Shape.TRUNCATED, true),
    VAR_SCALING_NORMAL_FAN_OUT(1, Fan.OUT, Shape.TRUNCATED, true),
    VAR_SCALING_NORMAL_FAN_AVG(1, Fan.AVG, Shape.TRUNCATED, true),
    VAR_SCALING_UNIFORM_FAN_IN(3, Fan.IN, Shape.UNIFORM, true),
    VAR_SCALING_UNIFORM_FAN_OUT(3, Fan.OUT, Shape.UNIFORM, true),
    VAR_SCALING_UNIFORM_FAN_AVG(3, Fan.AVG, Shape.UNIFORM, true),
    ZERO(0, null, null, false),
    ONES(1, null, null, false),
    IDENTITY(1, null, null, false),
    DISTRIBUTION(0, null, null, false);

    private final double c;
    private final @Nullable Fan fan;
    private final @Nullable Shape shape;
    private final boolean written;

    Dl4jInit(double c, @Nullable Fan fan, @Nullable Shape shape, boolean written) {
        this.c = c;
        this.fan = fan;
        this.shape = shape;
        this.written = written;
    }

    /** The IWeightInit class's simple name: XAVIER_UNIFORM is WeightInitXavierUniform. */
    public String className() {
        StringBuilder b = new StringBuilder("WeightInit");
        for (String part : name().split("_")) {
            b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }

    /** Whether the VarScaling scale multiplies this initialiser's variance. */
    public boolean scaled() {
        return name().startsWith("VAR_SCALING");
    }

    /**
     * An initialiser by the name a configuration uses: the enum name ("RELU_UNIFORM") or the class
     * simple name with or without its prefix ("WeightInitReluUniform", "ReluUniform"); null when
     * DL4J has no such initialiser.
     */
    public static @Nullable Dl4jInit byName(String raw) {
        String key = raw.toUpperCase(Locale.ROOT).replace("_", "");
        if (key.startsWith("WEIGHTINIT") && key.length() > "WEIGHTINIT".length()) {
            key = key.substring("WEIGHTINIT".length());
        }
        for (Dl4jInit i : values()) {
            if (i.name().replace("_", "").equals(key)) {
                return i;
            }
        }
        return null;
    }

    /**
     * The initialiser as the analysis sees it, with a VarScaling class's {@code scale} (NaN: 1);
     * null for DISTRIBUTION, whose distribution the caller reads.
     */
    public @Nullable WeightInit weightInit(double scale) {
        double s = Double.isNaN(scale) ? 1.0 : scale;
        return switch (this) {
            case ZERO -> WeightInit.constant("ZERO", 0);
            case ONES -> WeightInit.constant("ONES", 1);
            case IDENTITY -> WeightInit.identity("IDENTITY", s);
            case DISTRIBUTION -> null;
            default -> WeightInit.fanScaled(name(), scaled() ? c * (shape == Shape.UNIFORM ? s * s : s) : c,
                    Objects.requireNonNull(fan, "a fan-scaled scheme has a fan"),
                    Objects.requireNonNull(shape, "a fan-scaled scheme has a shape"));
        };
    }

    /** The class DL4J writes for exactly this fan-scaled scheme, or null when none draws it. */
    public static @Nullable String exactClass(WeightInit w) {
        for (Dl4jInit i : values()) {
            if (i.written && !i.scaled() && i.fan == w.fan() && i.shape == w.shape() && i.c == w.c()) {
                return i.className();
            }
        }
        return null;
    }

    /** A VarScaling class and the scale it needs. */
    public record Scaled(String className, double scale) { }

    /** The VarScaling class for a fan and shape and the scale that gives variance {@code c}/fan, or null. */
    public static @Nullable Scaled scaledClass(WeightInit w) {
        for (Dl4jInit i : values()) {
            if (i.scaled() && i.fan == w.fan() && i.shape == w.shape()) {
                // the uniform classes' bound is scale * 3/sqrt(fan): variance 3 scale^2 / fan
                return new Scaled(i.className(), i.shape == Shape.UNIFORM ? Math.sqrt(w.c() / i.c) : w.c() / i.c);
            }
        }
        return null;
    }
}
