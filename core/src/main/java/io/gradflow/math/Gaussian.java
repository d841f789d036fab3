package io.gradflow.math;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Expectations over a normal distribution, E[f(h)] for h ~ N(mu, var), by composite
 * Gauss-Legendre quadrature in h-space. Panels are cut at the function's kinks and at the edges
 * of its transition region, so saturating functions stay accurate at large variances (where a
 * plain Gauss-Hermite rule misses the narrow region where the slope lives) and kinked ones at
 * small variances.
 */
public final class Gaussian {

    private static final double SQRT2 = Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    /** Integration reaches this many standard deviations each side (the mass beyond is < 1e-25). */
    private static final double REACH = 10.5;

    // 16-point Gauss-Legendre nodes and weights on [-1, 1]
    private static final double[] GL_X = {
        -0.9894009349916499, -0.9445750230732326, -0.8656312023878318, -0.7554044083550030,
        -0.6178762444026438, -0.4580167776572274, -0.2816035507792589, -0.0950125098376374,
        0.0950125098376374, 0.2816035507792589, 0.4580167776572274, 0.6178762444026438,
        0.7554044083550030, 0.8656312023878318, 0.9445750230732326, 0.9894009349916499};
    private static final double[] GL_W = {
        0.0271524594117541, 0.0622535239386479, 0.0951585116824928, 0.1246289712555339,
        0.1495959888165767, 0.1691565193950025, 0.1826034150449236, 0.1894506104550685,
        0.1894506104550685, 0.1826034150449236, 0.1691565193950025, 0.1495959888165767,
        0.1246289712555339, 0.0951585116824928, 0.0622535239386479, 0.0271524594117541};

    private Gaussian() {
    }

