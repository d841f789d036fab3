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
 *
 * <p>In a recurrent layer over another one's states the update gate's pre-activation at one unit is
 * correlated from step to step (docs/theory.md section 8.9). Where {@code memory} is above zero the
 * weight at {@code d = 0}, where both paths sit on one unit, is held over a grid of that unit's
 * standardised pre-activation, carried from one step to the one before by a Gaussian AR(1) step
 * of correlation {@code memory} while both paths stay, and started afresh (the stationary
 * distribution) when both move to another unit.
 *
 * <p>Each unit's gate also has a pre-activation offset of its own, the same at every step and for
 * every example (docs/theory.md section 8.10): where {@code still} is above zero that share of the
 * pre-activation's variance is the offset, held beside the rest's grid while both paths stay and
 * drawn afresh on a move. The layer has {@code units} such offsets, at the normal's expected order
 * statistics; they are averaged over by the Gauss quadrature of {@link #OFFSETS} nodes of those
 * points (the quadrature exact for polynomials of degree 9 in the offset over the layer's units).
 */
final class PathPairs {

    /** Weights below this share of the total are dropped from the walk's far end. */
    private static final double NEGLIGIBLE = 1e-20;

    /**
     * The grid of the shared unit's standardised pre-activation: nodes from -6 to 6, spaced by the
     * AR(1) step's own deviation {@code sqrt(1 - memory^2)} (finer changes nothing the walk shows:
     * within 0.001 decades of 81 nodes in scripts/gru-through-time.py's walk), between 21 and 81.
     */
    private static final int MIN_NODES = 21;
    private static final int MAX_NODES = 81;
    private static final double SPAN = 6;
    /** The quadrature's nodes over the units' static offsets. */
    static final int OFFSETS = 5;
    /** Transition weights below this share of their row are not carried. */
    private static final double CARRIED = 1e-17;

    private double[] w;
    private double[] next;
    private int hi;
    private int extent;
    /** Where the steps' gates are correlated: the grid, its stationary weights, the AR(1) step and d = 0's weights. */
    private final int nodes;
    private final double[] xi;
    private final double[] pi;
    private final double[][] carry;
    /** Each grid row's carried range, [from, to). */
    private final int[] from;
    private final int[] to;
    /** The static offsets' standardised nodes and weights, and the rest's share of the deviation. */
    private final double[] offset;
    private final double[] offsetWeight;
    private final double still;
    private double[] w0;
    private double[] w0Next;
    /** Scratch: the candidate's weight at each grid node, this step. */
    private final double[] gate;
    /** Away from d = 0: the distribution of a path's own unit over the grid, and scratch for the next. */
    private double[] unit;
    private double[] unitNext;

    PathPairs(int steps) {
        this(steps, 0);
    }

    /**
     * @param memory the update gate's pre-activation's correlation from one step to the next at
     *               one unit (an AR(1) equivalent); 0 for gates drawn afresh at every step
     */
    PathPairs(int steps, double memory) {
        this(steps, memory, 0, 0);
    }

    /**
     * @param memory the rest's correlation from one step to the next (an AR(1) equivalent)
     * @param still  the share of the gate's pre-activation variance that is each unit's static offset
     * @param units  the layer's units, whose offsets are the normal's expected order statistics
     */
    PathPairs(int steps, double memory, double still, int units) {
        w = new double[Math.max(steps, 1) + 2];
        next = new double[w.length];
        w[0] = 1;
        if (memory > 0) {
            double rho = Math.min(memory, 0.99);
            int n = (int) Math.ceil(2 * SPAN / Math.sqrt(1 - rho * rho)) + 1;
            nodes = Math.max(MIN_NODES, Math.min(MAX_NODES, n % 2 == 0 ? n + 1 : n));
            xi = new double[nodes];
            pi = new double[nodes];
            double sum = 0;
            for (int k = 0; k < nodes; k++) {
                xi[k] = -SPAN + 2 * SPAN * k / (nodes - 1);
                pi[k] = Math.exp(-xi[k] * xi[k] / 2);
                sum += pi[k];
            }
            for (int k = 0; k < nodes; k++) {
                pi[k] /= sum;
            }
            carry = new double[nodes][nodes];
            from = new int[nodes];
            to = new int[nodes];
            double var = 1 - rho * rho;
            for (int k = 0; k < nodes; k++) {
                double row = 0;
                for (int j = 0; j < nodes; j++) {
                    double e = xi[j] - rho * xi[k];
                    carry[k][j] = Math.exp(-e * e / (2 * var));
                    row += carry[k][j];
                }
                from[k] = nodes;
                for (int j = 0; j < nodes; j++) {
                    carry[k][j] /= row;
                    if (carry[k][j] > CARRIED) {
                        from[k] = Math.min(from[k], j);
                        to[k] = j + 1;
                    }
                }
            }
            if (still > 0 && units > 1) {
                double[][] q = unitOffsets(units, OFFSETS);
                offset = q[0];
                offsetWeight = q[1];
                this.still = Math.min(still, 1);
            } else {
                offset = new double[] {0};
                offsetWeight = new double[] {1};
                this.still = 0;
            }
            w0 = stationary();
            w0Next = new double[w0.length];
            gate = new double[w0.length];
            unit = stationary();
            unitNext = new double[w0.length];
        } else {
            nodes = 0;
            xi = new double[0];
            pi = xi;
            carry = new double[0][];
            from = new int[0];
            to = from;
            offset = xi;
            offsetWeight = xi;
            this.still = 0;
            w0 = xi;
            w0Next = xi;
            gate = xi;
            unit = xi;
            unitNext = xi;
        }
    }

    /**
     * The distribution of a path's own unit away from d = 0, one step back: of the pairs there
     * (weight {@code sum w[d]}), both staying ({@code stayBoth} of {@code same}) keep two paths on
     * their units, tilted by the diagonal; both moving start two afresh; one moving ({@code mix},
     * to either side) keeps one and starts one; and the pairs leaving d = 0 ({@code out0}) keep the
     * shared unit, tilted by {@code D s} ({@code lead} its sum), and start one afresh.
     */
    private void awayStep(double same, double mix, double stayBoth, double fd, double out0, double lead, double[] s) {
        double sum = 0;
        for (int d = 1; d <= hi; d++) {
            sum += w[d];
        }
        double both = sum * stayBoth;
        double moved = sum * Math.max(same - stayBoth, 0);
        double one = sum * 2 * mix;
        double kept = fd > 0 ? (2 * both + one) / fd : 0;
        double led = lead > 0 ? out0 / lead : 0;
        Arrays.fill(unitNext, 0);
        for (int o = 0; o < offset.length; o++) {
            int base = o * nodes;
            for (int k = 0; k < nodes; k++) {
                int ok = base + k;
                double d = 1 - s[ok];
                carryOn(unitNext, base, k, kept * unit[ok] * d + led * w0[ok] * d * s[ok]);
            }
        }
        double total = startAfresh(unitNext, 2 * moved + one + out0);
        if (total > 0 && Double.isFinite(total)) {
            double[] swap = unit;
            unit = unitNext;
            unitNext = swap;
            for (int k = 0; k < unit.length; k++) {
                unit[k] /= total;
            }
        }
    }

    /**
     * Adds {@code held}, the weight at grid node {@code k} of the offset block starting at
     * {@code base}, carried one AR(1) step over the grid, into {@code into}.
     */
    private void carryOn(double[] into, int base, int k, double held) {
        if (held != 0) {
            double[] c = carry[k];
            for (int j = from[k]; j < to[k]; j++) {
                into[base + j] += held * c[j];
            }
        }
    }

    /** Adds {@code fresh} at the stationary distribution to {@code into}; returns {@code into}'s total. */
    private double startAfresh(double[] into, double fresh) {
        double total = 0;
        for (int o = 0; o < offset.length; o++) {
            for (int j = 0; j < nodes; j++) {
                int oj = o * nodes + j;
                into[oj] += fresh * offsetWeight[o] * pi[j];
                total += into[oj];
            }
        }
        return total;
    }

    /** d = 0's weights at the stationary distribution: each offset's weight times the grid's. */
    private double[] stationary() {
        double[] s = new double[offset.length * nodes];
        for (int o = 0; o < offset.length; o++) {
            for (int k = 0; k < nodes; k++) {
                s[o * nodes + k] = offsetWeight[o] * pi[k];
            }
        }
        return s;
    }

    /**
     * The Gauss quadrature of {@code nodes} points for the mean over {@code units} values at the
     * standard normal's expected order statistics (Blom's positions (i - 3/8) / (n + 1/4)): the
     * orthogonal polynomials of that discrete measure by Stieltjes's procedure, their highest's
     * roots by bisection, the weights by Christoffel's formula. Returns the nodes and the weights
     * (summing to 1); the points themselves where there are no more of them than nodes.
     */
    static double[][] unitOffsets(int units, int nodes) {
        int n = Math.max(units, 1);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = SoftmaxAverage.quantile((i + 1 - 0.375) / (n + 0.25));
        }
        if (n <= nodes) {
            double[] wt = new double[n];
            Arrays.fill(wt, 1.0 / n);
            return new double[][] {x, wt};
        }
        // three-term recurrence p_(k+1) = (x - a_k) p_k - b_k p_(k-1) over the points, p_0 = 1
        double[] a = new double[nodes];
        double[] b = new double[nodes];
        double[] norm = new double[nodes];
        double[] prev = new double[n];
        double[] cur = new double[n];
        Arrays.fill(cur, 1);
        for (int k = 0; k < nodes; k++) {
            double nk = 0;
            double xk = 0;
            for (int i = 0; i < n; i++) {
                nk += cur[i] * cur[i] / n;
                xk += x[i] * cur[i] * cur[i] / n;
            }
            norm[k] = nk;
            a[k] = xk / nk;
            b[k] = k == 0 ? 0 : nk / norm[k - 1];
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                next[i] = (x[i] - a[k]) * cur[i] - b[k] * prev[i];
            }
            prev = cur;
            cur = next;
        }
        // the roots of p_nodes lie strictly between the smallest and the largest point, one in each
        // interval of a fine enough scan
        double[] root = new double[nodes];
        int found = 0;
        int scan = 4000;
        double lo = x[0];
        double hi = x[n - 1];
        double left = lo;
        double fl = poly(a, b, nodes, left)[nodes];
        for (int s = 1; s <= scan && found < nodes; s++) {
            double right = lo + (hi - lo) * s / scan;
            double fr = poly(a, b, nodes, right)[nodes];
            if (fl == 0 || fl * fr < 0) {
                double l = left;
                double r = right;
                for (int it = 0; it < 100 && fl != 0; it++) {
                    double m = 0.5 * (l + r);
                    double fm = poly(a, b, nodes, m)[nodes];
                    if (fm * poly(a, b, nodes, l)[nodes] <= 0) {
                        r = m;
                    } else {
                        l = m;
                    }
                }
                root[found++] = fl == 0 ? left : 0.5 * (l + r);
            }
            left = right;
            fl = fr;
        }
        double[] wt = new double[found];
        double total = 0;
        for (int j = 0; j < found; j++) {
            double[] p = poly(a, b, nodes, root[j]);
            double sum = 0;
            for (int k = 0; k < nodes; k++) {
                sum += p[k] * p[k] / norm[k];
            }
            wt[j] = 1 / sum;
            total += wt[j];
        }
        for (int j = 0; j < found; j++) {
            wt[j] /= total;
        }
        return new double[][] {Arrays.copyOf(root, found), wt};
    }

    /** The monic orthogonal polynomials p_0 .. p_k at {@code v}. */
    private static double[] poly(double[] a, double[] b, int k, double v) {
        double[] p = new double[k + 1];
        p[0] = 1;
        for (int j = 0; j < k; j++) {
            p[j + 1] = (v - a[j]) * p[j] - (j == 0 ? 0 : b[j] * p[j - 1]);
        }
        return p;
    }

    /** Whether the update gate's correlation over the steps is followed. */
    boolean remembers() {
        return xi.length > 0;
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
        return step(same0, mix0, same, mix, 0, 0, 0, 0);
    }

    /**
     * One step back where the update gate's correlation over the steps is followed ({@link
     * #remembers}); otherwise as {@link #step(double, double, double, double)}.
     *
     * @param stay the share of {@code same0} of both paths staying on their unit ({@code E[D^2]},
     *             {@code D = 1 - s} with {@code s = sigmoid(mu + sd xi)} the candidate's weight)
     * @param cand the share of both applying the matrix through the candidate ({@code b E[A^2]},
     *             {@code A} holding {@code s}); the rest of {@code same0} does not depend on the gate
     * @param mu   the gate's pre-activation's mean at this step
     * @param sd   its deviation
     */
    double step(double same0, double mix0, double same, double mix, double stay, double cand, double mu, double sd) {
        return step(same0, mix0, same, mix, stay, cand, mu, sd, -1);
    }

    /**
     * The same; where {@code diag} (the diagonal's mean squared, {@code E[D]^2}, the share of
     * {@code same} of both paths staying) is not negative, the paths away from d = 0 keep their
     * own units' gates as well: each path's unit is held over the grid by one distribution shared
     * by every {@code d != 0}, carried while the path stays and started afresh when it moves; a path
     * that catches up (d = 1 to 0) lands on the other's unit, at that distribution.
     */
    double step(double same0, double mix0, double same, double mix, double stay, double cand, double mu, double sd,
                double diag) {
        int top = Math.min(hi + 1, w.length - 2);
        double out0 = w[0] * mix0;
        if (xi.length > 0) {
            // d = 0 over the shared unit's pre-activation: each node's factors in proportion to its
            // gate, normalised to the step's moments, so that gates drawn afresh give the scalar walk
            double d2 = 0;
            double s2 = 0;
            double ds = 0;
            double[] s = gate;
            double rest = sd * Math.sqrt(1 - still);
            for (int o = 0; o < offset.length; o++) {
                double at = mu + sd * Math.sqrt(still) * offset[o];
                for (int k = 0; k < nodes; k++) {
                    int ok = o * nodes + k;
                    s[ok] = 1 / (1 + Math.exp(-(at + rest * xi[k])));
                    double d = 1 - s[ok];
                    double p = offsetWeight[o] * pi[k];
                    d2 += p * d * d;
                    s2 += p * s[ok] * s[ok];
                    ds += p * d * s[ok];
                }
            }
            double other = same0 - stay - cand;
            double jump = 0;
            out0 = 0;
            // away from d = 0: the paths' own units' mean diagonal and candidate weight against the
            // stationary ones, and the step's weights there
            boolean away = diag >= 0;
            double rd = 1;
            double rs = 1;
            double fd = 0;
            if (away) {
                double md = 0;
                double ms = 0;
                double fs = 0;
                for (int o = 0; o < offset.length; o++) {
                    for (int k = 0; k < nodes; k++) {
                        int ok = o * nodes + k;
                        double p = offsetWeight[o] * pi[k];
                        md += p * (1 - s[ok]);
                        ms += p * s[ok];
                        fd += unit[ok] * (1 - s[ok]);
                        fs += unit[ok] * s[ok];
                    }
                }
                rd = md > 0 ? fd / md : 1;
                rs = ms > 0 ? fs / ms : 1;
                double tied = Math.max(same - diag, 0);
                same = diag * rd * rd + tied * rs * rs;
                mix *= rd * rs;
            }
            // what catches up lands on the staying path's unit, tilted by its diagonal
            double back = away && fd > 0 ? 2 * w[1] * mix / fd : 0;
            double lead = 0;
            Arrays.fill(w0Next, 0);
            for (int o = 0; o < offset.length; o++) {
                int base = o * nodes;
                for (int k = 0; k < nodes; k++) {
                    int ok = base + k;
                    double d = 1 - s[ok];
                    double held = w0[ok] * (d2 > 0 ? stay * d * d / d2 : 0) + back * unit[ok] * d;
                    jump += w0[ok] * ((s2 > 0 ? cand * s[ok] * s[ok] / s2 : 0) + other);
                    out0 += w0[ok] * (ds > 0 ? mix0 * d * s[ok] / ds : 0);
                    lead += w0[ok] * d * s[ok];
                    carryOn(w0Next, base, k, held);
                }
            }
            if (away) {
                awayStep(same, mix, diag * rd * rd, fd, out0, lead, s);
            }
            next[0] = startAfresh(w0Next, jump + (away ? 0 : 2 * w[1] * mix));
        } else {
            next[0] = w[0] * same0 + 2 * w[1] * mix;
        }
        double total = next[0];
        for (int d = 1; d <= top; d++) {
            next[d] = w[d] * same + (d == 1 ? out0 : w[d - 1] * mix) + w[d + 1] * mix;
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
        if (xi.length > 0) {
            double[] swap0 = w0;
            w0 = w0Next;
            w0Next = swap0;
            for (int k = 0; k < w0.length; k++) {
                w0[k] /= gain;
            }
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
        if (xi.length > 0) {
            for (int o = 0; o < offset.length; o++) {
                for (int k = 0; k < nodes; k++) {
                    int ok = o * nodes + k;
                    w0[ok] = w0[ok] * (1 - share) + share * offsetWeight[o] * pi[k];
                }
            }
        }
    }

    private void reset() {
        Arrays.fill(w, 0);
        Arrays.fill(next, 0);
        w[0] = 1;
        hi = 0;
        extent = 0;
        if (xi.length > 0) {
            w0 = stationary();
            unit = stationary();
        }
    }
}
