package io.gradflow.model.activation;

import java.util.List;

/** The softmax over a layer's units (an output nonlinearity). */
public final class Softmax extends ActivationFunction {

    Softmax() {
        super("softmax");
    }

    /** Per unit, as a sigmoid: the analysis treats softmax outputs apart where it matters. */
    @Override
    public double phi(double x, double alpha, double beta) {
        return sigmoid(x);
    }

    @Override
    public double slope(double x, double alpha, double beta) {
        double s = sigmoid(x);
        return s * (1 - s);
    }

    @Override
    public List<String> dl4jNames() {
        return List.of("ActivationSoftmax");
    }
}
