package io.gradflow.model.activation;

import java.util.List;

/** The identity (a linear layer). */
public final class Identity extends ActivationFunction {

    Identity() {
        super("identity");
    }

    @Override
    public double phi(double x, double alpha, double beta) {
        return x;
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        return 1;
    }

    @Override
    public boolean passesThrough() {
        return true;
    }

    @Override
    public boolean nonDecreasing(double alpha) {
        return true;
    }

    @Override
    public boolean positivelyHomogeneous(double alpha) {
        return true;
    }

    @Override
    public List<String> dl4jNames() {
        return List.of("ActivationIdentity");
    }

    @Override
    public List<String> dl4jAliases() {
        return List.of("linear");
    }
}
