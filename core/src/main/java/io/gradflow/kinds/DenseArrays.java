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

    /** One [in][out] weight matrix drawn as {@code w} draws it, with the analysis's {mean, variance}. */
    static double[] draw(WeightInit w, int in, int out, double[] mv, SplittableRandom r) {
        double[] x = new double[in * out];
        double mean = mv[0];
        double sd = Math.sqrt(mv[1]);
        switch (w.family()) {
            case CONSTANT -> Arrays.fill(x, w.c());
            case IDENTITY -> {
                for (int i = 0; i < in; i++) {
                    x[i * out + i] = w.gain();
                }
            }
            case ORTHOGONAL -> orthogonal(x, in, out, w.gain(), r);
            case FAN_SCALED -> {
                for (int i = 0; i < x.length; i++) {
                    x[i] = switch (w.shape()) {
                        case NORMAL -> sd * r.nextGaussian();
                        case UNIFORM -> sd * Math.sqrt(3) * (2 * r.nextDouble() - 1);
                        case TRUNCATED -> sd / Math.sqrt(Distribution.TRUNCATION_FACTOR_2SD) * truncated(r);
                    };
                }
            }
            case DISTRIBUTION -> {
                Distribution d = Objects.requireNonNull(w.dist(), "the family has one");
                for (int i = 0; i < x.length; i++) {
                    x[i] = switch (d.kind()) {
                        case NORMAL -> d.a() + d.b() * r.nextGaussian();
                        case TRUNCATED_NORMAL -> d.a() + d.b() * truncated(r);
                        case UNIFORM -> d.a() + (d.b() - d.a()) * r.nextDouble();
                        case LOG_NORMAL -> Math.exp(d.a() + d.b() * r.nextGaussian());
                        default -> mean + sd * r.nextGaussian();
                    };
                }
            }
            case UNKNOWN -> throw new IllegalStateException("not drawable: " + w.label());
        }
        return x;
    }

    /** A standard normal cut at two standard deviations (ND4J's and TensorFlow's truncation). */
    private static double truncated(SplittableRandom r) {
        while (true) {
            double z = r.nextGaussian();
            if (Math.abs(z) <= 2) {
                return z;
            }
        }
    }

    /** gain times a random matrix with orthonormal rows or columns (Gram-Schmidt of a Gaussian draw). */
    private static void orthogonal(double[] x, int in, int out, double gain, SplittableRandom r) {
        boolean cols = in >= out;
        int k = cols ? out : in;
        int len = cols ? in : out;
        double[][] v = new double[k][len];
        for (int a = 0; a < k; a++) {
            for (int i = 0; i < len; i++) {
                v[a][i] = r.nextGaussian();
            }
            for (int b = 0; b < a; b++) {
                double dot = 0;
                for (int i = 0; i < len; i++) {
                    dot += v[a][i] * v[b][i];
                }
                for (int i = 0; i < len; i++) {
                    v[a][i] -= dot * v[b][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < len; i++) {
                norm += v[a][i] * v[a][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < len; i++) {
                v[a][i] /= norm;
            }
        }
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                x[i * out + o] = gain * (cols ? v[o][i] : v[i][o]);
            }
        }
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
    static double[] apply(Activation a, double[] z) {
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
