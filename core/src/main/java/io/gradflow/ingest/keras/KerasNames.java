package io.gradflow.ingest.keras;

import io.gradflow.json.JsonValue;
import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
import io.gradflow.model.Distribution;
import io.gradflow.model.WeightInit;
import io.gradflow.model.WeightInit.Fan;
import io.gradflow.model.WeightInit.Shape;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Keras's names for activations and initialisers, across Keras 1 strings ("glorot_uniform",
 * init scale 0.05), Keras 2 objects ({"class_name": "VarianceScaling", ...}) and Keras 3 objects
 * (with "module"), mapped onto per-weight variances (docs/theory.md section 4.2). Messages keep the
 * Keras name ("he_normal"), so they speak the user's language.
 */
final class KerasNames {

    private KerasNames() {
    }

    // ---------------------------------------------------------------- activations

    /** An activation as a layer config gives it: a name, an object, or absent (linear). */
    static Activation activation(@Nullable JsonValue v, KerasVersion ver) {
        if (v == null) {
            return Activation.IDENTITY;
        }
        // a QKeras quantiser as the activation (QActivation, or a QDense's own)
        Activation quantised = QKeras.activation(v);
        if (quantised != null) {
            return quantised;
        }
        String name = nameOf(v);
        return name == null ? Activation.unknown(String.valueOf(v.asText())) : activation(name, ver);
    }

    /** The activation a Keras name denotes, with Keras's parameters (not DL4J's defaults). */
    static Activation activation(String raw, KerasVersion ver) {
        String n = raw.trim().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        if (dot >= 0) {
            n = n.substring(dot + 1);
        }
        return switch (n) {
            case "linear", "identity", "none", "" -> Activation.IDENTITY;
            case "relu" -> Activation.RELU;
            case "relu6" -> Activation.of(Activations.RELU6, 6);
            case "sigmoid" -> Activation.SIGMOID;
            case "hard_sigmoid" -> new Activation(Activations.HARDSIGMOID, ver.hardSigmoidSlope(), Double.NaN, "hard_sigmoid");
            case "tanh" -> Activation.TANH;
            case "hard_tanh" -> Activation.of(Activations.HARDTANH);
            case "softmax" -> Activation.SOFTMAX;
            // log-softmax with a log-likelihood loss has softmax's gradient
            case "log_softmax" -> new Activation(Activations.SOFTMAX, Double.NaN, Double.NaN, "log_softmax");
            case "softplus" -> Activation.of(Activations.SOFTPLUS);
            case "softsign" -> Activation.of(Activations.SOFTSIGN);
            case "elu" -> Activation.of(Activations.ELU, 1.0);
            case "selu" -> Activation.of(Activations.SELU);
            // Keras's GELU is exact (or the tanh form, within 1e-3 of it)
            case "gelu" -> Activation.of(Activations.GELU, Double.NaN);
            case "swish", "silu" -> Activation.of(Activations.SWISH);
            case "mish" -> Activation.of(Activations.MISH);
            case "exponential" -> Activation.of(Activations.EXPONENTIAL);
            // keras.activations.leaky_relu and tf.nn.leaky_relu default to a 0.2 slope
            case "leaky_relu" -> Activation.of(Activations.LEAKYRELU, 0.2);
            case "hard_silu", "hard_swish" -> Activation.of(Activations.HARDSWISH);
            default -> Activation.unknown(raw);
        };
    }

    /** ReLU layer with Keras's optional cap, negative slope and threshold. */
    static Activation relu(double maxValue, double negativeSlope, double threshold) {
        if (!Double.isNaN(negativeSlope) && negativeSlope != 0) {
            return Activation.of(Activations.LEAKYRELU, negativeSlope);
        }
        if (!Double.isNaN(maxValue) && maxValue > 0) {
            return Activation.of(Activations.RELU6, maxValue);
        }
        if (!Double.isNaN(threshold) && threshold != 0) {
            return Activation.of(Activations.THRESHOLDEDRELU, threshold);
        }
        return Activation.RELU;
    }

    // ---------------------------------------------------------------- initialisers

    /**
     * An initialiser from a layer config: a Keras 1 name, a Keras 2/3 object, or absent ({@code
     * dflt}, a Keras name such as "glorot_uniform").
     */
    static WeightInit init(@Nullable JsonValue v, String dflt, KerasVersion ver) {
        if (v == null) {
            return byName(dflt, null, ver, ver.major() == 1);
        }
        if (v.isString()) {
            return byName(Objects.requireNonNull(v.asText(), "a string has text"), null, ver, ver.major() == 1);
        }
        String cls = v.isObject() ? v.str("class_name") : null;
        if (cls == null) {
            return WeightInit.unknown(String.valueOf(v.asText()));
        }
        JsonValue cfg = v.opt("config");
        if (cls.equals("QInitializer") && cfg != null && cfg.opt("initializer") != null) {
            // QKeras wraps the layer's initialiser (and widens it only where its quantiser's step
            // exceeds the weights' deviation; the weights' rounding is not modelled)
            return init(cfg.opt("initializer"), dflt, ver);
        }
        return byName(cls, cfg != null && cfg.isObject() ? cfg : null, ver, false);
    }

