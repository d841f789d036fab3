package io.gradflow.ingest.keras;

import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ReadException;
import io.gradflow.json.JsonValue;
import io.gradflow.model.Activation;
import io.gradflow.model.DataFormat;
import io.gradflow.model.DenseAxis;
import io.gradflow.model.FanConvention;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.NumberFormat;
import io.gradflow.model.PaddingMode;
import io.gradflow.model.ShapeOp;
import io.gradflow.model.SourcePos;
import io.gradflow.model.WeightInit;
import io.gradflow.model.activation.Activations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Keras layer (Keras 1, 2 or 3 config) mapped to a model node: what it does for signal
 * propagation and the numbers the analysis reads. Layers gradflow cannot model (Lambda, custom
 * and quantised layers, TensorFlow op layers) become opaque nodes that say why.
 */
final class KerasLayers {

    private KerasLayers() {
    }

    /**
     * A mapped layer and what the graph reader still needs from it.
     *
     * @param node          the node, without its inputs
     * @param channelsFirst the data layout the layer declares (data_format, dim_ordering), or null
     * @param target        a Reshape's target shape without the batch axis (-1 where inferred), or null
     * @param permutation   a Permute's axes (1-based, without the batch axis), or null
     */
    record Mapped(Node.Builder node, @Nullable Boolean channelsFirst, long @Nullable [] target,
                  int @Nullable [] permutation) {

        static Mapped of(Node.Builder node, @Nullable Boolean channelsFirst) {
            return new Mapped(node, channelsFirst, null, null);
        }
    }

    /** Layer classes that only move or pass values on. */
    private static final Map<String, String> PASS_THROUGH = Map.ofEntries(
            Map.entry("Masking", "Masking"),
            Map.entry("ActivityRegularization", "ActivityRegularization"), Map.entry("Identity", "Identity"),
            Map.entry("InputSpec", "InputSpec"));

    /** Maps one layer object ({"class_name": ..., "config": {...}}). */
    static Mapped map(String name, JsonValue layer, SourcePos pos, KerasVersion ver) throws ReadException {
        String cls = layer.str("class_name");
        String module = layer.str("module");
        JsonValue cfg = layer.opt("config");
        if (cls == null || cfg == null || !cfg.isObject()) {
            return Mapped.of(opaque(name, cls == null ? "layer" : cls, "layer entry without a class_name and a "
                    + "config object", pos), null);
        }
        boolean frozen = !cfg.bool("trainable", true);
        // QKeras's quantised layers are read as their float counterparts, their quantisers noted
        String floatCls = QKeras.floatClass(cls);
        Mapped m = mapClass(name, floatCls != null ? floatCls : cls, module, cfg, pos, ver);
        if (floatCls != null && m.node().kind() != LayerKind.OPAQUE) {
            m.node().type(cls).detail(QKeras.note(cls, floatCls, cfg));
        }
        // Keras's initialisers count fans its way, and Dense acts on the last axis at every position
        m.node().frozen(frozen).fans(FanConvention.KERAS).denseAxis(DenseAxis.LAST);
        return m;
    }

