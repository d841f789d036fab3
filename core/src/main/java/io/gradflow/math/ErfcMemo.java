package io.gradflow.math;

import java.util.Arrays;

/**
 * Remembers the last few thousand values of {@link Gaussian#erfc}, by exact argument: the
 * quadratures of a leaky activation's per-unit mean and of its per-unit mean slope evaluate erfc
 * at the same nodes, one after the other, for every layer (half of a 100,000-layer lint's time).
 * A value it gives is the one erfc gives, bit for bit; a collision only costs a recomputation.
 * Not thread-safe: one per analysis.
 */
public final class ErfcMemo {

    private static final int BITS = 11;
    private final long[] keys = new long[1 << BITS];
    private final double[] values = new double[1 << BITS];

    public ErfcMemo() {
        // every slot starts as the argument 0.0 (bits 0) with its own value
        Arrays.fill(values, Gaussian.erfc(0.0));
    }

    /** erfc(x), computed once per argument while it stays in the table. */
    public double erfc(double x) {
        if (x < 0) {
            // as erfc itself does, so that Phi(z) and Phi(-z) share a slot
            return 2 - erfc(-x);
        }
        long bits = Double.doubleToRawLongBits(x);
        int slot = (int) ((bits ^ bits >>> 29) * 0x9E3779B97F4A7C15L >>> (64 - BITS));
        if (keys[slot] == bits) {
            return values[slot];
        }
        double v = Gaussian.erfc(x);
        keys[slot] = bits;
        values[slot] = v;
        return v;
    }

    /** {@link Gaussian#cdf}, through this table. */
    public double cdf(double x) {
        return Gaussian.cdf(x, this);
    }

    /** {@link Gaussian#cdfBothSides(double, double[])}, through this table. */
    public void cdfBothSides(double x, double[] out) {
        Gaussian.cdfBothSides(x, out, this);
    }
}
