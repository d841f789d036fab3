package io.gradflow.verify.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationMish;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Deeplearning4j's mish, x tanh(softplus(x)), with a backward pass that stays finite for large
 * inputs (DL4J 1.0.0-M2.1's MishDerivative op returns NaN from x = 177.5 in double, 22.2 in float).
 */
public class StableMish extends ActivationMish {

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        // the same softplus as the backward pass, so forward and backward are one function
        return in.muli(Transforms.tanh(StableMath.softplus(in), false));
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        // mish'(x) = t + x (1 - t^2) sigmoid(x), t = tanh(softplus(x)): every factor but x is bounded,
        // and where x is large 1 - t^2 is exactly 0
        INDArray t = Transforms.tanh(StableMath.softplus(in), false);
        INDArray sech2 = t.mul(t).rsubi(1.0);
        INDArray slope = in.mul(sech2).muli(StableMath.sigmoid(in)).addi(t);
        return new Pair<>(slope.muli(epsilon), null);
    }
}