    private static Mapped mapClass(String name, String cls, @Nullable String module, JsonValue cfg, SourcePos pos,
                                   KerasVersion ver) throws ReadException {
        Boolean layout = channelsFirst(cfg);
        if (module != null && (module.startsWith("keras.src.ops") || module.startsWith("keras.ops"))) {
            return Mapped.of(operation(name, cls, module, pos), layout);
        }
        switch (cls) {
            case "Bidirectional" -> {
                return Mapped.of(bidirectional(name, cfg, pos, ver), layout);
            }
            case "TimeDistributed" -> {
                JsonValue inner = cfg.opt("layer");
                if (inner == null || !inner.isObject()) {
                    return Mapped.of(opaque(name, cls, "TimeDistributed without its layer", pos), layout);
                }
                Mapped m = map(name, inner, pos, ver);
                m.node().type("TimeDistributed(" + inner.str("class_name") + ")");
                return m;
            }
            case "Lambda" -> {
                // the config carries marshalled Python bytecode: it is never decoded, let alone run
                return Mapped.of(opaque(name, cls, "Lambda layer: Python code, not analysed", pos), layout);
            }
            case "TFOpLambda", "SlicingOpLambda", "TensorFlowOpLayer" -> {
                return Mapped.of(opaque(name, cls, "TensorFlow operation layer: not analysed", pos), layout);
            }
            case "ConvLSTM3D" -> {
                return Mapped.of(opaque(name, cls, "three-dimensional convolutional LSTM: its (time, depth, rows, "
                        + "cols, channels) input has more axes than gradflow's shapes hold", pos), layout);
            }
            case "ConvLSTM1D", "ConvLSTM2D" -> {
                if (Boolean.TRUE.equals(layout)) {
                    // channels_first puts the channels after the time axis: (time, channels, rows, cols)
                    return Mapped.of(opaque(name, cls, "convolutional LSTM with data_format channels_first: "
                            + "gradflow reads its (time, rows, cols, channels) form only", pos), layout);
                }
                return Mapped.of(convLstm(name, cls, cfg, pos, ver), layout);
            }
            case "Merge" -> {
                return Mapped.of(legacyMerge(name, cfg, pos), layout);
            }
            case "Reshape" -> {
                long[] target = sizes(cfg, "target_shape", Limits.MAX_WIDTH, true);
                return new Mapped(shape(name, cls, pos).shapeOp(ShapeOp.RESHAPE).target(target), layout, target, null);
            }
            case "Permute" -> {
                int[] dims = Limits.ints(cfg, "dims", 1, 8);
                return new Mapped(shape(name, cls, pos).shapeOp(ShapeOp.PERMUTE).permutation(dims), layout, null, dims);
            }
            default -> { }
        }
        Node.Builder b = switch (cls) {
            case "Dense", "TimeDistributedDense" -> dense(name, cls, cfg, pos, ver);
            case "Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D",
                 "AtrousConvolution1D", "AtrousConvolution2D" -> conv(name, cls, LayerKind.CONV, cfg, pos, ver);
            case "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "Deconvolution2D", "Deconvolution3D",
                 "Deconv2D", "Deconv3D" -> conv(name, cls, LayerKind.DECONV, cfg, pos, ver);
            case "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D", "SeparableConvolution2D" ->
                    conv(name, cls, LayerKind.SEPARABLE_CONV, cfg, pos, ver);
            case "DepthwiseConv1D", "DepthwiseConv2D" -> conv(name, cls, LayerKind.DEPTHWISE_CONV, cfg, pos, ver);
            case "LocallyConnected1D", "LocallyConnected2D" -> conv(name, cls, LayerKind.LOCALLY_CONNECTED, cfg, pos, ver);
            case "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "MaxPool1D", "MaxPool2D", "MaxPool3D",
                 "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "AvgPool1D", "AvgPool2D",
                 "AvgPool3D" -> pooling(name, cls, cfg, pos);
            case "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalMaxPool1D",
                 "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
                 "GlobalAveragePooling3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D" ->
                    simple(name, cls, LayerKind.GLOBAL_POOLING, pos)
                            .pooling(cls.contains("Max") ? Node.Pooling.MAX : Node.Pooling.AVG);
            case "BatchNormalization", "SyncBatchNormalization" -> normalization(name, cls, LayerKind.BATCH_NORM, cfg, pos, ver);
            case "LayerNormalization", "GroupNormalization", "RMSNormalization", "UnitNormalization" ->
                    normalization(name, cls, LayerKind.LAYER_NORM, cfg, pos, ver);
            case "Activation" -> activationLayer(name, cls, KerasNames.activation(cfg.opt("activation"), ver), pos);
            case "LeakyReLU" -> activationLayer(name, cls, Activation.of(Activations.LEAKYRELU,
                    cfg.num("negative_slope", cfg.num("alpha", 0.3))), pos);
            case "PReLU" -> activationLayer(name, cls, Activation.of(Activations.PRELU,
                    KerasNames.constantValue(cfg.opt("alpha_initializer"), 0, ver)), pos);
            case "ELU" -> activationLayer(name, cls, Activation.of(Activations.ELU, cfg.num("alpha", 1.0)), pos);
            case "ReLU" -> activationLayer(name, cls, KerasNames.relu(cfg.num("max_value", Double.NaN),
                    cfg.num("negative_slope", 0), cfg.num("threshold", 0)), pos);
            case "ThresholdedReLU" -> activationLayer(name, cls,
                    Activation.of(Activations.THRESHOLDEDRELU, cfg.num("theta", 1.0)), pos);
            case "Softmax" -> activationLayer(name, cls, Activation.SOFTMAX, pos);
            case "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "AlphaDropout",
                 "GaussianDropout" -> simple(name, cls, LayerKind.DROPOUT, pos).dropRate(cfg.num("rate", cfg.num("p", 0)));
            // additive noise leaves the scale as it is, in expectation
            case "GaussianNoise" -> simple(name, cls, LayerKind.DROPOUT, pos);
            case "Embedding" -> embedding(name, cls, cfg, pos, ver);
            case "SimpleRNN", "LSTM", "GRU", "CuDNNLSTM", "CuDNNGRU" -> recurrent(name, cls, cfg, pos, ver);
            case "MultiHeadAttention" -> attention(name, cls, cfg, pos, ver);
            case "Attention", "AdditiveAttention" -> dotAttention(name, cls, cfg, pos);
            case "Add", "Subtract", "Multiply", "Average", "Maximum" -> simple(name, cls, LayerKind.ELEMENTWISE, pos)
                    .merge(merge(cls));
            case "Concatenate" -> simple(name, cls, LayerKind.CONCAT, pos);
            case "Rescaling" -> simple(name, cls, LayerKind.SCALE, pos).gamma(cfg.num("scale", 1))
                    .beta(cfg.num("offset", 0));
            case "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D" -> shape(name, cls, pos)
                    .shapeOp(ShapeOp.ZERO_PADDING).padding(windows(cfg, "padding", 0, Limits.MAX_PADDING));
            case "Cropping1D", "Cropping2D", "Cropping3D" -> shape(name, cls, pos).shapeOp(ShapeOp.CROPPING)
                    .padding(windows(cfg, "cropping", 0, Limits.MAX_PADDING));
            case "UpSampling1D", "UpSampling2D", "UpSampling3D" -> shape(name, cls, pos).shapeOp(ShapeOp.UPSAMPLING)
                    .kernel(windows(cfg, cfg.opt("size") != null ? "size" : "length", 1, Limits.MAX_WINDOW));
            case "RepeatVector" -> shape(name, cls, pos).shapeOp(ShapeOp.REPEAT_VECTOR).timeSteps(Limits.size(cfg, "n"));
            case "Flatten" -> shape(name, cls, pos).shapeOp(ShapeOp.FLATTEN);
            default -> null;
        };
        if (b == null && PASS_THROUGH.containsKey(cls)) {
            b = shape(name, cls, pos);
        }
        if (b == null) {
            b = unknown(name, cls, cfg, pos);
        }
        if (layout != null) {
            b.dataFormat(layout ? DataFormat.CHANNELS_FIRST : DataFormat.CHANNELS_LAST);
        }
        NumberFormat dtype = KerasDtype.of(cfg.opt("dtype"));
        if (dtype != null) {
            b.precision(dtype.compute());
        }
        return Mapped.of(b, layout);
    }

