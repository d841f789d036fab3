package io.gradflow.verify.dl4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Element-wise sigmoid and softplus in forms that stay finite for every finite input, in float as in
 * double: the building blocks of the stable activations.
 */
final class StableMath {

    private StableMath() {
    }

    /**
     * sigmoid(x) as a new array. ND4J's op is 1 / (1 + e^-x): e^-x overflows to infinity for a very
     * negative x and the quotient is then the right limit, 0, never inf/inf.
     */
    static INDArray sigmoid(INDArray x) {
        return Transforms.sigmoid(x, true);
    }

    /**
     * softplus(x) = max(x, 0) + log1p(e^-|x|) as a new array: the exponent is never positive, so
     * nothing overflows (ND4J's log(1 + e^x) is infinite from x = 89 in float, 710 in double). ND4J's
     * log1p is log(1 + u), so far in the negative tail the value rounds to 0: off by under the
     * type's epsilon, where the slope, sigmoid(x), keeps its precision.
     */
    static INDArray softplus(INDArray x) {
        INDArray tail = Transforms.log1p(Transforms.exp(Transforms.abs(x, true).negi(), false), false);
        return Transforms.max(x, 0.0, true).addi(tail);
    }

    /**
     * x sigmoid(k x)'s slope, s + k x s (1 - s) with s = sigmoid(k x), as a new array: s and 1 - s lie
     * in [0, 1], so the product is finite (ND4J's e^x (x + e^x + 1) / (e^x + 1)^2 is inf/inf = NaN
     * from x = 354.9 in double, 44.4 in float).
     */
    static INDArray scaledSwishSlope(INDArray x, double k) {
        INDArray s = sigmoid(x.mul(k));
        INDArray oneMinus = s.rsub(1.0);
        return x.mul(k).muli(oneMinus).addi(1.0).muli(s);
    }
}
