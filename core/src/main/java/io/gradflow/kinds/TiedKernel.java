package io.gradflow.kinds;

import io.gradflow.model.Distribution;
import io.gradflow.model.Node;
import io.gradflow.model.WeightInit;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A simple RNN's random recurrent kernel is one matrix, applied at every step (docs/theory.md
 * section 8.7, *A tied random kernel*). Mean field draws it afresh at every step; a finite one's
 * powers grow beyond that, {@code phi(k) = |R^k v|^2 / |v|^2} per network, because its largest
 * eigenvalues lie beyond the circular law's radius, and by how much varies by decades from one
 * network to the next. Going back through the steps the share {@code c = E[phi']^2 / E[phi'^2]} of
 * the gradient's energy keeps following the same powers of the kernel (the slopes' mean is a
 * multiple of the identity), the rest (the slopes' fluctuation from unit to unit: random signs)
 * starts afresh like what is injected. The figure through the steps is the mean over a sample of
 * networks of each one's own log: a network's figure is the log of its own gradient.
 */
final class TiedKernel {

    /**
     * Sampled recurrent matrices per width, at most: a network's figure varies by 2-6 decades with
     * its kernel, and with 128 the SimpleRNN through-time p90 moved between 0.30 and 0.53 from seed
     * to seed, with 256 between 0.28 and 0.41. Each matrix's {@code tr(R^k R^kT) / N} is estimated
     * from two random vectors.
     */
    static final int NETWORKS = 256;
    /** The fewest sampled matrices of a width. */
    static final int MIN_NETWORKS = 16;
    /** Matrices times their width squared: 128 matrices of 64 units, 32 of 128. */
    static final long MATRIX_BUDGET = 128L * 64 * 64;
    /**
     * Powers computed per matrix; beyond, each matrix's log grows at its own rate over the last
     * {@link #TAIL} powers.
     */
    static final int LAGS = 32;
    static final int TAIL = 12;
    /**
     * Longer sequences keep the mean-field recursion, as an identity recurrence's do: past it a
     * network whose powers outgrow its slopes' dilution would leave a double's range.
     */
    static final int MAX_STEPS = IdentityRecurrence.MAX_STEPS;
    /**
     * Wider kernels keep the mean-field recursion: the matrices' cost grows with the width
     * squared, and their powers' excess over mean field shrinks.
     */
    static final int MAX_WIDTH = 128;

    private TiedKernel() {
    }

    /**
     * Whether {@code init}, a simple RNN's recurrent initialiser over {@code width} units and
     * {@code steps} steps, is a matrix of independent zero-mean draws that this model covers (an
     * orthogonal matrix's powers keep every vector's norm, an identity is {@link IdentityRecurrence}).
     */
    static boolean applies(@Nullable WeightInit init, int width, int steps) {
        if (init == null || width < 2 || width > MAX_WIDTH || steps < 3 || steps > MAX_STEPS) {
            return false;
        }
        if (init.family() == WeightInit.Family.FAN_SCALED) {
            return true;
        }
        Distribution d = init.dist();
        return init.family() == WeightInit.Family.DISTRIBUTION && d != null && init.mean() == 0
                && (d.kind() == Distribution.Kind.NORMAL || d.kind() == Distribution.Kind.TRUNCATED_NORMAL
                || d.kind() == Distribution.Kind.UNIFORM);
    }

    /**
     * The sampled matrices' curves for {@code core}'s recurrent kernel over {@code steps} steps,
     * made once per width and weight shape for the analysis {@code f}; null where this model does
     * not cover the kernel ({@link #applies}).
     */
    static double @Nullable [][] sampled(Node core, int steps, Forward f) {
        int width = (int) core.nOut();
        if (!applies(core.recurrentInit(), width, steps)) {
            return null;
        }
        IdentityRecurrence.Tails shape = IdentityRecurrence.Tails.of(core.recurrentInit());
        return f.once("tied-kernel " + width + " " + shape, () -> curves(width, shape));
    }

    /**
     * Sampled matrices for {@code width} units: {@link #NETWORKS}, fewer past 45 units, where the
     * cost (the width squared a matrix) passes {@link #MATRIX_BUDGET}.
     */
    static int networks(int width) {
        return Math.min(NETWORKS, Math.max(MIN_NETWORKS, (int) (MATRIX_BUDGET / ((long) width * width))));
    }

    /**
     * {@code ln phi(k)} for {@code k} = 0 to {@link #LAGS} of {@link #networks} sampled matrices of
     * {@code n} units whose weights have the shape {@code tails} (variance 1 / n), fixed seeds (an
     * analysis makes them once per width and shape: {@link Forward#once}).
     */
    static double[][] curves(int n, IdentityRecurrence.Tails tails) {
        SplittableRandom rnd = new SplittableRandom(0x71EDL * 31 + n * 4L + tails.ordinal());
        double[][] out = new double[networks(n)][LAGS + 1];
        double[] r = new double[n * n];
        // two random vectors, multiplied by the matrix together (one pass over it a power)
        double[] u = new double[n];
        double[] v = new double[n];
        double[] nu = new double[n];
        double[] nv = new double[n];
        double sd = 1 / Math.sqrt(n);
        for (double[] curve : out) {
            for (int i = 0; i < r.length; i++) {
                r[i] = sd * tails.draw(rnd);
            }
            double norm0 = 0;
            for (int i = 0; i < n; i++) {
                u[i] = IdentityRecurrence.gaussian(rnd);
                v[i] = IdentityRecurrence.gaussian(rnd);
                norm0 += u[i] * u[i] + v[i] * v[i];
            }
            double scale = 0;
            for (int lag = 1; lag <= LAGS; lag++) {
                double norm = 0;
                for (int row = 0; row < n; row++) {
                    double su = 0;
                    double sv = 0;
                    int base = row * n;
                    for (int col = 0; col < n; col++) {
                        double w = r[base + col];
                        su += w * u[col];
                        sv += w * v[col];
                    }
                    nu[row] = su;
                    nv[row] = sv;
                    norm += su * su + sv * sv;
                }
                // each power's norm relative to the last, so that the vectors stay near unit size
                double f = Math.sqrt(norm0 / norm);
                for (int i = 0; i < n; i++) {
                    u[i] = nu[i] * f;
                    v[i] = nv[i] * f;
                }
                scale += Math.log(norm / norm0);
                curve[lag] = scale;
            }
        }
        return out;
    }

    /**
     * log10 of the gradient's second moment at each step, up to a constant, as the mean over the
     * sampled networks of each one's own: {@code inject} what arrives at each step's output,
     * {@code slope2} the slopes' mean square and {@code coherent} their share {@code c} per step,
     * {@code rec} the recurrent kernel's mean-field gain. Null where a slope or the gain is zero, or
     * where a network's figure leaves a double's range.
     *
     * <p>Per network, energy born at step {@code k} (what is injected there, and the share
     * {@code 1 - c} of what arrives) reaches step {@code i < k} as {@code phi(k - i) rec^(k - i)}
     * times the slopes between and the shares {@code c} of the steps it passes; with {@code phi = 1}
     * that is mean field's recursion exactly. Everything is held relative to mean field's figure
     * at each step, so that hundreds of steps stay within a double.
     */
    static double @Nullable [] through(double[] inject, double[] slope2, double[] coherent, double rec,
                                       double[][] curves) {
        int t = inject.length;
        if (!(rec > 0)) {
            return null;
        }
        // mean field's figure (ln) and, per step, the share of it injected there
        double[] lm = new double[t];
        double[] iota = new double[t];
        double lnRec = Math.log(rec);
        double next = Double.NEGATIVE_INFINITY;
        for (int i = t - 1; i >= 0; i--) {
            if (!(slope2[i] > 0)) {
                return null;
            }
            double carried = lnRec + next;
            double in = inject[i] > 0 ? Math.log(inject[i]) : Double.NEGATIVE_INFINITY;
            double top = Math.max(in, carried);
            double total = top == Double.NEGATIVE_INFINITY ? top
                    : top + Math.log1p(Math.exp(Math.min(in, carried) - top));
            if (total == Double.NEGATIVE_INFINITY) {
                lm[i] = Double.NEGATIVE_INFINITY;
                iota[i] = 0;
                next = Double.NEGATIVE_INFINITY;
                continue;
            }
            iota[i] = Math.exp(in - total);
            lm[i] = Math.log(slope2[i]) + total;
            next = lm[i];
        }
        int networks = curves.length;
        // each network's powers up to LAGS, and beyond them its own growth per power: past the
        // window the kernel is one exponential, so the energy born there is carried by a recursion
        // (a network's tail) instead of a sum over every later step
        double[][] phi = new double[networks][LAGS + 1];
        double[] growth = new double[networks];
        for (int j = 0; j < networks; j++) {
            double[] c = curves[j];
            for (int k = 0; k <= LAGS; k++) {
                phi[j][k] = Math.exp(c[k]);
            }
            growth[j] = Math.exp((c[LAGS] - c[LAGS - TAIL]) / TAIL);
        }
        double[][] beta = new double[networks][t];
        double[] tail = new double[networks];
        double[] logs = new double[t];
        double[] q = new double[LAGS + 1];
        double edge = 0;
        for (int i = t - 1; i >= 0; i--) {
            // what reaches step i from the energy born L steps later, relative to mean field's
            // figures: q[L] (the injected shares and coherent shares of the steps between)
            int window = Math.min(LAGS, t - 1 - i);
            double w = 1 - iota[i];
            for (int lag = 1; lag <= window; lag++) {
                q[lag] = w;
                w *= (1 - iota[i + lag]) * coherent[i + lag];
            }
            // the energy born more than LAGS steps later, one step further back
            boolean beyond = i + 1 + LAGS < t;
            double back = beyond ? (1 - iota[i]) * coherent[i + 1] : 0;
            double sum = 0;
            for (int j = 0; j < networks; j++) {
                double[] b = beta[j];
                double[] f = phi[j];
                tail[j] = beyond ? back * growth[j] * (tail[j] + b[i + 1 + LAGS] * f[LAGS] * edge) : 0;
                double a = tail[j];
                for (int lag = 1; lag <= window; lag++) {
                    a += b[i + lag] * f[lag] * q[lag];
                }
                double y = iota[i] + a;
                b[i] = iota[i] + (1 - coherent[i]) * a;
                sum += Math.log(y);
            }
            if (Double.isNaN(sum) || sum == Double.POSITIVE_INFINITY) {
                // a network's figure left a double's range: keep mean field's
                return null;
            }
            edge = window == LAGS ? q[LAGS] : 0;
            logs[i] = lm[i] / Math.log(10) + sum / networks / Math.log(10);
        }
        return logs;
    }
}
