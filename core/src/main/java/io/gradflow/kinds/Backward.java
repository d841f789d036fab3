package io.gradflow.kinds;

import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import org.jspecify.annotations.Nullable;

/** What a kind's backward step may read. Implemented by the analysis engine. */
public interface Backward {

    ModelGraph graph();

    /** Output shape of a node. */
    TensorShape shape(String node);

    /** The shape arriving at a node's first input (unknown when it has none). */
    default TensorShape inShape(Node n) {
        return n.inputs().isEmpty() ? TensorShape.UNKNOWN : shape(n.inputs().get(0));
    }

    /** The forward state of any node. */
    @Nullable LayerState state(String node);

    /**
     * What the loss gradient's reference second moment (1 at an output layer's pre-activation)
     * is worth in the pass's current units: the engine moves a common power of ten out of the
     * numbers it holds so that very deep networks stay within a double's range.
     */
    default double unit() {
        return 1;
    }

    /**
     * Whether the loss gradient carries the offsets an untrained output gives it: at
     * initialisation every example's (and every position's) output shares its layer's offsets, so
     * part of the loss gradient is the same everywhere; the first steps correct the output's bias
     * and that part is gone. The engine runs the backward pass with it (the gradient at
     * initialisation) and, where a verdict depends on it, without it.
     */
    default boolean lossOffsets() {
        return true;
    }

    /** The minibatch the weight gradients are averaged over. */
    int batch();

    /**
     * How the gradient arriving at {@code n}'s output is spread over its steps: its second moment
     * per step relative to the mean over the steps, or null where it is the same at every step
     * (and where the output is not a sequence).
     */
    default double @Nullable [] stepShape(Node n) {
        return null;
    }

    /**
     * Samples (by steps) of the gradient arriving at {@code n}'s output, relative to its mean
     * second moment, where its one consumer gave them (an identity recurrence); else null.
     */
    default double @Nullable [][] stepPaths(Node n) {
        return null;
    }

    /**
     * The gradient arriving at {@code n}'s output over its steps with their alignment, where its
     * one consumer is an LSTM or GRU that gave it (docs/theory.md section 8.8); null elsewhere
     * (the steps taken as unaligned).
     */
    default Back.@Nullable Aligned stepAlignment(Node n) {
        return null;
    }

    /**
     * The gradient at a node's pre-activation conditioned on an element-wise chain where the node
     * sits on one (a unit whose slopes stay large along its own path keeps its gradient); {@code
     * pre} unchanged elsewhere.
     */
    Grad conditional(Node n, Grad pre);
}