    // ---------------------------------------------------------------- weighted layers

    private static Node.Builder dense(String name, String cls, JsonValue cfg, SourcePos pos, KerasVersion ver)
            throws ReadException {
        return weighted(name, cls, LayerKind.DENSE, cfg, pos, ver)
                .nOut(Limits.width(cfg, false, "units", "output_dim"))
                .nIn(Limits.width(cfg, true, "input_dim"));
    }

    /** Fields every weighted Keras layer shares: activation, kernel and bias initialisers, bias. */
    private static Node.Builder weighted(String name, String cls, LayerKind kind, JsonValue cfg, SourcePos pos,
                                         KerasVersion ver) {
        boolean bias = cfg.bool("use_bias", cfg.bool("bias", true));
        return Node.builder(name, kind).type(cls).pos(pos)
                .activation(KerasNames.activation(cfg.opt("activation"), ver))
                .weightInit(KerasNames.init(first(cfg, "kernel_initializer", "init"), "glorot_uniform", ver))
                .hasBias(bias)
                .biasInit(bias ? KerasNames.constantValue(first(cfg, "bias_initializer", "bias_init"), 0, ver) : 0);
    }

    private static Node.Builder conv(String name, String cls, LayerKind kind, JsonValue cfg, SourcePos pos,
                                     KerasVersion ver) throws ReadException {
        int dims = cls.contains("1D") ? 1 : cls.contains("3D") ? 3 : 2;
        JsonValue dm = cfg.opt("depth_multiplier");
        Node.Builder b = weighted(name, cls, kind, cfg, pos, ver).dims(dims)
                .nOut(Limits.width(cfg, false, "filters", "nb_filter"))
                .kernel(kernel(cfg, dims))
                .stride(expand(firstWindow(cfg, "strides", "subsample", "subsample_length"), dims, 1))
                .dilation(expand(firstWindow(cfg, "dilation_rate", "atrous_rate"), dims, 1))
                .paddingMode(PaddingMode.parse(mode(cfg)))
                .depthMultiplier(dm == null ? 1 : (int) Limits.whole(dm, "depth_multiplier", 1, Limits.MAX_WINDOW));
        switch (kind) {
            case DEPTHWISE_CONV -> b.nOut(-1).weightInit(KerasNames.init(
                    first(cfg, "depthwise_initializer", "init"), "glorot_uniform", ver));
            // the model holds one initialiser per layer: the depthwise kernel's (Keras defaults both
            // halves to glorot_uniform)
            case SEPARABLE_CONV -> b.weightInit(KerasNames.init(
                    first(cfg, "depthwise_initializer", "init"), "glorot_uniform", ver));
            default -> { }
        }
        return b;
    }

