package io.gradflow.model.activation;


/** A function gradflow does not know; the analysis passes values through and marks what depends on it as uncertain. */
public final class Unknown extends ActivationFunction {

    Unknown() {
        super("unknown");
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

    /** The file's own name for it: an unknown function is known only by that. */
    @Override
    public String label(double alpha, double beta) {
        return "unknown";
    }
}
