package io.gradflow.kinds;

import java.util.Arrays;

/**
 * The gradient's second moment back through a gated layer's steps when the recurrent matrix is the
 * same at every step (docs/theory.md section 8.5), as a sum over pairs of paths.
 *
 * <p>Going back one step multiplies the gradient by a diagonal {@code D} (the forget gate, a GRU's
 * update gate) plus the recurrent matrix {@code R} after a diagonal {@code A} (the candidate's
 * factors). The second moment after {@code n} steps sums, over pairs of paths, the product of
 * their factors. For a wide random {@code R} only pairs that apply it equally often contribute,
 * the k-th application of one paired with the k-th of the other; between two applications a path
 * stays on one unit, so two factors taken at the same step share a unit exactly when both paths
 * have applied {@code R} equally often so far. The pairs are a walk on that difference {@code d}:
 * at {@code d = 0} a step multiplies by second moments ({@code E[D^2] + b E[A^2]}, with what the
 * other gates add: mean field's gain), and one path applying {@code R} while the other does not
 * by {@code sqrt(b) E[D A]}; away from 0 the factors are on different units and multiply by their
 * means ({@code E[D]^2 + b E[A]^2}, {@code sqrt(b) E[D] E[A]}). A constant diagonal gives the sum
 * of {@code C(n, j)^2 a^(n-j) b^j}; a recurrent matrix drawn afresh at every step, which pairs
 * only paths applying it at the same steps, gives mean field. A GRU's update gate is {@code D = z}
 * and, as {@code 1 - z}, a factor of {@code A}, so {@code E[D A]} is below {@code E[D] E[A]}.
 *
 * <p>The second moment is the weight at {@code d = 0}; the walk's weights are held relative to it,
 * and each step returns its gain. By symmetry {@code d} and {@code -d} weigh the same, and one
 * side is kept.
 */
final class PathPairs {

    /** Weights below this share of the total are dropped from the walk's far end. */
    private static final double NEGLIGIBLE = 1e-20;

    private double[] w;
    private double[] next;
    private int hi;
    private int extent;

    PathPairs(int steps) {
        w = new double[Math.max(steps, 1) + 2];
        next = new double[w.length];
        w[0] = 1;
    }

    /**
     * One step back; returns the second moment's gain.
     *
     * @param same0 the gain of paths that both apply the matrix or neither, on the same units
     *              (mean field's step: {@code E[D^2] + b E[A^2]} plus the other gates' paths)
     * @param mix0  the weight of one path applying the matrix while the other does not, on the
     *              same unit ({@code sqrt(b) E[D A]})
     * @param same  the same as {@code same0} on different units ({@code E[D]^2 + b E[A]^2})
     * @param mix   the same as {@code mix0} on different units ({@code sqrt(b) E[D] E[A]})
     */
    double step(double same0, double mix0, double same, double mix) {
        int top = Math.min(hi + 1, w.length - 2);
        next[0] = w[0] * same0 + 2 * w[1] * mix;
        double total = next[0];
        for (int d = 1; d <= top; d++) {
            next[d] = w[d] * same + (d == 1 ? w[0] * mix0 : w[d - 1] * mix) + w[d + 1] * mix;
            total += 2 * next[d];
        }
        // what lay beyond the new walk's end in this array (from two steps ago) is cleared, so that
        // every weight past hi is zero
        Arrays.fill(next, top + 1, Math.min(Math.max(extent, top) + 2, next.length), 0);
        double[] swap = w;
        w = next;
        next = swap;
        hi = top;
        extent = Math.max(extent, top);
        // the second moment is the pairs that have applied the matrix equally often: d = 0, held at 1
        double gain = w[0];
        if (!(gain > 0) || !Double.isFinite(total)) {
            reset();
            return Math.max(same0, 0);
        }
        for (int d = 0; d <= hi; d++) {
            w[d] /= gain;
        }
        double far = NEGLIGIBLE * total / gain;
        while (hi > 0 && w[hi] < far) {
            w[hi--] = 0;
        }
        return gain;
    }

    /**
     * Adds fresh gradient, unrelated to what is carried: {@code share} of the second moment is new
     * and starts at d = 0, where the pairs it makes with the carried paths weigh nothing.
     */
    void inject(double share) {
        if (!(share > 0)) {
            return;
        }
        if (share >= 1) {
            reset();
            return;
        }
        for (int d = 0; d <= hi; d++) {
            w[d] *= 1 - share;
        }
        w[0] += share;
    }

    private void reset() {
        Arrays.fill(w, 0);
        Arrays.fill(next, 0);
        w[0] = 1;
        hi = 0;
        extent = 0;
    }
}
