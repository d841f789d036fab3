package io.gradflow.verify.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Deeplearning4j's swish, x sigmoid(x), with a backward pass that stays finite for large inputs
 * (DL4J 1.0.0-M2.1's SwishDerivative op returns NaN from x = 354.9 in double, 44.4 in float).
 */
public class StableSwish extends ActivationSwish {

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        return new Pair<>(StableMath.scaledSwishSlope(in, 1.0).muli(epsilon), null);
    }
}
