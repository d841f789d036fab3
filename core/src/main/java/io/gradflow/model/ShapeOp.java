package io.gradflow.model;

/**
 * What a {@link LayerKind#SHAPE} node does to the values' layout. None of them changes a value;
 * they change where the values sit, and so how many positions a later layer sums over.
 */
public enum ShapeOp {
    /** Every value of a feature map or sequence becomes one feature. */
    FLATTEN,
    /** Keras's Reshape to {@link Node#target()}. */
    RESHAPE,
    /** Keras's Permute by {@link Node#permutation()}. */
    PERMUTE,
    /** A feature vector repeated {@link Node#timeSteps()} times as a sequence. */
    REPEAT_VECTOR,
    /** Zeros added around a feature map ({@link Node#padding()}: per side or per dimension). */
    ZERO_PADDING,
    /** Borders cut off ({@link Node#padding()} as for zero padding). */
    CROPPING,
    /** Each value copied to a block of {@link Node#kernel()} positions. */
    UPSAMPLING,
    /** The last step of a sequence. */
    LAST_TIME_STEP,
    /** Anything else that moves values without changing their number or scale (masking, preprocessors...). */
    PASS
}
