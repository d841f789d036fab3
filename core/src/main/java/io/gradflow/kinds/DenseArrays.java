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

    /** [bsz x in] times [in x out]. */
    static double[] matmul(double[] x, double[] w, int bsz, int in, int out) {
        double[] z = new double[bsz * out];
        for (int b = 0; b < bsz; b++) {
            int zo = b * out;
            for (int i = 0; i < in; i++) {
                double xv = x[b * in + i];
                if (xv == 0) {
                    continue;
                }
                int wo = i * out;
                for (int o = 0; o < out; o++) {
                    z[zo + o] += xv * w[wo + o];
                }
            }
        }
        return z;
    }

    /** [bsz x out] times [out x in], the transposed weights (rows the inner loop can vectorise). */
    static double[] matmulT(double[] d, double[] wt, int bsz, int in, int out) {
        double[] x = new double[bsz * in];
        for (int b = 0; b < bsz; b++) {
            int xo = b * in;
            for (int o = 0; o < out; o++) {
                double dv = d[b * out + o];
                if (dv == 0) {
                    continue;
                }
                int wo = o * in;
                for (int i = 0; i < in; i++) {
                    x[xo + i] += dv * wt[wo + i];
                }
            }
        }
        return x;
    }

    /** Mean square of the weight gradient x^T d ([in x out]). */
    static double weightGradientMeanSquare(double[] x, double[] d, int bsz, int in, int out) {
        double[] row = new double[out];
        double s2 = 0;
        for (int i = 0; i < in; i++) {
            Arrays.fill(row, 0);
            for (int b = 0; b < bsz; b++) {
                double xv = x[b * in + i];
                if (xv == 0) {
                    continue;
                }
                int dof = b * out;
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

    /** phi applied to every element. */
    static double[] apply(@Nullable Activation a, double[] z) {
        double[] y = new double[z.length];
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
        double[] z = matmul(p.out(src), p.weights(n.name()), p.batch(), p.width(src), p.width(n.name()));
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
        double[] back = matmulT(d, p.transposed(n.name()), p.batch(), in, w);
        p.send(src, back);
        return back;
    }
}
