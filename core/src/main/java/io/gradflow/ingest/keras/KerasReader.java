package io.gradflow.ingest.keras;

import io.gradflow.ingest.Finish;
import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ReadException;
import io.gradflow.json.JsonValue;
import io.gradflow.model.Activation;
import io.gradflow.model.DataFormat;
import io.gradflow.model.Format;
import io.gradflow.model.GraphException;
import io.gradflow.model.Interrupts;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.NumberFormat;
import io.gradflow.model.SourcePos;
import io.gradflow.model.TensorShape;
import io.gradflow.model.activation.Activations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Keras model configuration (the JSON of {@code model.to_json()}, an HDF5 file's
 * {@code model_config}, a .keras archive's {@code config.json}) of Keras 1, 2 or 3 into the model
 * graph: Sequential and Functional models, nested models (their layers prefixed with the model's
 * name), shared layers (one node per call: {@code name}, {@code name@1}...), and the input shapes
 * the file declares.
 */
public final class KerasReader {

    /** What the container says about the file, besides the model config. */
    public record Facts(@Nullable String kerasVersion, @Nullable String backend, @Nullable JsonValue trainingConfig) {

        public static final Facts NONE = new Facts(null, null, null);
    }

    private final String source;
    private final Format format;
    private final KerasVersion version;
    private final List<Pending> pending = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, Integer> suffixes = new HashMap<>();
    private final Map<String, Boolean> layouts = new HashMap<>();
    private final Map<String, long[]> inputDims = new HashMap<>();
    private final Map<String, long[]> reshapeTargets = new HashMap<>();
    private final Map<String, int[]> permutations = new HashMap<>();

    private KerasReader(String source, Format format, KerasVersion version) {
        this.source = source;
        this.format = format;
        this.version = version;
    }

    /** True when a JSON document has the shape of a serialised Keras model. */
    public static boolean looksLikeKeras(JsonValue root) {
        return root.isObject() && root.opt("class_name") != null
                && Objects.requireNonNull(root.get("class_name")).isString()
                && root.opt("config") != null;
    }

    /**
     * Reads a model configuration.
     *
     * @param source the path as given by the user, for reports
     * @param format the container the configuration came from
     * @param root   the parsed configuration ({"class_name": "Sequential", "config": ...})
     * @param facts  version, backend and training configuration from the container
     */
    public static ModelGraph read(String source, Format format, JsonValue root, Facts facts) throws ReadException {
        if (!looksLikeKeras(root)) {
            throw new ReadException("not a Keras model configuration: no 'class_name' and 'config' at the top level",
                    new SourcePos(root.line(), root.column(), ""));
        }
        String stated = facts.kerasVersion() != null ? facts.kerasVersion() : root.str("keras_version");
        KerasVersion v = KerasVersion.parse(stated);
        if (v == null) {
            v = KerasVersion.generation(guessGeneration(root));
        }
        KerasReader r = new KerasReader(source, format, v);
        try {
            return r.model(root, facts);
        } catch (GraphException e) {
            throw new ReadException(e.getMessage(), e.pos());
        }
    }

    // ---------------------------------------------------------------- scopes and references

    /** A layer's tensor as Keras names it: layer, call (node index) and output (tensor index). */
    private record Ref(Scope scope, String layer, int node, int tensor, SourcePos pos) { }

    /** What a layer name stands for inside one model. */
    private sealed interface Entry permits Plain, TopInput, NestedInput, Nested { }

    /** A layer: one graph node per call. */
    private record Plain(List<String> nodes) implements Entry { }

    /** An input of the outermost model: a graph input node. */
    private record TopInput(String node) implements Entry { }

    /** An input of a nested model: the tensor the enclosing model passes in its place. */
    private record NestedInput(int index) implements Entry { }

    /** A nested model: one scope per call. */
    private record Nested(List<Scope> calls) implements Entry { }

    /** The layers of one model (one call of it, for nested models) and how its tensors resolve. */
    private static final class Scope {
        final String prefix;
        final @Nullable List<Ref> bound;
        final Map<String, Entry> layers = new LinkedHashMap<>();
        List<Ref> outputs = List.of();

        Scope(String prefix, @Nullable List<Ref> bound) {
            this.prefix = prefix;
            this.bound = bound;
        }
    }

    /** A node whose inputs are still Keras references. */
    private record Pending(Node.Builder node, List<Ref> inputs) { }

    // ---------------------------------------------------------------- the model

    private ModelGraph model(JsonValue root, Facts facts) throws ReadException, GraphException {
        String cls = root.str("class_name");
        Scope top = new Scope("", null);
        build(top, root);
        List<Node> nodes = new ArrayList<>();
        for (Pending p : pending) {
            List<String> ins = new ArrayList<>();
            for (Ref ref : p.inputs()) {
                ins.add(resolve(ref, 0));
            }
            nodes.add(p.node().inputs(ins).build());
        }
        List<String> outputs = new ArrayList<>();
        for (Ref ref : top.outputs) {
            outputs.add(resolve(ref, 0));
        }
        if (nodes.stream().allMatch(n -> n.kind() == LayerKind.INPUT)) {
            throw new ReadException("the Keras model has no layers", pos(root));
        }
        // a layer that lists itself (or a later layer) as its input is an error here, before anything
        // below walks the wiring
        ModelGraph.checkWiring(nodes);
        nodes = withInputShapes(nodes);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("network", cls);
        meta.put("generation", version.generationName());
        if (version.text() != null) {
            meta.put("keras_version", version.text());
        }
        String backend = facts.backend() != null ? facts.backend() : root.str("backend");
        if (backend != null) {
            meta.put("backend", backend);
        }
        JsonValue training = facts.trainingConfig() != null ? facts.trainingConfig() : root.opt("compile_config");
        KerasTraining t = KerasTraining.of(training);
        t.describe(meta);
        nodes = t.apply(nodes, outputs);
        nodes = markOutputLayers(nodes, outputs);
        nodes = withLayouts(nodes);
        NumberFormat numbers = KerasDtype.model(root);
        if (numbers.declared() != null) {
            meta.put("dtype_policy", numbers.declared());
        }
        return Finish.finish(ModelGraph.of(source, format, String.valueOf(modelName(root)), nodes, outputs, Map.of(),
                meta).withNumberFormat(numbers));
    }

    /**
     * Keras has no output layer: the loss sits on the layer that produces a model output. The
     * weighted layer behind each output (through activation, dropout and reshaping layers) is
     * that output layer, as KerasModelImport builds it (a dense layer plus the loss), so the
     * analysis does not count it as a hidden layer.
     */
    static List<Node> markOutputLayers(List<Node> nodes, List<String> outputs) {
        Map<String, Node> byName = new LinkedHashMap<>();
        Map<String, Integer> users = new HashMap<>();
        for (Node n : nodes) {
            byName.put(n.name(), n);
            n.inputs().forEach(i -> users.merge(i, 1, Integer::sum));
        }
        Map<String, Node> replaced = new HashMap<>();
        for (String out : outputs) {
            Node n = byName.get(out);
            Activation trailing = null;
            String loss = n == null ? null : n.loss();
            // the wiring has no cycles (checked before), but a bound costs nothing
            for (int hops = 0; n != null && !n.hasWeights() && n.inputs().size() == 1
                    && (n.kind() == LayerKind.ACTIVATION || n.kind() == LayerKind.DROPOUT || n.kind() == LayerKind.SHAPE);
                    hops++) {
                if (hops > nodes.size()) {
                    n = null;
                    break;
                }
                if (n.kind() == LayerKind.ACTIVATION && trailing == null) {
                    trailing = n.activation();
                }
                Node prev = byName.get(n.inputs().get(0));
                if (prev == null || users.getOrDefault(prev.name(), 0) != 1) {
                    n = null;
                    break;
                }
                n = prev;
            }
            if (n == null || !(n.kind() == LayerKind.DENSE || n.kind() == LayerKind.CONV
                    || n.kind() == LayerKind.LOCALLY_CONNECTED)) {
                continue;
            }
            Node.Builder b = n.toBuilder().kind(LayerKind.OUTPUT);
            boolean linear = n.activation() == null || n.activation().is(Activations.IDENTITY);
            if (linear && trailing != null) {
                b.activation(trailing);
            }
            if (n.loss() == null && loss != null) {
                b.loss(loss);
            }
            replaced.put(n.name(), b.build());
        }
        if (replaced.isEmpty()) {
            return nodes;
        }
        List<Node> result = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            result.add(replaced.getOrDefault(n.name(), n));
        }
        return result;
    }

    private static @Nullable String modelName(JsonValue root) {
        JsonValue cfg = root.opt("config");
        String n = cfg != null && cfg.isObject() ? cfg.str("name") : null;
        return n != null ? n : root.str("class_name");
    }

    /** Builds one model's layers into {@code scope}. */
    private void build(Scope scope, JsonValue model) throws ReadException {
        JsonValue cfg = model.opt("config");
        JsonValue layers = cfg == null ? null : cfg.isArray() ? cfg : cfg.opt("layers");
        String cls = model.str("class_name");
        if (layers == null || !layers.isArray()) {
            throw new ReadException("Keras model '" + cls + "' has no list of layers in its config (a subclassed "
                    + "model? gradflow reads Sequential and Functional models)", pos(model));
        }
        boolean functional = Objects.requireNonNull(cfg, "the layers came from it").isObject()
                && cfg.opt("input_layers") != null;
        if (functional) {
            functional(scope, cfg, layers);
        } else {
            sequential(scope, layers);
        }
    }

    private void functional(Scope scope, JsonValue cfg, JsonValue layers) throws ReadException {
        List<String> inputNames = new ArrayList<>();
        for (Ref r : refList(scope, cfg.opt("input_layers"))) {
            inputNames.add(r.layer());
        }
        for (JsonValue layer : layers.items()) {
            String name = layerName(layer);
            String cls = layer.str("class_name");
            SourcePos pos = pos(layer);
            if ("InputLayer".equals(cls)) {
                if (scope.bound == null) {
                    scope.layers.put(name, new TopInput(input(scope, name, layer)));
                } else {
                    int idx = inputNames.indexOf(name);
                    scope.layers.put(name, new NestedInput(idx < 0 ? scope.layers.size() : idx));
                }
                continue;
            }
            List<List<Ref>> calls = calls(scope, layer);
            if (isModel(layer)) {
                List<Scope> scopes = new ArrayList<>();
                for (int c = 0; c < calls.size(); c++) {
                    Scope child = new Scope(scope.prefix + name + (c > 0 ? "@" + c : "") + "/", calls.get(c));
                    build(child, layer);
                    scopes.add(child);
                }
                scope.layers.put(name, new Nested(scopes));
                continue;
            }
            List<String> nodes = new ArrayList<>();
            if (calls.isEmpty()) {
                calls = List.of(List.of());
            }
            for (int c = 0; c < calls.size(); c++) {
                String node = unique(scope.prefix + name + (c > 0 ? "@" + c : ""));
                add(node, layer, pos, calls.get(c));
                nodes.add(node);
            }
            scope.layers.put(name, new Plain(nodes));
        }
        scope.outputs = refList(scope, cfg.opt("output_layers"));
    }

    private void sequential(Scope scope, JsonValue layers) throws ReadException {
        Ref prev = scope.bound == null || scope.bound.isEmpty() ? null : scope.bound.get(0);
        for (JsonValue layer : layers.items()) {
            String name = layerName(layer);
            SourcePos pos = pos(layer);
            if ("InputLayer".equals(layer.str("class_name"))) {
                if (scope.bound == null) {
                    scope.layers.put(name, new TopInput(input(scope, name, layer)));
                    prev = new Ref(scope, name, 0, 0, pos);
                }
                continue;
            }
            if (prev == null) {
                // no InputLayer: the first layer declares the input
                String in = unique(scope.prefix + "input");
                inputNode(in, layer, layer.opt("config"), pos);
                scope.layers.put(in, new TopInput(in));
                prev = new Ref(scope, in, 0, 0, pos);
            }
            if (isModel(layer)) {
                Scope child = new Scope(scope.prefix + name + "/", List.of(prev));
                build(child, layer);
                scope.layers.put(name, new Nested(List.of(child)));
            } else {
                String node = unique(scope.prefix + name);
                add(node, layer, pos, List.of(prev));
                scope.layers.put(name, new Plain(List.of(node)));
            }
            prev = new Ref(scope, name, 0, 0, pos);
        }
        scope.outputs = prev == null ? List.of() : List.of(prev);
    }

    private void add(String node, JsonValue layer, SourcePos pos, List<Ref> inputs) throws ReadException {
        if (pending.size() >= Limits.MAX_LAYERS) {
            throw new ReadException("the model has more than " + Limits.count(Limits.MAX_LAYERS) + " layers, the "
                    + "limit", pos);
        }
        Interrupts.check();
        KerasLayers.Mapped m = KerasLayers.map(node, layer, pos, version);
        layouts.put(node, m.channelsFirst());
        if (m.target() != null) {
            reshapeTargets.put(node, m.target());
        }
        if (m.permutation() != null) {
            permutations.put(node, m.permutation());
        }
        pending.add(new Pending(m.node(), inputs));
    }

    /** An outermost InputLayer: a graph input with the shape it declares. */
    private String input(Scope scope, String name, JsonValue layer) throws ReadException {
        String node = unique(scope.prefix + name);
        JsonValue cfg = layer.opt("config");
        inputNode(node, layer, cfg, pos(layer));
        return node;
    }

    private void inputNode(String node, JsonValue layer, @Nullable JsonValue cfg, SourcePos pos) throws ReadException {
        long[] dims = cfg == null || !cfg.isObject() ? null : declaredInput(cfg);
        if (dims != null) {
            inputDims.put(node, dims);
        }
        pending.add(new Pending(Node.builder(node, LayerKind.INPUT).type("InputLayer").hasBias(false).pos(pos),
                List.of()));
    }

    /** The input shape a layer declares, without the batch axis; null when it declares none. */
    private static long @Nullable [] declaredInput(JsonValue cfg) throws ReadException {
        for (String key : new String[] {"batch_input_shape", "batch_shape"}) {
            long[] s = KerasLayers.sizes(cfg, key, Limits.MAX_WIDTH, false);
            if (s != null && s.length > 0) {
                return Arrays.copyOfRange(s, 1, s.length);
            }
        }
        long[] s = KerasLayers.sizes(cfg, "input_shape", Limits.MAX_WIDTH, false);
        if (s != null) {
            return s;
        }
        long dim = Limits.width(cfg, "input_dim", true);
        if (dim > 0) {
            return cfg.opt("input_length") == null ? new long[] {dim}
                    : new long[] {Limits.size(cfg, "input_length"), dim};
        }
        return null;
    }

    // ---------------------------------------------------------------- inbound nodes

    /**
     * A layer's calls, each a list of input references: Keras 1/2 write
     * {@code [[["dense_1", 0, 0, {}], ...], ...]}, Keras 3 writes {@code [{"args": [...], "kwargs":
     * {...}}]} with {@code __keras_tensor__} objects carrying a keras_history.
     */
    private List<List<Ref>> calls(Scope scope, JsonValue layer) throws ReadException {
        JsonValue ib = layer.opt("inbound_nodes");
        List<List<Ref>> out = new ArrayList<>();
        if (ib == null || !ib.isArray()) {
            return out;
        }
        for (JsonValue call : ib.items()) {
            List<Ref> refs = new ArrayList<>();
            if (call.isArray()) {
                for (JsonValue item : call.items()) {
                    legacyRef(scope, item, refs);
                }
            } else if (call.isObject()) {
                tensors(scope, call.opt("args"), refs);
                JsonValue kwargs = call.opt("kwargs");
                if (kwargs != null && kwargs.isObject()) {
                    for (Map.Entry<String, JsonValue> e : kwargs.members().entrySet()) {
                        if (!e.getKey().contains("mask")) {
                            tensors(scope, e.getValue(), refs);
                        }
                    }
                }
            } else {
                throw new ReadException("layer '" + layerName(layer) + "': inbound node is neither a list nor an "
                        + "object", pos(call));
            }
            out.add(refs);
        }
        return out;
    }

    /** A Keras 1/2 reference [layer, node, tensor, kwargs]; kwargs may hold more references. */
    private void legacyRef(Scope scope, JsonValue item, List<Ref> refs) {
        if (!item.isArray() || item.size() < 3 || !item.items().get(0).isString()) {
            return;
        }
        String layer = Objects.requireNonNull(item.items().get(0).asText(), "a string has text");
        int node = (int) item.items().get(1).asDouble();
        // tf.keras writes constants fed to op layers as ["_CONSTANT_VALUE", -1, value]
        if (node < 0 || layer.equals("_CONSTANT_VALUE")) {
            return;
        }
        refs.add(new Ref(scope, layer, node, (int) item.items().get(2).asDouble(), pos(item)));
        if (item.size() > 3 && item.items().get(3).isObject()) {
            for (Map.Entry<String, JsonValue> e : item.items().get(3).members().entrySet()) {
                JsonValue v = e.getValue();
                if (!e.getKey().contains("mask") && v.isArray() && v.size() >= 3 && v.items().get(0).isString()) {
                    legacyRef(scope, v, refs);
                }
            }
        }
    }

    /** Keras 3 tensors anywhere inside call arguments, in order. */
    private void tensors(Scope scope, @Nullable JsonValue v, List<Ref> refs) {
        if (v == null) {
            return;
        }
        if (v.isArray()) {
            for (JsonValue i : v.items()) {
                tensors(scope, i, refs);
            }
        } else if (v.isObject()) {
            if ("__keras_tensor__".equals(v.str("class_name"))) {
                JsonValue cfg = v.opt("config");
                JsonValue h = cfg == null ? null : cfg.opt("keras_history");
                if (h != null && h.isArray() && h.size() >= 3 && h.items().get(0).isString()) {
                    refs.add(new Ref(scope, Objects.requireNonNull(h.items().get(0).asText(), "a string has text"),
                            (int) h.items().get(1).asDouble(),
                            (int) h.items().get(2).asDouble(), pos(v)));
                }
                return;
            }
            for (JsonValue m : v.members().values()) {
                tensors(scope, m, refs);
            }
        }
    }

    /** input_layers / output_layers: [[name, node, tensor], ...], or one flat [name, node, tensor]. */
    private List<Ref> refList(Scope scope, @Nullable JsonValue v) {
        List<Ref> out = new ArrayList<>();
        if (v == null || !v.isArray() || v.size() == 0) {
            return out;
        }
        if (v.items().get(0).isString()) {
            legacyRef(scope, v, out);
            return out;
        }
        for (JsonValue item : v.items()) {
            legacyRef(scope, item, out);
        }
        return out;
    }

    /** The graph node a Keras reference stands for, following nested models to their layers. */
    private String resolve(Ref r, int depth) throws ReadException {
        if (depth > 1000) {
            throw new ReadException("layer references loop through '" + r.layer() + "'", r.pos());
        }
        Entry e = r.scope().layers.get(r.layer());
        if (e == null) {
            throw new ReadException("a layer takes input from '" + r.layer() + "', which is not a layer of the "
                    + "model" + (r.scope().prefix.isEmpty() ? "" : " '" + r.scope().prefix.replaceAll("/$", "") + "'"),
                    r.pos());
        }
        if (e instanceof TopInput t) {
            return t.node();
        }
        if (e instanceof NestedInput n) {
            if (n.index() >= Objects.requireNonNull(r.scope().bound, "a nested input is bound").size()) {
                throw new ReadException("nested model '" + r.scope().prefix.replaceAll("/$", "")
                        + "' is called with fewer inputs than it declares", r.pos());
            }
            return resolve(r.scope().bound.get(n.index()), depth + 1);
        }
        if (e instanceof Plain p) {
            if (r.node() >= p.nodes().size()) {
                throw new ReadException("a layer takes output " + r.node() + " of layer '" + r.layer()
                        + "', which is called only " + p.nodes().size() + " time(s)", r.pos());
            }
            return p.nodes().get(r.node());
        }
        Nested m = (Nested) e;
        if (r.node() >= m.calls().size()) {
            throw new ReadException("a layer takes call " + r.node() + " of model '" + r.layer()
                    + "', which is called only " + m.calls().size() + " time(s)", r.pos());
        }
        Scope child = m.calls().get(r.node());
        if (r.tensor() >= child.outputs.size()) {
            throw new ReadException("a layer takes output " + r.tensor() + " of model '" + r.layer()
                    + "', which has " + child.outputs.size(), r.pos());
        }
        return resolve(child.outputs.get(r.tensor()), depth + 1);
    }

    // ---------------------------------------------------------------- shapes

    /** Input shapes as TensorShapes: the layout depends on the layer reading the input. */
    private List<Node> withInputShapes(List<Node> nodes) {
        Map<String, Node> firstUsers = firstUsers(nodes);
        List<Node> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            long[] dims = inputDims.get(n.name());
            if (n.kind() != LayerKind.INPUT || dims == null) {
                out.add(n);
                continue;
            }
            Node user = firstUsers.get(n.name());
            boolean ids = user != null && user.kind() == LayerKind.EMBEDDING;
            TensorShape s = TensorShape.fromAxes(dims, readsChannelsFirst(firstUsers, n.name()), ids);
            out.add(n.toBuilder().outputShape(s).nOut(s.size()).build());
        }
        return out;
    }

    /** Per node, the first node in file order that reads it: one pass, not one search per question. */
    private static Map<String, Node> firstUsers(List<Node> nodes) {
        Map<String, Node> first = new HashMap<>();
        for (Node u : nodes) {
            for (String i : u.inputs()) {
                first.putIfAbsent(i, u);
            }
        }
        return first;
    }

    /**
     * Whether the tensor a node produces is read channels first: the layout the first layer
     * that reads it declares, looking through layers that have no layout of their own (dropout,
     * activations, normalisation). Keras axes without a declared layout are read channels last:
     * Dense, Reshape and Permute work on the axes as they are.
     */
    private boolean readsChannelsFirst(Map<String, Node> firstUsers, String name) {
        String cur = name;
        for (int hops = 0; hops < 64; hops++) {
            Node user = firstUsers.get(cur);
            if (user == null) {
                return false;
            }
            Boolean b = layouts.get(user.name());
            if (b != null) {
                return b;
            }
            switch (user.kind()) {
                case DROPOUT, ACTIVATION, BATCH_NORM, LAYER_NORM, SCALE -> cur = user.name();
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * Whether a node's output is laid out channels first: what the nearest layer up the chain
     * declares; Reshape and Permute outputs and inputs are laid out the way their reader reads them.
     */
    private boolean producedChannelsFirst(Map<String, Node> firstUsers, Map<String, Node> byName, @Nullable Node n) {
        Node cur = n;
        for (int hops = 0; hops < 64 && cur != null; hops++) {
            Boolean b = layouts.get(cur.name());
            if (b != null) {
                return b;
            }
            if (cur.kind() == LayerKind.INPUT || reshapeTargets.containsKey(cur.name())
                    || permutations.containsKey(cur.name())) {
                return readsChannelsFirst(firstUsers, cur.name());
            }
            if (cur.inputs().isEmpty()) {
                return false;
            }
            cur = byName.get(cur.inputs().get(0));
        }
        return false;
    }

    /**
     * Reshape and Permute name axes in Keras's order: record how their output's axes are read
     * (the layout the layer after them declares) and, for Permute, how its input's are laid out.
     */
    private List<Node> withLayouts(List<Node> nodes) {
        Map<String, Node> byName = new HashMap<>();
        nodes.forEach(n -> byName.put(n.name(), n));
        Map<String, Node> firstUsers = firstUsers(nodes);
        List<Node> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            if (reshapeTargets.containsKey(n.name()) || permutations.containsKey(n.name())) {
                Node.Builder b = n.toBuilder().dataFormat(format(readsChannelsFirst(firstUsers, n.name())));
                if (permutations.containsKey(n.name()) && !n.inputs().isEmpty()) {
                    b.inputFormat(format(producedChannelsFirst(firstUsers, byName, byName.get(n.inputs().get(0)))));
                }
                n = b.build();
            }
            out.add(n);
        }
        return out;
    }

    private static DataFormat format(boolean channelsFirst) {
        return channelsFirst ? DataFormat.CHANNELS_FIRST : DataFormat.CHANNELS_LAST;
    }

    // ---------------------------------------------------------------- helpers

    private static boolean isModel(JsonValue layer) {
        String cls = layer.str("class_name");
        JsonValue cfg = layer.opt("config");
        boolean hasLayers = cfg != null && (cfg.isArray() || cfg.isObject() && cfg.opt("layers") != null
                && Objects.requireNonNull(cfg.get("layers")).isArray());
        return hasLayers && ("Sequential".equals(cls) || "Model".equals(cls) || "Functional".equals(cls)
                || Objects.requireNonNull(cfg, "hasLayers").isObject() && cfg.opt("input_layers") != null);
    }

    /** A layer's name: the layer object's own (tf.keras op layers differ from their config's), then its config's. */
    private static String layerName(JsonValue layer) {
        String n = layer.str("name");
        if (n == null) {
            JsonValue cfg = layer.opt("config");
            n = cfg != null && cfg.isObject() ? cfg.str("name") : null;
        }
        return n != null ? n : String.valueOf(layer.str("class_name"));
    }

    private String unique(String name) {
        String n = name;
        // where the last search for this name stopped: many layers of one name stay linear
        int i = suffixes.getOrDefault(name, 2);
        while (!names.add(n)) {
            n = name + "_" + i++;
        }
        suffixes.put(name, i);
        return n;
    }

    /** A layer's position: its class_name member (line and column), with the layer object's pointer. */
    private static SourcePos pos(JsonValue v) {
        JsonValue c = v.isObject() ? v.opt("class_name") : null;
        if (c != null && c.keyLine() > 0) {
            return new SourcePos(c.keyLine(), c.keyColumn(), v.pointer());
        }
        return new SourcePos(v.line(), v.column(), v.pointer());
    }

    /** The model's generation from the config's shape when the file does not state its version. */
    private static int guessGeneration(JsonValue root) {
        int[] found = {2};
        scan(root, found, 0);
        return found[0];
    }

    private static void scan(JsonValue v, int[] found, int depth) {
        if (depth > 64 || v == null) {
            return;
        }
        if (v.isObject()) {
            if (v.has("module") && v.has("registered_name") || v.has("batch_shape")) {
                found[0] = 3;
                return;
            }
            for (String k : new String[] {"init", "nb_filter", "border_mode", "dim_ordering", "inner_init",
                    "W_regularizer"}) {
                if (v.has(k)) {
                    found[0] = 1;
                    return;
                }
            }
            for (JsonValue m : v.members().values()) {
                scan(m, found, depth + 1);
                if (found[0] != 2) {
                    return;
                }
            }
        } else if (v.isArray()) {
            for (JsonValue i : v.items()) {
                scan(i, found, depth + 1);
                if (found[0] != 2) {
                    return;
                }
            }
        }
    }

}