    private static int[] kernel(JsonValue cfg, int dims) throws ReadException {
        int[] k = Limits.window(cfg, "kernel_size");
        if (k != null) {
            return expand(k, dims, 1);
        }
        if (cfg.opt("nb_row") != null) {
            return new int[] {oneWindow(cfg, "nb_row"), oneWindow(cfg, "nb_col")};
        }
        if (cfg.opt("kernel_dim1") != null) {
            return new int[] {oneWindow(cfg, "kernel_dim1"), oneWindow(cfg, "kernel_dim2"), oneWindow(cfg, "kernel_dim3")};
        }
        return expand(Limits.window(cfg, "filter_length"), dims, 1);
    }

    private static int oneWindow(JsonValue cfg, String key) throws ReadException {
        int[] v = Limits.window(cfg, key);
        return v == null || v.length == 0 ? 1 : v[0];
    }

    private static Node.Builder pooling(String name, String cls, JsonValue cfg, SourcePos pos) throws ReadException {
        int dims = cls.contains("1D") ? 1 : cls.contains("3D") ? 3 : 2;
        int[] size = expand(firstWindow(cfg, "pool_size", "pool_length"), dims, 2);
        int[] strides = firstWindow(cfg, "strides", "stride");
        return simple(name, cls, LayerKind.POOLING, pos).dims(dims).kernel(size)
                .stride(strides == null ? size : expand(strides, dims, 1))
                .paddingMode(PaddingMode.parse(mode(cfg)))
                .pooling(cls.startsWith("Max") ? Node.Pooling.MAX : Node.Pooling.AVG);
    }

