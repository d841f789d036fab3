package io.gradflow.convert;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.gradflow.model.Activation;
import io.gradflow.model.Distribution;
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

/**
 * Writes a model graph as a Deeplearning4j 1.0.0-M2.1 configuration in DL4J's own {@code @class}
 * JSON: a MultiLayerConfiguration for a plain chain of layers, a ComputationGraphConfiguration when
 * there are residual blocks or branches. It writes the text itself (Gson), so converting needs no
 * DL4J on the classpath; the tests load the result with DL4J's {@code fromJson}.
 *
 * <p>It writes every field DL4J writes, with DL4J's defaults where the model is silent, and the
 * input preprocessors DL4J's {@code setInputType} would add (images to a dense layer, sequences
 * through a dense layer). Initialisers keep their variance: a fan-scaled scheme DL4J has no class
 * for becomes the VarScaling class with the scale that gives the same variance.
 */
public final class Dl4jJsonWriter {

    /** The DL4J release whose format this writes. */
    public static final String TARGET = "DL4J 1.0.0-M2.1";

    private static final String LAYERS = "org.deeplearning4j.nn.conf.layers.";
    private static final String VERTICES = "org.deeplearning4j.nn.conf.graph.";
    private static final String PREPROCESSORS = "org.deeplearning4j.nn.conf.preprocessor.";
    private static final String WEIGHTS = "org.deeplearning4j.nn.weights.";
    private static final String DISTRIBUTIONS = "org.deeplearning4j.nn.conf.distribution.";
    private static final String ACTIVATIONS = "org.nd4j.linalg.activations.impl.";
    private static final String UPDATERS = "org.nd4j.linalg.learning.config.";
    private static final String LOSSES = "org.nd4j.linalg.lossfunctions.impl.";
    /** Conversion is deterministic: the same model gives the same file. */
    private static final long SEED = 42;

    /** How DL4J holds a layer's activations: DL4J's layouts, not the model's shapes. */
    private enum Layout { FF, CNN, RNN }

    private final ModelGraph g;
    private final List<ConvertException.Problem> problems = new ArrayList<>();
    private final Map<String, Layout> layouts = new HashMap<>();
    private final Map<String, JsonObject> preprocessors = new HashMap<>();
    private final Map<String, JsonObject> layers = new LinkedHashMap<>();

    private Dl4jJsonWriter(ModelGraph g) {
        this.g = g;
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
            layoutAndPreprocessor(n);
            JsonObject layer = layer(n);
            if (layer != null) {
                layers.put(n.name(), layer);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConvertException(problems);
        }
        JsonObject root = chain() ? multiLayer() : graph();
        return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(root)
                + "\n";
    }

