package io.gradflow.math;

/**
 * The n-point Gauss-Hermite rule in its probabilists' form: nodes x_i and weights w_i (summing to
 * one) with sum w_i f(x_i) close to E[f(z)] for z ~ N(0, 1).
 */
public final class Hermite {

    private final double[] x;
    private final double[] w;

    public Hermite(int n) {
        x = new double[n];
        w = new double[n];
        // Golub-Welsch would need an eigen-solver; Newton on the physicists' polynomials is enough
        double[] xs = new double[n];
        double[] ws = new double[n];
        int m = (n + 1) / 2;
        double z = 0;
        for (int i = 0; i < m; i++) {
            if (i == 0) {
                z = Math.sqrt(2.0 * n + 1) - 1.85575 * Math.pow(2.0 * n + 1, -0.16667);
            } else if (i == 1) {
                z -= 1.14 * Math.pow(n, 0.426) / z;
            } else if (i == 2) {
                z = 1.86 * z - 0.86 * xs[0];
            } else if (i == 3) {
                z = 1.91 * z - 0.91 * xs[1];
            } else {
                z = 2.0 * z - xs[i - 2];
            }
            double pp = 0;
            for (int it = 0; it < 100; it++) {
                double p1 = Math.pow(Math.PI, -0.25);
                double p2 = 0;
                for (int j = 1; j <= n; j++) {
                    double p3 = p2;
                    p2 = p1;
                    p1 = z * Math.sqrt(2.0 / j) * p2 - Math.sqrt((j - 1.0) / j) * p3;
                }
                pp = Math.sqrt(2.0 * n) * p2;
                double z1 = z;
                z = z1 - p1 / pp;
                if (Math.abs(z - z1) < 1e-15) {
                    break;
                }
            }
            xs[i] = z;
            xs[n - 1 - i] = -z;
            ws[i] = 2.0 / (pp * pp);
            ws[n - 1 - i] = ws[i];
        }
        double norm = Math.sqrt(Math.PI);
        for (int i = 0; i < n; i++) {
            x[i] = xs[i] * Math.sqrt(2);
            w[i] = ws[i] / norm;
        }
    }

    public int size() {
        return x.length;
    }

    public double node(int i) {
        return x[i];
    }

    public double weight(int i) {
        return w[i];
    }
}