    private static Node.Builder normalization(String name, String cls, LayerKind kind, JsonValue cfg, SourcePos pos,
                                              KerasVersion ver) {
        double gamma = cfg.bool("scale", true)
                ? KerasNames.constantValue(first(cfg, "gamma_initializer", "gamma_init"), 1, ver) : 1;
        double beta = cfg.bool("center", true)
                ? KerasNames.constantValue(first(cfg, "beta_initializer", "beta_init"), 0, ver) : 0;
        // Keras's defaults: 1e-3 (LayerNormalization, GroupNormalization), 1e-6 (RMSNormalization);
        // UnitNormalization divides by the norm alone
        double eps = switch (cls) {
            case "UnitNormalization" -> 0;
            case "RMSNormalization" -> cfg.num("epsilon", 1e-6);
            default -> cfg.num("epsilon", 1e-3);
        };
        return simple(name, cls, kind, pos).gamma(gamma).beta(beta).epsilon(eps > 0 && eps < 1e6 ? eps : 0);
    }

    private static Node.Builder embedding(String name, String cls, JsonValue cfg, SourcePos pos, KerasVersion ver)
            throws ReadException {
        return Node.builder(name, LayerKind.EMBEDDING).type(cls).pos(pos).hasBias(false).returnSequences(false)
                .nIn(Limits.width(cfg, "input_dim", false)).nOut(Limits.width(cfg, "output_dim", false))
                .timeSteps(Limits.size(cfg, "input_length"))
                .activation(Activation.IDENTITY)
                .weightInit(KerasNames.init(first(cfg, "embeddings_initializer", "init"), "uniform", ver));
    }

    private static Node.Builder recurrent(String name, String cls, JsonValue cfg, SourcePos pos, KerasVersion ver)
            throws ReadException {
        String base = cls.replace("CuDNN", "");
        LayerKind kind = switch (base) {
            case "LSTM" -> LayerKind.LSTM;
            case "GRU" -> LayerKind.GRU;
            default -> LayerKind.SIMPLE_RNN;
        };
        return recurrent(name, cls, kind, cfg, pos, ver);
    }

    /** A recurrent layer's activations, initialisers, biases and steps (an LSTM's forget bias). */
    private static Node.Builder recurrent(String name, String cls, LayerKind kind, JsonValue cfg, SourcePos pos,
                                          KerasVersion ver) throws ReadException {
        Node.Builder b = weighted(name, cls, kind, cfg, pos, ver)
                .nOut(Limits.width(cfg, false, "units", "output_dim"))
                .nIn(Limits.width(cfg, true, "input_dim"))
                .recurrentInit(KerasNames.init(first(cfg, "recurrent_initializer", "inner_init"), "orthogonal", ver))
                .returnSequences(cfg.bool("return_sequences", false))
                .timeSteps(Limits.size(cfg, "input_length"))
                .dropRate(cfg.num("dropout", cfg.num("dropout_W", 0)));
        if (cfg.opt("activation") == null) {
            b.activation(Activation.TANH);
        }
        if (kind != LayerKind.SIMPLE_RNN) {
            JsonValue gate = first(cfg, "recurrent_activation", "inner_activation");
            b.gateActivation(gate != null ? KerasNames.activation(gate, ver)
                    : KerasNames.activation(cls.startsWith("CuDNN") ? "sigmoid" : ver.recurrentActivationDefault(), ver));
        }
        if (kind == LayerKind.LSTM || kind == LayerKind.CONV_LSTM) {
            double bias = KerasNames.constantValue(first(cfg, "bias_initializer", "bias_init"), 0, ver);
            // unit_forget_bias starts the forget gate's slice of the bias at ones, whatever the bias
            // initialiser draws for the other gates (LSTMCell.build concatenates the two); Keras 1 set
            // it with forget_bias_init; a layer without a bias has none to start
            boolean unit = cfg.bool("unit_forget_bias", true);
            double forget = !cfg.bool("use_bias", cfg.bool("bias", true)) ? 0
                    : cfg.opt("forget_bias_init") != null ? KerasNames.constantValue(cfg.opt("forget_bias_init"), 1, ver)
                    : unit ? 1 : bias;
            b.forgetGateBias(forget);
        }
        return b;
    }