    /** Standard normal density. */
    public static double pdf(double x) {
        if (Math.abs(x) > 40) {
            // exp(-800) is below the smallest double: 0, as exp gives it (the quadratures of a
            // deep ReLU stack ask at most of their nodes)
            return 0;
        }
        return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    /** Standard normal distribution function, accurate to about 1e-15 relative in both tails. */
    public static double cdf(double x) {
        return cdf(x, null);
    }

    /** {@link #cdf(double)}, with erfc through {@code memo} where there is one. */
    static double cdf(double x, @Nullable ErfcMemo memo) {
        return 0.5 * erfc(-x / SQRT2, memo);
    }

    private static double erfc(double x, @Nullable ErfcMemo memo) {
        return memo == null ? erfc(x) : memo.erfc(x);
    }

    /**
     * {Phi(x), Phi(-x)} with one evaluation of erfc: the same numbers, bit for bit, as two calls
     * of {@link #cdf}, since erfc of a negative argument is 2 minus erfc of its magnitude.
     */
    public static double[] cdfBothSides(double x) {
        double[] out = new double[2];
        cdfBothSides(x, out);
        return out;
    }

    /**
     * {@link #cdfBothSides(double)} into {@code out[0]} and {@code out[1]}: for the quadratures that
     * call it at every node, where a new array per call was a gigabyte of garbage at 100,000 layers.
     */
    public static void cdfBothSides(double x, double[] out) {
        cdfBothSides(x, out, null);
    }

    /** {@link #cdfBothSides(double, double[])}, with erfc through {@code memo} where there is one. */
    static void cdfBothSides(double x, double[] out, @Nullable ErfcMemo memo) {
        double t = -x / SQRT2;
        if (t < 0) {
            double e = erfc(-t, memo);
            out[0] = 0.5 * (2 - e);
            out[1] = 0.5 * e;
            return;
        }
        double e = erfc(t, memo);
        out[0] = 0.5 * e;
        out[1] = -t < 0 ? 0.5 * (2 - e) : 0.5 * erfc(-t, memo);
    }

    /*
     * erfc by W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 1969, pp. 631-638;
     * the coefficients as in his SPECFUN routine CALERF): a fixed handful of multiply-adds where
     * the Taylor series this replaces took up to 40 terms, and erfc is the analysis's hottest
     * function under GELU (about 80% of a BERT-large lint). Relative error about 1e-16 in each
     * interval; beyond 4 the continued fraction, which converges in a few terms there.
     */
    /** erf(x) = x P(x^2) / Q(x^2) for |x| < 0.46875; coefficients from the highest power down. */
    private static final double[] ERF_P = {
        0.185777706184603153, 3.16112374387056560, 113.864154151050156, 377.485237685302021, 3209.37758913846947};
    private static final double[] ERF_Q = {
        1, 23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062};
    /** erfc(x) = exp(-x^2) P(x) / Q(x) for 0.46875 <= x <= 4; from the highest power down. */
    private static final double[] ERFC_P = {
        2.15311535474403846e-8, 0.564188496988670089, 8.88314979438837594, 66.1191906371416295,
        298.635138197400131, 881.952221241769090, 1712.04761263407058, 2051.07837782607147, 1230.33935479799725};
    private static final double[] ERFC_Q = {
        1, 15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019,
        3290.79923573345963, 4362.61909014324716, 3439.36767414372164, 1230.33935480374942};

    /** Complementary error function: rational approximations up to 4, continued fraction beyond. */
    public static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < 0.46875) {
            double y = x * x;
            return 1 - x * horner(ERF_P, y) / horner(ERF_Q, y);
        }
        if (x <= 4) {
            return expMinusSquare(x) * horner(ERFC_P, x) / horner(ERFC_Q, x);
        }
        if (x >= 27.5 && x < Double.POSITIVE_INFINITY) {
            // exp(-27.5^2) is below the smallest double, so exp gives 0 (or at most the smallest
            // double, which the divisions below take to 0): the result is 0, the continued fraction
            // cannot change that, and a quadrature over offsets far wider than the input-driven
            // spread (a deep ReLU stack) asks here at most of its nodes. (Infinity goes on as it
            // did, to NaN.)
            return 0;
        }
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), modified Lentz
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int i = 1; i < 300; i++) {
            double a = i / 2.0;
            d = x + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return expMinusSquare(x) / Math.sqrt(Math.PI) / f;
    }

    private static double horner(double[] c, double x) {
        double v = c[0];
        for (int i = 1; i < c.length; i++) {
            v = v * x + c[i];
        }
        return v;
    }

    /** exp(-x^2) without the rounding of x^2 itself: x^2 split into an exact square and the rest. */
    private static double expMinusSquare(double x) {
        double head = Math.floor(x * 16) / 16;
        double rest = (x - head) * (x + head);
        return Math.exp(-head * head) * Math.exp(-rest);
    }

    /**
     * E[f(h)] for h ~ N(mu, var).
     *
     * @param breaks points where f has a kink or changes character (may be empty)
     */
    public static double expect(DoubleUnaryOperator f, double mu, double var, double[] breaks) {
        if (!(var > 0)) {
            return f.applyAsDouble(mu);
        }
        double sd = Math.sqrt(var);
        double lo = mu - REACH * sd;
        double hi = mu + REACH * sd;
        double[] cuts = new double[breaks.length + 13];
        int n = cuts(mu, sd, lo, hi, breaks, cuts);
        double total = 0;
        double a = lo;
        for (int i = 0; i <= n; i++) {
            double b = i < n ? cuts[i] : hi;
            if (b > a) {
                total += panel(f, mu, sd, a, b);
                a = b;
            }
        }
        return total;
    }

    /**
     * The panel boundaries inside (lo, hi) that {@link #expect} and {@link #expectBoth} share:
     * thirteen evenly spaced points around the mean and the integrand's breaks, sorted into
     * {@code cuts}; returns how many.
     */
    private static int cuts(double mu, double sd, double lo, double hi, double[] breaks, double[] cuts) {
        int n = 0;
        for (int k = -6; k <= 6; k++) {
            cuts[n++] = mu + k * (REACH / 6) * sd;
        }
        for (double b : breaks) {
            if (b > lo && b < hi) {
                cuts[n++] = b;
            }
        }
        Arrays.sort(cuts, 0, n);
        return n;
    }

    /** Two integrands evaluated at the same point, into {@code out[0]} and {@code out[1]}. */
    public interface Pair {
        void at(double x, double[] out);
    }

    /**
     * {E[f0(h)], E[f1(h)]} for h ~ N(mu, var), where {@code f} puts f0 and f1 into its array: the
     * two numbers {@link #expect} gives for each, bit for bit (the same panels, nodes and sums, in
     * the same order), with the panels, the nodes and the density at each worked out once.
     */
    public static double[] expectBoth(Pair f, double mu, double var, double[] breaks) {
        double[] v = new double[2];
        if (!(var > 0)) {
            f.at(mu, v);
            return v;
        }
        double sd = Math.sqrt(var);
        double lo = mu - REACH * sd;
        double hi = mu + REACH * sd;
        double[] cuts = new double[breaks.length + 13];
        int n = cuts(mu, sd, lo, hi, breaks, cuts);
        double total0 = 0;
        double total1 = 0;
        double a = lo;
        for (int i = 0; i <= n; i++) {
            double b = i < n ? cuts[i] : hi;
            if (b > a) {
                double half = (b - a) / 2;
                double mid = (a + b) / 2;
                double s0 = 0;
                double s1 = 0;
                for (int j = 0; j < GL_X.length; j++) {
                    double x = mid + half * GL_X[j];
                    double z = (x - mu) / sd;
                    f.at(x, v);
                    double density = pdf(z);
                    s0 += GL_W[j] * v[0] * density;
                    s1 += GL_W[j] * v[1] * density;
                }
                total0 += s0 * half / sd;
                total1 += s1 * half / sd;
                a = b;
            }
        }
        v[0] = total0;
        v[1] = total1;
        return v;
    }

    private static double panel(DoubleUnaryOperator f, double mu, double sd, double a, double b) {
        double half = (b - a) / 2;
        double mid = (a + b) / 2;
        double s = 0;
        for (int i = 0; i < GL_X.length; i++) {
            double x = mid + half * GL_X[i];
            double z = (x - mu) / sd;
            s += GL_W[i] * f.applyAsDouble(x) * pdf(z);
        }
        return s * half / sd;
    }
}
