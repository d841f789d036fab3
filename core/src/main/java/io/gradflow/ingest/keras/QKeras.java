package io.gradflow.ingest.keras;

import io.gradflow.json.JsonValue;
import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * QKeras's quantised layers (QDense, QConv2D, QActivation...), read as their float counterparts
 * with their quantisers noted (docs/theory.md section 8.12). At initialisation a quantised layer
 * is its float layer with its weights rounded to a grid, and QKeras trains it with
 * straight-through gradients: the rounding passes the gradient as if it were not there, and what
 * a quantised activation keeps is the slope of the clipped function it rounds (a
 * {@code quantized_relu} is a ReLU capped at its largest value, a {@code quantized_tanh} a hard
 * tanh, a {@code quantized_sigmoid} a hard sigmoid of slope 0.5). The weights' rounding is not
 * modelled; the finding says so.
 */
final class QKeras {

    /** QKeras's layer classes whose float counterpart gradflow reads, by their float name. */
    private static final Set<String> LAYERS = Set.of("QDense", "QConv1D", "QConv2D", "QConv2DTranspose",
            "QDepthwiseConv2D", "QSeparableConv1D", "QSeparableConv2D", "QActivation", "QBatchNormalization",
            "QSimpleRNN", "QLSTM", "QGRU", "QAveragePooling2D", "QGlobalAveragePooling2D");

    /** A quantiser's configuration keys, in the order a note lists them. */
    private static final List<String> QUANTISERS = List.of("kernel_quantizer", "depthwise_quantizer",
            "pointwise_quantizer", "recurrent_quantizer", "bias_quantizer", "state_quantizer", "beta_quantizer",
            "gamma_quantizer", "mean_quantizer", "variance_quantizer", "activation");

    /** A quantiser's leading parameters in QKeras's positional order (how it prints them, how a string gives them). */
    private static final Map<String, List<String>> PARAMS = Map.of(
            "quantized_relu", List.of("bits", "integer", "use_sigmoid", "negative_slope"),
            "quantized_tanh", List.of("bits", "use_stochastic_rounding", "symmetric", "use_real_tanh"),
            "quantized_sigmoid", List.of("bits", "symmetric", "use_real_sigmoid", "use_stochastic_rounding"),
            "quantized_bits", List.of("bits", "integer"));

    private QKeras() {
    }

    /** The QKeras classes read as float layers, for a message. */
    static String readable() {
        return String.join(", ", LAYERS.stream().sorted().toList());
    }

    /** The float class a QKeras class is read as ({@code Dense} for {@code QDense}), or null. */
    static @Nullable String floatClass(String cls) {
        return LAYERS.contains(cls) ? cls.substring(1) : null;
    }

    /** What a finding on the layer says about it: that it was read as its float class, and its quantisers. */
    static String note(String cls, String floatCls, JsonValue cfg) {
        List<String> q = new ArrayList<>();
        boolean weights = false;
        for (String key : QUANTISERS) {
            JsonValue v = cfg.opt(key);
            String s = v == null ? null : describe(v);
            boolean activation = key.equals("activation");
            if (s != null && (!activation || isQuantiser(s))) {
                q.add(key.replace("_quantizer", "") + " " + s);
                weights |= !activation;
            }
        }
        return "QKeras " + cls + " read as a float " + floatCls + (q.isEmpty() ? "" : ", " + String.join(", ", q))
                + (weights ? "; the weights' rounding is not modelled" : "");
    }

    private static boolean isQuantiser(String s) {
        String n = s.toLowerCase(Locale.ROOT);
        return n.startsWith("quantized") || n.startsWith("binary") || n.startsWith("ternary")
                || n.startsWith("stochastic");
    }