    private static Node.Builder attention(String name, String cls, JsonValue cfg, SourcePos pos, KerasVersion ver)
            throws ReadException {
        long[] out = sizes(cfg, "output_shape", Limits.MAX_WIDTH, false);
        long heads = Limits.width(cfg, "num_heads", false);
        long key = Limits.width(cfg, "key_dim", false);
        long value = Limits.width(cfg, "value_dim", false);
        // the output width defaults to the query's: the reader fills it once shapes are known;
        // value_dim defaults to key_dim, which Keras requires
        return weighted(name, cls, LayerKind.ATTENTION, cfg, pos, ver).activation(Activation.IDENTITY)
                .nOut(out == null || out.length == 0 ? -1 : out[out.length - 1])
                .heads(key > 0 ? new Node.Heads(Math.max(heads, 1), key, value > 0 ? value : key) : null);
    }

    /**
     * Keras Attention (Luong; score_mode "dot" or, from Keras 2.9, "concat") and AdditiveAttention
     * (Bahdanau), called on [query, value] or [query, value, key]: no projections; use_scale adds
     * a scalar that starts at 1, except AdditiveAttention's, a Glorot-drawn vector over the units.
     * Their dropout drops attention weights (Keras 2.1-2.8 wrote it as "dropout" too); "causal"
     * and use_causal_mask, masks, change which keys a query sees, not the scale at initialisation.
     */
    private static Node.Builder dotAttention(String name, String cls, JsonValue cfg, SourcePos pos) {
        Node.Score score;
        if (cls.equals("AdditiveAttention")) {
            score = cfg.bool("use_scale", true) ? Node.Score.WEIGHTED_TANH_SUM : Node.Score.TANH_SUM;
        } else {
            score = "concat".equals(cfg.str("score_mode")) ? Node.Score.TANH_SUM : Node.Score.DOT;
        }
        return simple(name, cls, LayerKind.DOT_ATTENTION, pos).score(score).dropRate(cfg.num("dropout", 0))
                .activation(Activation.IDENTITY);
    }

    /**
     * Keras ConvLSTM1D/2D: a convolution's geometry (kernel, strides, dilation, padding) on its input,
     * an LSTM's gates, initialisers and biases; the recurrent convolution is always "same".
     */
    private static Node.Builder convLstm(String name, String cls, JsonValue cfg, SourcePos pos, KerasVersion ver)
            throws ReadException {
        int dims = cls.contains("1D") ? 1 : 2;
        Node.Builder b = recurrent(name, cls, LayerKind.CONV_LSTM, cfg, pos, ver)
                .nOut(Limits.width(cfg, false, "filters", "nb_filter"))
                .dims(dims)
                .kernel(kernel(cfg, dims))
                .stride(expand(firstWindow(cfg, "strides", "subsample"), dims, 1))
                .dilation(expand(firstWindow(cfg, "dilation_rate"), dims, 1))
                .paddingMode(PaddingMode.parse(mode(cfg)));
        return b;
    }

