package io.gradflow.fix;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.gradflow.json.JsonValue;
import io.gradflow.model.InitScheme;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A Keras model's JSON (model.to_json(), an HDF5 file's model_config, a .keras archive's
 * config.json), Keras 1 to 3. Initialisers are written as VarianceScaling with a uniform draw,
 * which every Keras 2 and 3 release reads (the named classes HeUniform and the like came later);
 * layers are inserted into Sequential models only, where no layer graph needs rewiring.
 */
final class KerasText extends ModelText {

    private final JsonText json;

    KerasText(JsonText json) {
        this.json = json;
    }

    private @Nullable JsonValue layer(Node n) {
        JsonValue l = json.root().at(pointer(n));
        if (l == null || !l.isObject()) {
            return null;
        }
        JsonValue c = l.opt("config");
        return c != null && c.isObject() ? l : null;
    }

    /** The config object of a layer {@link #layer} found. */
    private static JsonValue config(JsonValue layer) {
        return Objects.requireNonNull(layer.get("config"), "layer() checked it");
    }

    @Override
    @Nullable List<Edit> float32() {
        List<Edit> edits = new ArrayList<>();
        dtypes(json.root(), edits);
        return edits.isEmpty() ? null : edits;
    }

    /**
     * Every layer's dtype (nested models included) that names a 16-bit format becomes float32:
     * Keras keeps no global policy in the file, each layer carries it. Input layers keep theirs,
     * the data's type.
     */
    private void dtypes(JsonValue v, List<Edit> edits) {
        if (v.isArray()) {
            v.items().forEach(i -> dtypes(i, edits));
            return;
        }
        if (!v.isObject()) {
            return;
        }
        JsonValue cfg = v.opt("config");
        if (cfg != null && cfg.isObject() && v.str("class_name") != null && !"InputLayer".equals(v.str("class_name"))) {
            JsonValue dt = cfg.opt("dtype");
            JsonValue policy = dt != null && dt.isObject() ? dt.opt("config") : null;
            if (dt != null && dt.isString() && narrow(dt.asText())) {
                edits.add(json.replace(dt, new JsonPrimitive("float32")));
            } else if (policy != null && policy.isObject()) {
                JsonValue name = policy.opt("name");
                if (name != null && name.isString() && narrow(name.asText())) {
                    edits.add(json.replace(name, new JsonPrimitive("float32")));
                }
            }
        }
        for (JsonValue m : v.members().values()) {
            dtypes(m, edits);
        }
    }

    @Override
    @Nullable InitChange init(Node node, InitScheme scheme) {
        JsonValue layer = layer(node);
        if (layer == null || node.wrapped() != null) {
            return null;
        }
        JsonValue cfg = config(layer);
        JsonValue init = cfg.opt("kernel_initializer");
        if (init == null) {
            init = cfg.opt("init");
        }
        String mode = scheme.fan() == InitScheme.Fan.IN ? "fan_in" : "fan_avg";
        if (init == null || init.isString()) {
            String name = switch (scheme) {
                case HE -> "he_uniform";
                case LECUN -> "lecun_uniform";
                case XAVIER -> "glorot_uniform";
            };
            if (init == null) {
                // absent, or null: Keras then uses its default; write the one the activation needs
                return cfg.has("kernel_initializer") || cfg.has("units") || cfg.has("filters")
                        ? new InitChange(List.of(json.set(cfg, "kernel_initializer", new JsonPrimitive(name))), false)
                        : null;
            }
            return new InitChange(List.of(json.replace(init, new JsonPrimitive(name))), false);
        }
        String cls = init.str("class_name");
        JsonValue icfg = init.opt("config");
        if (cls == null || icfg == null || !icfg.isObject()) {
            return null;
        }
        String key = cls.toLowerCase(Locale.ROOT).replace("_", "");
        JsonValue scale = icfg.opt("scale");
        if (key.equals("variancescaling") && scale != null) {
            List<Edit> edits = new ArrayList<>();
            edits.add(json.replace(scale, new JsonPrimitive(scheme.scale())));
            boolean sameMode = mode.equals(icfg.str("mode"));
            if (!sameMode) {
                edits.add(json.set(icfg, "mode", new JsonPrimitive(mode)));
            }
            return new InitChange(edits, sameMode);
        }
        JsonValue gain = icfg.opt("gain");
        if ((key.equals("orthogonal") || key.equals("identity")) && gain != null) {
            return new InitChange(List.of(json.replace(gain, new JsonPrimitive(Math.sqrt(scheme.scale())))), true);
        }
        JsonObject vs = new JsonObject();
        vs.addProperty("scale", scheme.scale());
        vs.addProperty("mode", mode);
        vs.addProperty("distribution", "uniform");
        JsonValue seed = icfg.opt("seed");
        vs.add("seed", seed == null ? JsonNull.INSTANCE : JsonParser.parseString(json.source(seed)));
        return new InitChange(List.of(json.replace(Objects.requireNonNull(init.get("class_name"), "its class was read"),
                        new JsonPrimitive("VarianceScaling")),
                json.replace(icfg, vs)), false);
    }

