package io.gradflow.fix;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.gradflow.json.JsonValue;
import io.gradflow.model.Distribution;
import io.gradflow.model.Dl4jInit;
import io.gradflow.model.InitScheme;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.WeightInit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A Deeplearning4j configuration's JSON (MultiLayer or ComputationGraph, the {@code @class}
 * format of 1.0.0-beta onwards; initialisers, biases and activations also in the older enum
 * format). New layers are written as DL4J 1.0.0-M2.1 writes them, so that
 * {@code MultiLayerConfiguration.fromJson} and {@code ComputationGraphConfiguration.fromJson} load
 * the result.
 */
final class Dl4jText extends ModelText {

    static final String LAYERS = "org.deeplearning4j.nn.conf.layers.";
    static final String WEIGHTS = "org.deeplearning4j.nn.weights.";
    static final String ACTIVATIONS = "org.nd4j.linalg.activations.impl.";
    static final String VERTICES = "org.deeplearning4j.nn.conf.graph.";

    private final JsonText json;

    Dl4jText(JsonText json) {
        this.json = json;
    }

    private @Nullable JsonValue body(Node n) {
        JsonValue b = json.root().at(pointer(n));
        return b != null && b.isObject() ? b : null;
    }

    @Override
    @Nullable InitChange init(Node layer, InitScheme scheme) {
        JsonValue body = body(layer);
        if (body == null || layer.frozen() || layer.wrapped() != null) {
            return null;
        }
        Dl4jInit target = switch (scheme) {
            case HE -> Dl4jInit.RELU;
            case LECUN -> Dl4jInit.LECUN_NORMAL;
            case XAVIER -> Dl4jInit.XAVIER;
        };
        JsonValue fn = body.opt("weightInitFn");
        String fnClass = fn != null && fn.isObject() ? fn.str("@class") : null;
        if (fn != null && fnClass != null) {
            JsonValue dist = fn.opt("distribution");
            // DL4J 1.0 tags a distribution with "type" where everything else has "@class"
            String distClass = dist == null || !dist.isObject() ? null
                    : dist.str("@class") != null ? dist.str("@class") : dist.str("type");
            JsonValue gain = dist == null ? null : dist.opt("gain");
            if (simple(fnClass).equals("WeightInitDistribution") && distClass != null
                    && simple(distClass).equals("OrthogonalDistribution") && gain != null) {
                return new InitChange(List.of(json.replaceRaw(gain, number(Math.sqrt(scheme.scale())))), true);
            }
            Dl4jInit current = Dl4jInit.byName(simple(fnClass));
            if (current != null && current.scaled()) {
                WeightInit w = Objects.requireNonNull(current.weightInit(Double.NaN), "a scaled class has one");
                WeightInit.Fan fan = scheme.fan() == InitScheme.Fan.IN ? WeightInit.Fan.IN : WeightInit.Fan.AVG;
                if (w.fan() == fan) {
                    // the VarScaling class stays; its scale gives the scheme's variance: the uniform
                    // classes' bound is scale * 3/sqrt(fan), so variance 3 scale^2 / fan, and the normal
                    // ones draw a truncated normal, which DL4J does not widen to make up for the tails
                    double scale = switch (w.shape()) {
                        case UNIFORM -> Math.sqrt(scheme.scale() / 3);
                        case TRUNCATED -> scheme.scale() / Distribution.TRUNCATION_FACTOR_2SD;
                        case NORMAL, TRUNCATED_EXACT -> scheme.scale();
                    };
                    return new InitChange(List.of(json.set(fn, "scale", new JsonPrimitive(round(scale)))), true);
                }
            }
            return new InitChange(List.of(json.replace(fn, obj("@class", WEIGHTS + target.className()))), false);
        }
        JsonValue e = body.opt("weightInit");
        if (e != null && e.isString()) {
            return new InitChange(List.of(json.replace(e, new JsonPrimitive(target.name()))), false);
        }
        if (body.opt("@class") == null) {
            return null;
        }
        return new InitChange(List.of(json.addMember(body, "weightInitFn", obj("@class", WEIGHTS + target.className()))),
                false);
    }

