package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.Node;
import java.util.SplittableRandom;

/** One batch through one drawn network: what a kind's simulation step reads and writes. */
public interface SimPass extends SimGraph {

    int batch();

    /** The network input's moments. */
    Moments input();

    SplittableRandom random();

    /** A node's output in this batch. */
    double[] out(String node);

    /** A weighted node's weights, [in][out] and transposed [out][in]. */
    double[] weights(String node);

    double[] transposed(String node);

    /** Keeps an array the node's backward step needs (its pre-activation, batch norm's statistics). */
    void keep(Node n, String key, double[] values);

    double[] kept(Node n, String key);

    /** Adds {@code d} to the gradient arriving at {@code node}'s output. */
    void send(String node, double[] d);

    /**
     * Records a node's gradients: arriving at its output, at its pre-activation, and leaving to its
     * input (a weightless node's pre-activation gradient is the one it passes on).
     */
    void record(Node n, double[] out, double[] pre, double[] in);

    /** Records a weighted node's weight gradient's mean square. */
    void recordWeightGradient(Node n, double meanSquare);

    /**
     * A zeroed array of {@code length} doubles for this pass's values: one the thread's earlier
     * passes are done with where there is one, else a new one. Arrays that end up as an output,
     * a kept value or a gradient return to the pool when the pass ends.
     */
    default double[] array(int length) {
        return new double[length];
    }
}