    /** A quantiser as QKeras prints it ({@code quantized_bits(6,0)}), from its string or object form; null if neither. */
    static @Nullable String describe(JsonValue v) {
        if (v.isString()) {
            String s = v.asText();
            return s == null ? null : s.replace(" ", "");
        }
        if (!v.isObject()) {
            return null;
        }
        String cls = v.str("class_name");
        if (cls == null) {
            return null;
        }
        JsonValue cfg = v.opt("config");
        List<String> args = new ArrayList<>();
        for (String a : PARAMS.getOrDefault(cls, List.of())) {
            JsonValue x = cfg == null ? null : cfg.opt(a);
            if (x == null || !x.isNumber()) {
                break;
            }
            double d = x.asDouble();
            args.add(d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d));
        }
        return cls + "(" + String.join(",", args) + ")";
    }


    /**
     * The activation a QKeras quantiser stands for in the backward pass (its straight-through
     * gradient), from its string ({@code "quantized_relu(6,0)"}, keywords allowed) or object form;
     * null where it is not one gradflow reads: {@code quantized_relu(bits, integer, use_sigmoid,
     * negative_slope)} a ReLU capped at {@code 2^integer (1 - 2^-bits)} (leaky where it has a
     * negative slope), {@code quantized_tanh} a hard tanh (QKeras's default tanh is {@code 2
     * hard_sigmoid(x) - 1}; with {@code use_real_tanh} a tanh), {@code quantized_sigmoid} a hard
     * sigmoid of slope 0.5 ({@code use_real_sigmoid}: a sigmoid), {@code quantized_bits} (rounding
     * to a grid, straight through) the identity.
     */
    static @Nullable Activation activation(JsonValue v) {
        String raw;
        String name;
        // a plain Keras activation (every layer has one) leaves at the first check
        Map<String, Double> p = new HashMap<>();
        if (v.isString()) {
            String text = v.asText();
            raw = text == null ? "" : text;
            String s = raw.trim().toLowerCase(Locale.ROOT).replace(" ", "");
            int open = s.indexOf('(');
            name = open < 0 ? s : s.substring(0, open);
            if (!PARAMS.containsKey(name)) {
                return null;
            }
            List<String> order = PARAMS.get(name);
            if (open >= 0 && s.endsWith(")") && s.length() > open + 2) {
                String[] args = s.substring(open + 1, s.length() - 1).split(",");
                for (int i = 0; i < args.length; i++) {
                    int eq = args[i].indexOf('=');
                    String key = eq >= 0 ? args[i].substring(0, eq) : i < order.size() ? order.get(i) : "";
                    Double d = number(eq >= 0 ? args[i].substring(eq + 1) : args[i]);
                    if (d != null && !key.isEmpty()) {
                        p.put(key, d);
                    }
                }
            }
        } else if (v.isObject()) {
            String cls = v.str("class_name");
            if (cls == null) {
                return null;
            }
            name = cls.toLowerCase(Locale.ROOT);
            if (!PARAMS.containsKey(name)) {
                return null;
            }
            JsonValue cfg = v.opt("config");
            for (String key : PARAMS.get(name)) {
                JsonValue x = cfg == null ? null : cfg.opt(key);
                if (x != null && x.isNumber()) {
                    p.put(key, x.asDouble());
                } else if (x != null && !x.isNull()) {
                    p.put(key, x.asBoolean() ? 1.0 : 0.0);
                }
            }
            String printed = describe(v);
            raw = printed == null ? name : printed;
        } else {
            return null;
        }
        return switch (name) {
            case "quantized_relu" -> {
                double slope = p.getOrDefault("negative_slope", 0.0);
                if (slope > 0) {
                    yield new Activation(Activations.LEAKYRELU, slope, Double.NaN, raw);
                }
                double cap = Math.pow(2, p.getOrDefault("integer", 0.0)) * (1 - Math.pow(2, -p.getOrDefault("bits", 8.0)));
                yield new Activation(Activations.RELU6, cap, Double.NaN, raw);
            }
            case "quantized_tanh" -> p.getOrDefault("use_real_tanh", 0.0) != 0
                    ? new Activation(Activations.TANH, Double.NaN, Double.NaN, raw)
                    : new Activation(Activations.HARDTANH, Double.NaN, Double.NaN, raw);
            case "quantized_sigmoid" -> p.getOrDefault("use_real_sigmoid", 0.0) != 0
                    ? new Activation(Activations.SIGMOID, Double.NaN, Double.NaN, raw)
                    : new Activation(Activations.HARDSIGMOID, 0.5, Double.NaN, raw);
            case "quantized_bits" -> new Activation(Activations.IDENTITY, Double.NaN, Double.NaN, raw);
            default -> null;
        };
    }

    private static @Nullable Double number(String s) {
        if (s.equals("true") || s.equals("false")) {
            return s.equals("true") ? 1.0 : 0.0;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