    @Override
    @Nullable List<Edit> zeroBias(Node layer) {
        JsonValue body = body(layer);
        if (body == null || layer.frozen()) {
            return null;
        }
        JsonValue b = body.opt("biasInit");
        if (b != null && b.isNumber()) {
            return List.of(json.replaceRaw(b, "0.0"));
        }
        return body.opt("@class") == null ? null : List.of(json.set(body, "biasInit", new JsonPrimitive(0.0)));
    }

    @Override
    @Nullable List<Edit> forgetBias(Node layer) {
        JsonValue body = body(layer);
        if (body == null || layer.frozen()) {
            return null;
        }
        List<Edit> edits = new ArrayList<>();
        return forgetBias(body, edits) ? edits : null;
    }

    /**
     * Sets forgetGateBiasInit in the LSTM configuration (LastTimeStep and its kin hold it as
     * "underlying", Bidirectional as "fwd" and "bwd"); false where it has none: DL4J then starts the
     * gate at its default, 1, and there is nothing to fix.
     */
    private boolean forgetBias(JsonValue body, List<Edit> edits) {
        boolean wrapper = false;
        for (String inner : List.of("underlying", "fwd", "bwd")) {
            JsonValue v = body.opt(inner);
            if (v != null && v.isObject()) {
                if (!forgetBias(v, edits)) {
                    return false;
                }
                wrapper = true;
            }
        }
        if (wrapper) {
            return true;
        }
        JsonValue f = body.opt("forgetGateBiasInit");
        if (f == null || !f.isNumber()) {
            return false;
        }
        edits.add(json.replaceRaw(f, number(1.0)));
        return true;
    }

    @Override
    @Nullable List<Edit> float32() {
        // the configuration's dataType, which DL4J also writes into each layer's configuration:
        // all of them, so that the file stays as DL4J itself would write a FLOAT network
        JsonValue dt = json.root().opt("dataType");
        if (dt == null || !dt.isString() || !narrow(dt.asText())) {
            return null;
        }
        List<Edit> edits = new ArrayList<>();
        dataTypes(json.root(), edits);
        return edits;
    }

    private void dataTypes(JsonValue v, List<Edit> edits) {
        if (v.isArray()) {
            v.items().forEach(i -> dataTypes(i, edits));
        } else if (v.isObject()) {
            for (Map.Entry<String, JsonValue> m : v.members().entrySet()) {
                if (m.getKey().equals("dataType") && m.getValue().isString() && narrow(m.getValue().asText())) {
                    edits.add(json.replace(m.getValue(), new JsonPrimitive("FLOAT")));
                } else {
                    dataTypes(m.getValue(), edits);
                }
            }
        }
    }

    @Override
    @Nullable List<Edit> relu(Node applier) {
        JsonValue body = body(applier);
        if (body == null || applier.frozen()) {
            return null;
        }
        JsonValue fn = body.opt("activationFn");
        if (fn != null && fn.isObject() && fn.opt("@class") != null) {
            return List.of(json.replace(fn, obj("@class", ACTIVATIONS + "ActivationReLU")));
        }
        JsonValue legacy = body.opt("activationFunction");
        if (legacy != null && legacy.isString()) {
            return List.of(json.replace(legacy, new JsonPrimitive("relu")));
        }
        return null;
    }

    @Override
    @Nullable List<Edit> batchNorm(ModelGraph g, List<Site> sites, Set<String> taken) {
        JsonValue root = json.root();
        return root.opt("confs") != null ? multiLayer(root, sites, taken) : graph(g, root, sites, taken);
    }

