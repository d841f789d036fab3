package io.gradflow.verify.dl4j;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/**
 * An activation inside a SameDiff layer (the GRU's candidate and gates): the SameDiff operation
 * that computes what the DL4J or gradflow activation object computes.
 */
final class SameDiffActivations {

    private SameDiffActivations() {
    }

    static SDVariable apply(SameDiff sd, IActivation a, SDVariable x) {
        if (a == null || a instanceof ActivationTanH) {
            return sd.nn().tanh(x);
        }
        if (a instanceof ActivationSigmoid) {
            return sd.nn().sigmoid(x);
        }
        if (a instanceof ActivationHardSigmoid) {
            return sd.nn().hardSigmoid(x);
        }
        if (a instanceof ActivationIdentity) {
            return x;
        }
        if (a instanceof ActivationReLU) {
            return sd.nn().relu(x, 0);
        }
        if (a instanceof ActivationLReLU l) {
            return sd.nn().leakyRelu(x, l.getAlpha());
        }
        if (a instanceof ActivationELU) {
            return sd.nn().elu(x);
        }
        if (a instanceof ActivationSELU) {
            return sd.nn().selu(x);
        }
        if (a instanceof ActivationSoftSign) {
            return sd.nn().softsign(x);
        }
        if (a instanceof ActivationSoftPlus) {
            return sd.nn().softplus(x);
        }
        if (a instanceof ActivationSwish) {
            return sd.nn().swish(x);
        }
        if (a instanceof ActivationHardTanH) {
            return sd.nn().hardTanh(x);
        }
        if (a instanceof CoreActivation c && "hardsigmoid".equals(c.getFunction())) {
            double slope = Double.isNaN(c.getAlpha()) ? 0.2 : c.getAlpha();
            return sd.math().clipByValue(x.mul(slope).add(0.5), 0, 1);
        }
        throw new IllegalArgumentException("the GRU here has no SameDiff form of the activation " + a);
    }
}
