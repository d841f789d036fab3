package io.gradflow.convert;

import static io.gradflow.kinds.Dl4jJson.obj;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.kinds.Dl4jConfig;
import io.gradflow.kinds.Dl4jContext;
import io.gradflow.kinds.Dl4jJson;
import io.gradflow.kinds.Dl4jLayout;
import io.gradflow.kinds.Kinds;
import io.gradflow.model.Activation;
import io.gradflow.model.Distribution;
import io.gradflow.model.Dl4jInit;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.SourcePos;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 */
public final class Dl4jJsonWriter implements Dl4jContext {

    /** The DL4J release whose format this writes. */
    public static final String TARGET = Dl4jContext.TARGET;

    private static final String PREPROCESSORS = "org.deeplearning4j.nn.conf.preprocessor.";
    private static final String DISTRIBUTIONS = "org.deeplearning4j.nn.conf.distribution.";
    private static final String UPDATERS = "org.nd4j.linalg.learning.config.";
    private static final String LOSSES = "org.nd4j.linalg.lossfunctions.impl.";
    /** Conversion is deterministic: the same model gives the same file. */
    private static final long SEED = 42;

    private final ModelGraph g;
    private final String dataType;
    private final List<ConvertException.Problem> problems = new ArrayList<>();
    private final Map<String, Dl4jLayout> layouts = new HashMap<>();
    private final Map<String, JsonObject> preprocessors = new HashMap<>();
    private final Map<String, JsonObject> layers = new LinkedHashMap<>();
    private final Map<String, JsonObject> vertices = new HashMap<>();
    /** The node being written, for problems. */
    private @Nullable Node current;

    private Dl4jJsonWriter(ModelGraph g) {
        this.g = g;
        // DL4J has one data type per network, weights included: a mixed policy becomes its compute format
        this.dataType = switch (g.numberFormat().compute()) {
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
        return new Dl4jJsonWriter(g).json();
    }

    private String json() throws ConvertException {
        if (g.inputs().size() != 1) {
            problem(SourcePos.NONE, "DL4J JSON is written for models with exactly one input, this one has "
                    + g.inputs().size());
            throw new ConvertException(problems);
        }
        for (Node n : g.nodes()) {
            if (n.kind() == LayerKind.INPUT) {
                layouts.put(n.name(), layout(g.shape(n.name())));
                continue;
            }
            current = n;
            Dl4jConfig c = Kinds.of(n.kind()).dl4j().write(n, this);
            if (c instanceof Dl4jConfig.Layer l) {
                layers.put(n.name(), l.json());
                layouts.put(n.name(), l.out());
            } else if (c instanceof Dl4jConfig.Vertex v) {
                vertices.put(n.name(), v.json());
                layouts.put(n.name(), v.out());
            } else {
                layouts.put(n.name(), inLayout(n));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConvertException(problems);
        }
        JsonObject root = chain() ? multiLayer() : computationGraph();
        return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(root)
                + "\n";
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
        for (Node n : g.nodes()) {
            if (n.kind() == LayerKind.INPUT) {
                continue;
            }
            JsonArray ins = new JsonArray();
            n.inputs().forEach(ins::add);
            vertexInputs.add(n.name(), ins);
            JsonObject v = vertices.containsKey(n.name()) ? vertices.get(n.name())
                    : obj("@class", VERTICES + "LayerVertex",
                            "layerConf", conf(layers.get(n.name())),
                            "outputVertex", false,
                            "preProcessor", preprocessors.get(n.name()));
            graphVertices.add(n.name(), v);
        }
        JsonArray inputs = new JsonArray();
        inputs.add(g.inputs().get(0).name());
        JsonArray outputs = new JsonArray();
        g.outputs().forEach(outputs::add);
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
    public TensorShape shape(String node) {
        return g.shape(node);
    }

    @Override
    public Dl4jLayout layout(String node) {
        return layouts.getOrDefault(node, Dl4jLayout.FF);
    }

    @Override
    public void toFeedForward(Node n) {
        Dl4jLayout in = inLayout(n);
        TensorShape inShape = g.shape(n.inputs().get(0));
        if (in == Dl4jLayout.CNN) {
            long[] sp = inShape.spatial();
            preprocessors.put(n.name(), obj("@class", PREPROCESSORS + "CnnToFeedForwardPreProcessor",
                    "format", "NCHW", "inputHeight", sp[0], "inputWidth", sp[1], "numChannels", inShape.size()));
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
        } else if (in == Dl4jLayout.CNN) {
            problem(n.type() + " needs sequences, and DL4J holds its input as images");
        }
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
        if (cls == null) {
            problem("activation " + a.label() + " has no DL4J equivalent");
            return null;
        }
        JsonObject o = obj("@class", ACTIVATIONS + cls);
        a.fn().dl4jFields(a.alpha(), a.beta()).forEach((k, v) -> o.add(k, Dl4jJson.element(v)));
        return o;
    }

    @Override
    public @Nullable JsonObject weightInit(WeightInit w) {
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
        Node.Updater u = n.updater() == null ? new Node.Updater("Sgd", 1e-3) : n.updater();
        double lr = u.learningRate();
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
        Node current = Objects.requireNonNull(this.current, "problems are reported while a node is written");
        problem(current.pos(), "cannot convert layer '" + current.name() + "' to " + TARGET + ": " + message);
    }

    private void problem(SourcePos pos, String message) {
        problems.add(new ConvertException.Problem(pos, message));
    }
}
