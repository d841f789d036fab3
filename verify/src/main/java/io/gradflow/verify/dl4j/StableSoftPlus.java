package io.gradflow.verify.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Deeplearning4j's softplus, log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so that it stays
 * finite for large inputs (DL4J 1.0.0-M2.1 overflows to infinity from x = 89 in float, 710 in
 * double, and its backward pass then returns NaN), with slope sigmoid(x).
 */
public class StableSoftPlus extends ActivationSoftPlus {

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        return in.assign(StableMath.softplus(in));
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        return new Pair<>(StableMath.sigmoid(in).muli(epsilon), null);
    }
}