    private static Node.Builder bidirectional(String name, JsonValue cfg, SourcePos pos, KerasVersion ver)
            throws ReadException {
        JsonValue inner = cfg.opt("layer");
        if (inner == null || !inner.isObject()) {
            return opaque(name, "Bidirectional", "bidirectional layer without its layer", pos);
        }
        String innerCls = String.valueOf(inner.str("class_name"));
        Node core = map(name + "/fwd", inner, pos, ver).node().build();
        // the wrapper's mean field runs a plain recurrence: a convolutional LSTM's taps are not in it
        if (core.kind() == LayerKind.CONV_LSTM) {
            return opaque(name, "Bidirectional(" + innerCls + ")", "bidirectional convolutional LSTM: gradflow "
                    + "models a ConvLSTM run one way only", pos);
        }
        if (!core.kind().recurrent()) {
            return opaque(name, "Bidirectional(" + innerCls + ")", core.kind() == LayerKind.OPAQUE && core.detail() != null
                    ? core.detail() : "bidirectional " + innerCls + ": not a recurrent layer gradflow models", pos);
        }
        String merge = cfg.str("merge_mode");
        String mode = switch (merge == null ? "concat" : merge.toLowerCase(Locale.ROOT)) {
            case "sum" -> "ADD";
            case "mul" -> "MUL";
            case "ave" -> "AVERAGE";
            default -> "CONCAT";
        };
        long out = core.nOut() > 0 && mode.equals("CONCAT") ? 2 * core.nOut() : core.nOut();
        return Node.builder(name, LayerKind.BIDIRECTIONAL).type("Bidirectional(" + innerCls + ")").pos(pos)
                .wrapped(core).bidirectionalMode(mode).nIn(core.nIn()).nOut(out)
                .activation(core.activation()).weightInit(core.weightInit()).timeSteps(core.timeSteps())
                .returnSequences(core.returnSequences()).dropRate(core.dropRate());
    }

    // ---------------------------------------------------------------- merges and operations

    private static Node.Merge merge(String cls) {
        return switch (cls) {
            case "Subtract" -> Node.Merge.SUBTRACT;
            case "Multiply" -> Node.Merge.PRODUCT;
            case "Average" -> Node.Merge.AVERAGE;
            case "Maximum" -> Node.Merge.MAX;
            default -> Node.Merge.ADD;
        };
    }

    /** Keras 1's Merge layer: mode "sum", "mul", "ave", "max", "concat", or a Python function. */
    private static Node.Builder legacyMerge(String name, JsonValue cfg, SourcePos pos) {
        JsonValue m = cfg.opt("mode");
        String mode = m != null && m.isString() ? Objects.requireNonNull(m.asText(), "a string has text") : "";
        return switch (mode) {
            case "sum" -> simple(name, "Merge", LayerKind.ELEMENTWISE, pos).merge(Node.Merge.ADD);
            case "mul" -> simple(name, "Merge", LayerKind.ELEMENTWISE, pos).merge(Node.Merge.PRODUCT);
            case "ave" -> simple(name, "Merge", LayerKind.ELEMENTWISE, pos).merge(Node.Merge.AVERAGE);
            case "max" -> simple(name, "Merge", LayerKind.ELEMENTWISE, pos).merge(Node.Merge.MAX);
            case "concat" -> simple(name, "Merge", LayerKind.CONCAT, pos);
            default -> opaque(name, "Merge", "Merge layer with mode '" + (mode.isEmpty() ? "a Python function" : mode)
                    + "': not analysed", pos);
        };
    }

    /** A Keras 3 operation layer (keras.src.ops.numpy.Add...): element-wise sums and products are modelled. */
    private static Node.Builder operation(String name, String cls, String module, SourcePos pos) {
        String type = module.replace("keras.src.", "keras.") + "." + cls;
        return switch (cls) {
            case "Add", "Subtract", "Multiply" -> simple(name, type, LayerKind.ELEMENTWISE, pos).merge(merge(cls));
            default -> opaque(name, type, "Keras operation " + type + ": not analysed", pos);
        };
    }

    private static Node.Builder unknown(String name, String cls, JsonValue cfg, SourcePos pos) throws ReadException {
        String why = cls.matches("Q[A-Z].*") ? "QKeras quantised layer " + cls + ": not analysed (gradflow reads "
                + QKeras.readable() + " as their float layers)"
                : "layer class " + cls + " is not a Keras layer gradflow knows (a custom layer?)";
        return opaque(name, cls, why, pos).nOut(Limits.width(cfg, "units", true));
    }

    // ---------------------------------------------------------------- builders

