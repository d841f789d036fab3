package io.gradflow.ingest.dl4j;

import io.gradflow.ingest.Finish;
import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ReadException;
import io.gradflow.json.JsonValue;
import io.gradflow.kinds.Kind;
import io.gradflow.kinds.Kinds;
import io.gradflow.model.Activation;
import io.gradflow.model.Distribution;
import io.gradflow.model.Format;
import io.gradflow.model.GraphException;
import io.gradflow.model.Interrupts;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.NumberFormat;
import io.gradflow.model.Precision;
import io.gradflow.model.PaddingMode;
import io.gradflow.model.ShapeOp;
import io.gradflow.model.SourcePos;
import io.gradflow.model.Suppression;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads Deeplearning4j MultiLayerConfiguration and ComputationGraphConfiguration JSON of every
 * generation: the 0.5-0.7 wrapper format with enum strings, the 0.8-1.0.0-alpha wrapper format
 * with activation objects, and the {@code @class} format of 1.0.0-beta to 1.0.0-M2.1.
 */
public final class Dl4jReader {

    /** Name given to a MultiLayer network's input. */
    public static final String INPUT_NAME = "input";

    private final String source;
    private final Set<String> names = new HashSet<>();
    /** The inline suppressions the file writes, in file order. */
    private final List<Suppression> suppressions = new ArrayList<>();
    private final Map<String, Integer> suffixes = new HashMap<>();

    private Dl4jReader(String source) {
        this.source = source;
    }

    /** True when the JSON looks like a DL4J network configuration. */
    public static boolean looksLikeDl4j(JsonValue root) {
        return root.isObject() && (root.has("confs") || root.has("vertices") && root.has("vertexInputs"));
    }

    /**
     * Reads a configuration document.
     *
     * @param source the path as given by the user, for reports
     * @param root   the parsed configuration
     */
    public static ModelGraph read(String source, JsonValue root) throws ReadException {
        Dl4jReader r = new Dl4jReader(source);
        if (!root.isObject()) {
            throw new ReadException("not a DL4J configuration: the top level is not a JSON object",
                    new SourcePos(root.line(), root.column(), ""));
        }
        try {
            if (root.has("confs")) {
                return r.multiLayer(root);
            }
            if (root.has("vertices")) {
                return r.computationGraph(root);
            }
        } catch (GraphException e) {
            throw new ReadException(e.getMessage(), e.pos());
        }
        throw new ReadException("not a DL4J configuration: no 'confs' (MultiLayer) or 'vertices' "
                + "(ComputationGraph) member", new SourcePos(root.line(), root.column(), ""));
    }

    // ---------------------------------------------------------------- networks

    private ModelGraph multiLayer(JsonValue root) throws ReadException, GraphException {
        JsonValue confs = Objects.requireNonNull(root.get("confs"), "the caller saw it");
        if (!confs.isArray()) {
            throw new ReadException("'confs' must be an array of layer configurations", pos(confs));
        }
        if (confs.size() == 0) {
            throw new ReadException("the configuration has no layers ('confs' is empty)", pos(confs));
        }
        if (confs.size() >= Limits.MAX_LAYERS) {
            throw new ReadException("the configuration has " + Limits.count(confs.size()) + " layers, over the limit "
                    + "of " + Limits.count(Limits.MAX_LAYERS - 1), pos(confs));
        }
        JsonValue pre = root.opt("inputPreProcessors");
        long tbptt = "TruncatedBPTT".equals(root.str("backpropType"))
                ? Limits.size(root, "tbpttBackLength", 0, -1) : -1;
        names.add(INPUT_NAME);
        List<Node> nodes = new ArrayList<>();
        String prev = INPUT_NAME;
        List<JsonValue> items = confs.items();
        for (int i = 0; i < items.size(); i++) {
            Interrupts.check();
            JsonValue conf = items.get(i);
            JsonValue holder = conf.isObject() ? conf.opt("layer") : null;
            if (holder == null) {
                throw new ReadException("layer configuration " + i + " has no 'layer' member", pos(conf));
            }
            Node.Builder b = layer(String.valueOf(i), false, holder, conf);
            JsonValue pp = pre == null ? null : pre.opt(String.valueOf(i));
            if (pp != null) {
                b.inputShape(preprocessorShape(pp));
            }
            if (tbptt > 0 && b.kind().recurrent()) {
                b.timeSteps(tbptt);
            }
            Node n = b.inputs(prev).build();
            nodes.add(n);
            prev = n.name();
        }
        Node first = nodes.get(0);
        Node input = Node.builder(INPUT_NAME, LayerKind.INPUT).type("input")
                .nOut(first.core().nIn())
                .outputShape(first.inputShape() != null ? first.inputShape() : inputShapeFor(List.of(first), users(nodes)))
                .pos(new SourcePos(confs.keyLine(), confs.keyColumn(), "/confs"))
                .build();
        nodes.add(0, input);
        return finish(root, nodes, List.of(prev), "MultiLayerNetwork");
    }

