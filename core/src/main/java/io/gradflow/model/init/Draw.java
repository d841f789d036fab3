package io.gradflow.model.init;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The draws every initialiser is made of, in pure Java from a seeded {@link SplittableRandom}:
 * normals, uniforms, normals cut at two standard deviations, (semi-)orthogonal and identity
 * matrices. Values are returned flat in row-major order; a tensor of several axes is a matrix of
 * all axes but the last by the last (Keras's and ND4J's reading of a kernel's shape).
 */
public final class Draw {

    /** Variance of a standard normal cut at two standard deviations: 1 - 4 phi(2) / (2 Phi(2) - 1). */
    public static final double TRUNCATION_FACTOR_2SD = 0.7737413;

    /** 1 / sqrt of {@link #TRUNCATION_FACTOR_2SD}: Keras's stddev correction, 1 / 0.8796. */
    public static final double TRUNCATION_WIDENING = 1 / Math.sqrt(TRUNCATION_FACTOR_2SD);

    private Draw() {
    }

    /** Number of values of a tensor of this shape. */
    public static int count(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= Math.max(s, 0);
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a tensor of " + n + " values is too large to draw");
        }
        return (int) n;
    }

    /** Rows of a tensor read as a matrix: the product of every axis but the last (1 for a vector). */
    public static int rows(long[] shape) {
        int r = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            r *= (int) shape[i];
        }
        return r;
    }

    /** Columns of a tensor read as a matrix: its last axis. */
    public static int cols(long[] shape) {
        return shape.length == 0 ? 1 : (int) shape[shape.length - 1];
    }

    /** N(mean, sd^2) values. */
    public static double[] normal(int n, double mean, double sd, SplittableRandom r) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mean + sd * r.nextGaussian();
        }
        return x;
    }

    /** U(lower, upper) values. */
    public static double[] uniform(int n, double lower, double upper, SplittableRandom r) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = lower + (upper - lower) * r.nextDouble();
        }
        return x;
    }

    /** U(-bound, bound) values, drawn as bound (2u - 1). */
    public static double[] symmetricUniform(int n, double bound, SplittableRandom r) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = bound * (2 * r.nextDouble() - 1);
        }
        return x;
    }

    /**
     * mean + sd z with z a standard normal redrawn until it lies within two standard deviations:
     * TensorFlow's and ND4J's truncated normal. Its variance is 0.774 sd^2; a caller that wants
     * an exact variance (Keras 2.2.3 and later) widens {@code sd} by {@link #TRUNCATION_WIDENING}.
     */
    public static double[] truncated(int n, double mean, double sd, SplittableRandom r) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mean + sd * truncated(r);
        }
        return x;
    }

    /** One standard normal cut at two standard deviations (redrawn outside). */
    public static double truncated(SplittableRandom r) {
        while (true) {
            double z = r.nextGaussian();
            if (Math.abs(z) <= 2) {
                return z;
            }
        }
    }

    /** exp(N(mu, sigma^2)) values. */
    public static double[] logNormal(int n, double mu, double sigma, SplittableRandom r) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.exp(mu + sigma * r.nextGaussian());
        }
        return x;
    }

    /** Binomial(trials, p) counts. */
    public static double[] binomial(int n, int trials, double p, SplittableRandom r) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            int k = 0;
            for (int t = 0; t < trials; t++) {
                if (r.nextDouble() < p) {
                    k++;
                }
            }
            x[i] = k;
        }
        return x;
    }

    /** Every value {@code v}. */
    public static double[] constant(int n, double v) {
        double[] x = new double[n];
        Arrays.fill(x, v);
        return x;
    }

    /**
     * gain times a random [rows x cols] matrix with orthonormal columns (rows &gt;= cols) or rows
     * (rows &lt; cols): the Q of the QR decomposition of a standard normal matrix with the signs
     * of R's diagonal made positive, as Keras's Orthogonal draws it (Saxe et al. 2014). Gram-Schmidt
     * on the Gaussian vectors one by one is that QR: each vector keeps its component along its own
     * direction positive, which is the sign correction. ND4J takes U or V of an SVD instead; both
     * are the uniform (Haar) distribution over such matrices.
     */
    public static double[] orthogonal(int rows, int cols, double gain, SplittableRandom r) {
        double[] x = new double[rows * cols];
        boolean columns = rows >= cols;
        int k = columns ? cols : rows;
        int len = columns ? rows : cols;
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
        for (int i = 0; i < rows; i++) {
            for (int o = 0; o < cols; o++) {
                x[i * cols + o] = gain * (columns ? v[o][i] : v[i][o]);
            }
        }
        return x;
    }

    /**
     * gain on the diagonal of a [rows x cols] matrix (Keras's Identity, DL4J's IDENTITY on a dense
     * layer); for a DL4J convolution kernel [out, in, k...] gain at the kernel's centre where the
     * output channel is the input channel, as DL4J's WeightInitIdentity sets it.
     */
    public static double[] identity(long[] shape, double gain) {
        double[] x = new double[count(shape)];
        if (shape.length <= 2) {
            int rows = rows(shape);
            int cols = cols(shape);
            for (int i = 0; i < Math.min(rows, cols); i++) {
                x[i * cols + i] = gain;
            }
            return x;
        }
        int out = (int) shape[0];
        int in = (int) shape[1];
        int area = 1;
        int centre = 0;
        for (int d = 2; d < shape.length; d++) {
            centre = centre * (int) shape[d] + (int) (shape[d] / 2);
            area *= (int) shape[d];
        }
        for (int c = 0; c < Math.min(out, in); c++) {
            x[(c * in + c) * area + centre] = gain;
        }
        return x;
    }
}