    private static Node.Builder activationLayer(String name, String cls, Activation a, SourcePos pos) {
        return simple(name, cls, LayerKind.ACTIVATION, pos).activation(a);
    }

    private static Node.Builder simple(String name, String cls, LayerKind kind, SourcePos pos) {
        return Node.builder(name, kind).type(cls).pos(pos).hasBias(false);
    }

    private static Node.Builder shape(String name, String cls, SourcePos pos) {
        return simple(name, cls, LayerKind.SHAPE, pos).shapeOp(ShapeOp.PASS);
    }

    static Node.Builder opaque(String name, String cls, String why, SourcePos pos) {
        return simple(name, cls, LayerKind.OPAQUE, pos).detail(why);
    }

    // ---------------------------------------------------------------- config helpers

    /** The declared layout: data_format (Keras 2/3) or dim_ordering (Keras 1); null when silent. */
    static @Nullable Boolean channelsFirst(JsonValue cfg) {
        String f = cfg.str("data_format");
        if (f == null) {
            f = cfg.str("dim_ordering");
        }
        if (f == null) {
            return null;
        }
        return f.equals("channels_first") || f.equals("th");
    }

    private static @Nullable String mode(JsonValue cfg) {
        String p = cfg.str("padding");
        if (p == null) {
            p = cfg.str("border_mode");
        }
        return p;
    }

    /** The first of the keys present (Keras 2/3 name first, then Keras 1's). */
    private static @Nullable JsonValue first(JsonValue cfg, String... keys) {
        for (String k : keys) {
            JsonValue v = cfg.opt(k);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static int @Nullable [] firstWindow(JsonValue cfg, String... keys) throws ReadException {
        for (String k : keys) {
            int[] v = Limits.window(cfg, k);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /**
     * Per-side or per-dimension values, possibly nested ((1, 1), (2, 2)), each from {@code min} to
     * {@code max}; null when absent.
     */
    private static int @Nullable [] windows(JsonValue cfg, String key, long min, long max) throws ReadException {
        JsonValue v = cfg.opt(key);
        if (v == null) {
            return null;
        }
        List<JsonValue> values = new ArrayList<>();
        numbers(v, key, values);
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) Limits.whole(values.get(i), key, min, max);
        }
        return out;
    }

    /**
     * A shape's axes (nulls as -1, for "not known"), each from 1 to {@code max} (or -1, "inferred",
     * with {@code inferred}); null when absent.
     */
    static long @Nullable [] sizes(JsonValue cfg, String key, long max, boolean inferred) throws ReadException {
        JsonValue v = cfg.opt(key);
        if (v == null) {
            return null;
        }
        List<JsonValue> values = new ArrayList<>();
        numbers(v, key, values);
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            JsonValue x = values.get(i);
            out[i] = x.isNull() || inferred && x.asDouble() == -1 ? -1 : Limits.whole(x, key, 1, max);
        }
        return out;
    }

    /** The numbers and nulls of a possibly nested list, in order; at most 16 (no shape or window has more). */
    private static void numbers(JsonValue v, String key, List<JsonValue> acc) throws ReadException {
        if (v.isArray()) {
            for (JsonValue i : v.items()) {
                numbers(i, key, acc);
            }
        } else if (v.isNumber() || v.isNull() || v.isString()) {
            if (acc.size() == 16) {
                throw new ReadException("'" + key + "' has more than 16 values; no shape or window has as many",
                        Limits.at(v));
            }
            acc.add(v);
        }
    }

    /** A per-dimension setting given once for all dimensions, widened to {@code dims} entries. */
    private static int[] expand(int @Nullable [] v, int dims, int dflt) {
        if (v == null || v.length == 0) {
            int[] d = new int[dims];
            Arrays.fill(d, dflt);
            return d;
        }
        if (v.length == 1 && dims > 1) {
            int[] d = new int[dims];
            Arrays.fill(d, v[0]);
            return d;
        }
        return v;
    }

}