    private ModelGraph computationGraph(JsonValue root) throws ReadException, GraphException {
        JsonValue vertices = Objects.requireNonNull(root.get("vertices"), "the caller saw it");
        if (!vertices.isObject()) {
            throw new ReadException("'vertices' must be an object of graph vertices", pos(vertices));
        }
        if (vertices.size() == 0) {
            throw new ReadException("the configuration has no layers ('vertices' is empty)", pos(vertices));
        }
        if (vertices.size() > Limits.MAX_LAYERS) {
            throw new ReadException("the configuration has " + Limits.count(vertices.size()) + " vertices, over "
                    + "the limit of " + Limits.count(Limits.MAX_LAYERS) + " layers", pos(vertices));
        }
        JsonValue vertexInputs = root.opt("vertexInputs");
        List<String> inputs = strings(root.opt("networkInputs"));
        List<String> outputs = strings(root.opt("networkOutputs"));
        names.addAll(inputs);
        List<Node> nodes = new ArrayList<>();
        for (Map.Entry<String, JsonValue> e : vertices.members().entrySet()) {
            Interrupts.check();
            String name = e.getKey();
            names.add(name);
            List<String> ins = vertexInputs == null ? List.of() : strings(vertexInputs.opt(name));
            nodes.add(vertex(name, e.getValue()).inputs(ins).build());
        }
        List<Node> all = new ArrayList<>();
        for (String in : inputs) {
            all.add(Node.builder(in, LayerKind.INPUT).type("input")
                    .pos(pos(Objects.requireNonNull(root.get("networkInputs"), "the names come from it"))).build());
        }
        all.addAll(nodes);
        // the wiring is checked before anything walks it: a cycle or a dangling name is an error, not a loop
        ModelGraph.checkWiring(all);
        Map<String, List<Node>> users = new HashMap<>();
        for (Node n : nodes) {
            for (String i : n.inputs()) {
                users.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            List<Node> u = users.getOrDefault(inputs.get(i), List.of());
            all.set(i, all.get(i).toBuilder().nOut(u.isEmpty() ? -1 : u.get(0).core().nIn())
                    .outputShape(inputShapeFor(u, users)).build());
        }
        return finish(root, all, outputs, "ComputationGraph");
    }

    private ModelGraph finish(JsonValue root, List<Node> nodes, List<String> outputs, String kind)
            throws GraphException, ReadException {
        Suppression whole = InlineIgnores.read(root, Set.of());
        if (whole != null) {
            suppressions.add(0, whole);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("network", kind);
        meta.put("generation", generation(root));
        String dataType = root.str("dataType");
        if (dataType != null) {
            meta.put("dataType", dataType);
        }
        meta.put("backpropType", root.str("backpropType") == null ? "Standard" : root.str("backpropType"));
        Precision p = Precision.parse(dataType);
        // DL4J sums the batch's gradients in the backward pass and divides in the updater
        NumberFormat numbers = NumberFormat.of(p == null ? Precision.FLOAT32 : p, true, dataType);
        ModelGraph g = ModelGraph.of(source, Format.DL4J_JSON, kind, nodes, outputs, Map.of(), meta)
                .withNumberFormat(numbers);
        return Finish.finish(g.withSuppressions(suppressions));
    }

    /** Which DL4J serialisation generation wrote the file. */
    private static String generation(JsonValue root) {
        JsonValue confs = root.opt("confs");
        JsonValue any = null;
        if (confs != null && confs.isArray() && confs.size() > 0) {
            any = confs.items().get(0).opt("layer");
        } else if (root.opt("vertices") != null && Objects.requireNonNull(root.get("vertices")).size() > 0) {
            any = root.get("vertices").members().values().iterator().next();
        }
        return any != null && any.has("@class") ? "@class (1.0.0-beta and later)"
                : "wrapper objects (before 1.0.0-beta)";
    }

    /**
     * DL4J does not store a network's input type: work it out from the first layer that says what
     * it takes, looking through layers that pass the input on unchanged.
     */
    private static TensorShape inputShapeFor(List<Node> users, Map<String, List<Node>> consumers) {
        // through layers that pass the input on: iterative, and the wiring has no cycles
        boolean throughShape = false;
        List<Node> at = users;
        while (true) {
            if (at.isEmpty()) {
                return TensorShape.UNKNOWN;
            }
            Node u = at.get(0);
            if (u.inputShape() == null && u.core().nIn() <= 0 && passThrough(u.kind())) {
                throughShape |= u.kind() == LayerKind.SHAPE;
                at = consumers.getOrDefault(u.name(), List.of());
                continue;
            }
            TensorShape s = declaredInput(u);
            return throughShape && s.kind() == TensorShape.Kind.CNN ? TensorShape.cnn(s.size(), unknownSpatial(s.dims()))
                    : s;
        }
    }

    /** What a layer says it takes, when it is the first to say. */
    private static TensorShape declaredInput(Node u) {
        if (u.inputShape() != null) {
            return u.inputShape();
        }
        Node c = u.core();
        long n = c.nIn();
        return switch (u.kind()) {
            case CONV, DECONV, DEPTHWISE_CONV, SEPARABLE_CONV, LOCALLY_CONNECTED, POOLING ->
                    u.dims() == 1 ? TensorShape.rnn(n, -1) : TensorShape.cnn(n, unknownSpatial(u.dims()));
            case SIMPLE_RNN, LSTM, GRU, BIDIRECTIONAL -> TensorShape.rnn(n, u.timeSteps());
            default -> n > 0 ? TensorShape.ff(n) : TensorShape.UNKNOWN;
        };
    }

    private static Map<String, List<Node>> users(List<Node> nodes) {
        Map<String, List<Node>> users = new HashMap<>();
        for (Node n : nodes) {
            for (String i : n.inputs()) {
                users.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
        return users;
    }

    private static boolean passThrough(LayerKind k) {
        return switch (k) {
            case SHAPE, POOLING, BATCH_NORM, LAYER_NORM, LOCAL_RESPONSE_NORM, ACTIVATION, DROPOUT, SCALE -> true;
            default -> false;
        };
    }

    private static long[] unknownSpatial(int dims) {
        long[] s = new long[Math.max(dims, 1)];
        Arrays.fill(s, -1);
        return s;
    }

    // ---------------------------------------------------------------- vertices

    private Node.Builder vertex(String name, JsonValue v) throws ReadException {
        Typed t = typed(v);
        if (t == null) {
            return opaque(name, "vertex", "unrecognised graph vertex entry", v);
        }
        JsonValue body = t.body;
        Node.Builder b = switch (t.cls) {
            case "LayerVertex" -> {
                JsonValue layerConf = body.opt("layerConf");
                JsonValue holder = layerConf == null ? null : layerConf.opt("layer");
                if (holder == null) {
                    throw new ReadException("layer vertex '" + name + "' has no layerConf.layer", pos(v));
                }
                // a vertex's key is its name, whatever the layer's own layerName says
                Node.Builder lb = layer(name, true, holder,
                        Objects.requireNonNull(layerConf, "the holder came from it"));
                JsonValue pp = body.opt("preProcessor");
                if (pp != null) {
                    lb.inputShape(preprocessorShape(pp));
                }
                yield lb;
            }
            case "FrozenVertex" -> {
                JsonValue inner = body.opt("vertex");
                yield inner == null ? opaque(name, t.cls, "frozen vertex without its vertex", v)
                        : vertex(name, inner).frozen(true);
            }
            default -> {
                LayerKind k = kindOf(t.cls);
                yield k == null ? null : switch (k) {
                    case CONCAT -> simple(name, k, t, v);
                    case ELEMENTWISE -> {
                        String op = body.str("op");
                        Node.Merge m = switch (op == null ? "Add" : op) {
                            case "Subtract" -> Node.Merge.SUBTRACT;
                            case "Product" -> Node.Merge.PRODUCT;
                            case "Average" -> Node.Merge.AVERAGE;
                            case "Max" -> Node.Merge.MAX;
                            default -> Node.Merge.ADD;
                        };
                        yield simple(name, k, t, v).merge(m);
                    }
                    case SCALE -> simple(name, k, t, v).gamma(body.num("scaleFactor", 1.0))
                            .beta(body.num("shiftFactor", 0.0));
                    case LAYER_NORM -> simple(name, k, t, v);
                    case ATTENTION -> simple(name, k, t, v).nIn(Limits.width(body, true, "nInQueries"))
                            .nOut(Limits.width(body, true, "nOut")).weightInit(weightInit(body))
                            .heads(heads(body));
                    case SHAPE -> {
                        Node.Builder sb = simple(name, k, t, v)
                                .shapeOp("LastTimeStepVertex".equals(t.cls) ? ShapeOp.LAST_TIME_STEP : ShapeOp.PASS);
                        JsonValue pp = body.opt("preProcessor");
                        if (pp != null) {
                            sb.outputShape(preprocessorOutput(pp));
                        }
                        yield sb;
                    }
                    default -> null;
                };
            }
        };
        return b != null ? b : opaque(name, t.cls, "graph vertex class " + t.cls + " is not one gradflow models", v);
    }

    private Node.Builder simple(String name, LayerKind kind, Typed t, JsonValue v) {
        return Node.builder(name, kind).type(t.cls).pos(typePos(t, v)).hasBias(false);
    }

    // ---------------------------------------------------------------- layers

    /**
     * One layer from its holder ({"@class": ...} or {"dense": {...}}) and its layer-conf.
     *
     * @param fixedName true when {@code name} is the node's name already (a graph vertex key, a
     *                  wrapped layer); false when the layer's own layerName takes precedence
     */
    private Node.Builder layer(String name, boolean fixedName, JsonValue holder, JsonValue conf)
            throws ReadException {
        InlineIgnores.checkNotBesideWrapper(holder);
        Typed t = typed(holder);
        if (t == null) {
            return opaque(fixedName ? name : uniqueName(name), "layer", "unrecognised layer entry", holder);
        }
        JsonValue body = t.body;
        if (!fixedName) {
            String own = body.str("layerName");
            name = uniqueName(own == null || own.isBlank() ? name : own);
        }
        Suppression ignore = InlineIgnores.read(body, Set.of(name));
        if (ignore != null) {
            suppressions.add(ignore);
        }
        SourcePos pos = typePos(t, holder);
        String cls = t.cls;

        // wrappers first: the wrapped layer carries the numbers
        switch (cls) {
            case "FrozenLayer", "FrozenLayerWithBackprop" -> {
                JsonValue inner = body.opt("layer");
                if (inner == null) {
                    return opaque(name, cls, "frozen layer without its layer", holder);
                }
                return layer(name, true, inner, conf).frozen(true).pos(pos);
            }
            case "LastTimeStep", "TimeDistributed", "MaskZeroLayer" -> {
                JsonValue inner = body.opt("underlying");
                if (inner == null) {
                    return opaque(name, cls, cls + " without its underlying layer", holder);
                }
                Node.Builder b = layer(name, true, inner, conf).pos(pos);
                return "LastTimeStep".equals(cls) ? b.returnSequences(false) : b;
            }
            case "Bidirectional" -> {
                JsonValue fwd = body.opt("fwd");
                if (fwd == null) {
                    return opaque(name, cls, "bidirectional layer without its forward layer", holder);
                }
                Node inner = layer(name + "/fwd", true, fwd, conf).build();
                String mode = body.str("mode") == null ? "CONCAT" : body.str("mode");
                long out = inner.nOut() > 0 && "CONCAT".equals(mode) ? 2 * inner.nOut() : inner.nOut();
                return Node.builder(name, LayerKind.BIDIRECTIONAL).type(cls).wrapped(inner)
                        .bidirectionalMode(mode).nIn(inner.nIn()).nOut(out)
                        .activation(inner.activation()).weightInit(inner.weightInit())
                        .timeSteps(inner.timeSteps()).pos(pos);
            }
            default -> { }
        }

        LayerKind kind = kindOf(cls);
        if (kind == null) {
            return opaque(name, cls, "layer class " + cls + " is not a DL4J layer gradflow knows"
                    + " (a custom layer?)", holder).pos(pos)
                    .nIn(Limits.width(body, true, "nin")).nOut(Limits.width(body, true, "nout"));
        }
        Node.Builder b = Node.builder(name, kind).type(cls).pos(pos)
                .nIn(Limits.width(body, true, "nin", "nIn"))
                // a layer whose width is its own (dense, convolution, output...) must state it; others
                // (dropout, loss layers) write 0 for "the input's"
                .nOut(Limits.width(body, !ownsWidth(kind), "nout", "nOut"))
                .dims(dimsOf(cls, kind))
                .hasBias(body.bool("hasBias", kind.hasWeights()))
                .biasInit(body.num("biasInit", 0.0))
                .dropRate(dropRate(body))
                .updater(updater(body))
                .gradientNormalization(gradientNormalization(body))
                .layerNorm(body.bool("hasLayerNorm", false));
        if (appliesActivation(kind, cls)) {
            b.activation(activation(body, kind == LayerKind.ACTIVATION ? "identity" : "sigmoid"));
        }
        if (kind.hasWeights() || "PReLULayer".equals(cls)) {
            b.weightInit(weightInit(body));
        }
        switch (kind) {
            case CONV, DECONV, DEPTHWISE_CONV, SEPARABLE_CONV, LOCALLY_CONNECTED, POOLING -> {
                int d = dimsOf(cls, kind);
                b.kernel(trim(Limits.window(body, "kernelSize"), d)).stride(trim(Limits.window(body, "stride"), d))
                        .padding(trim(Limits.padding(body, "padding"), d))
                        .dilation(trim(Limits.window(body, "dilation"), d))
                        .paddingMode(PaddingMode.parse(body.str("convolutionMode")))
                        .depthMultiplier(depthMultiplier(body));
                if (kind == LayerKind.POOLING) {
                    b.pooling(pooling(body.str("poolingType")));
                }
            }
            case GLOBAL_POOLING -> b.pooling(pooling(body.str("poolingType")));
            case BATCH_NORM -> b.gamma(body.num("gamma", 1.0)).beta(body.num("beta", 0.0)).hasBias(false);
            case SIMPLE_RNN, LSTM, GRU -> {
                b.recurrentInit(recurrentInit(body));
                b.forgetGateBias(body.num("forgetGateBiasInit", 1.0));
                JsonValue gate = body.opt("gateActivationFn");
                if (gate != null) {
                    b.gateActivation(activationFrom(gate, "sigmoid"));
                } else if (kind != LayerKind.SIMPLE_RNN) {
                    b.gateActivation(Activation.SIGMOID);
                }
            }
            case OUTPUT, LOSS -> b.loss(loss(body));
            case ATTENTION -> b.heads(heads(body));
            case SHAPE -> shapeParams(b, cls, body);
            case EMBEDDING -> b.hasBias(body.bool("hasBias", false))
                    .returnSequences("EmbeddingSequenceLayer".equals(cls));
            default -> { }
        }
        if ("VariationalAutoencoder".equals(cls)) {
            b.kind(LayerKind.OPAQUE).detail("variational autoencoder: a pretraining layer with its own "
                    + "encoder and decoder, which gradflow does not model");
        }
        return b;
    }

    private static boolean appliesActivation(LayerKind kind, String cls) {
        return switch (kind) {
            case DENSE, CONV, DECONV, DEPTHWISE_CONV, SEPARABLE_CONV, LOCALLY_CONNECTED, ACTIVATION,
                 EMBEDDING, SIMPLE_RNN, LSTM, GRU, OUTPUT -> true;
            // LossLayer and CnnLossLayer apply theirs; Yolo2 does its own thing
            case LOSS -> !"Yolo2OutputLayer".equals(cls);
            default -> false;
        };
    }

    /** The kind DL4J's class is (one table for reading and writing: each kind's DL4J part), or null. */
    private static @Nullable LayerKind kindOf(String cls) {
        return Kinds.byDl4jClass(cls).map(Kind::tag).orElse(null);
    }

    private static int dimsOf(String cls, LayerKind kind) {
        if (cls.contains("1D") || cls.equals("Subsampling1DLayer")) {
            return 1;
        }
        if (cls.contains("3D")) {
            return 3;
        }
        return switch (kind) {
            case CONV, DECONV, DEPTHWISE_CONV, SEPARABLE_CONV, LOCALLY_CONNECTED, POOLING -> 2;
            default -> 0;
        };
    }

    /** DL4J writes 1-D kernels as [k, 1] in some versions: keep the dimensions that matter. */
    private static int @Nullable [] trim(int @Nullable [] values, int dims) {
        if (values == null || dims <= 0 || values.length <= dims) {
            return values;
        }
        return Arrays.copyOf(values, dims);
    }

    private static void shapeParams(Node.Builder b, String cls, JsonValue body) throws ReadException {
        b.shapeOp(ShapeOp.PASS);
        if (cls.startsWith("ZeroPadding")) {
            b.shapeOp(ShapeOp.ZERO_PADDING).padding(Limits.padding(body, "padding"));
        } else if (cls.startsWith("Cropping")) {
            b.shapeOp(ShapeOp.CROPPING).padding(Limits.padding(body, "cropping"));
        } else if (cls.startsWith("Upsampling")) {
            b.shapeOp(ShapeOp.UPSAMPLING).kernel(Limits.window(body, "size"));
        } else if (cls.equals("SpaceToDepthLayer") || cls.equals("SpaceToBatchLayer")) {
            int[] block = Limits.window(body, "blockSize");
            b.kernel(block == null ? Limits.window(body, "blocks") : block);
        } else if (cls.equals("RepeatVector")) {
            b.shapeOp(ShapeOp.REPEAT_VECTOR).timeSteps(Limits.size(body, "n", 0, -1));
        }
    }

    /** DL4J's attention heads: nHeads of headSize each for queries, keys and values; null when unset. */
    private static Node.@Nullable Heads heads(JsonValue body) throws ReadException {
        long heads = Limits.width(body, true, "nheads", "nHeads");
        long size = Limits.width(body, true, "headSize");
        return size > 0 ? new Node.Heads(Math.max(heads, 1), size, size) : null;
    }

    private static int depthMultiplier(JsonValue body) throws ReadException {
        JsonValue v = body.opt("depthMultiplier");
        return v == null ? 1 : (int) Limits.whole(v, "depthMultiplier", 1, Limits.MAX_WINDOW);
    }

    /** Kinds whose output width is the layer's own parameter, which DL4J refuses to build without. */
    private static boolean ownsWidth(LayerKind kind) {
        return switch (kind) {
            case DENSE, CONV, DECONV, SEPARABLE_CONV, LOCALLY_CONNECTED, EMBEDDING, SIMPLE_RNN, LSTM, GRU,
                 OUTPUT -> true;
            default -> false;
        };
    }

    private static Node.Pooling pooling(@Nullable String s) {
        if (s == null) {
            return Node.Pooling.MAX;
        }
        return switch (s.toUpperCase(Locale.ROOT)) {
            case "AVG", "AVERAGE" -> Node.Pooling.AVG;
            case "SUM" -> Node.Pooling.SUM;
            case "PNORM" -> Node.Pooling.PNORM;
            default -> Node.Pooling.MAX;
        };
    }

    // ---------------------------------------------------------------- parameters

    private static Activation activation(JsonValue body, String dflt) {
        JsonValue fn = body.opt("activationFn");
        if (fn == null) {
            fn = body.opt("activationFunction");
        }
        return fn == null ? Dl4jNames.activation(dflt) : activationFrom(fn, dflt);
    }

    private static Activation activationFrom(JsonValue fn, String dflt) {
        if (fn.isString()) {
            return Dl4jNames.activation(Objects.requireNonNull(fn.asText(), "a string has text"));
        }
        Typed t = typed(fn);
        if (t == null) {
            return Dl4jNames.activation(dflt);
        }
        JsonValue p = t.body;
        return Dl4jNames.activation(t.cls, p::num, p.bool("precise", false));
    }

    private static @Nullable WeightInit weightInit(JsonValue body) {
        return initFrom(body, "weightInitFn", "weightInit", "dist");
    }

    private static @Nullable WeightInit recurrentInit(JsonValue body) {
        WeightInit w = null;
        if (body.opt("weightInitFnRecurrent") != null || body.opt("weightInitRecurrent") != null) {
            w = initFrom(body, "weightInitFnRecurrent", "weightInitRecurrent", "distRecurrent");
        }
        return w != null ? w : weightInit(body);
    }

    private static @Nullable WeightInit initFrom(JsonValue body, String fnKey, String enumKey, String distKey) {
        JsonValue fn = body.opt(fnKey);
        if (fn != null && fn.isObject()) {
            Typed t = typed(fn);
            if (t != null) {
                String cls = t.cls.startsWith("WeightInit") ? t.cls.substring("WeightInit".length()) : t.cls;
                if (cls.equals("Distribution")) {
                    return fromDistribution(t.body.opt("distribution"));
                }
                if (cls.equals("Constant")) {
                    double v = t.body.num("value", 0);
                    return WeightInit.constant(v == 0 ? "ZERO" : v == 1 ? "ONES" : "CONSTANT(" + v + ")", v);
                }
                return Dl4jNames.weightInit(cls, t.body.num("scale", Double.NaN));
            }
        }
        String e = body.str(enumKey);
        if (e == null) {
            return Dl4jNames.weightInit("XAVIER", Double.NaN);
        }
        WeightInit w = Dl4jNames.weightInit(e, Double.NaN);
        return w != null ? w : fromDistribution(body.opt(distKey));
    }

    private static WeightInit fromDistribution(@Nullable JsonValue d) {
        if (d == null) {
            return WeightInit.unknown("DISTRIBUTION");
        }
        // DL4J 1.0 tags distributions with "type" where everything else uses "@class"
        JsonValue type = d.opt("type");
        Typed t = type != null && type.isString()
                ? new Typed(Dl4jNames.simpleName(Objects.requireNonNull(type.asText(), "a string has text")), d, type)
                : typed(d);
        if (t == null) {
            return WeightInit.unknown("DISTRIBUTION");
        }
        JsonValue p = t.body;
        Distribution dist = Dl4jNames.distribution(t.cls, k -> p.num(k, Double.NaN));
        return dist == null ? WeightInit.unknown(t.cls) : WeightInit.distribution("DISTRIBUTION", dist);
    }

    private static double dropRate(JsonValue body) {
        JsonValue d = body.opt("idropout");
        if (d != null) {
            Typed t = typed(d);
            if (t == null) {
                return 0;
            }
            return switch (t.cls) {
                case "Dropout", "AlphaDropout", "SpatialDropout" -> {
                    double p = t.body.num("p", 1.0);
                    yield p > 0 && p < 1 ? 1 - p : 0;
                }
                case "GaussianDropout" -> t.body.num("rate", 0.0);
                default -> 0;
            };
        }
        double legacy = body.num("dropOut", 0.0);
        // legacy dropOut is the probability of keeping a unit, as DL4J's own upgrade reads it
        return legacy > 0 && legacy < 1 ? 1 - legacy : 0;
    }

    private static Node.@Nullable Updater updater(JsonValue body) {
        JsonValue u = body.opt("iupdater");
        if (u == null) {
            u = body.opt("iUpdater");
        }
        if (u != null) {
            Typed t = typed(u);
            if (t != null) {
                double lr = t.body.opt("learningRateSchedule") != null ? Double.NaN
                        : t.body.num("learningRate", Double.NaN);
                return new Node.Updater(t.cls, lr);
            }
        }
        String legacy = body.str("updater");
        if (legacy != null) {
            return new Node.Updater(legacy, body.num("learningRate", Double.NaN));
        }
        return null;
    }

    private static Node.@Nullable GradientNormalization gradientNormalization(JsonValue body) {
        String g = body.str("gradientNormalization");
        if (g == null || g.equals("None")) {
            return null;
        }
        return new Node.GradientNormalization(g, body.num("gradientNormalizationThreshold", Double.NaN));
    }

    private static @Nullable String loss(JsonValue body) {
        JsonValue fn = body.opt("lossFn");
        if (fn != null) {
            Typed t = typed(fn);
            if (t != null) {
                return t.cls.startsWith("Loss") && t.cls.length() > 4 ? t.cls.substring(4) : t.cls;
            }
        }
        String legacy = body.str("lossFunction");
        return legacy;
    }

    /** The shape a preprocessor declares (the side of it that knows the spatial sizes). */
    private static @Nullable TensorShape preprocessorShape(JsonValue pp) throws ReadException {
        Typed t = typed(pp);
        if (t == null) {
            return null;
        }
        JsonValue p = t.body;
        long h = Limits.size(p, "inputHeight", 0, -1);
        long w = Limits.size(p, "inputWidth", 0, -1);
        long c = Limits.width(p, "numChannels", true);
        String n = t.cls.toLowerCase(Locale.ROOT);
        if (n.contains("cnn3d")) {
            return TensorShape.cnn(c, Limits.size(p, "inputDepth", 0, -1), h, w);
        }
        if (n.contains("cnn") && (h > 0 || w > 0)) {
            return TensorShape.cnn(c, h, w);
        }
        return null;
    }

    private static @Nullable TensorShape preprocessorOutput(JsonValue pp) throws ReadException {
        Typed t = typed(pp);
        if (t == null) {
            return null;
        }
        String n = t.cls.toLowerCase(Locale.ROOT);
        TensorShape s = preprocessorShape(pp);
        if (n.contains("tofeedforward") && s != null && s.volume() > 0) {
            return TensorShape.ff(s.volume());
        }
        return n.startsWith("feedforwardtocnn") ? s : null;
    }

    // ---------------------------------------------------------------- helpers

    /** A typed JSON entry: {"@class": "a.b.C", ...} or the legacy wrapper {"name": {...}}. */
    private record Typed(String cls, JsonValue body, JsonValue typeNode) { }

    private static @Nullable Typed typed(JsonValue v) {
        if (v == null || !v.isObject()) {
            return null;
        }
        JsonValue c = v.opt("@class");
        if (c != null && c.isString()) {
            return new Typed(Dl4jNames.simpleName(Objects.requireNonNull(c.asText(), "a string has text")), v, c);
        }
        if (v.size() == 1) {
            Map.Entry<String, JsonValue> only = v.members().entrySet().iterator().next();
            if (only.getValue().isObject()) {
                String key = only.getKey();
                return new Typed(Dl4jNames.LEGACY_LAYERS.getOrDefault(key, key), only.getValue(), only.getValue());
            }
        }
        return null;
    }

    /** Position of the type declaration: the "@class" member, or the legacy wrapper key. */
    private static SourcePos typePos(Typed t, JsonValue holder) {
        JsonValue n = t.typeNode;
        return new SourcePos(n.keyLine() > 0 ? n.keyLine() : holder.line(),
                n.keyLine() > 0 ? n.keyColumn() : holder.column(), t.body.pointer());
    }

    private static SourcePos pos(JsonValue v) {
        return new SourcePos(v.keyLine() > 0 ? v.keyLine() : v.line(),
                v.keyLine() > 0 ? v.keyColumn() : v.column(), v.pointer());
    }

    private Node.Builder opaque(String name, String type, String why, JsonValue v) {
        return Node.builder(name, LayerKind.OPAQUE).type(type).detail(why).pos(pos(v));
    }

    private String uniqueName(String name) {
        String n = name;
        // where the last search for this name stopped: a thousand layers called "dense" stay linear
        int i = suffixes.getOrDefault(name, 2);
        while (!names.add(n)) {
            n = name + "_" + i++;
        }
        suffixes.put(name, i);
        return n;
    }

    private static List<String> strings(@Nullable JsonValue v) {
        if (v == null) {
            return List.of();
        }
        if (v.isString()) {
            return List.of(v.asText());
        }
        List<String> out = new ArrayList<>();
        for (JsonValue i : v.items()) {
            if (i.asText() != null) {
                out.add(i.asText());
            }
        }
        return out;
    }
}