    /** A single path from the input to the output with no merges: what a MultiLayerNetwork can hold. */
    private boolean chain() {
        for (Node n : g.nodes()) {
            if (n.kind() == LayerKind.ELEMENTWISE || n.kind() == LayerKind.CONCAT || g.consumers(n.name()).size() > 1
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
                "dataType", "FLOAT",
                "epochCount", 0,
                "inferenceWorkspaceMode", "ENABLED",
                "inputPreProcessors", pre,
                "iterationCount", 0,
                "tbpttBackLength", 20,
                "tbpttFwdLength", 20,
                "trainingWorkspaceMode", "ENABLED",
                "validateOutputLayerConfig", true);
    }

    private JsonObject graph() {
        JsonObject vertexInputs = new JsonObject();
        JsonObject vertices = new JsonObject();
        for (Node n : g.nodes()) {
            if (n.kind() == LayerKind.INPUT) {
                continue;
            }
            JsonArray ins = new JsonArray();
            n.inputs().forEach(ins::add);
            vertexInputs.add(n.name(), ins);
            JsonObject v = switch (n.kind()) {
                case ELEMENTWISE -> obj("@class", VERTICES + "ElementWiseVertex", "op", switch (n.merge()) {
                    case ADD -> "Add";
                    case SUBTRACT -> "Subtract";
                    case PRODUCT -> "Product";
                    case AVERAGE -> "Average";
                    case MAX -> "Max";
                });
                case CONCAT -> obj("@class", VERTICES + "MergeVertex", "mergeAxis", 1, "modified", false);
                default -> obj("@class", VERTICES + "LayerVertex",
                        "layerConf", conf(layers.get(n.name())),
                        "outputVertex", false,
                        "preProcessor", preprocessors.get(n.name()));
            };
            vertices.add(n.name(), v);
        }
        JsonArray inputs = new JsonArray();
        inputs.add(g.inputs().get(0).name());
        JsonArray outputs = new JsonArray();
        g.outputs().forEach(outputs::add);
        JsonObject defaults = conf(null);
        return obj("backpropType", "Standard",
                "cacheMode", "NONE",
                "dataType", "FLOAT",
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
                "vertices", vertices);
    }

    /** DL4J's per-layer NeuralNetConfiguration around a layer. */
    private static JsonObject conf(JsonObject layer) {
        return obj("cacheMode", "NONE",
                "dataType", "FLOAT",
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

    private static Layout layout(TensorShape s) {
        return switch (s.kind()) {
            case CNN -> Layout.CNN;
            case RNN -> Layout.RNN;
            default -> Layout.FF;
        };
    }

    /** What DL4J holds after this node, and the preprocessor it needs in front, as setInputType would. */
    private void layoutAndPreprocessor(Node n) {
        String producer = n.inputs().get(0);
        Layout in = layouts.getOrDefault(producer, Layout.FF);
        TensorShape inShape = g.shape(producer);
        Layout out = in;
        switch (n.kind()) {
            case DENSE -> {
                toFeedForward(n, in, inShape);
                out = Layout.FF;
            }
            case OUTPUT -> {
                if (inShape.kind() == TensorShape.Kind.RNN) {
                    toSequence(n, in);
                    out = Layout.RNN;
                } else {
                    toFeedForward(n, in, inShape);
                    out = Layout.FF;
                }
            }
            case CONV, POOLING -> {
                if (in != Layout.CNN) {
                    problem(n, n.type() + " needs images, and DL4J holds its input as " + in);
                }
                out = Layout.CNN;
            }
            case GLOBAL_POOLING -> out = Layout.FF;
            case SIMPLE_RNN, LSTM -> {
                toSequence(n, in);
                out = n.returnSequences() ? Layout.RNN : Layout.FF;
            }
            case ELEMENTWISE, CONCAT -> {
                for (String i : n.inputs()) {
                    if (layouts.getOrDefault(i, Layout.FF) != in) {
                        problem(n, "its inputs reach DL4J in different layouts ('" + producer + "' as " + in + ", '"
                                + i + "' as " + layouts.get(i) + "); DL4J's vertices cannot merge them");
                        break;
                    }
                }
            }
            default -> { }
        }
        layouts.put(n.name(), out);
    }

    private void toFeedForward(Node n, Layout in, TensorShape inShape) {
        if (in == Layout.CNN) {
            long[] sp = inShape.spatial();
            preprocessors.put(n.name(), obj("@class", PREPROCESSORS + "CnnToFeedForwardPreProcessor",
                    "format", "NCHW", "inputHeight", sp[0], "inputWidth", sp[1], "numChannels", inShape.size()));
        } else if (in == Layout.RNN) {
            preprocessors.put(n.name(), obj("@class", PREPROCESSORS + "RnnToFeedForwardPreProcessor",
                    "rnnDataFormat", "NCW"));
        }
    }

    private void toSequence(Node n, Layout in) {
        if (in == Layout.FF) {
            preprocessors.put(n.name(), obj("@class", PREPROCESSORS + "FeedForwardToRnnPreProcessor",
                    "rnnDataFormat", "NCW"));
        } else if (in == Layout.CNN) {
            problem(n, n.type() + " needs sequences, and DL4J holds its input as images");
        }
    }

    // ---------------------------------------------------------------- layers

    /** The layer object, or null for vertices and for what DL4J cannot express (reported). */
    private JsonObject layer(Node n) {
        return switch (n.kind()) {
            case DENSE -> {
                JsonObject o = weighted(n, "DenseLayer");
                o.addProperty("hasLayerNorm", n.layerNorm());
                yield sorted(o);
            }
            case OUTPUT -> {
                boolean rnn = g.shape(n.inputs().get(0)).kind() == TensorShape.Kind.RNN;
                JsonObject o = weighted(n, rnn ? "RnnOutputLayer" : "OutputLayer");
                o.add("lossFn", loss(n));
                if (rnn) {
                    o.addProperty("rnnDataFormat", "NCW");
                }
                yield sorted(o);
            }
            case CONV -> {
                JsonObject o = weighted(n, "ConvolutionLayer");
                o.addProperty("cnn2dDataFormat", "NCHW");
                o.addProperty("convolutionMode", n.convMode() == null ? "Truncate" : n.convMode());
                o.addProperty("cudnnAlgoMode", "PREFER_FASTEST");
                o.addProperty("cudnnAllowFallback", true);
                o.add("cudnnBwdDataAlgo", JsonNull.INSTANCE);
                o.add("cudnnBwdFilterAlgo", JsonNull.INSTANCE);
                o.add("cudnnFwdAlgo", JsonNull.INSTANCE);
                o.add("dilation", ints(n.dilation().length == 0 ? new int[] {1, 1} : n.dilation()));
                o.add("kernelSize", ints(n.kernel()));
                o.add("padding", ints(n.padding().length == 0 ? new int[] {0, 0} : n.padding()));
                o.add("stride", ints(n.stride().length == 0 ? new int[] {1, 1} : n.stride()));
                yield sorted(o);
            }
            case POOLING -> obj("@class", LAYERS + "SubsamplingLayer",
                    "avgPoolIncludePadInDivisor", false,
                    "cnn2dDataFormat", "NCHW",
                    "constraints", null,
                    "convolutionMode", n.convMode() == null ? "Truncate" : n.convMode(),
                    "cudnnAllowFallback", true,
                    "dilation", ints(new int[] {1, 1}),
                    "eps", 1e-8,
                    "gradientNormalization", "None",
                    "gradientNormalizationThreshold", 0.0,
                    "idropout", null,
                    "kernelSize", ints(n.kernel()),
                    "layerName", n.name(),
                    "padding", ints(n.padding().length == 0 ? new int[] {0, 0} : n.padding()),
                    "pnorm", 0,
                    "poolingType", pooling(n),
                    "stride", ints(n.stride().length == 0 ? n.kernel() : n.stride()));
            case GLOBAL_POOLING -> obj("@class", LAYERS + "GlobalPoolingLayer",
                    "collapseDimensions", true,
                    "constraints", null,
                    "gradientNormalization", "None",
                    "gradientNormalizationThreshold", 0.0,
                    "idropout", null,
                    "layerName", n.name(),
                    "pnorm", 2,
                    "poolingDimensions", null,
                    "poolingType", pooling(n));
            case BATCH_NORM -> obj("@class", LAYERS + "BatchNormalization",
                    "activationFn", obj("@class", ACTIVATIONS + "ActivationIdentity"),
                    "beta", n.beta(),
                    "biasInit", 0.0,
                    "biasUpdater", null,
                    "cnn2DFormat", "NCHW",
                    "constraints", null,
                    "cudnnAllowFallback", true,
                    "decay", 0.9,
                    "eps", 1e-5,
                    "gainInit", 1.0,
                    "gamma", n.gamma(),
                    "gradientNormalization", "None",
                    "gradientNormalizationThreshold", 1.0,
                    "idropout", null,
                    "iupdater", updater(n),
                    "layerName", n.name(),
                    "lockGammaBeta", false,
                    "minibatch", true,
                    "nin", n.nIn(),
                    "nout", n.nIn(),
                    "regularization", new JsonArray(),
                    "regularizationBias", new JsonArray(),
                    "timeDistributedFormat", null,
                    "useLogStd", true,
                    "weightInitFn", obj("@class", WEIGHTS + "WeightInitXavier"),
                    "weightNoise", null);
            case ACTIVATION -> obj("@class", LAYERS + "ActivationLayer",
                    "activationFn", activation(n, n.activation()),
                    "constraints", null,
                    "gradientNormalization", "None",
                    "gradientNormalizationThreshold", 0.0,
                    "idropout", null,
                    "layerName", n.name());
            case DROPOUT -> obj("@class", LAYERS + "DropoutLayer",
                    "activationFn", obj("@class", ACTIVATIONS + "ActivationIdentity"),
                    "biasInit", 0.0,
                    "biasUpdater", null,
                    "constraints", null,
                    "gainInit", 1.0,
                    "gradientNormalization", "None",
                    "gradientNormalizationThreshold", 1.0,
                    "idropout", dropout(n),
                    "iupdater", updater(n),
                    "layerName", n.name(),
                    "nin", 0,
                    "nout", 0,
                    "regularization", new JsonArray(),
                    "regularizationBias", new JsonArray(),
                    "timeDistributedFormat", null,
                    "weightInitFn", obj("@class", WEIGHTS + "WeightInitXavier"),
                    "weightNoise", null);
            case SIMPLE_RNN, LSTM -> recurrent(n);
            case ELEMENTWISE, CONCAT -> null;
            case GRU -> {
                problem(n, TARGET + " has no GRU layer; use lstm");
                yield null;
            }
            case LAYER_NORM -> {
                problem(n, TARGET + " has no stand-alone layer normalisation; normalise inside the layer before "
                        + "it instead (`dense N layernorm`, DL4J's hasLayerNorm)");
                yield null;
            }
            default -> {
                problem(n, "a " + n.type() + " layer cannot be written as " + TARGET + " JSON");
                yield null;
            }
        };
    }

    private JsonObject recurrent(Node n) {
        if (!n.hasBias()) {
            problem(n, "DL4J's recurrent layers always have a bias");
        }
        boolean lstm = n.kind() == LayerKind.LSTM;
        JsonObject o = weighted(n, lstm ? "LSTM" : "recurrent.SimpleRnn");
        o.remove("hasBias");
        if (lstm) {
            o.addProperty("forgetGateBiasInit", n.forgetGateBias());
            o.add("gateActivationFn", activation(n, n.gateActivation() == null ? Activation.SIGMOID
                    : n.gateActivation()));
            o.addProperty("helperAllowFallback", true);
        } else {
            o.addProperty("hasLayerNorm", n.layerNorm());
        }
        o.addProperty("rnnDataFormat", "NCW");
        WeightInit rec = n.recurrentInit();
        o.add("weightInitFnRecurrent", rec == null || rec.equals(n.weightInit()) ? JsonNull.INSTANCE
                : weightInit(n, rec));
        JsonObject layer = sorted(o);
        if (n.returnSequences()) {
            return layer;
        }
        return obj("@class", LAYERS + "recurrent.LastTimeStep",
                "gradientNormalization", "None",
                "gradientNormalizationThreshold", 1.0,
                "idropout", null,
                "layerName", n.name(),
                "underlying", layer);
    }

    /** The fields every layer with weights has. */
    private JsonObject weighted(Node n, String cls) {
        return obj("@class", LAYERS + cls,
                "activationFn", activation(n, n.activation() == null ? Activation.IDENTITY : n.activation()),
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
                "weightInitFn", weightInit(n, n.weightInit()),
                "weightNoise", null);
    }

    // ---------------------------------------------------------------- parameters

    private JsonObject activation(Node n, Activation a) {
        String cls = switch (a.kind()) {
            case IDENTITY -> "ActivationIdentity";
            case RELU -> "ActivationReLU";
            case LEAKYRELU -> "ActivationLReLU";
            case RRELU -> "ActivationRReLU";
            case THRESHOLDEDRELU -> "ActivationThresholdedReLU";
            case RELU6 -> a.alpha() == 6.0 ? "ActivationReLU6" : "ActivationReLU";
            case ELU -> "ActivationELU";
            case SELU -> "ActivationSELU";
            case GELU -> "ActivationGELU";
            case SWISH -> "ActivationSwish";
            case MISH -> "ActivationMish";
            case SOFTPLUS -> "ActivationSoftPlus";
            case SOFTSIGN -> "ActivationSoftSign";
            case SIGMOID -> "ActivationSigmoid";
            case HARDSIGMOID -> "ActivationHardSigmoid";
            case TANH -> "ActivationTanH";
            case HARDTANH -> "ActivationHardTanH";
            case RATIONALTANH -> "ActivationRationalTanh";
            case RECTIFIEDTANH -> "ActivationRectifiedTanh";
            case CUBE -> "ActivationCube";
            case SOFTMAX -> "ActivationSoftmax";
            default -> null;
        };
        if (cls == null) {
            problem(n, "activation " + a.label() + " has no DL4J equivalent");
            return null;
        }
        JsonObject o = obj("@class", ACTIVATIONS + cls);
        switch (a.kind()) {
            case RELU -> {
                o.add("max", JsonNull.INSTANCE);
                o.add("negativeSlope", JsonNull.INSTANCE);
                o.add("threshold", JsonNull.INSTANCE);
            }
            case RELU6 -> {
                if (a.alpha() != 6.0) {
                    o.addProperty("max", a.alpha());
                    o.add("negativeSlope", JsonNull.INSTANCE);
                    o.add("threshold", JsonNull.INSTANCE);
                }
            }
            case LEAKYRELU, ELU -> o.addProperty("alpha", a.alpha());
            case RRELU -> {
                o.addProperty("l", a.alpha());
                o.addProperty("u", a.beta());
            }
            case THRESHOLDEDRELU -> o.addProperty("theta", a.alpha());
            case GELU -> o.addProperty("precise", false);
            default -> { }
        }
        return o;
    }

    private JsonObject weightInit(Node n, WeightInit w) {
        if (w == null) {
            return obj("@class", WEIGHTS + "WeightInitXavier");
        }
        switch (w.family()) {
            case FAN_SCALED -> {
                String exact = exactFanScaled(w);
                if (exact != null) {
                    return obj("@class", WEIGHTS + exact);
                }
                String fan = switch (w.fan()) {
                    case IN -> "FanIn";
                    case OUT -> "FanOut";
                    case AVG -> "FanAvg";
                    case LEGACY_SHAPE -> null;
                };
                if (fan != null && w.shape() == WeightInit.Shape.UNIFORM) {
                    // DL4J draws U(-3s/sqrt(fan), 3s/sqrt(fan)): variance 3 s^2 / fan, so s = sqrt(c / 3)
                    return obj("@class", WEIGHTS + "WeightInitVarScalingUniform" + fan, "scale", Math.sqrt(w.c() / 3));
                }
                if (fan != null && w.shape() == WeightInit.Shape.TRUNCATED) {
                    return obj("@class", WEIGHTS + "WeightInitVarScalingNormal" + fan, "scale", w.c());
                }
            }
            case DISTRIBUTION -> {
                Distribution d = w.dist();
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
        problem(n, "initialiser " + w.label() + " has no DL4J equivalent");
        return null;
    }

    /** The DL4J class that draws exactly this fan-scaled scheme, or null. */
    private static String exactFanScaled(WeightInit w) {
        double c = w.c();
        return switch (w.shape()) {
            case NORMAL -> switch (w.fan()) {
                case AVG -> c == 1 ? "WeightInitXavier" : null;
                case IN -> c == 2 ? "WeightInitRelu" : c == 1 ? "WeightInitNormal" : null;
                case LEGACY_SHAPE -> c == 1 ? "WeightInitXavierLegacy" : null;
                default -> null;
            };
            case UNIFORM -> switch (w.fan()) {
                case AVG -> c == 1 ? "WeightInitXavierUniform" : null;
                case IN -> c == 2 ? "WeightInitReluUniform" : null;
                default -> null;
            };
            case TRUNCATED -> null;
        };
    }

    private static JsonObject dropout(Node n) {
        if (!(n.dropRate() > 0 && n.dropRate() < 1)) {
            return null;
        }
        // DL4J's Dropout takes the probability of keeping a unit
        return obj("@class", "org.deeplearning4j.nn.conf.dropout.Dropout", "p", 1 - n.dropRate(),
                "helperAllowFallback", true, "pschedule", null);
    }

    private static JsonObject updater(Node n) {
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

    private JsonObject loss(Node n) {
        String name = n.loss() == null ? "MCXENT" : n.loss();
        JsonObject o = obj("@class", LOSSES + "Loss" + name);
        switch (name) {
            case "MCXENT", "NegativeLogLikelihood", "SparseMCXENT" -> o.addProperty("softmaxClipEps", 1e-10);
            case "BinaryXENT" -> o.addProperty("clipEps", 1e-5);
            default -> { }
        }
        return o;
    }

    private static String pooling(Node n) {
        return n.pooling() == null ? "MAX" : n.pooling().name();
    }

    // ---------------------------------------------------------------- helpers

    private void problem(Node n, String message) {
        problem(n.pos(), "cannot convert layer '" + n.name() + "' to " + TARGET + ": " + message);
    }

    private void problem(SourcePos pos, String message) {
        problems.add(new ConvertException.Problem(pos, message));
    }

    private static JsonArray ints(int[] values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    /** An object from key, value pairs; null values are written as JSON null, as DL4J does. */
    private static JsonObject obj(Object... kv) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) {
            o.add((String) kv[i], element(kv[i + 1]));
        }
        return o;
    }

    private static JsonElement element(Object v) {
        if (v == null) {
            return JsonNull.INSTANCE;
        }
        if (v instanceof JsonElement e) {
            return e;
        }
        if (v instanceof Number num) {
            return new JsonPrimitive(num);
        }
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        return new JsonPrimitive(v.toString());
    }

    /** The members in alphabetical order after "@class", as DL4J's mapper writes them. */
    private static JsonObject sorted(JsonObject o) {
        JsonObject out = new JsonObject();
        out.add("@class", o.get("@class"));
        o.keySet().stream().filter(k -> !k.equals("@class")).sorted().forEach(k -> out.add(k, o.get(k)));
        return out;
    }
}
