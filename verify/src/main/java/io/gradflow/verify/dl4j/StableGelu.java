package io.gradflow.verify.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationGELU;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Deeplearning4j's GELU with a backward pass that stays finite for large inputs: its default form,
 * x sigmoid(1.702 x), has the swish derivative's overflow (NaN from x = 208.5 in double, 26.1 in float);
 * the precise (tanh) form is DL4J's own, which stays finite.
 */
public class StableGelu extends ActivationGELU {

    /** Sigmoid form's scale (DL4J's GELU op and gradflow's Gelu with alpha 1.702). */
    static final double SCALE = 1.702;

    /** For Jackson. */
    public StableGelu() {
    }

    public StableGelu(boolean precise) {
        super(precise);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        if (isPrecise()) {
            return super.backprop(in, epsilon);
        }
        assertShape(in, epsilon);
        return new Pair<>(StableMath.scaledSwishSlope(in, SCALE).muli(epsilon), null);
    }
}
