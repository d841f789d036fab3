package io.gradflow.analysis;

/**
 * First and second moments of a tensor's values over the ensemble of inputs and random weights:
 * the global {@code mean}, the variance {@code su} of the per-unit means (fixed offsets that
 * differ from unit to unit but not from input to input), and the variance {@code sx} that the
 * input drives within each unit. Batch normalisation sees only {@code sx} (THEORY section 4).
 */
public record Moments(double mean, double su, double sx) {

    /** Zero-mean, unit-variance inputs: gradflow's default network input. */
    public static final Moments UNIT = new Moments(0, 0, 1);

    /** Total variance around the global mean. */
    public double q() {
        return su + sx;
    }

    /** E[x^2]. */
    public double second() {
        return mean * mean + su + sx;
    }

    public double rms() {
        return Math.sqrt(second());
    }

    public Moments scale(double s) {
        return new Moments(mean * s, su * s * s, sx * s * s);
    }

    /** The sum of two independent tensors (residual add). */
    public Moments plus(Moments o) {
        return new Moments(mean + o.mean, su + o.su, sx + o.sx);
    }

    public boolean finite() {
        return Double.isFinite(mean) && Double.isFinite(su) && Double.isFinite(sx);
    }
}
