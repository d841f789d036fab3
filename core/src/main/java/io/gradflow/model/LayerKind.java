package io.gradflow.model;

/** What a node does, as far as signal propagation is concerned. */
public enum LayerKind {
    INPUT,
    DENSE,
    /** Convolution over 1, 2 or 3 spatial dimensions ({@link Node#dims()}). */
    CONV,
    /** Transposed convolution. */
    DECONV,
    DEPTHWISE_CONV,
    SEPARABLE_CONV,
    LOCALLY_CONNECTED,
    POOLING,
    GLOBAL_POOLING,
    BATCH_NORM,
    LAYER_NORM,
    LOCAL_RESPONSE_NORM,
    ACTIVATION,
    DROPOUT,
    EMBEDDING,
    SIMPLE_RNN,
    LSTM,
    GRU,
    /** An LSTM whose input and recurrent transforms are convolutions (Keras ConvLSTM1D/2D). */
    CONV_LSTM,
    /** A recurrent layer run both ways; {@link Node#wrapped()} holds the layer. */
    BIDIRECTIONAL,
    ATTENTION,
    /** Attention without projections of its own over a query, a value and a key (Keras Attention). */
    DOT_ATTENTION,
    /** An output layer with weights (DL4J OutputLayer, RnnOutputLayer...). */
    OUTPUT,
    /** A loss with no weights of its own (DL4J LossLayer, CnnLossLayer...). */
    LOSS,
    /** Element-wise combination of several inputs ({@link Node#merge()}). */
    ELEMENTWISE,
    CONCAT,
    /** Multiplies or shifts by a constant (ScaleVertex, ShiftVertex, Rescaling). */
    SCALE,
    /** Moves values around without changing them: flatten, reshape, padding, cropping, upsampling... */
    SHAPE,
    /** A layer gradflow cannot model (custom or unsupported); it cuts the analysis. */
    OPAQUE;

    /** True for kinds whose node owns a trainable weight matrix or kernel. */
    public boolean hasWeights() {
        return switch (this) {
            case DENSE, CONV, DECONV, DEPTHWISE_CONV, SEPARABLE_CONV, LOCALLY_CONNECTED, EMBEDDING,
                 SIMPLE_RNN, LSTM, GRU, CONV_LSTM, BIDIRECTIONAL, ATTENTION, OUTPUT -> true;
            default -> false;
        };
    }

    public boolean recurrent() {
        return this == SIMPLE_RNN || this == LSTM || this == GRU || this == CONV_LSTM || this == BIDIRECTIONAL;
    }

    public boolean normalization() {
        return this == BATCH_NORM || this == LAYER_NORM;
    }

    public boolean convolutional() {
        return switch (this) {
            case CONV, DECONV, DEPTHWISE_CONV, SEPARABLE_CONV, LOCALLY_CONNECTED -> true;
            default -> false;
        };
    }
}