    @Override
    @Nullable List<Edit> zeroBias(Node node) {
        JsonValue layer = layer(node);
        if (layer == null) {
            return null;
        }
        JsonValue b = config(layer).opt("bias_initializer");
        if (b == null) {
            return null;
        }
        if (b.isString()) {
            return List.of(json.replace(b, new JsonPrimitive("zeros")));
        }
        JsonValue cls = b.opt("class_name");
        JsonValue cfg = b.opt("config");
        if (cls == null || cfg == null || !cfg.isObject()) {
            return null;
        }
        return List.of(json.replace(cls, new JsonPrimitive("Zeros")), json.replace(cfg, new JsonObject()));
    }

    @Override
    @Nullable List<Edit> forgetBias(Node node) {
        JsonValue layer = layer(node);
        if (layer == null) {
            return null;
        }
        JsonValue cfg = layer.get("config");
        if (cfg == null || !cfg.isObject()) {
            return null;
        }
        List<Edit> edits = new ArrayList<>();
        return unitForgetBias(cfg, edits) && !edits.isEmpty() ? edits : null;
    }

    /**
     * Turns unit_forget_bias on in an LSTM's config, or in the LSTMs a wrapper's "layer" and
     * "backward_layer" hold. With it on, Keras starts the forget gate's slice of the bias at ones
     * and draws the other gates' slices from the bias initialiser as before, so a non-zero
     * bias_initializer is left as it is. Keras 1's forget_bias_init becomes "one". False where the
     * layer has no bias for it (use_bias false) or no place for it.
     */
    private boolean unitForgetBias(JsonValue cfg, List<Edit> edits) {
        boolean wrapper = false;
        for (String inner : List.of("layer", "backward_layer")) {
            JsonValue v = cfg.opt(inner);
            if (v != null && v.isObject()) {
                JsonValue c = v.opt("config");
                if (c == null || !c.isObject() || !unitForgetBias(c, edits)) {
                    return false;
                }
                wrapper = true;
            }
        }
        if (wrapper) {
            return true;
        }
        if (!cfg.bool("use_bias", cfg.bool("bias", true))) {
            return false;
        }
        JsonValue keras1 = cfg.opt("forget_bias_init");
        if (keras1 != null) {
            if (!keras1.isString()) {
                return false;
            }
            if (!"one".equals(keras1.asText())) {
                edits.add(json.replace(keras1, new JsonPrimitive("one")));
            }
            return true;
        }
        // absent (or null) means Keras's default, on
        JsonValue unit = cfg.opt("unit_forget_bias");
        if (unit != null && !unit.asBoolean()) {
            edits.add(json.replace(unit, new JsonPrimitive(true)));
        }
        return true;
    }

