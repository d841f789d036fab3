package io.gradflow.kinds;

import io.gradflow.model.Activation;
import io.gradflow.model.Distribution;
import io.gradflow.model.Node;
import io.gradflow.model.WeightInit;
import io.gradflow.model.activation.Activations;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * The array work of the finite-width simulation's dense layers: drawing weights as their
 * initialisers draw them, the products forward and back, and the weight gradient's mean square.
 */
final class DenseArrays {

    private DenseArrays() {
    }

    /** Whether the simulation can draw {@code w} with the analysis's {mean, variance}. */
    static boolean drawable(@Nullable WeightInit w, double @Nullable [] mv, long in, long out) {
        if (w == null || mv == null || !Double.isFinite(mv[0]) || !Double.isFinite(mv[1]) || mv[1] < 0) {
            return false;
        }
        return switch (w.family()) {
            case FAN_SCALED, CONSTANT, ORTHOGONAL -> true;
            case IDENTITY -> in == out;
            case DISTRIBUTION ->
                    Objects.requireNonNull(w.dist(), "the family has one").kind() != Distribution.Kind.BINOMIAL;
            case UNKNOWN -> false;
        };
    }

    /**
     * One [in][out] weight matrix drawn as {@code w} draws it ({@link WeightInit#draw}, the table
     * the verifier samples from too), with the analysis's {mean, variance}.
     */
    static double[] draw(WeightInit w, int in, int out, double[] mv, SplittableRandom r) {
        if (w.family() == WeightInit.Family.UNKNOWN) {
            throw new IllegalStateException("not drawable: " + w.label());
        }
        return w.draw(new long[] {in, out}, mv[1], r);
    }

    /*
     * The three products below are most of a simulated lint's time, and run as C1 compiles them (the
     * launcher's -XX:TieredStopAtLevel=1: C2 costs more than it saves in a lint). C1 neither unrolls
     * nor keeps array elements in registers, so the loops are written for it: several sums at a time
     * in locals, each with one operand row read contiguously. Every element is still the sum of the same
     * products, in the same order, with the same zero operands skipped, so the results are
     * bit-for-bit those of the plain loops (a skipped 0 * w is not always +0: w may be infinite).
     */

    /** [bsz x in] times [in x out], given the weights transposed ([out][in]), written to {@code z} ([bsz x out]). */
    static double[] matmul(double[] x, double[] wt, int bsz, int in, int out, double[] z) {
        return rowProducts(x, wt, bsz, in, out, z);
    }

    /** [bsz x out] times [out x in], given the weights as drawn ([in][out]), written to {@code z} ([bsz x in]). */
    static double[] matmulT(double[] d, double[] w, int bsz, int in, int out, double[] z) {
        return rowProducts(d, w, bsz, out, in, z);
    }

    /**
     * z[b][o] = sum over i in order of x[b][i] * rows[o][i], the terms with x[b][i] == 0 left out:
     * [bsz x n] times the transpose of [m x n]. Two examples by four outputs at a time, so that each
     * weight read serves two sums. Every element of {@code z} ([bsz x m]) is written.
     */
    private static double[] rowProducts(double[] x, double[] rows, int bsz, int n, int m, double[] z) {
        int m4 = m & ~3;
        int b2 = bsz & ~1;
        for (int b = 0; b < b2; b += 2) {
            int xo = b * n;
            int xp = xo + n;
            int zo = b * m;
            int zp = zo + m;
            for (int o = 0; o < m4; o += 4) {
                int r0 = o * n;
                int r1 = r0 + n;
                int r2 = r1 + n;
                int r3 = r2 + n;
                double a0 = 0;
                double a1 = 0;
                double a2 = 0;
                double a3 = 0;
                double c0 = 0;
                double c1 = 0;
                double c2 = 0;
                double c3 = 0;
                for (int i = 0; i < n; i++) {
                    double xv = x[xo + i];
                    double yv = x[xp + i];
                    double w0 = rows[r0 + i];
                    double w1 = rows[r1 + i];
                    double w2 = rows[r2 + i];
                    double w3 = rows[r3 + i];
                    if (xv != 0) {
                        a0 += xv * w0;
                        a1 += xv * w1;
                        a2 += xv * w2;
                        a3 += xv * w3;
                    }
                    if (yv != 0) {
                        c0 += yv * w0;
                        c1 += yv * w1;
                        c2 += yv * w2;
                        c3 += yv * w3;
                    }
                }
                z[zo + o] = a0;
                z[zo + o + 1] = a1;
                z[zo + o + 2] = a2;
                z[zo + o + 3] = a3;
                z[zp + o] = c0;
                z[zp + o + 1] = c1;
                z[zp + o + 2] = c2;
                z[zp + o + 3] = c3;
            }
            for (int o = m4; o < m; o++) {
                z[zo + o] = dot(x, xo, rows, o * n, n);
                z[zp + o] = dot(x, xp, rows, o * n, n);
            }
        }
        if (b2 < bsz) {
            for (int o = 0; o < m; o++) {
                z[b2 * m + o] = dot(x, b2 * n, rows, o * n, n);
            }
        }
        return z;
    }