    /**
     * @param legacy true for a Keras 1 name (its own formulas: plain normals, orthogonal gain 1.1,
     *               "uniform" meaning U(-0.05, 0.05))
     */
    private static WeightInit byName(String raw, @Nullable JsonValue cfg, KerasVersion ver, boolean legacy) {
        String key = raw.toLowerCase(Locale.ROOT).replace("_", "");
        int dot = key.lastIndexOf('.');
        if (dot >= 0) {
            key = key.substring(dot + 1);
        }
        // class names (GlorotNormal...) come from tf.keras and Keras 3, which compensate the
        // truncation; snake-case names in a Keras 2 file mean its VarianceScaling("normal")
        boolean className = !raw.isEmpty() && Character.isUpperCase(raw.charAt(0));
        String normal = legacy ? "untruncated_normal" : className ? "truncated_normal" : "normal";
        return switch (key) {
            case "glorotuniform" -> varianceScaling(1, "fan_avg", "uniform", ver);
            case "glorotnormal" -> varianceScaling(1, "fan_avg", normal, ver);
            case "henormal" -> varianceScaling(2, "fan_in", normal, ver);
            case "heuniform" -> varianceScaling(2, "fan_in", "uniform", ver);
            case "lecunnormal" -> varianceScaling(1, "fan_in", normal, ver);
            case "lecununiform" -> varianceScaling(1, "fan_in", "uniform", ver);
            case "variancescaling" -> varianceScaling(num(cfg, "scale", 1.0), str(cfg, "mode", "fan_in"),
                    str(cfg, "distribution", ver.major() >= 3 ? "truncated_normal" : "normal"), ver);
            case "randomnormal", "normal" -> WeightInit.distribution("random_normal",
                    Distribution.normal(num(cfg, "mean", 0), num(cfg, "stddev", num(cfg, "stdev", 0.05))));
            case "randomuniform", "uniform" -> WeightInit.distribution("random_uniform",
                    Distribution.uniform(num(cfg, "minval", -0.05), num(cfg, "maxval", 0.05)));
            case "truncatednormal" -> WeightInit.distribution("truncated_normal",
                    new Distribution(Distribution.Kind.TRUNCATED_NORMAL, num(cfg, "mean", 0), num(cfg, "stddev", 0.05)));
            case "zeros", "zero" -> WeightInit.constant("zeros", 0);
            case "ones", "one" -> WeightInit.constant("ones", 1);
            case "constant" -> WeightInit.constant("constant(" + fmt(num(cfg, "value", 0)) + ")", num(cfg, "value", 0));
            // Keras 1's orthogonal draws with gain 1.1
            case "orthogonal", "orthogonalinitializer" -> WeightInit.orthogonal("orthogonal",
                    num(cfg, "gain", legacy ? 1.1 : 1.0));
            case "identity", "identityinitializer" -> WeightInit.identity("identity", num(cfg, "gain", 1.0));
            default -> WeightInit.unknown(raw);
        };
    }

    /**
     * Keras's VarianceScaling: per-weight variance scale/fan. "truncated_normal" (Keras 2.2.3 and
     * later, tf.keras, Keras 3) divides the standard deviation by 0.8796 so the variance is exact;
     * the older "normal" did not (see {@link KerasVersion#uncompensatedNormal()}).
     */
    static WeightInit varianceScaling(double scale, String mode, String distribution, KerasVersion ver) {
        Fan fan = switch (mode.toLowerCase(Locale.ROOT)) {
            case "fan_out" -> Fan.OUT;
            case "fan_avg" -> Fan.AVG;
            default -> Fan.IN;
        };
        String d = distribution.toLowerCase(Locale.ROOT);
        Shape shape = switch (d) {
            case "uniform" -> Shape.UNIFORM;
            case "normal" -> ver.uncompensatedNormal() ? Shape.TRUNCATED : Shape.TRUNCATED_EXACT;
            case "truncated_normal" -> Shape.TRUNCATED_EXACT;
            default -> Shape.NORMAL;
        };
        return WeightInit.fanScaled(presetName(scale, fan, shape == Shape.UNIFORM, mode, d), scale, fan, shape);
    }

    private static String presetName(double scale, Fan fan, boolean uniform, String mode, String dist) {
        String suffix = uniform ? "_uniform" : "_normal";
        if (scale == 1 && fan == Fan.AVG) {
            return "glorot" + suffix;
        }
        if (scale == 2 && fan == Fan.IN) {
            return "he" + suffix;
        }
        if (scale == 1 && fan == Fan.IN) {
            return "lecun" + suffix;
        }
        return "VarianceScaling(scale=" + fmt(scale) + ", mode=" + mode + ", distribution=" + dist + ")";
    }

    /** The constant a bias or normalisation initialiser sets; the mean for a random one. */
    static double constantValue(@Nullable JsonValue v, double dflt, KerasVersion ver) {
        if (v == null) {
            return dflt;
        }
        WeightInit w = init(v, "zeros", ver);
        return switch (w.family()) {
            case CONSTANT -> w.c();
            case DISTRIBUTION -> Objects.requireNonNull(w.dist(), "a distribution initialiser has one").mean();
            case UNKNOWN -> dflt;
            default -> 0;
        };
    }

    // ---------------------------------------------------------------- helpers

    /** The name inside a Keras 3 serialised function ({"class_name": "function", "config": "relu"}). */
    private static @Nullable String nameOf(JsonValue v) {
        if (v.isString()) {
            return v.asText();
        }
        if (!v.isObject()) {
            return null;
        }
        JsonValue cfg = v.opt("config");
        if (cfg != null && cfg.isString()) {
            return cfg.asText();
        }
        if (cfg != null && cfg.isObject() && cfg.str("name") != null) {
            return cfg.str("name");
        }
        return v.str("class_name");
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.US, "%.4g", v).replaceAll("\\.?0+($|e)", "$1");
    }

    private static double num(@Nullable JsonValue cfg, String key, double dflt) {
        return cfg == null ? dflt : cfg.num(key, dflt);
    }

    private static String str(@Nullable JsonValue cfg, String key, String dflt) {
        String s = cfg == null ? null : cfg.str(key);
        return s == null ? dflt : s;
    }
}
