package io.gradflow.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The simulation's products are written for the client compiler (sums in locals, four at a time),
 * but must give bit-for-bit what the plain loops give: the accuracy replay and the golden reports
 * depend on every last bit. Compared here on odd shapes, with zeros of both signs, NaN and
 * infinities among the operands (a skipped 0 * infinity is not a NaN).
 */
class DenseArraysTest {

    @Test
    void productsAreBitForBitThePlainLoops() {
        SplittableRandom r = new SplittableRandom(17);
        for (int t = 0; t < 3000; t++) {
            int bsz = 1 + r.nextInt(40);
            int in = 1 + r.nextInt(70);
            int out = 1 + r.nextInt(70);
            double zeros = r.nextDouble();
            double[] x = values(r, bsz * in, zeros);
            double[] w = values(r, in * out, 0.05);
            double[] d = values(r, bsz * out, zeros);
            if (t % 10 == 0) {
                x[r.nextInt(x.length)] = Double.NaN;
                w[r.nextInt(w.length)] = Double.POSITIVE_INFINITY;
                d[r.nextInt(d.length)] = Double.NEGATIVE_INFINITY;
            }
            double[] wt = new double[w.length];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    wt[o * in + i] = w[i * out + o];
                }
            }
            String shape = "batch " + bsz + ", " + in + " x " + out;
            assertThat(bits(DenseArrays.matmul(x, wt, bsz, in, out, new double[bsz * out]))).as(shape)
                    .isEqualTo(bits(plainMatmul(x, w, bsz, in, out)));
            assertThat(bits(DenseArrays.matmulT(d, w, bsz, in, out, new double[bsz * in]))).as(shape)
                    .isEqualTo(bits(plainMatmulT(d, wt, bsz, in, out)));
            assertThat(Double.doubleToRawLongBits(DenseArrays.weightGradientMeanSquare(x, d, bsz, in, out)))
                    .as(shape).isEqualTo(Double.doubleToRawLongBits(plainWeightGradientMeanSquare(x, d, bsz, in, out)));
        }
    }

    private static double[] values(SplittableRandom r, int n, double zeros) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() < zeros ? (r.nextBoolean() ? 0.0 : -0.0) : r.nextGaussian();
        }
        return v;
    }

    private static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    // the loops as they were before the products were written for C1: the reference

    private static double[] plainMatmul(double[] x, double[] w, int bsz, int in, int out) {
        double[] z = new double[bsz * out];
        for (int b = 0; b < bsz; b++) {
            for (int i = 0; i < in; i++) {
                double xv = x[b * in + i];
                if (xv == 0) {
                    continue;
                }
                for (int o = 0; o < out; o++) {
                    z[b * out + o] += xv * w[i * out + o];
                }
            }
        }
        return z;
    }

    private static double[] plainMatmulT(double[] d, double[] wt, int bsz, int in, int out) {
        double[] x = new double[bsz * in];
        for (int b = 0; b < bsz; b++) {
            for (int o = 0; o < out; o++) {
                double dv = d[b * out + o];
                if (dv == 0) {
                    continue;
                }
                for (int i = 0; i < in; i++) {
                    x[b * in + i] += dv * wt[o * in + i];
                }
            }
        }
        return x;
    }

    private static double plainWeightGradientMeanSquare(double[] x, double[] d, int bsz, int in, int out) {
        double[] row = new double[out];
        double s2 = 0;
        for (int i = 0; i < in; i++) {
            Arrays.fill(row, 0);
            for (int b = 0; b < bsz; b++) {
                double xv = x[b * in + i];
                if (xv == 0) {
                    continue;
                }
                for (int o = 0; o < out; o++) {
                    row[o] += xv * d[b * out + o];
                }
            }
            for (int o = 0; o < out; o++) {
                s2 += row[o] * row[o];
            }
        }
        return s2 / ((double) in * out);
    }
}
