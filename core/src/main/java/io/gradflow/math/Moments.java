package io.gradflow.math;

/**
 * First and second moments of a tensor's values over the ensemble of inputs and random weights:
 * the global {@code mean}, the variance {@code su} of the per-unit means (fixed offsets that
 * differ from unit to unit but not from input to input), and the variance {@code sx} that the
 * input drives within each unit. Batch normalisation sees only {@code sx} (docs/theory.md
 * section 5.1) and, on a feature map, {@code sp}: the part of {@code su} that differs from position to
 * position within a channel. Zero padding makes it: a border position sums fewer of the
 * input's offsets than an interior one, a pattern fixed for every input that batch norm, which
 * subtracts one mean per channel, takes for signal.
 */
public record Moments(double mean, double su, double sx, double sp) {

    /** Zero-mean, unit-variance inputs: gradflow's default network input. */
    public static final Moments UNIT = new Moments(0, 0, 1);

    public Moments {
        sp = Math.min(Math.max(sp, 0), Math.max(su, 0));
    }

    /** Moments without a positional pattern. */
    public Moments(double mean, double su, double sx) {
        this(mean, su, sx, 0);
    }

    /** Total variance around the global mean. */
    public double q() {
        return su + sx;
    }

    /** E[x^2]. */
    public double second() {
        return mean * mean + su + sx;
    }

    /** The variance batch norm sees: within each channel, over inputs and positions. */
    public double channelVariance() {
        return sx + sp;
    }

    /** E[x^2] of the offsets shared by every position of a channel. */
    public double channelOffsets() {
        return mean * mean + su - sp;
    }

    public double rms() {
        return Math.sqrt(second());
    }

    public Moments scale(double s) {
        return new Moments(mean * s, su * s * s, sx * s * s, sp * s * s);
    }

    /** The sum of two independent tensors (residual add). */
    public Moments plus(Moments o) {
        return new Moments(mean + o.mean, su + o.su, sx + o.sx, sp + o.sp);
    }

    public boolean finite() {
        return Double.isFinite(mean) && Double.isFinite(su) && Double.isFinite(sx) && Double.isFinite(sp);
    }
}
