package io.gradflow.kinds;

/**
 * A weighted layer's initial weights as the analysis sees them: per-weight variance {@code v} and
 * mean {@code m}, the fan-in its initialiser used, its fans, and whether it is an identity matrix
 * (which maps every unit on its own rather than mixing them).
 */
public record Weights(double v, double m, double fanIn, Fans fans, boolean identity) {

    /**
     * The factor a gradient's second moment gains going back through these weights: each input
     * receives connOut outputs' gradients, each through a weight of second moment v + m^2.
     */
    public double backwardGain() {
        return (v + m * m) * fans.connOut();
    }
}
