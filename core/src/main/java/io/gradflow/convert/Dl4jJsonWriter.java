package io.gradflow.convert;

import static io.gradflow.kinds.Dl4jJson.obj;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.kinds.Dl4jConfig;
import io.gradflow.kinds.Dl4jContext;
import io.gradflow.kinds.Dl4jJson;
import io.gradflow.kinds.Dl4jLayout;
import io.gradflow.kinds.Dl4jParam;
import io.gradflow.kinds.Kinds;
import io.gradflow.model.Activation;
import io.gradflow.model.DenseAxis;
import io.gradflow.model.Distribution;
import io.gradflow.model.Dl4jInit;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.Precision;
import io.gradflow.model.SourcePos;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import io.gradflow.model.activation.Activations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Writes a model graph as a Deeplearning4j 1.0.0-M2.1 configuration in DL4J's own {@code @class}
 * JSON: a MultiLayerConfiguration for a plain chain of layers, a ComputationGraphConfiguration when
 * there are residual blocks or branches. It writes the text itself (Gson), so converting needs no
 * DL4J on the classpath; the tests load the result with DL4J's {@code fromJson}.
 *
 * <p>It writes every field DL4J writes, with DL4J's defaults where the model is silent, and the
 * input preprocessors DL4J's {@code setInputType} would add (images to a dense layer, sequences
 * through a dense layer). Each layer's own JSON comes from its kind's DL4J part; this class keeps
 * the layouts, the preprocessors and the fields every layer shares. Initialisers keep their
 * variance: a fan-scaled scheme DL4J has no class for becomes the VarScaling class with the scale
 * that gives the same variance.
 *
 * <p>{@link #forVerify} writes the network gradflow verify builds from the same graph: always a
 * ComputationGraph, with every network input, a loss layer after each output that has none (Keras
 * keeps its loss outside the layers), the verify module's classes where DL4J lacks a layer or an
 * activation, and each layer's parameter arrays for the verifier to draw ({@link Dl4jParam}); the
 * initialisers written are placeholders, as the verifier never lets DL4J draw.
 */
public final class Dl4jJsonWriter implements Dl4jContext {

    /** The DL4J release whose format this writes. */
    public static final String TARGET = Dl4jContext.TARGET;

    private static final String DISTRIBUTIONS = "org.deeplearning4j.nn.conf.distribution.";
    private static final String UPDATERS = "org.nd4j.linalg.learning.config.";
    private static final String LOSSES = "org.nd4j.linalg.lossfunctions.impl.";
    /** Conversion is deterministic: the same model gives the same file. */
    private static final long SEED = 42;

    /** What gradflow verify builds: the configuration, each node's DL4J vertex and arrays. */
    public record Build(String json, Map<String, String> vertexOf, Map<String, List<Dl4jParam>> params,
                        List<String> outputs) { }

    private final ModelGraph g;
    private final boolean verify;
    private final String dataType;
    private final List<ConvertException.Problem> problems = new ArrayList<>();
    /** Per problem, whether its layer is one gradflow cannot model. */
    private final List<Boolean> opaqueProblem = new ArrayList<>();
    private final Map<String, String> alias = new HashMap<>();
    private final Map<String, List<Dl4jParam>> params = new LinkedHashMap<>();
    private final Map<String, List<String>> vertexIns = new HashMap<>();
    private final List<String> outputs = new ArrayList<>();
    /** The layers gradflow verify adds: time probes, and loss layers after outputs that have none. */
    private final List<Node> extra = new ArrayList<>();
    private final Map<String, TensorShape> probeShapes = new HashMap<>();
    private final Map<String, List<String>> rewiredInputs = new HashMap<>();
    /** The layers written with a loss of their own (DL4J's output and loss layers). */
    private final Set<String> withLoss = new HashSet<>();
    private final Map<String, Dl4jLayout> layouts = new HashMap<>();
    private final Map<String, JsonObject> preprocessors = new HashMap<>();
    private final Map<String, JsonObject> layers = new LinkedHashMap<>();
    private final Map<String, JsonObject> vertices = new HashMap<>();
    /** The node being written, for problems. */
    private @Nullable Node current;

    private Dl4jJsonWriter(ModelGraph g, boolean verify, Precision format) {
        this.g = g;
        this.verify = verify;
        // DL4J has one data type per network, weights included: a mixed policy becomes its compute format
        this.dataType = switch (format) {
            case FLOAT16 -> "HALF";
            case BFLOAT16 -> "BFLOAT16";
            case FLOAT64 -> "DOUBLE";
            case FLOAT32 -> "FLOAT";
        };
    }

    /**
     * The configuration as DL4J JSON text.
     *
     * @throws ConvertException listing every layer DL4J cannot express, and why
     */
    public static String write(ModelGraph g) throws ConvertException {
        return new Dl4jJsonWriter(g, false, g.numberFormat().compute()).json();
    }

    /**
     * The network gradflow verify builds for {@code g}: a ComputationGraph configuration in DL4J's
     * native layouts, which may name the verify module's classes, and the arrays to draw.
     *
     * @throws ConvertException listing every layer DL4J cannot run, and why
     */
    public static Build forVerify(ModelGraph g) throws ConvertException {
        return forVerify(g, Precision.FLOAT32);
    }

    /**
     * As {@link #forVerify(ModelGraph)}, the network computing in {@code format} (verify measures a
     * half-precision model twice: in its own format, and in float32 for the entries that flush).
     */
    public static Build forVerify(ModelGraph g, Precision format) throws ConvertException {
        Dl4jJsonWriter w = new Dl4jJsonWriter(g, true, format);
        String json = w.json();
        Map<String, String> vertexOf = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            vertexOf.put(n.name(), w.resolve(n.name()));
        }
        return new Build(json, vertexOf, w.params, w.outputs);
    }

    private String json() throws ConvertException {
        if (g.inputs().isEmpty() || !verify && g.inputs().size() != 1) {
            problem(SourcePos.NONE, "DL4J JSON is written for models with exactly one input, this one has "
                    + g.inputs().size());
            throw new ConvertException(problems);
        }
        for (Node n : g.nodes()) {
            if (n.kind() == LayerKind.INPUT) {
                layouts.put(n.name(), verify ? Dl4jContext.layoutOf(g.shape(n.name())) : layout(g.shape(n.name())));
                continue;
            }
            if (verify && n.kind().recurrent() && inLayout(n) == Dl4jLayout.RNN) {
                n = behindTimeProbe(n);
            }
            if (verify && n.kind() == LayerKind.OUTPUT) {
                n = asOutput(n);
            }
            current = n;
            if (n.kind() == LayerKind.OUTPUT || n.kind() == LayerKind.LOSS) {
                withLoss.add(n.name());
            }
            add(n, Kinds.of(n.kind()).dl4j().write(n, this));
        }
        if (verify) {
            for (String o : g.outputs()) {
                Node n = Objects.requireNonNull(g.node(o), "an output is a layer");
                if (withLoss.contains(resolve(o))) {
                    outputs.add(resolve(o));
                    continue;
                }
                Node loss = lossFor(n);
                extra.add(loss);
                current = loss;
                add(loss, Kinds.of(LayerKind.LOSS).dl4j().write(loss, this));
                outputs.add(loss.name());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConvertException(verify ? rootCauses() : problems);
        }
        JsonObject root = !verify && chain() ? multiLayer() : computationGraph();
        return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(root)
                + "\n";
    }

    /** The suffix of the identity layer gradflow verify puts in front of a recurrent layer. */
    public static final String TIME_PROBE = "~time";

    /**
     * An identity layer in front of a recurrent layer, whose backward pass shows the gradient at
     * each step of the layer's input: how much reaches the first step through time. Returns the
     * recurrent node reading from it.
     */
    private Node behindTimeProbe(Node n) {
        String in = n.inputs().get(0);
        Node probe = Node.builder(n.name() + TIME_PROBE, LayerKind.ACTIVATION).type("time probe").inputs(in)
                .activation(Activation.IDENTITY).pos(n.pos()).build();
        extra.add(probe);
        probeShapes.put(probe.name(), g.shape(in));
        current = probe;
        add(probe, Kinds.of(LayerKind.ACTIVATION).dl4j().write(probe, this));
        List<String> ins = new ArrayList<>(n.inputs());
        ins.set(0, probe.name());
        Node rewired = n.toBuilder().inputs(ins).build();
        rewiredInputs.put(n.name(), ins);
        return rewired;
    }

    /**
     * An output layer as gradflow verify builds it. Keras's readers mark the weighted layer behind a
     * model output as the output layer, though it may be a convolution, act at every position of a
     * map, or be followed by activation, dropout and reshaping layers; DL4J's OutputLayer is none of
     * these. Such a layer is built as the layer it is, the model output gets the loss, and an
     * activation the reader moved onto it from a later activation layer is applied there only.
     */
    private Node asOutput(Node n) {
        boolean last = g.consumers(n.name()).isEmpty();
        boolean conv = n.kernel().length > 0;
        Dl4jLayout in = inLayout(n);
        boolean perPosition = (in == Dl4jLayout.CNN || in == Dl4jLayout.CNN3D) && n.denseAxis() == DenseAxis.LAST;
        if (last && !conv && !perPosition) {
            return n;
        }
        Node.Builder b = n.toBuilder().kind(conv ? LayerKind.CONV : LayerKind.DENSE);
        if (!last && appliedAgain(n)) {
            b.activation(Activation.IDENTITY);
        }
        return b.build();
    }

    /** Whether the last activation layer between {@code n} and a model output applies n's activation. */
    private boolean appliedAgain(Node n) {
        for (String o : g.outputs()) {
            Node cur = g.node(o);
            Activation trailing = null;
            while (cur != null && cur != n && cur.inputs().size() == 1 && (cur.kind() == LayerKind.ACTIVATION
                    || cur.kind() == LayerKind.DROPOUT || cur.kind() == LayerKind.SHAPE)) {
                if (cur.kind() == LayerKind.ACTIVATION && trailing == null) {
                    trailing = cur.activation();
                }
                cur = g.node(cur.inputs().get(0));
            }
            if (cur == n && trailing != null && trailing.equals(n.activation())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The problems of the layers that cannot run at all (a Lambda, a custom class): what follows
     * them fails only because they do (an unknown shape), so only they are named when there are any.
     */
    private List<ConvertException.Problem> rootCauses() {
        List<ConvertException.Problem> roots = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            if (opaqueProblem.get(i)) {
                roots.add(problems.get(i));
            }
        }
        return roots.isEmpty() ? problems : roots;
    }

    private void add(Node n, Dl4jConfig c) {
        if (c instanceof Dl4jConfig.Layer l) {
            layers.put(n.name(), l.json());
            layouts.put(n.name(), l.out());
            params.put(n.name(), l.params());
        } else if (c instanceof Dl4jConfig.Vertex v) {
            vertices.put(n.name(), v.json());
            layouts.put(n.name(), v.out());
            params.put(n.name(), v.params());
            if (!v.inputs().isEmpty()) {
                vertexIns.put(n.name(), v.inputs());
            }
        } else if (c instanceof Dl4jConfig.Pass && !n.inputs().isEmpty()) {
            alias.put(n.name(), n.inputs().get(0));
            layouts.put(n.name(), inLayout(n));
        } else {
            layouts.put(n.name(), inLayout(n));
        }
    }

    /** The DL4J vertex that holds a node's output: its own, or for a pass-through node its input's. */
    private String resolve(String node) {
        String s = node;
        while (alias.containsKey(s)) {
            s = alias.get(s);
        }
        return s;
    }

    /**
     * The loss layer gradflow verify puts after an output without one: the model's loss where it
     * names one DL4J has, else what fits the output's activation (cross-entropy after softmax or
     * sigmoid, squared error otherwise), as DL4J's KerasModelImport does.
     */
    private Node lossFor(Node out) {
        Activation a = out.activation();
        String named = out.loss() == null ? null : Dl4jLosses.dl4jName(out.loss());
        String loss = named != null ? named
                : a != null && a.is(Activations.SOFTMAX) ? "MCXENT"
                : a != null && a.is(Activations.SIGMOID) ? "XENT" : "MSE";
        String name = out.name() + "_loss";
        while (g.node(name) != null) {
            name += "_";
        }
        return Node.builder(name, LayerKind.LOSS).type("LossLayer").inputs(out.name())
                .activation(Activation.IDENTITY).loss(loss).updater(out.updater()).pos(out.pos()).build();
    }

    /** A single path from the input to the output with no merges: what a MultiLayerNetwork can hold. */
    private boolean chain() {
        for (Node n : g.nodes()) {
            if (vertices.containsKey(n.name()) || g.consumers(n.name()).size() > 1
                    || n.kind() != LayerKind.INPUT && n.inputs().size() != 1) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- networks

    private JsonObject multiLayer() {
        JsonArray confs = new JsonArray();
        JsonObject pre = new JsonObject();
        int i = 0;
        for (Node n : g.nodes()) {
            if (n.kind() == LayerKind.INPUT) {
                continue;
            }
            confs.add(conf(layers.get(n.name())));
            if (preprocessors.containsKey(n.name())) {
                pre.add(String.valueOf(i), preprocessors.get(n.name()));
            }
            i++;
        }
        return obj("backpropType", "Standard",
                "cacheMode", "NONE",
                "confs", confs,
                "dataType", dataType,
                "epochCount", 0,
                "inferenceWorkspaceMode", "ENABLED",
                "inputPreProcessors", pre,
                "iterationCount", 0,
                "tbpttBackLength", 20,
                "tbpttFwdLength", 20,
                "trainingWorkspaceMode", "ENABLED",
                "validateOutputLayerConfig", true);
    }

    private JsonObject computationGraph() {
        JsonObject vertexInputs = new JsonObject();
        JsonObject graphVertices = new JsonObject();
        List<Node> all = new ArrayList<>(g.nodes());
        all.addAll(extra);
        for (Node n : all) {
            if (n.kind() == LayerKind.INPUT || !layers.containsKey(n.name()) && !vertices.containsKey(n.name())) {
                continue;
            }
            JsonArray ins = new JsonArray();
            vertexIns.getOrDefault(n.name(), rewiredInputs.getOrDefault(n.name(), n.inputs()))
                    .forEach(i -> ins.add(resolve(i)));
            vertexInputs.add(n.name(), ins);
            JsonObject v = vertices.containsKey(n.name()) ? vertices.get(n.name())
                    : obj("@class", VERTICES + "LayerVertex",
                            "layerConf", conf(layers.get(n.name())),
                            "outputVertex", false,
                            "preProcessor", preprocessors.get(n.name()));
            graphVertices.add(n.name(), v);
        }
        JsonArray inputs = new JsonArray();
        g.inputs().forEach(i -> inputs.add(i.name()));
        JsonArray outputs = new JsonArray();
        (verify ? this.outputs : g.outputs()).forEach(outputs::add);
        JsonObject defaults = conf(null);
        return obj("backpropType", "Standard",
                "cacheMode", "NONE",
                "dataType", dataType,
                "defaultConfiguration", defaults,
                "epochCount", 0,
                "inferenceWorkspaceMode", "ENABLED",
                "iterationCount", 0,
                "networkInputs", inputs,
                "networkOutputs", outputs,
                "tbpttBackLength", 20,
                "tbpttFwdLength", 20,
                "topologicalOrder", null,
                "topologicalOrderStr", null,
                "trainingWorkspaceMode", "ENABLED",
                "validateOutputLayerConfig", true,
                "vertexInputs", vertexInputs,
                "vertices", graphVertices);
    }

    /** DL4J's per-layer NeuralNetConfiguration around a layer. */
    private JsonObject conf(@Nullable JsonObject layer) {
        return obj("cacheMode", "NONE",
                "dataType", dataType,
                "epochCount", 0,
                "iterationCount", 0,
                "layer", layer,
                "maxNumLineSearchIterations", 5,
                "miniBatch", true,
                "minimize", true,
                "optimizationAlgo", "STOCHASTIC_GRADIENT_DESCENT",
                "seed", SEED,
                "stepFunction", null,
                "variables", new JsonArray());
    }

    // ---------------------------------------------------------------- layouts

    private static Dl4jLayout layout(TensorShape s) {
        return switch (s.kind()) {
            case CNN -> Dl4jLayout.CNN;
            case RNN -> Dl4jLayout.RNN;
            default -> Dl4jLayout.FF;
        };
    }

    @Override
    public ModelGraph graph() {
        return g;
    }

    @Override
    public boolean verify() {
        return verify;
    }

    @Override
    public void preprocess(Node n, JsonObject preprocessor) {
        preprocessors.put(n.name(), preprocessor);
    }

    @Override
    public TensorShape shape(String node) {
        return probeShapes.containsKey(node) ? probeShapes.get(node) : g.shape(node);
    }

    @Override
    public Dl4jLayout layout(String node) {
        return layouts.getOrDefault(node, Dl4jLayout.FF);
    }

    @Override
    public void toFeedForward(Node n) {
        Dl4jLayout in = inLayout(n);
        TensorShape inShape = shape(n.inputs().get(0));
        if (in == Dl4jLayout.CNN) {
            long[] sp = inShape.spatial();
            preprocessors.put(n.name(), obj("@class", PREPROCESSORS + "CnnToFeedForwardPreProcessor",
                    "format", "NCHW", "inputHeight", sp[0], "inputWidth", sp[1], "numChannels", inShape.size()));
        } else if (in == Dl4jLayout.CNN3D) {
            long[] sp = inShape.spatial();
            preprocessors.put(n.name(), obj("@class", PREPROCESSORS + "Cnn3DToFeedForwardPreProcessor",
                    "inputDepth", sp[0], "inputHeight", sp[1], "inputWidth", sp[2], "numChannels", inShape.size(),
                    "ncdhw", true));
        } else if (in == Dl4jLayout.RNN) {
            preprocessors.put(n.name(), obj("@class", PREPROCESSORS + "RnnToFeedForwardPreProcessor",
                    "rnnDataFormat", "NCW"));
        }
    }

    @Override
    public void toSequence(Node n) {
        Dl4jLayout in = inLayout(n);
        if (in == Dl4jLayout.FF) {
            preprocessors.put(n.name(), obj("@class", PREPROCESSORS + "FeedForwardToRnnPreProcessor",
                    "rnnDataFormat", "NCW"));
        } else if (in == Dl4jLayout.CNN || in == Dl4jLayout.CNN3D) {
            problem(n.type() + " needs sequences, and DL4J holds its input as images");
        }
    }

    @Override
    public boolean toImages(Node n) {
        TensorShape inShape = shape(n.inputs().get(0));
        // the model holds a global pooling's output as features whether or not Keras keeps its 1x1
        // dimensions; a map of known size (a Reshape to (h, w, c)) keeps its own
        long[] sp = inShape.kind() == TensorShape.Kind.FF ? new long[] {1, 1} : inShape.spatial();
        boolean map = inShape.kind() == TensorShape.Kind.FF || inShape.kind() == TensorShape.Kind.CNN;
        if (inLayout(n) != Dl4jLayout.FF || !map || sp.length != 2 || inShape.size() <= 0 || sp[0] <= 0
                || sp[1] <= 0) {
            return false;
        }
        // DL4J reshapes the vector channel-major (NCHW): for the 1x1 maps this is for, the order is moot
        preprocessors.put(n.name(), obj("@class", PREPROCESSORS + "FeedForwardToCnnPreProcessor",
                "inputHeight", sp[0], "inputWidth", sp[1], "numChannels", inShape.size()));
        return true;
    }

    // ---------------------------------------------------------------- layers

    @Override
    public JsonObject weighted(Node n, String cls) {
        return obj("@class", LAYERS + cls,
                "activationFn", activation(n.activation() == null ? Activation.IDENTITY : n.activation()),
                "biasInit", n.biasInit(),
                "biasUpdater", null,
                "constraints", null,
                "gainInit", 1.0,
                "gradientNormalization", "None",
                "gradientNormalizationThreshold", 1.0,
                "hasBias", n.hasBias(),
                "idropout", dropout(n),
                "iupdater", updater(n),
                "layerName", n.name(),
                "nin", n.core().nIn(),
                "nout", n.nOut(),
                "regularization", new JsonArray(),
                "regularizationBias", new JsonArray(),
                "timeDistributedFormat", null,
                "weightInitFn", weightInit(n.weightInit()),
                "weightNoise", null);
    }

    // ---------------------------------------------------------------- parameters

    @Override
    public @Nullable JsonObject activation(Activation a) {
        String cls = a.fn().dl4jClass(a.alpha(), a.beta());
        if (verify && a.is(Activations.UNKNOWN)) {
            problem("activation " + a.label() + " is not one gradflow knows, so it cannot be run");
            return null;
        }
        if (verify && (cls == null || !a.fn().dl4jExact(a.alpha(), a.beta()))) {
            // gradflow's own definition, forward and backward, as a DL4J activation of the verify module
            JsonObject o = obj("@class", GRADFLOW + "CoreActivation", "function", a.fn().id());
            if (Double.isFinite(a.alpha())) {
                o.addProperty("alpha", a.alpha());
            }
            if (Double.isFinite(a.beta())) {
                o.addProperty("beta", a.beta());
            }
            return o;
        }
        if (cls == null) {
            problem("activation " + a.label() + " has no DL4J equivalent");
            return null;
        }
        JsonObject o = obj("@class", ACTIVATIONS + cls);
        a.fn().dl4jFields(a.alpha(), a.beta()).forEach((k, v) -> o.add(k, Dl4jJson.element(v)));
        return o;
    }

    @Override
    public @Nullable JsonObject weightInit(@Nullable WeightInit w) {
        if (verify) {
            // a placeholder: the verifier draws every array itself, as the file's framework would
            return obj("@class", WEIGHTS + "WeightInitConstant", "value", 0.0);
        }
        if (w == null) {
            return obj("@class", WEIGHTS + "WeightInitXavier");
        }
        switch (w.family()) {
            case FAN_SCALED -> {
                String exact = Dl4jInit.exactClass(w);
                if (exact != null) {
                    return obj("@class", WEIGHTS + exact);
                }
                Dl4jInit.Scaled scaled = Dl4jInit.scaledClass(w);
                if (scaled != null) {
                    return obj("@class", WEIGHTS + scaled.className(), "scale", scaled.scale());
                }
            }
            case DISTRIBUTION -> {
                Distribution d = Objects.requireNonNull(w.dist(), "a distribution initialiser has its distribution");
                JsonObject dist = switch (d.kind()) {
                    case NORMAL -> obj("type", DISTRIBUTIONS + "NormalDistribution", "mean", d.a(), "std", d.b());
                    case TRUNCATED_NORMAL -> obj("type", DISTRIBUTIONS + "TruncatedNormalDistribution",
                            "mean", d.a(), "std", d.b());
                    case UNIFORM -> obj("type", DISTRIBUTIONS + "UniformDistribution", "lower", d.a(), "upper", d.b());
                    default -> null;
                };
                if (dist != null) {
                    return obj("@class", WEIGHTS + "WeightInitDistribution", "distribution", dist);
                }
            }
            case CONSTANT -> {
                return obj("@class", WEIGHTS + "WeightInitConstant", "value", w.c());
            }
            case IDENTITY -> {
                return obj("@class", WEIGHTS + "WeightInitIdentity", "scale", w.gain() == 1 ? null : w.gain());
            }
            case ORTHOGONAL -> {
                return obj("@class", WEIGHTS + "WeightInitDistribution",
                        "distribution", obj("type", DISTRIBUTIONS + "OrthogonalDistribution", "gain", w.gain()));
            }
            default -> { }
        }
        problem("initialiser " + w.label() + " has no DL4J equivalent");
        return null;
    }

    @Override
    public @Nullable JsonObject dropout(Node n) {
        if (!(n.dropRate() > 0 && n.dropRate() < 1)) {
            return null;
        }
        // DL4J's Dropout takes the probability of keeping a unit
        return obj("@class", "org.deeplearning4j.nn.conf.dropout.Dropout", "p", 1 - n.dropRate(),
                "helperAllowFallback", true, "pschedule", null);
    }

    @Override
    public JsonObject updater(Node n) {
        if (verify && n.frozen()) {
            // a frozen layer still has its gradient measured, but training leaves it as it is
            return obj("@class", UPDATERS + "NoOp");
        }
        Node.Updater u = n.updater() == null ? new Node.Updater("Sgd", 1e-3) : n.updater();
        // a scheduled or unknown rate (NaN) is not a number DL4J's JSON reader takes
        double lr = Double.isNaN(u.learningRate()) ? 1e-3 : u.learningRate();
        return switch (u.name()) {
            case "Adam", "AdaMax", "Nadam", "AMSGrad" -> obj("@class", UPDATERS + u.name(), "learningRate", lr,
                    "beta1", 0.9, "beta2", 0.999, "epsilon", 1e-8);
            case "Nesterovs" -> obj("@class", UPDATERS + u.name(), "learningRate", lr, "momentum", 0.9);
            case "RmsProp" -> obj("@class", UPDATERS + u.name(), "learningRate", lr, "rmsDecay", 0.95,
                    "epsilon", 1e-8);
            case "AdaGrad" -> obj("@class", UPDATERS + u.name(), "learningRate", lr, "epsilon", 1e-6);
            case "AdaDelta" -> obj("@class", UPDATERS + u.name(), "rho", 0.95, "epsilon", 1e-6);
            case "NoOp" -> obj("@class", UPDATERS + u.name());
            default -> obj("@class", UPDATERS + "Sgd", "learningRate", Double.isNaN(lr) ? 1e-3 : lr);
        };
    }

    @Override
    public JsonObject loss(Node n) {
        String name = n.loss() == null ? "MCXENT" : n.loss();
        if (verify) {
            String known = Dl4jLosses.dl4jName(name);
            name = known == null ? "MSE" : known;
        }
        JsonObject o = obj("@class", LOSSES + "Loss" + name);
        switch (name) {
            case "MCXENT", "NegativeLogLikelihood", "SparseMCXENT" -> o.addProperty("softmaxClipEps", 1e-10);
            case "BinaryXENT" -> o.addProperty("clipEps", 1e-5);
            default -> { }
        }
        return o;
    }

    // ---------------------------------------------------------------- helpers

    @Override
    public void problem(String message) {
        Node at = Objects.requireNonNull(current, "problems come up while a layer is written");
        problem(at.pos(), verify ? "layer '" + at.name() + "' (" + at.type() + "): " + message
                : "cannot convert layer '" + at.name() + "' to " + TARGET + ": " + message);
    }

    private void problem(SourcePos pos, String message) {
        problems.add(new ConvertException.Problem(pos, message));
        opaqueProblem.add(current != null && current.kind() == LayerKind.OPAQUE);
    }
}