    /** sum over i in order of x[xo + i] * w[wo + i], the terms with x[xo + i] == 0 left out. */
    private static double dot(double[] x, int xo, double[] w, int wo, int n) {
        double a = 0;
        for (int i = 0; i < n; i++) {
            double xv = x[xo + i];
            if (xv != 0) {
                a += xv * w[wo + i];
            }
        }
        return a;
    }

    /**
     * Mean square of the weight gradient x^T d ([in x out]). Per input unit, the examples where it is
     * not zero are listed first, then their rows of d added four at a time (in the examples' order).
     */
    static double weightGradientMeanSquare(double[] x, double[] d, int bsz, int in, int out) {
        double[] row = new double[out];
        int[] at = new int[bsz];
        double[] xs = new double[bsz];
        double s2 = 0;
        for (int i = 0; i < in; i++) {
            int m = 0;
            for (int b = 0; b < bsz; b++) {
                double xv = x[b * in + i];
                if (xv != 0) {
                    at[m] = b * out;
                    xs[m++] = xv;
                }
            }
            Arrays.fill(row, 0);
            int k = 0;
            for (; k + 4 <= m; k += 4) {
                double xa = xs[k];
                double xb = xs[k + 1];
                double xc = xs[k + 2];
                double xd = xs[k + 3];
                int da = at[k];
                int db = at[k + 1];
                int dc = at[k + 2];
                int dd = at[k + 3];
                for (int o = 0; o < out; o++) {
                    double r = row[o] + xa * d[da + o];
                    r += xb * d[db + o];
                    r += xc * d[dc + o];
                    row[o] = r + xd * d[dd + o];
                }
            }
            for (; k < m; k++) {
                double xv = xs[k];
                int dof = at[k];
                for (int o = 0; o < out; o++) {
                    row[o] += xv * d[dof + o];
                }
            }
            for (int o = 0; o < out; o++) {
                s2 += row[o] * row[o];
            }
        }
        return s2 / ((double) in * out);
    }

    /** phi applied to every element of {@code z}, written to {@code y} (as long). */
    static double[] apply(@Nullable Activation a, double[] z, double[] y) {
        if (a == null || a.is(Activations.IDENTITY)) {
            System.arraycopy(z, 0, y, 0, z.length);
            return y;
        }
        for (int i = 0; i < z.length; i++) {
            y[i] = a.phi(z[i]);
        }
        return y;
    }

    /** The dense part of a forward step: z = x W + b for the node's weights. */
    static double[] linear(Node n, SimPass p) {
        String src = n.inputs().get(0);
        int out = p.width(n.name());
        double[] z = matmul(p.out(src), p.transposed(n.name()), p.batch(), p.width(src), out,
                p.array(p.batch() * out));
        double bias = n.hasBias() ? n.biasInit() : 0;
        if (bias != 0) {
            for (int i = 0; i < z.length; i++) {
                z[i] += bias;
            }
        }
        return z;
    }

    /** The dense part of a backward step: the weight gradient and the gradient sent to the input. */
    static double[] back(Node n, double[] d, SimPass p) {
        String src = n.inputs().get(0);
        int in = p.width(src);
        int w = p.width(n.name());
        p.recordWeightGradient(n, weightGradientMeanSquare(p.out(src), d, p.batch(), in, w));
        double[] back = matmulT(d, p.weights(n.name()), p.batch(), in, w, p.array(p.batch() * in));
        p.send(src, back);
        return back;
    }
}
