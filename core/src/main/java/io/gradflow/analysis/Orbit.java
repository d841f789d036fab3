package io.gradflow.analysis;

import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * The exact values of one unit along a chain of element-wise maps, as a function of the value
 * z ~ N(0, 1) it started from. Identity-initialised square layers, activations, batch norm on a
 * feature vector and residual adds of such chains map every unit on its own: a unit that starts
 * large stays large, one that starts below a threshold stays dead. Mean field re-draws a Gaussian
 * at every layer and loses this memory (docs/theory.md section 9.4), so along
 * such chains gradflow carries the values themselves on a grid of z, and the gradient's second
 * moment conditional on z backwards.
 *
 * @param root   the node where the chain starts (z is that node's standardised value)
 * @param values the unit's value at each grid point
 */
record Orbit(String root, double[] values) {

    /** Grid of z: fine and wide, because iterated maps develop sharp features. */
    static final double[] Z;
    /** Gaussian weights of the grid points, summing to one. */
    static final double[] W;

    static {
        int n = 1601;
        double lim = 8.5;
        Z = new double[n];
        W = new double[n];
        double h = 2 * lim / (n - 1);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            Z[i] = -lim + i * h;
            W[i] = Math.exp(-Z[i] * Z[i] / 2);
            sum += W[i];
        }
        for (int i = 0; i < n; i++) {
            W[i] /= sum;
        }
    }

    /** A Gaussian unit of the given mean and variance, starting a chain at {@code root}. */
    static Orbit gaussian(String root, double mean, double variance) {
        double sd = Math.sqrt(Math.max(variance, 0));
        double[] v = new double[Z.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = mean + sd * Z[i];
        }
        return new Orbit(root, v);
    }

    Orbit map(DoubleUnaryOperator f) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(values[i]);
        }
        return new Orbit(root, v);
    }

    Orbit apply(Activation a) {
        return map(a::phi);
    }

    /** phi'(value)^2 at each grid point. */
    double[] slopeSquares(Activation a) {
        double[] s = new double[values.length];
        for (int i = 0; i < s.length; i++) {
            double d = a.slope(values[i]);
            s[i] = d * d;
        }
        return s;
    }

    Orbit plus(Orbit o, double scale) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i] + scale * o.values[i];
        }
        return new Orbit(root, v);
    }

    double mean() {
        return expect(values);
    }

    double variance() {
        double m = mean();
        double s = 0;
        for (int i = 0; i < values.length; i++) {
            double d = values[i] - m;
            s += W[i] * d * d;
        }
        return s;
    }

    boolean finite() {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** The unit's moments: every unit follows the same map of its own input, so no offsets. */
    Moments moments() {
        return new Moments(mean(), 0, variance());
    }

    static double expect(double[] f) {
        double s = 0;
        for (int i = 0; i < f.length; i++) {
            s += W[i] * f[i];
        }
        return s;
    }

    static double[] times(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] * b[i];
        }
        return r;
    }

    static double[] times(double[] a, double f) {
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] * f;
        }
        return r;
    }

    static double[] constant(double c) {
        double[] r = new double[Z.length];
        Arrays.fill(r, c);
        return r;
    }
}