    /** New confs after each site's, and the preprocessors (keyed by layer index) moved along. */
    private @Nullable List<Edit> multiLayer(JsonValue root, List<Site> sites, Set<String> taken) {
        JsonValue confs = Objects.requireNonNull(root.get("confs"), "batchNorm() saw it");
        List<Edit> edits = new ArrayList<>();
        TreeMap<Integer, Integer> added = new TreeMap<>();
        for (Site s : sites) {
            JsonValue body = body(s.layer());
            int index = confIndex(pointer(s.layer()));
            if (body == null || index < 0 || body.opt("@class") == null || s.layer().frozen()) {
                return null;
            }
            JsonValue conf = confs.items().get(index);
            List<JsonObject> layers = normLayers(s, body, taken);
            if (layers == null) {
                return null;
            }
            StringBuilder text = new StringBuilder();
            for (JsonObject layer : layers) {
                JsonObject c = copy(conf);
                c.add("layer", layer);
                text.append(json.insertAfter(confs, conf, c).text());
            }
            edits.add(Edit.insert(conf.end(), text.toString()));
            if (s.ownActivation()) {
                edits.add(json.replace(Objects.requireNonNull(body.get("activationFn"), "normLayers() found it"),
                        obj("@class", ACTIVATIONS + "ActivationIdentity")));
            }
            added.put(index, layers.size());
        }
        JsonValue pre = root.opt("inputPreProcessors");
        if (pre != null && pre.isObject()) {
            for (Map.Entry<String, JsonValue> p : pre.members().entrySet()) {
                int k;
                try {
                    k = Integer.parseInt(p.getKey());
                } catch (NumberFormatException e) {
                    return null;
                }
                int shift = added.headMap(k).values().stream().mapToInt(Integer::intValue).sum();
                if (shift > 0) {
                    int at = p.getValue().keyStart();
                    edits.add(new Edit(at, at + JsonText.quote(p.getKey()).length(), JsonText.quote(String.valueOf(k + shift))));
                }
            }
        }
        return edits;
    }

    /** New layer vertices after each site's, its consumers rewired to them. */
    private @Nullable List<Edit> graph(ModelGraph g, JsonValue root, List<Site> sites, Set<String> taken) {
        JsonValue vertices = root.opt("vertices");
        JsonValue inputs = root.opt("vertexInputs");
        if (vertices == null || inputs == null || !vertices.isObject() || !inputs.isObject()) {
            return null;
        }
        List<Edit> edits = new ArrayList<>();
        for (Site s : sites) {
            String name = s.layer().name();
            JsonValue vertex = vertices.opt(name);
            JsonValue body = body(s.layer());
            JsonValue ins = inputs.opt(name);
            if (vertex == null || body == null || ins == null || vertex.opt("layerConf") == null
                    || body.opt("@class") == null || s.layer().frozen()) {
                return null;
            }
            List<JsonObject> layers = normLayers(s, body, taken);
            if (layers == null) {
                return null;
            }
            StringBuilder newVertices = new StringBuilder();
            StringBuilder newInputs = new StringBuilder();
            String previous = name;
            for (JsonObject layer : layers) {
                String vname = layer.get("layerName").getAsString();
                JsonObject conf = copy(Objects.requireNonNull(vertex.get("layerConf"), "checked above"));
                conf.add("layer", layer);
                JsonObject v = obj("@class", VERTICES + "LayerVertex", "layerConf", conf, "outputVertex", false,
                        "preProcessor", null);
                newVertices.append(json.addMember(vertices, vname, v).text());
                JsonArray from = new JsonArray();
                from.add(previous);
                newInputs.append(json.addMember(inputs, vname, from).text());
                previous = vname;
            }
            edits.add(Edit.insert(vertex.end(), newVertices.toString()));
            edits.add(Edit.insert(ins.end(), newInputs.toString()));
            for (String user : g.consumers(name)) {
                JsonValue list = inputs.opt(user);
                if (list == null || !list.isArray()) {
                    return null;
                }
                for (JsonValue item : list.items()) {
                    if (name.equals(item.asText())) {
                        edits.add(json.replace(item, new JsonPrimitive(previous)));
                    }
                }
            }
            if (s.ownActivation()) {
                edits.add(json.replace(Objects.requireNonNull(body.get("activationFn"), "normLayers() found it"),
                        obj("@class", ACTIVATIONS + "ActivationIdentity")));
            }
        }
        // a configuration saved from a built network caches its order; DL4J works it out again when it is null
        for (String cached : List.of("topologicalOrder", "topologicalOrderStr")) {
            JsonValue v = root.opt(cached);
            if (v != null) {
                edits.add(json.replaceRaw(v, "null"));
            }
        }
        return edits;
    }

