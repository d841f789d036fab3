package io.gradflow.reference;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tf.keras 2.x functional model built call by call, as keras.applications builds one, and
 * written as {@code model.to_json()} writes it: the same layer classes, config keys in Keras's
 * order, Keras's automatic names for unnamed layers, one entry per call in {@code inbound_nodes}.
 * It follows the shapes (channels last, no batch axis) so that a block can ask for its input's
 * channels as keras.applications does, and counts parameters as {@code model.summary()} does
 * (batch normalisation's moving mean and variance included).
 */
final class KerasFunctional {

    /** The version whose format the files imitate: tf.keras 2.12 (TensorFlow 2.12). */
    static final String KERAS_VERSION = "2.12.0";

    /** A layer's output: the layer's name and its shape without the batch axis. */
    record Tensor(String layer, long[] shape) {

        long channels() {
            return shape[shape.length - 1];
        }

        long height() {
            return shape[0];
        }

        long width() {
            return shape[1];
        }
    }

    /** One layer of the model with its config and the tensors of its one call. */
    private record Layer(String className, String name, Map<String, Object> config, List<Tensor> inbound,
                         long params, Map<String, Object> kwargs) { }

    /** A convolution's settings, with Keras's defaults until changed. */
    static final class Conv {
        final long filters;
        final int kh;
        final int kw;
        int sh = 1;
        int sw = 1;
        String padding = "valid";
        boolean useBias = true;
        String activation = "linear";
        Map<String, Object> init = glorotUniform();
        String name;

        Conv(long filters, int kh, int kw) {
            this.filters = filters;
            this.kh = kh;
            this.kw = kw;
        }

        Conv strides(int s) {
            sh = s;
            sw = s;
            return this;
        }

        Conv same() {
            padding = "same";
            return this;
        }

        Conv padding(String p) {
            padding = p;
            return this;
        }

        Conv noBias() {
            useBias = false;
            return this;
        }

        Conv bias(boolean b) {
            useBias = b;
            return this;
        }

        Conv activation(String a) {
            activation = a;
            return this;
        }

        Conv init(Map<String, Object> i) {
            init = i;
            return this;
        }

        Conv name(String n) {
            name = n;
            return this;
        }
    }

    /** A square convolution of {@code filters} outputs (depthwise layers ignore the count). */
    static Conv conv(long filters, int k) {
        return new Conv(filters, k, k);
    }

    /** A convolution with a rectangular kernel (InceptionV3's 1x7 and 7x1). */
    static Conv conv(long filters, int kh, int kw) {
        return new Conv(filters, kh, kw);
    }

    private final String modelName;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, Integer> autoNames = new HashMap<>();
    private final List<Tensor> inputs = new ArrayList<>();
    private final List<Tensor> outputs = new ArrayList<>();

    KerasFunctional(String modelName) {
        this.modelName = modelName;
    }

    // ---------------------------------------------------------------- layers

    /** {@code layers.Input(shape=...)}: an InputLayer named as Keras names the first one. */
    Tensor input(long... shape) {
        return input("input_1", "float32", shape);
    }

    /** {@code layers.Input(shape=..., dtype=..., name=...)}: a model's further inputs (token ids, positions). */
    Tensor input(String name, String dtype, long... shape) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        List<Object> batchShape = new ArrayList<>();
        batchShape.add(null);
        for (long s : shape) {
            batchShape.add(s);
        }
        cfg.put("batch_input_shape", batchShape);
        cfg.put("dtype", dtype);
        cfg.put("sparse", false);
        cfg.put("ragged", false);
        cfg.put("name", name);
        Tensor t = append("InputLayer", name, cfg, List.of(), 0, shape);
        inputs.add(t);
        return t;
    }

    Tensor conv2d(Tensor x, Conv c) {
        long[] out = windowed(x, c.kh, c.kw, c.sh, c.sw, c.padding, c.filters);
        long params = c.kh * c.kw * x.channels() * c.filters + (c.useBias ? c.filters : 0);
        Map<String, Object> cfg = base("Conv2D", c.name);
        cfg.put("filters", c.filters);
        convFields(cfg, c);
        cfg.put("kernel_initializer", c.init);
        cfg.put("bias_initializer", zeros());
        cfg.put("kernel_regularizer", null);
        cfg.put("bias_regularizer", null);
        cfg.put("activity_regularizer", null);
        cfg.put("kernel_constraint", null);
        cfg.put("bias_constraint", null);
        return append("Conv2D", cfg, List.of(x), params, out);
    }

    /** {@code layers.DepthwiseConv2D} with depth multiplier 1; the Conv's filter count is unused. */
    Tensor depthwiseConv2d(Tensor x, Conv c) {
        long[] out = windowed(x, c.kh, c.kw, c.sh, c.sw, c.padding, x.channels());
        long params = c.kh * c.kw * x.channels() + (c.useBias ? x.channels() : 0);
        Map<String, Object> cfg = base("DepthwiseConv2D", c.name);
        convFields(cfg, c);
        cfg.put("bias_initializer", zeros());
        cfg.put("bias_regularizer", null);
        cfg.put("activity_regularizer", null);
        cfg.put("bias_constraint", null);
        cfg.put("depth_multiplier", 1);
        cfg.put("depthwise_initializer", c.init);
        cfg.put("depthwise_regularizer", null);
        cfg.put("depthwise_constraint", null);
        return append("DepthwiseConv2D", cfg, List.of(x), params, out);
    }

    /** {@code layers.SeparableConv2D} with depth multiplier 1 and the same initialiser for both kernels. */
    Tensor separableConv2d(Tensor x, Conv c) {
        long[] out = windowed(x, c.kh, c.kw, c.sh, c.sw, c.padding, c.filters);
        long params = c.kh * c.kw * x.channels() + x.channels() * c.filters + (c.useBias ? c.filters : 0);
        Map<String, Object> cfg = base("SeparableConv2D", c.name);
        cfg.put("filters", c.filters);
        cfg.put("kernel_size", List.of(c.kh, c.kw));
        cfg.put("strides", List.of(c.sh, c.sw));
        cfg.put("padding", c.padding);
        cfg.put("data_format", "channels_last");
        cfg.put("depth_multiplier", 1);
        cfg.put("dilation_rate", List.of(1, 1));
        cfg.put("groups", 1);
        cfg.put("activation", c.activation);
        cfg.put("use_bias", c.useBias);
        cfg.put("depthwise_initializer", c.init);
        cfg.put("pointwise_initializer", c.init);
        cfg.put("bias_initializer", zeros());
        cfg.put("depthwise_regularizer", null);
        cfg.put("pointwise_regularizer", null);
        cfg.put("bias_regularizer", null);
        cfg.put("activity_regularizer", null);
        cfg.put("depthwise_constraint", null);
        cfg.put("pointwise_constraint", null);
        cfg.put("bias_constraint", null);
        return append("SeparableConv2D", cfg, List.of(x), params, out);
    }

    /** {@code layers.Conv2DTranspose} without output padding. */
    Tensor conv2dTranspose(Tensor x, Conv c) {
        long h = c.padding.equals("same") ? x.height() * c.sh : x.height() * c.sh + Math.max(c.kh - c.sh, 0);
        long w = c.padding.equals("same") ? x.width() * c.sw : x.width() * c.sw + Math.max(c.kw - c.sw, 0);
        long params = c.kh * c.kw * c.filters * x.channels() + (c.useBias ? c.filters : 0);
        Map<String, Object> cfg = base("Conv2DTranspose", c.name);
        cfg.put("filters", c.filters);
        convFields(cfg, c);
        cfg.put("kernel_initializer", c.init);
        cfg.put("bias_initializer", zeros());
        cfg.put("kernel_regularizer", null);
        cfg.put("bias_regularizer", null);
        cfg.put("activity_regularizer", null);
        cfg.put("kernel_constraint", null);
        cfg.put("bias_constraint", null);
        cfg.put("output_padding", null);
        return append("Conv2DTranspose", cfg, List.of(x), params, new long[] {h, w, c.filters});
    }

    /**
     * {@code layers.BatchNormalization(axis=-1, ...)} over channels last; Keras writes the axis
     * resolved, [3]. Parameters: beta and gamma when present, moving mean and variance always.
     */
    Tensor batchNorm(Tensor x, String name, double epsilon, double momentum, boolean scale) {
        Map<String, Object> cfg = base("BatchNormalization", name);
        cfg.put("axis", List.of(x.shape().length));
        cfg.put("momentum", momentum);
        cfg.put("epsilon", epsilon);
        cfg.put("center", true);
        cfg.put("scale", scale);
        cfg.put("beta_initializer", zeros());
        cfg.put("gamma_initializer", ones());
        cfg.put("moving_mean_initializer", zeros());
        cfg.put("moving_variance_initializer", ones());
        cfg.put("beta_regularizer", null);
        cfg.put("gamma_regularizer", null);
        cfg.put("beta_constraint", null);
        cfg.put("gamma_constraint", null);
        long perChannel = scale ? 4 : 3;
        return append("BatchNormalization", cfg, List.of(x), perChannel * x.channels(), x.shape());
    }

    /** Batch normalisation with Keras's defaults (epsilon 1e-3, momentum 0.99, with scale). */
    Tensor batchNorm(Tensor x, String name) {
        return batchNorm(x, name, 1e-3, 0.99, true);
    }

    Tensor activation(Tensor x, String activation, String name) {
        Map<String, Object> cfg = base("Activation", name);
        cfg.put("activation", activation);
        return append("Activation", cfg, List.of(x), 0, x.shape());
    }

    /** {@code layers.ReLU(max_value)}: MobileNet's ReLU6. */
    Tensor relu(Tensor x, double maxValue, String name) {
        Map<String, Object> cfg = base("ReLU", name);
        cfg.put("max_value", maxValue);
        cfg.put("negative_slope", 0.0);
        cfg.put("threshold", 0.0);
        return append("ReLU", cfg, List.of(x), 0, x.shape());
    }

    /** {@code layers.ZeroPadding2D(((top, bottom), (left, right)))}. */
    Tensor zeroPadding(Tensor x, int top, int bottom, int left, int right, String name) {
        Map<String, Object> cfg = base("ZeroPadding2D", name);
        cfg.put("padding", List.of(List.of(top, bottom), List.of(left, right)));
        cfg.put("data_format", "channels_last");
        long[] out = {x.height() + top + bottom, x.width() + left + right, x.channels()};
        return append("ZeroPadding2D", cfg, List.of(x), 0, out);
    }

    /** {@code layers.Cropping2D(((top, bottom), (left, right)))}. */
    Tensor cropping(Tensor x, int top, int bottom, int left, int right, String name) {
        Map<String, Object> cfg = base("Cropping2D", name);
        cfg.put("cropping", List.of(List.of(top, bottom), List.of(left, right)));
        cfg.put("data_format", "channels_last");
        long[] out = {x.height() - top - bottom, x.width() - left - right, x.channels()};
        return append("Cropping2D", cfg, List.of(x), 0, out);
    }

    Tensor maxPool(Tensor x, int pool, int stride, String padding, String name) {
        return pool("MaxPooling2D", x, pool, stride, padding, name);
    }

    Tensor avgPool(Tensor x, int pool, int stride, String padding, String name) {
        return pool("AveragePooling2D", x, pool, stride, padding, name);
    }

    private Tensor pool(String cls, Tensor x, int pool, int stride, String padding, String name) {
        Map<String, Object> cfg = base(cls, name);
        cfg.put("pool_size", List.of(pool, pool));
        cfg.put("padding", padding);
        cfg.put("strides", List.of(stride, stride));
        cfg.put("data_format", "channels_last");
        return append(cls, cfg, List.of(x), 0, windowed(x, pool, pool, stride, stride, padding, x.channels()));
    }

    Tensor globalAvgPool(Tensor x, boolean keepdims, String name) {
        Map<String, Object> cfg = base("GlobalAveragePooling2D", name);
        cfg.put("data_format", "channels_last");
        cfg.put("keepdims", keepdims);
        long[] out = keepdims ? new long[] {1, 1, x.channels()} : new long[] {x.channels()};
        return append("GlobalAveragePooling2D", cfg, List.of(x), 0, out);
    }

    Tensor dense(Tensor x, long units, String activation, Map<String, Object> init, String name) {
        Map<String, Object> cfg = base("Dense", name);
        cfg.put("units", units);
        cfg.put("activation", activation);
        cfg.put("use_bias", true);
        cfg.put("kernel_initializer", init);
        cfg.put("bias_initializer", zeros());
        cfg.put("kernel_regularizer", null);
        cfg.put("bias_regularizer", null);
        cfg.put("activity_regularizer", null);
        cfg.put("kernel_constraint", null);
        cfg.put("bias_constraint", null);
        long[] out = x.shape().clone();
        out[out.length - 1] = units;
        return append("Dense", cfg, List.of(x), x.channels() * units + units, out);
    }

    // ---------------------------------------------------------------- sequence layers

    /** {@code layers.Embedding(input_dim, output_dim)} with Keras's uniform(-0.05, 0.05) initialiser. */
    Tensor embedding(Tensor ids, long inputDim, long outputDim, String name) {
        Map<String, Object> cfg = base("Embedding", name);
        cfg.put("input_dim", inputDim);
        cfg.put("output_dim", outputDim);
        Map<String, Object> init = new LinkedHashMap<>();
        init.put("minval", -0.05);
        init.put("maxval", 0.05);
        init.put("seed", null);
        cfg.put("embeddings_initializer", initializer("RandomUniform", init));
        cfg.put("embeddings_regularizer", null);
        cfg.put("activity_regularizer", null);
        cfg.put("embeddings_constraint", null);
        cfg.put("mask_zero", false);
        cfg.put("input_length", ids.shape()[0]);
        long[] out = new long[ids.shape().length + 1];
        System.arraycopy(ids.shape(), 0, out, 0, ids.shape().length);
        out[out.length - 1] = outputDim;
        return append("Embedding", cfg, List.of(ids), inputDim * outputDim, out);
    }

    /** {@code layers.LayerNormalization(epsilon=...)} over the last axis (Keras writes it resolved). */
    Tensor layerNorm(Tensor x, double epsilon, String name) {
        Map<String, Object> cfg = base("LayerNormalization", name);
        cfg.put("axis", List.of(x.shape().length));
        cfg.put("epsilon", epsilon);
        cfg.put("center", true);
        cfg.put("scale", true);
        cfg.put("beta_initializer", zeros());
        cfg.put("gamma_initializer", ones());
        cfg.put("beta_regularizer", null);
        cfg.put("gamma_regularizer", null);
        cfg.put("beta_constraint", null);
        cfg.put("gamma_constraint", null);
        return append("LayerNormalization", cfg, List.of(x), 2 * x.channels(), x.shape());
    }

    /**
     * {@code layers.MultiHeadAttention(num_heads, key_dim, dropout)} called as self-attention,
     * {@code mha(x, x)}: tf.keras writes the value as a keyword argument of the call. Parameters:
     * the query, key and value projections (d x heads x key_dim, with biases) and the output one.
     */
    Tensor multiHeadAttention(Tensor x, int heads, int keyDim, double dropout, Map<String, Object> init, String name) {
        Map<String, Object> cfg = base("MultiHeadAttention", name);
        cfg.put("num_heads", heads);
        cfg.put("key_dim", keyDim);
        cfg.put("value_dim", keyDim);
        cfg.put("dropout", dropout);
        cfg.put("use_bias", true);
        cfg.put("output_shape", null);
        cfg.put("attention_axes", List.of(1));
        cfg.put("kernel_initializer", init);
        cfg.put("bias_initializer", zeros());
        cfg.put("kernel_regularizer", null);
        cfg.put("bias_regularizer", null);
        cfg.put("activity_regularizer", null);
        cfg.put("kernel_constraint", null);
        cfg.put("bias_constraint", null);
        List<Object> d = new ArrayList<>();
        d.add(null);
        for (long v : x.shape()) {
            d.add(v);
        }
        cfg.put("query_shape", d);
        cfg.put("key_shape", d);
        cfg.put("value_shape", d);
        long model = x.channels();
        long proj = (long) heads * keyDim;
        long params = 3 * (model * proj + proj) + proj * model + model;
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("value", List.of(x.layer(), 0, 0));
        return append("MultiHeadAttention", cfg, List.of(x), params, x.shape(), kwargs);
    }

    /**
     * {@code layers.LSTM(units, return_sequences=...)} with Keras's defaults: tanh, sigmoid gates,
     * Glorot input weights, orthogonal recurrent weights, unit_forget_bias.
     */
    Tensor lstm(Tensor x, long units, boolean returnSequences, String name) {
        Map<String, Object> cfg = base("LSTM", name);
        cfg.put("return_sequences", returnSequences);
        cfg.put("return_state", false);
        cfg.put("go_backwards", false);
        cfg.put("stateful", false);
        cfg.put("unroll", false);
        cfg.put("time_major", false);
        cfg.put("units", units);
        cfg.put("activation", "tanh");
        cfg.put("recurrent_activation", "sigmoid");
        cfg.put("use_bias", true);
        cfg.put("kernel_initializer", glorotUniform());
        Map<String, Object> orth = new LinkedHashMap<>();
        orth.put("gain", 1.0);
        orth.put("seed", null);
        cfg.put("recurrent_initializer", initializer("Orthogonal", orth));
        cfg.put("bias_initializer", zeros());
        cfg.put("unit_forget_bias", true);
        cfg.put("kernel_regularizer", null);
        cfg.put("recurrent_regularizer", null);
        cfg.put("bias_regularizer", null);
        cfg.put("activity_regularizer", null);
        cfg.put("kernel_constraint", null);
        cfg.put("recurrent_constraint", null);
        cfg.put("bias_constraint", null);
        cfg.put("dropout", 0.0);
        cfg.put("recurrent_dropout", 0.0);
        cfg.put("implementation", 2);
        long in = x.channels();
        long[] out = returnSequences ? new long[] {x.shape()[0], units} : new long[] {units};
        return append("LSTM", cfg, List.of(x), 4 * (in * units + units * units + units), out);
    }

    /** {@code layers.GlobalAveragePooling1D()} over the steps. */
    Tensor globalAvgPool1d(Tensor x, String name) {
        Map<String, Object> cfg = base("GlobalAveragePooling1D", name);
        cfg.put("data_format", "channels_last");
        cfg.put("keepdims", false);
        return append("GlobalAveragePooling1D", cfg, List.of(x), 0, new long[] {x.channels()});
    }

    /** {@code layers.Dropout(rate, noise_shape=...)}; {@code noiseShape} null for none. */
    Tensor dropout(Tensor x, double rate, List<Object> noiseShape, String name) {
        Map<String, Object> cfg = base("Dropout", name);
        cfg.put("rate", rate);
        cfg.put("noise_shape", noiseShape);
        cfg.put("seed", null);
        return append("Dropout", cfg, List.of(x), 0, x.shape());
    }

    Tensor flatten(Tensor x, String name) {
        Map<String, Object> cfg = base("Flatten", name);
        cfg.put("data_format", "channels_last");
        return append("Flatten", cfg, List.of(x), 0, new long[] {Arrays.stream(x.shape()).reduce(1, (a, b) -> a * b)});
    }

    Tensor reshape(Tensor x, long[] target, String name) {
        Map<String, Object> cfg = base("Reshape", name);
        List<Object> t = new ArrayList<>();
        for (long v : target) {
            t.add(v);
        }
        cfg.put("target_shape", t);
        return append("Reshape", cfg, List.of(x), 0, target);
    }

    /** {@code layers.add([...])}: the Add layer; every input has the first one's shape. */
    Tensor add(String name, Tensor... in) {
        return append("Add", base("Add", name), List.of(in), 0, in[0].shape());
    }

    /** {@code layers.multiply([x, se])}: the Multiply layer, broadcasting the second over the first. */
    Tensor multiply(String name, Tensor... in) {
        return append("Multiply", base("Multiply", name), List.of(in), 0, in[0].shape());
    }

    /** {@code layers.concatenate([...], axis=axis)} along the channels. */
    Tensor concatenate(int axis, String name, Tensor... in) {
        Map<String, Object> cfg = base("Concatenate", name);
        cfg.put("axis", axis);
        long[] out = in[0].shape().clone();
        out[out.length - 1] = Arrays.stream(in).mapToLong(Tensor::channels).sum();
        return append("Concatenate", cfg, List.of(in), 0, out);
    }

    /** Marks the model's output. */
    void output(Tensor t) {
        outputs.add(t);
    }

    // ---------------------------------------------------------------- facts

    /** The parameters {@code model.summary()} reports as "Total params". */
    long params() {
        return layers.stream().mapToLong(Layer::params).sum();
    }

    /** Layers of a Keras class. */
    long count(String className) {
        return layers.stream().filter(l -> l.className().equals(className)).count();
    }

    // ---------------------------------------------------------------- initialisers

    static Map<String, Object> glorotUniform() {
        return initializer("GlorotUniform", seed());
    }

    /** {@code initializers.TruncatedNormal(mean=0.0, stddev=...)}: BERT's kernels. */
    static Map<String, Object> truncatedNormal(double stddev) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("mean", 0.0);
        cfg.put("stddev", stddev);
        cfg.put("seed", null);
        return initializer("TruncatedNormal", cfg);
    }

    static Map<String, Object> heNormal() {
        return initializer("HeNormal", seed());
    }

    static Map<String, Object> varianceScaling(double scale, String mode, String distribution) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("scale", scale);
        cfg.put("mode", mode);
        cfg.put("distribution", distribution);
        cfg.put("seed", null);
        return initializer("VarianceScaling", cfg);
    }

    private static Map<String, Object> zeros() {
        return initializer("Zeros", new LinkedHashMap<>());
    }

    private static Map<String, Object> ones() {
        return initializer("Ones", new LinkedHashMap<>());
    }

    private static Map<String, Object> seed() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("seed", null);
        return cfg;
    }

    private static Map<String, Object> initializer(String cls, Map<String, Object> cfg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class_name", cls);
        m.put("config", cfg);
        return m;
    }

    // ---------------------------------------------------------------- plumbing

    /** The keys every layer's config starts with; an unnamed layer gets Keras's automatic name. */
    private Map<String, Object> base(String cls, String name) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("name", name != null ? name : autoName(cls));
        cfg.put("trainable", true);
        cfg.put("dtype", "float32");
        return cfg;
    }

    /** Keras's automatic name: the class in snake case, then _1, _2... per class. */
    private String autoName(String cls) {
        // generic_utils.to_snake_case, the same two substitutions
        String snake = cls.replaceAll("(.)([A-Z][a-z0-9]+)", "$1_$2").replaceAll("([a-z])([A-Z])", "$1_$2")
                .toLowerCase(Locale.ROOT);
        int n = autoNames.merge(snake, 1, Integer::sum) - 1;
        return n == 0 ? snake : snake + "_" + n;
    }

    private static void convFields(Map<String, Object> cfg, Conv c) {
        cfg.put("kernel_size", List.of(c.kh, c.kw));
        cfg.put("strides", List.of(c.sh, c.sw));
        cfg.put("padding", c.padding);
        cfg.put("data_format", "channels_last");
        cfg.put("dilation_rate", List.of(1, 1));
        cfg.put("groups", 1);
        cfg.put("activation", c.activation);
        cfg.put("use_bias", c.useBias);
    }

    /** Output size of a window sliding over the height and width: Keras's valid and same padding. */
    private static long[] windowed(Tensor x, int kh, int kw, int sh, int sw, String padding, long channels) {
        boolean same = padding.equals("same");
        long h = same ? ceilDiv(x.height(), sh) : (x.height() - kh) / sh + 1;
        long w = same ? ceilDiv(x.width(), sw) : (x.width() - kw) / sw + 1;
        if (h <= 0 || w <= 0) {
            throw new IllegalStateException("window " + kh + "x" + kw + " larger than its input " + Arrays.toString(x.shape()));
        }
        return new long[] {h, w, channels};
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private Tensor append(String cls, Map<String, Object> cfg, List<Tensor> in, long params, long[] shape) {
        return append(cls, (String) cfg.get("name"), cfg, in, params, shape);
    }

    private Tensor append(String cls, Map<String, Object> cfg, List<Tensor> in, long params, long[] shape,
                          Map<String, Object> kwargs) {
        return append(cls, (String) cfg.get("name"), cfg, in, params, shape, kwargs);
    }

    private Tensor append(String cls, String name, Map<String, Object> cfg, List<Tensor> in, long params, long[] shape) {
        return append(cls, name, cfg, in, params, shape, new LinkedHashMap<>());
    }

    private Tensor append(String cls, String name, Map<String, Object> cfg, List<Tensor> in, long params, long[] shape,
                          Map<String, Object> kwargs) {
        for (Layer l : layers) {
            if (l.name().equals(name)) {
                throw new IllegalStateException("two layers named " + name);
            }
        }
        layers.add(new Layer(cls, name, cfg, List.copyOf(in), params, kwargs));
        return new Tensor(name, shape.clone());
    }

    // ---------------------------------------------------------------- JSON

    /**
     * The model as {@code model.to_json()} writes it, one layer per line so that findings point
     * at their layer (Keras writes it all on one line; the values are the same).
     */
    String toJson() {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"class_name\": \"Functional\",\n  \"config\": {\n");
        sb.append("    \"name\": ").append(json(modelName)).append(",\n");
        sb.append("    \"trainable\": true,\n");
        sb.append("    \"layers\": [\n");
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("class_name", l.className());
            entry.put("config", l.config());
            entry.put("name", l.name());
            List<Object> call = new ArrayList<>();
            for (Tensor t : l.inbound()) {
                // a call's keyword arguments go with its first positional input, as tf.keras writes them
                call.add(List.of(t.layer(), 0, 0, call.isEmpty() ? l.kwargs() : new LinkedHashMap<>()));
            }
            entry.put("inbound_nodes", call.isEmpty() ? List.of() : List.of(call));
            sb.append("      ").append(json(entry)).append(i + 1 < layers.size() ? ",\n" : "\n");
        }
        sb.append("    ],\n");
        sb.append("    \"input_layers\": ").append(json(refs(inputs))).append(",\n");
        sb.append("    \"output_layers\": ").append(json(refs(outputs))).append("\n");
        sb.append("  },\n");
        sb.append("  \"keras_version\": ").append(json(KERAS_VERSION)).append(",\n");
        sb.append("  \"backend\": \"tensorflow\"\n}\n");
        return sb.toString();
    }

    private static List<Object> refs(List<Tensor> ts) {
        List<Object> out = new ArrayList<>();
        for (Tensor t : ts) {
            out.add(List.of(t.layer(), 0, 0));
        }
        return out;
    }

    /** Python's json.dumps with its default separators. */
    private static String json(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return quote(s);
        }
        if (v instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (v instanceof Integer || v instanceof Long) {
            return v.toString();
        }
        if (v instanceof Double d) {
            return pythonFloat(d);
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ", ").append(quote((String) e.getKey())).append(": ").append(json(e.getValue()));
                first = false;
            }
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                sb.append(i > 0 ? ", " : "").append(json(l.get(i)));
            }
            return sb.append(']').toString();
        }
        throw new IllegalArgumentException("not a JSON value: " + v.getClass());
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * A float as Python's repr writes it: the shortest digits, positional from 1e-4 up to 1e16
     * (always with a fraction: 6.0), scientific outside with a two-digit exponent (1.001e-05).
     */
    static String pythonFloat(double d) {
        if (d == 0) {
            return "0.0";
        }
        BigDecimal b = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String sign = d < 0 ? "-" : "";
        String digits = b.unscaledValue().toString();
        int exp = digits.length() - 1 - b.scale();
        if (exp < -4 || exp >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
        }
        String plain = b.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }
}
