package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything gradflow knows about one kind of layer, in one class: its shape rule, its forward
 * and backward moment propagation (mean field), its part in the finite-width simulation, and how
 * Deeplearning4j builds it. Each part is abstract, so a new kind that forgets one does not compile;
 * {@link KindCatalogue} checks the registry ({@link Kinds}) and what each part returns.
 */
public interface Kind {

    /** The model tag this class implements. */
    LayerKind tag();

    // ------------------------------------------------------------------ shape

    /**
     * The node's output shape from its first input's shape and all inputs' shapes (the engine has
     * already applied a shape the file declares).
     */
    TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all);

    /** The input width (nIn) an input of this shape gives the node, -1 where it gives none. */
    default long inputWidth(Node n, TensorShape in) {
        return in.size();
    }

    /** The output width (nOut) where the file leaves it to the shapes (attention: the query's width). */
    default long outputWidth(Node n, TensorShape in, TensorShape out) {
        return n.nOut();
    }

    /**
     * The spatial sizes the node's input must have had to give {@code out} (filling sizes back
     * from a later layer that states them), or null where the node does not say.
     */
    default long @Nullable [] inputSpatial(Node n, long[] out) {
        return null;
    }

    // ------------------------------------------------------------------ mean field

    /**
     * Whether the node's dropout rate is dropout applied to its input, as DL4J applies every
     * layer's (a dropout layer's rate is the layer itself).
     */
    default boolean dropoutOnInput() {
        return true;
    }

    /**
     * The forward step: what leaves the node, given {@code x}, what arrives at its first input
     * (after the dropout the node applies to it).
     */
    LayerState forward(Node n, Moments x, Forward f);

    /** The backward step: the gradient leaving to the inputs, given {@code out}, the gradient arriving. */
    Back backward(Node n, LayerState s, Grad out, Backward b);

    /**
     * Units over which a finite network's slopes fluctuate, making its typical gain smaller than the
     * mean-field one (docs/theory.md section 9.1): the factor is exp(-(3 s4/s2^2 - 1) / 2 units).
     * NaN where the kind has no such fluctuation.
     */
    default double typicalGainUnits(Node n, LayerState s) {
        return Double.NaN;
    }

    /**
     * Units whose slopes' spread measures how far a narrow network may stray from mean field (the
     * analysis simulates it where the sum over layers is large); NaN where the kind adds none.
     */
    default double slopeSpreadUnits(Node n, LayerState s, TensorShape out) {
        return Double.NaN;
    }

    // ------------------------------------------------------------------ memory

    /**
     * The node's trainable numbers (weights, biases, normalisation scales and running statistics,
     * as Deeplearning4j counts them), given the shapes arriving and leaving; 0 for kinds with none.
     * In a double: widths of 10^9 multiply past a long.
     */
    default double parameters(Node n, TensorShape in, TensorShape out) {
        return 0;
    }

    // ------------------------------------------------------------------ the other parts

    /** The kind's part in the finite-width simulation, or {@link Simulation#unsupported} with why. */
    Simulation simulation();

    /** How Deeplearning4j builds the kind, or {@link Dl4jPart#unsupported} with why. */
    Dl4jPart dl4j();
}