    /** The batch normalisation layer (and the activation layer after it, when the layer applied it). */
    private @Nullable List<JsonObject> normLayers(Site s, JsonValue body, Set<String> taken) {
        JsonValue fn = body.opt("activationFn");
        if (s.ownActivation() && (fn == null || !fn.isObject())) {
            return null;
        }
        long width = s.layer().nOut();
        if (width <= 0) {
            return null;
        }
        List<JsonObject> out = new ArrayList<>();
        // as BatchNormKind's DL4J part writes it, with the layer's own updater
        JsonValue iupdater = body.opt("iupdater");
        JsonElement updater = iupdater == null ? JsonNull.INSTANCE : JsonParser.parseString(json.source(iupdater));
        JsonValue format = body.opt("cnn2dDataFormat");
        out.add(obj("@class", LAYERS + "BatchNormalization",
                "activationFn", obj("@class", ACTIVATIONS + "ActivationIdentity"),
                "beta", 0.0,
                "biasInit", 0.0,
                "biasUpdater", null,
                "cnn2DFormat", format != null && format.isString() ? format.asText() : "NCHW",
                "constraints", null,
                "cudnnAllowFallback", true,
                "decay", 0.9,
                "eps", 1e-5,
                "gainInit", 1.0,
                "gamma", 1.0,
                "gradientNormalization", "None",
                "gradientNormalizationThreshold", 1.0,
                "idropout", null,
                "iupdater", updater,
                "layerName", fresh(s.layer().name() + "_bn", taken),
                "lockGammaBeta", false,
                "minibatch", true,
                "nin", width,
                "nout", width,
                "regularization", new JsonArray(),
                "regularizationBias", new JsonArray(),
                "timeDistributedFormat", null,
                "useLogStd", true,
                "weightInitFn", obj("@class", WEIGHTS + "WeightInitXavier"),
                "weightNoise", null));
        if (s.ownActivation()) {
            out.add(obj("@class", LAYERS + "ActivationLayer",
                    "activationFn", JsonParser.parseString(json.source(Objects.requireNonNull(fn, "checked above"))),
                    "constraints", null,
                    "gradientNormalization", "None",
                    "gradientNormalizationThreshold", 0.0,
                    "idropout", null,
                    "layerName", fresh(s.layer().name() + "_act", taken)));
        }
        return out;
    }

    /** "/confs/3/layer" is conf 3; -1 for a pointer into a graph. */
    private static int confIndex(String pointer) {
        String[] parts = pointer.split("/");
        if (parts.length < 3 || !parts[1].equals("confs")) {
            return -1;
        }
        try {
            return Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private JsonObject copy(JsonValue v) {
        return JsonParser.parseString(json.source(v)).getAsJsonObject();
    }

    static String simple(String cls) {
        int dot = cls.lastIndexOf('.');
        return dot >= 0 ? cls.substring(dot + 1) : cls;
    }

    /** Four significant digits: enough for a scale, and readable in a diff. */
    static double round(double d) {
        return Double.parseDouble(String.format(Locale.US, "%.4g", d));
    }

    /** A number as DL4J writes doubles. */
    static String number(double d) {
        return Double.toString(d);
    }

    /** An object from key, value pairs (strings, numbers, booleans, null, JSON elements), in order. */
    static JsonObject obj(@Nullable Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        JsonObject o = new JsonObject();
        m.forEach((k, v) -> o.add(k, element(v)));
        return o;
    }

    static JsonElement element(Object v) {
        if (v == null) {
            return JsonNull.INSTANCE;
        }
        if (v instanceof JsonElement e) {
            return e;
        }
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        if (v instanceof Number n) {
            return new JsonPrimitive(n);
        }
        return new JsonPrimitive(v.toString());
    }
}
