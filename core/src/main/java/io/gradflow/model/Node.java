package io.gradflow.model;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One node of the model graph: a layer or a graph vertex, with everything the analysis and the
 * rules read. Numbers that a file does not give are -1 (sizes) or NaN (rates).
 *
 * @param name        unique name in the graph (the layer name, or its index as a string)
 * @param kind        what it does for signal propagation
 * @param type        the class or layer name as the file spells it ("DenseLayer", "Conv2D")
 * @param inputs      names of the nodes feeding it, in order
 * @param dims        spatial dimensions for convolution and pooling (1, 2, 3), else 0
 * @param activation  the nonlinearity this node applies, or null when it applies none
 * @param weightInit  initialiser of the main weights, or null
 * @param recurrentInit initialiser of recurrent weights, or null
 * @param biasInit    constant bias at initialisation
 * @param hasBias     whether the node has a bias
 * @param nIn         input width (features or channels)
 * @param nOut        output width (units, filters or channels)
 * @param kernel      kernel sizes, empty if none
 * @param stride      strides, empty if none
 * @param padding     explicit paddings, empty if none
 * @param dilation    dilations, empty if none
 * @param paddingMode how windows treat the border (DL4J's Truncate when the file is silent)
 * @param depthMultiplier depth multiplier of depthwise and separable convolutions
 * @param pooling     pooling type for pooling nodes, or null
 * @param dropRate    probability of dropping a unit during training (0 = none)
 * @param updater     optimiser, or null when the file gives none
 * @param gradientNormalization gradient normalisation or clipping, or null
 * @param loss        loss function name for output and loss nodes, or null
 * @param merge       element-wise operation for ELEMENTWISE nodes, or null
 * @param score       how a DOT_ATTENTION node scores a query against a key, or null
 * @param wrapped     the recurrent layer inside a BIDIRECTIONAL node, or null
 * @param bidirectionalMode how the two directions are combined ("CONCAT", "ADD"...), or null
 * @param gateActivation gate nonlinearity of LSTM/GRU, or null
 * @param forgetGateBias LSTM forget-gate bias at initialisation
 * @param frozen      true when the layer's parameters are not trained
 * @param layerNorm   true when the layer normalises its pre-activations itself (DL4J hasLayerNorm)
 * @param gamma       initial scale of a normalisation layer
 * @param beta        initial shift of a normalisation layer
 * @param epsilon     what a layer normalisation adds to the variance it divides by (0 when the file
 *                    does not say)
 * @param timeSteps   sequence length for recurrent nodes when the file gives it, else -1
 * @param returnSequences for recurrent nodes: whether every step is returned (false: the last only)
 * @param inputShape  the input shape the file declares for this node (a DL4J preprocessor, a Keras
 *                    input_shape), or null
 * @param outputShape the output shape the file declares (a DL4J preprocessor vertex), or null
 * @param fans        whose fan-in/fan-out convention the initialisers follow
 * @param denseAxis   what a dense layer does with an input of several axes
 * @param shapeOp     what a SHAPE node does, or null for other kinds
 * @param dataFormat  where the layer expects channels (for RESHAPE and PERMUTE: how its output's axes
 *                    are read), or null when the file does not say
 * @param inputFormat for PERMUTE: how its input's axes are laid out, or null
 * @param target      a RESHAPE's target shape in the file's axes without the batch axis (-1 inferred), or null
 * @param permutation a PERMUTE's axes (1-based, without the batch axis), or null
 * @param precision   the format this layer computes in when it says so (a Keras layer's own
 *                    dtype), or null: the model's {@link NumberFormat#compute()}
 * @param heads       an attention layer's heads and their query/key and value widths, or null when
 *                    the file gives none (one head as wide as the output)
 * @param detail      free text for opaque nodes: why gradflow cannot model it
 * @param pos         where the node is in the source file
 */
public record Node(
        String name, LayerKind kind, String type, List<String> inputs, int dims,
        @Nullable Activation activation, @Nullable WeightInit weightInit, @Nullable WeightInit recurrentInit,
        double biasInit, boolean hasBias, long nIn, long nOut,
        int[] kernel, int[] stride, int[] padding, int[] dilation, PaddingMode paddingMode,
        int depthMultiplier, @Nullable Pooling pooling, double dropRate, @Nullable Updater updater,
        @Nullable GradientNormalization gradientNormalization, @Nullable String loss, @Nullable Merge merge,
        @Nullable Score score,
        @Nullable Node wrapped, @Nullable String bidirectionalMode, @Nullable Activation gateActivation,
        double forgetGateBias,
        boolean frozen, boolean layerNorm, double gamma, double beta, double epsilon, long timeSteps,
        boolean returnSequences, @Nullable TensorShape inputShape, @Nullable TensorShape outputShape,
        FanConvention fans, DenseAxis denseAxis, @Nullable ShapeOp shapeOp, @Nullable DataFormat dataFormat,
        @Nullable DataFormat inputFormat,
        long @Nullable [] target,
        int @Nullable [] permutation, @Nullable Precision precision, @Nullable Heads heads, @Nullable String detail,
        SourcePos pos) {

    /** Pooling types. */
    public enum Pooling { MAX, AVG, SUM, PNORM }

    /** Element-wise combinations of graph branches. */
    public enum Merge { ADD, SUBTRACT, PRODUCT, AVERAGE, MAX }

    /**
     * How attention without projections scores a query against a key at initialisation: their
     * dot product (a scale that starts at 1 changes nothing), the sum of tanh(q + k) over the
     * units, or that sum weighted by a vector drawn with variance 1/units (Keras
     * AdditiveAttention's scale).
     */
    public enum Score { DOT, TANH_SUM, WEIGHTED_TANH_SUM }

    /** An optimiser and its learning rate (NaN when scheduled or unknown). */
    public record Updater(String name, double learningRate) { }

    /** Gradient normalisation or clipping as configured. */
    public record GradientNormalization(String name, double threshold) { }

    /**
     * An attention layer's heads: {@code count} heads, each projecting queries and keys to
     * {@code keyDim} and values to {@code valueDim} features (Keras num_heads, key_dim, value_dim;
     * DL4J nHeads and headSize for both).
     */
    public record Heads(long count, long keyDim, long valueDim) { }

    public Node {
        inputs = List.copyOf(inputs);
        kernel = kernel == null ? new int[0] : kernel.clone();
        stride = stride == null ? new int[0] : stride.clone();
        padding = padding == null ? new int[0] : padding.clone();
        dilation = dilation == null ? new int[0] : dilation.clone();
        pos = pos == null ? SourcePos.NONE : pos;
        paddingMode = paddingMode == null ? PaddingMode.TRUNCATE : paddingMode;
        fans = fans == null ? FanConvention.DL4J : fans;
        denseAxis = denseAxis == null ? DenseAxis.FLATTENED : denseAxis;
        target = target == null ? null : target.clone();
        permutation = permutation == null ? null : permutation.clone();
    }

    @Override
    public long @Nullable [] target() {
        return target == null ? null : target.clone();
    }

    @Override
    public int @Nullable [] permutation() {
        return permutation == null ? null : permutation.clone();
    }

    @Override
    public int[] kernel() {
        return kernel.clone();
    }

    @Override
    public int[] stride() {
        return stride.clone();
    }

    @Override
    public int[] padding() {
        return padding.clone();
    }

    @Override
    public int[] dilation() {
        return dilation.clone();
    }

    /** Product of the kernel sizes (1 when there is no kernel). */
    public long kernelArea() {
        long a = 1;
        for (int k : kernel) {
            a *= k;
        }
        return a;
    }

    /** Product of the strides (1 when there is none). */
    public long strideArea() {
        long a = 1;
        for (int s : stride) {
            a *= Math.max(s, 1);
        }
        return a;
    }

    public boolean hasWeights() {
        return kind.hasWeights();
    }

    /** The layer that really carries the weights: the wrapped one for bidirectional nodes. */
    public Node core() {
        return wrapped != null ? wrapped : this;
    }

    public static Builder builder(@Nullable String name, LayerKind kind) {
        return new Builder(name, kind);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name, kind);
        b.type = type;
        b.inputs = inputs;
        b.dims = dims;
        b.activation = activation;
        b.weightInit = weightInit;
        b.recurrentInit = recurrentInit;
        b.biasInit = biasInit;
        b.hasBias = hasBias;
        b.nIn = nIn;
        b.nOut = nOut;
        b.kernel = kernel;
        b.stride = stride;
        b.padding = padding;
        b.dilation = dilation;
        b.paddingMode = paddingMode;
        b.depthMultiplier = depthMultiplier;
        b.pooling = pooling;
        b.dropRate = dropRate;
        b.updater = updater;
        b.gradientNormalization = gradientNormalization;
        b.loss = loss;
        b.merge = merge;
        b.score = score;
        b.wrapped = wrapped;
        b.bidirectionalMode = bidirectionalMode;
        b.gateActivation = gateActivation;
        b.forgetGateBias = forgetGateBias;
        b.frozen = frozen;
        b.layerNorm = layerNorm;
        b.gamma = gamma;
        b.beta = beta;
        b.epsilon = epsilon;
        b.timeSteps = timeSteps;
        b.returnSequences = returnSequences;
        b.inputShape = inputShape;
        b.outputShape = outputShape;
        b.fans = fans;
        b.denseAxis = denseAxis;
        b.shapeOp = shapeOp;
        b.dataFormat = dataFormat;
        b.inputFormat = inputFormat;
        b.target = target;
        b.permutation = permutation;
        b.precision = precision;
        b.heads = heads;
        b.detail = detail;
        b.pos = pos;
        return b;
    }

    /** Builds nodes field by field; readers fill what their format gives. */
    public static final class Builder {
        private @Nullable String name;
        private LayerKind kind;
        private @Nullable String type;
        private List<String> inputs = List.of();
        private int dims;
        private @Nullable Activation activation;
        private @Nullable WeightInit weightInit;
        private @Nullable WeightInit recurrentInit;
        private double biasInit;
        private boolean hasBias = true;
        private long nIn = -1;
        private long nOut = -1;
        private int @Nullable [] kernel;
        private int @Nullable [] stride;
        private int @Nullable [] padding;
        private int @Nullable [] dilation;
        private @Nullable PaddingMode paddingMode;
        private int depthMultiplier = 1;
        private @Nullable Pooling pooling;
        private double dropRate;
        private @Nullable Updater updater;
        private @Nullable GradientNormalization gradientNormalization;
        private @Nullable String loss;
        private @Nullable Merge merge;
        private @Nullable Score score;
        private @Nullable Node wrapped;
        private @Nullable String bidirectionalMode;
        private @Nullable Activation gateActivation;
        private double forgetGateBias = 1.0;
        private boolean frozen;
        private boolean layerNorm;
        private double gamma = 1.0;
        private double beta;
        private double epsilon;
        private long timeSteps = -1;
        private boolean returnSequences = true;
        private @Nullable TensorShape inputShape;
        private @Nullable TensorShape outputShape;
        private @Nullable FanConvention fans;
        private @Nullable DenseAxis denseAxis;
        private @Nullable ShapeOp shapeOp;
        private @Nullable DataFormat dataFormat;
        private @Nullable DataFormat inputFormat;
        private long @Nullable [] target;
        private int @Nullable [] permutation;
        private @Nullable Precision precision;
        private @Nullable Heads heads;
        private @Nullable String detail;
        private SourcePos pos = SourcePos.NONE;

        private Builder(@Nullable String name, LayerKind kind) {
            this.name = name;
            this.kind = kind;
        }

        public Builder name(String v) { name = v; return this; }
        public Builder kind(LayerKind v) { kind = v; return this; }
        public Builder type(@Nullable String v) { type = v; return this; }
        public Builder inputs(List<String> v) { inputs = v; return this; }
        public Builder inputs(String... v) { inputs = List.of(v); return this; }
        public Builder dims(int v) { dims = v; return this; }
        public Builder activation(@Nullable Activation v) { activation = v; return this; }
        public Builder weightInit(@Nullable WeightInit v) { weightInit = v; return this; }
        public Builder recurrentInit(@Nullable WeightInit v) { recurrentInit = v; return this; }
        public Builder biasInit(double v) { biasInit = v; return this; }
        public Builder hasBias(boolean v) { hasBias = v; return this; }
        public Builder nIn(long v) { nIn = v; return this; }
        public Builder nOut(long v) { nOut = v; return this; }
        public Builder kernel(int @Nullable ... v) { kernel = v; return this; }
        public Builder stride(int @Nullable ... v) { stride = v; return this; }
        public Builder padding(int @Nullable ... v) { padding = v; return this; }
        public Builder dilation(int @Nullable ... v) { dilation = v; return this; }
        public Builder paddingMode(@Nullable PaddingMode v) { paddingMode = v; return this; }
        public Builder depthMultiplier(int v) { depthMultiplier = v; return this; }
        public Builder pooling(@Nullable Pooling v) { pooling = v; return this; }
        public Builder dropRate(double v) { dropRate = v; return this; }
        public Builder updater(@Nullable Updater v) { updater = v; return this; }
        public Builder gradientNormalization(@Nullable GradientNormalization v) { gradientNormalization = v; return this; }
        public Builder loss(@Nullable String v) { loss = v; return this; }
        public Builder merge(@Nullable Merge v) { merge = v; return this; }
        public Builder score(@Nullable Score v) { score = v; return this; }
        public Builder wrapped(@Nullable Node v) { wrapped = v; return this; }
        public Builder bidirectionalMode(@Nullable String v) { bidirectionalMode = v; return this; }
        public Builder gateActivation(@Nullable Activation v) { gateActivation = v; return this; }
        public Builder forgetGateBias(double v) { forgetGateBias = v; return this; }
        public Builder frozen(boolean v) { frozen = v; return this; }
        public Builder layerNorm(boolean v) { layerNorm = v; return this; }
        public Builder gamma(double v) { gamma = v; return this; }
        public Builder beta(double v) { beta = v; return this; }
        public Builder epsilon(double v) { epsilon = v; return this; }
        public Builder timeSteps(long v) { timeSteps = v; return this; }
        public Builder returnSequences(boolean v) { returnSequences = v; return this; }
        public Builder inputShape(@Nullable TensorShape v) { inputShape = v; return this; }
        public Builder outputShape(@Nullable TensorShape v) { outputShape = v; return this; }
        public Builder fans(@Nullable FanConvention v) { fans = v; return this; }
        public Builder denseAxis(@Nullable DenseAxis v) { denseAxis = v; return this; }
        public Builder shapeOp(@Nullable ShapeOp v) { shapeOp = v; return this; }
        public Builder dataFormat(@Nullable DataFormat v) { dataFormat = v; return this; }
        public Builder inputFormat(@Nullable DataFormat v) { inputFormat = v; return this; }
        public Builder target(long @Nullable ... v) { target = v; return this; }
        public Builder permutation(int @Nullable ... v) { permutation = v; return this; }
        public Builder precision(@Nullable Precision v) { precision = v; return this; }
        public Builder heads(@Nullable Heads v) { heads = v; return this; }
        public Builder detail(@Nullable String v) { detail = v; return this; }
        public Builder pos(SourcePos v) { pos = v; return this; }

        public LayerKind kind() { return kind; }
        public long nIn() { return nIn; }
        public long nOut() { return nOut; }

        // javac leaves the type annotations of array components (long @Nullable [] target, int @Nullable []
        // permutation) off a compact constructor's parameters, so NullAway takes them as non-null here
        @SuppressWarnings("NullAway")
        public Node build() {
            // unset sizes and modes take the defaults Node's Javadoc gives
            return new Node(Objects.requireNonNull(name, "readers name a node before they build it"), kind,
                    type == null ? kind.name() : type, inputs, dims, activation,
                    weightInit, recurrentInit, biasInit, hasBias, nIn, nOut, orEmpty(kernel), orEmpty(stride),
                    orEmpty(padding), orEmpty(dilation), Objects.requireNonNullElse(paddingMode, PaddingMode.TRUNCATE),
                    depthMultiplier, pooling, dropRate, updater,
                    gradientNormalization, loss, merge, score, wrapped, bidirectionalMode, gateActivation,
                    forgetGateBias, frozen, layerNorm, gamma, beta, epsilon, timeSteps, returnSequences,
                    inputShape, outputShape, Objects.requireNonNullElse(fans, FanConvention.DL4J),
                    Objects.requireNonNullElse(denseAxis, DenseAxis.FLATTENED), shapeOp, dataFormat, inputFormat,
                    target, permutation,
                    precision, heads, detail,
                    pos);
        }

        private static int[] orEmpty(int @Nullable [] v) {
            return v == null ? new int[0] : v;
        }
    }
}
