package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What a kind's forward step may read: the graph and its shapes, the states of the nodes before
 * it, the analysis's assumptions and caches. Implemented by the analysis engine.
 */
public interface Forward {

    ModelGraph graph();

    /** The moments of the network's input. */
    Moments networkInput();

    /** The moments arriving at input {@code i} of {@code n} (the network input when it has none). */
    Moments input(Node n, int i);

    /** The forward state of a node already visited. */
    @Nullable LayerState state(String node);

    /** Output shape of a node. */
    TensorShape shape(String node);

    /** The shape arriving at a node's first input (unknown when it has none). */
    default TensorShape inShape(Node n) {
        return n.inputs().isEmpty() ? TensorShape.UNKNOWN : shape(n.inputs().get(0));
    }

    /** The minibatch the weight gradients are averaged over. */
    int batch();

    /** The spatial size assumed per dimension where the model does not give one. */
    int assumedSpatial();

    /** The sequence length assumed where the model does not give one. */
    int assumedTimeSteps();

    /** Gaussian expectations of activations (cached for this analysis). */
    ActivationMoments math();

    /**
     * What {@code make} gives, made once for this analysis under {@code key} (a sample that
     * several layers share, such as a width's random matrices); {@code make} again where an
     * implementation keeps nothing.
     */
    default <T> T once(String key, Supplier<T> make) {
        return make.get();
    }

    /** Notes something the analysis had to assume because the file does not say it. */
    void assume(String note);

    /** How many nodes read this node's output. */
    int consumers(String node);

    /** Whether a node's values are known exactly along an element-wise chain (then its moments are not Gaussian). */
    boolean exact(String node);

    /**
     * Replaces the slopes of an earlier node: max pooling after an activation sends the gradient
     * back only to each window's maximum, where the slope is the maximum's, not the average's.
     */
    void routeSlopes(String producer, Slopes slopes);
}