    @Override
    @Nullable List<Edit> relu(Node applier) {
        JsonValue layer = layer(applier);
        if (layer == null) {
            return null;
        }
        JsonValue a = config(layer).opt("activation");
        return a != null && a.isString() ? List.of(json.replace(a, new JsonPrimitive("relu"))) : null;
    }

    @Override
    @Nullable List<Edit> batchNorm(ModelGraph g, List<Site> sites, Set<String> taken) {
        JsonValue root = json.root();
        if (!"Sequential".equals(root.str("class_name"))) {
            return null;
        }
        JsonValue cfg = root.opt("config");
        if (cfg == null) {
            return null;
        }
        JsonValue layers = cfg.isArray() ? cfg : cfg.opt("layers");
        if (layers == null || !layers.isArray()) {
            return null;
        }
        List<Edit> edits = new ArrayList<>();
        for (Site s : sites) {
            JsonValue layer = layer(s.layer());
            if (layer == null || !layers.items().contains(layer)) {
                return null;
            }
            JsonValue lcfg = config(layer);
            if (lcfg.has("output_dim") || lcfg.has("init")) {
                return null;   // Keras 1's batch normalisation has other keys; not written here
            }
            JsonValue act = lcfg.opt("activation");
            if (s.ownActivation() && (act == null || !act.isString())) {
                return null;
            }
            StringBuilder text = new StringBuilder();
            text.append(json.insertAfter(layers, layer, batchNormLayer(layer, fresh(s.layer().name() + "_bn", taken)))
                    .text());
            if (s.ownActivation()) {
                JsonObject c = new JsonObject();
                c.addProperty("name", fresh(s.layer().name() + "_act", taken));
                c.addProperty("trainable", true);
                c.addProperty("activation", Objects.requireNonNull(act, "checked above").asText());
                text.append(json.insertAfter(layers, layer, wrap(layer, "Activation", c)).text());
                edits.add(json.replace(act, new JsonPrimitive("linear")));
            }
            edits.add(Edit.insert(layer.end(), text.toString()));
        }
        return edits;
    }

    /** Keras 2 and 3's BatchNormalization with its defaults written out (Deeplearning4j's importer reads them). */
    private static JsonObject batchNormLayer(JsonValue like, String name) {
        JsonObject c = new JsonObject();
        c.addProperty("name", name);
        c.addProperty("trainable", true);
        c.addProperty("axis", -1);
        c.addProperty("momentum", 0.99);
        c.addProperty("epsilon", 0.001);
        c.addProperty("center", true);
        c.addProperty("scale", true);
        c.add("beta_initializer", initializer(like, "Zeros"));
        c.add("gamma_initializer", initializer(like, "Ones"));
        c.add("moving_mean_initializer", initializer(like, "Zeros"));
        c.add("moving_variance_initializer", initializer(like, "Ones"));
        c.add("beta_regularizer", JsonNull.INSTANCE);
        c.add("gamma_regularizer", JsonNull.INSTANCE);
        c.add("beta_constraint", JsonNull.INSTANCE);
        c.add("gamma_constraint", JsonNull.INSTANCE);
        return wrap(like, "BatchNormalization", c);
    }

    /** A layer object shaped as {@code like} is: Keras 3 adds its module and registered name. */
    private static JsonObject wrap(JsonValue like, String cls, JsonObject config) {
        JsonObject o = new JsonObject();
        boolean v3 = like.has("module");
        if (v3) {
            o.addProperty("module", "keras.layers");
        }
        o.addProperty("class_name", cls);
        o.add("config", config);
        if (v3) {
            o.add("registered_name", JsonNull.INSTANCE);
        }
        return o;
    }

    private static JsonElement initializer(JsonValue like, String cls) {
        JsonObject o = new JsonObject();
        if (like.has("module")) {
            o.addProperty("module", "keras.initializers");
        }
        o.addProperty("class_name", cls);
        o.add("config", new JsonObject());
        if (like.has("module")) {
            o.add("registered_name", JsonNull.INSTANCE);
        }
        return o;
    }

}
