package io.gradflow.model.activation;


/** e^x (Keras's exponential); Deeplearning4j has no class for it. */
public final class Exponential extends ActivationFunction {

    Exponential() {
        super("exponential");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return Math.exp(Math.min(x, 700));
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return Math.exp(Math.min(x, 700));
    }

    @Override
    public double logAbsPhi(double x, double alpha, double beta) {
        return x;
    }

    /** E[e^{2h}] = e^{2 mean + 2 var}. */
    @Override
    public double logSecondMoment(double mean, double var, double alpha, double beta) {
        return 2 * mean + 2 * var;
    }

    @Override
    public boolean nonDecreasing(double alpha) {
        return true;
    }
}
