package io.gradflow.analysis;

import io.gradflow.model.Activation;
import io.gradflow.model.Activation.Kind;
import java.util.HashMap;
import java.util.Map;

/**
 * The nonlinearities as DL4J computes them (org.nd4j.linalg.activations.impl), and their
 * Gaussian expectations: closed forms for identity and the ReLU family, quadrature for the rest.
 */
public final class ActivationMath {

    private static final double SELU_LAMBDA = 1.0507009873554805;
    private static final double SELU_ALPHA = 1.6732632423543772;
    private static final double[] LADDER = {-32, -16, -8, -4, -2, -1, -0.5, 0, 0.5, 1, 2, 4, 8, 16, 32};
    /** Inner Gauss-Hermite rule (probabilists') for the per-unit mean of a smoothed activation. */
    private static final double[] GH_X;
    private static final double[] GH_W;

    static {
        int n = 24;
        GH_X = new double[n];
        GH_W = new double[n];
        hermite(n, GH_X, GH_W);
    }

    private final Map<Key, double[]> cache = new HashMap<>();

    /**
     * A cache key. equals and hashCode are written out: a record's generated ones are bound through
     * an invokedynamic bootstrap that spins method-handle classes on first use, about 15 ms of a
     * one-file lint's cold start (issue 2).
     */
    private record Key(Kind kind, double alpha, double beta, double mu, double su, double sx, int what) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.kind == kind && k.what == what
                    && Double.compare(k.alpha, alpha) == 0 && Double.compare(k.beta, beta) == 0
                    && Double.compare(k.mu, mu) == 0 && Double.compare(k.su, su) == 0
                    && Double.compare(k.sx, sx) == 0;
        }

        @Override
        public int hashCode() {
            int h = kind.hashCode() * 31 + what;
            h = h * 31 + Double.hashCode(alpha);
            h = h * 31 + Double.hashCode(beta);
            h = h * 31 + Double.hashCode(mu);
            h = h * 31 + Double.hashCode(su);
            return h * 31 + Double.hashCode(sx);
        }
    }

    /** phi(x). */
    public static double phi(Activation a, double x) {
        double al = a.alpha();
        return switch (a.kind()) {
            case IDENTITY, UNKNOWN -> x;
            case RELU -> x > 0 ? x : 0;
            case RELU6 -> x > 0 ? Math.min(x, Double.isNaN(al) ? 6 : al) : 0;
            case LEAKYRELU, PRELU -> x > 0 ? x : alphaOr(al, 0.01) * x;
            case RRELU -> x > 0 ? x : (alphaOr(al, 1.0 / 8) + betaOr(a.beta(), 1.0 / 3)) / 2 * x;
            case THRESHOLDEDRELU -> x > alphaOr(al, 1.0) ? x : 0;
            case ELU -> x > 0 ? x : alphaOr(al, 1.0) * Math.expm1(x);
            case SELU -> SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
            // DL4J's GELU is x sigmoid(1.702 x) (alpha 1.702); the exact one x Phi(x) (alpha NaN)
            case GELU -> Double.isNaN(al) ? x * Gaussian.cdf(x) : x * sigmoid(al * x);
            case SWISH -> x * sigmoid(x);
            case MISH -> x * Math.tanh(softplus(x));
            case SOFTPLUS -> softplus(x);
            case SOFTSIGN -> x / (1 + Math.abs(x));
            case SIGMOID, SOFTMAX -> sigmoid(x);
            case HARDSIGMOID -> Math.max(0, Math.min(1, alphaOr(al, 0.2) * x + 0.5));
            case TANH -> Math.tanh(x);
            case HARDTANH -> Math.max(-1, Math.min(1, x));
            case RATIONALTANH -> 1.7159 * rationalTanh(2 * x / 3);
            case RECTIFIEDTANH -> x > 0 ? Math.tanh(x) : 0;
            case CUBE -> x * x * x;
            case EXPONENTIAL -> Math.exp(Math.min(x, 700));
            case HARDSWISH -> x * Math.max(0, Math.min(6, x + 3)) / 6;
        };
    }

    /** phi'(x). */
    public static double slope(Activation a, double x) {
        double al = a.alpha();
        return switch (a.kind()) {
            case IDENTITY, UNKNOWN -> 1;
            case RELU -> x > 0 ? 1 : 0;
            case RELU6 -> x > 0 && x < (Double.isNaN(al) ? 6 : al) ? 1 : 0;
            case LEAKYRELU, PRELU -> x > 0 ? 1 : alphaOr(al, 0.01);
            // DL4J 1.0.0-M2.1's RReLU backprop tests its condition on an array of ones and never
            // replaces it: the gradient passes with slope 1 on both sides (measured, see README)
            case RRELU -> 1;
            case THRESHOLDEDRELU -> x > alphaOr(al, 1.0) ? 1 : 0;
            case ELU -> x > 0 ? 1 : alphaOr(al, 1.0) * Math.exp(x);
            case SELU -> SELU_LAMBDA * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x));
            case GELU -> {
                if (Double.isNaN(al)) {
                    yield Gaussian.cdf(x) + x * Gaussian.pdf(x);
                }
                double sg = sigmoid(al * x);
                yield sg + al * x * sg * (1 - sg);
            }
            case SWISH -> {
                double s = sigmoid(x);
                yield s + x * s * (1 - s);
            }
            case MISH -> {
                double sp = softplus(x);
                double t = Math.tanh(sp);
                yield t + x * (1 - t * t) * sigmoid(x);
            }
            case SOFTPLUS -> sigmoid(x);
            case SOFTSIGN -> {
                double d = 1 + Math.abs(x);
                yield 1 / (d * d);
            }
            case SIGMOID, SOFTMAX -> {
                double s = sigmoid(x);
                yield s * (1 - s);
            }
            case HARDSIGMOID -> {
                double s = alphaOr(al, 0.2);
                yield Math.abs(x) < 0.5 / s ? s : 0;
            }
            case TANH -> {
                double t = Math.tanh(x);
                yield 1 - t * t;
            }
            case HARDTANH -> Math.abs(x) < 1 ? 1 : 0;
            case RATIONALTANH -> {
                double y = Math.abs(2 * x / 3);
                double d = 1 + y + y * y + 1.41645 * y * y * y * y;
                yield 1.7159 * (2.0 / 3) * (1 + 2 * y + 4 * 1.41645 * y * y * y) / (d * d);
            }
            case RECTIFIEDTANH -> {
                double t = Math.tanh(x);
                yield x > 0 ? 1 - t * t : 0;
            }
            case CUBE -> 3 * x * x;
            case EXPONENTIAL -> Math.exp(Math.min(x, 700));
            case HARDSWISH -> x < -3 ? 0 : x > 3 ? 1 : (2 * x + 3) / 6;
        };
    }

    private static double alphaOr(double v, double d) {
        return Double.isNaN(v) ? d : v;
    }

    private static double betaOr(double v, double d) {
        return Double.isNaN(v) ? d : v;
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    private static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    private static double rationalTanh(double y) {
        double a = Math.abs(y);
        double v = 1 - 1 / (1 + a + a * a + 1.41645 * a * a * a * a);
        return Math.signum(y) * v;
    }

    /** Points where phi or phi' has a kink, plus a ladder that resolves transition regions. */
    static double[] breaks(Activation a) {
        double al = a.alpha();
        double[] extra = switch (a.kind()) {
            case RELU6 -> new double[] {Double.isNaN(al) ? 6 : al};
            case THRESHOLDEDRELU -> new double[] {alphaOr(al, 1.0)};
            case HARDSIGMOID -> new double[] {-0.5 / alphaOr(al, 0.2), 0.5 / alphaOr(al, 0.2)};
            case HARDSWISH -> new double[] {-3, 3};
            default -> new double[0];
        };
        double[] out = new double[LADDER.length + extra.length];
        System.arraycopy(LADDER, 0, out, 0, LADDER.length);
        System.arraycopy(extra, 0, out, LADDER.length, extra.length);
        return out;
    }

    /**
     * The moments of phi(h) for pre-activations with global mean {@code h.mean()}, per-unit
     * offsets of variance {@code h.su()} and input-driven variance {@code h.sx()}.
     */
    public Moments apply(Activation a, Moments h) {
        Kind k = a.kind();
        if (k == Kind.IDENTITY || k == Kind.UNKNOWN) {
            return h;
        }
        double q = h.q();
        double mean;
        double second;
        if (k == Kind.RELU || k == Kind.LEAKYRELU || k == Kind.PRELU || k == Kind.RRELU) {
            double alpha = leakSlope(a);
            mean = leakyMean(h.mean(), q, alpha);
            second = leakySecond(h.mean(), q, alpha);
        } else {
            double[] m = cached(a, h.mean(), 0, q, 0, () -> {
                double[] br = breaks(a);
                return new double[] {
                    Gaussian.expect(x -> phi(a, x), h.mean(), q, br),
                    Gaussian.expect(x -> {
                        double p = phi(a, x);
                        return p * p;
                    }, h.mean(), q, br)};
            });
            mean = m[0];
            second = m[1];
        }
        double var = Math.max(second - mean * mean, 0);
        double su;
        if (h.su() <= 1e-12 * Math.max(h.sx(), 1e-300)) {
            su = 0;
        } else if (h.sx() <= 1e-12 * h.su()) {
            su = var;
        } else {
            double perUnit = cached(a, h.mean(), h.su(), h.sx(), 1, () ->
                    new double[] {unitMeanSquare(a, h)})[0];
            su = Math.min(Math.max(perUnit - mean * mean, 0), var);
        }
        // the positional pattern keeps its share of the offsets
        return new Moments(mean, su, var - su, h.su() > 0 ? su * h.sp() / h.su() : 0);
    }

    /** E_o[(E_z phi(o + sqrt(sx) z))^2] with o ~ N(mu, su): the per-unit means' second moment. */
    private static double unitMeanSquare(Activation a, Moments h) {
        double s = Math.sqrt(h.sx());
        boolean leaky = a.kind() == Kind.RELU || a.kind() == Kind.LEAKYRELU || a.kind() == Kind.PRELU
                || a.kind() == Kind.RRELU;
        double alpha = leaky ? leakSlope(a) : 0;
        return Gaussian.expect(o -> {
            double g;
            if (leaky) {
                g = leakyMean(o, s * s, alpha);
            } else {
                g = 0;
                for (int i = 0; i < GH_X.length; i++) {
                    g += GH_W[i] * phi(a, o + s * GH_X[i]);
                }
            }
            return g * g;
        }, h.mean(), h.su(), breaks(a));
    }

    /**
     * E_o[(E_z phi'(o + sqrt(sx) z))^2]: the second moment of each unit's mean slope. A gradient
     * component that is the same for every input (or every position) passes a unit scaled by that
     * unit's mean slope, so this is its per-layer factor.
     */
    public double slopeUnitMeanSquare(Activation a, Moments h) {
        Activation.Kind k = a.kind();
        if (k == Activation.Kind.IDENTITY || k == Activation.Kind.UNKNOWN) {
            return 1;
        }
        return cached(a, h.mean(), h.su(), h.sx(), 20, () -> {
            double s = Math.sqrt(h.sx());
            double[] br = breaks(a);
            if (h.su() <= 1e-12 * Math.max(h.sx(), 1e-300)) {
                double m = Gaussian.expect(x -> slope(a, x), h.mean(), h.sx(), br);
                return new double[] {m * m};
            }
            if (a.kind() == Activation.Kind.RRELU) {
                return new double[] {1};
            }
            boolean step = a.kind() == Activation.Kind.RELU || a.kind() == Activation.Kind.LEAKYRELU
                    || a.kind() == Activation.Kind.PRELU;
            double alpha = step ? slope(a, -1) : 0;
            return new double[] {Gaussian.expect(o -> {
                double g;
                if (step) {
                    double p = s > 0 ? Gaussian.cdf(o / s) : (o > 0 ? 1 : 0);
                    g = p + (1 - p) * alpha;
                } else {
                    g = 0;
                    for (int i = 0; i < GH_X.length; i++) {
                        g += GH_W[i] * slope(a, o + s * GH_X[i]);
                    }
                }
                return g * g;
            }, h.mean(), h.su(), br)};
        })[0];
    }

    /** E[phi'(h)^2] for h ~ N(mean, q). */
    public double slopeSquare(Activation a, Moments h) {
        return slopeMoment(a, h, 2);
    }

    /** E[phi'(h)^4], for the finite-width fluctuation of the backward gain. */
    public double slopeFourth(Activation a, Moments h) {
        return slopeMoment(a, h, 4);
    }

    private double slopeMoment(Activation a, Moments h, int power) {
        Kind k = a.kind();
        if (k == Kind.IDENTITY || k == Kind.UNKNOWN) {
            return 1;
        }
        double q = h.q();
        if (k == Kind.RRELU) {
            return 1;
        }
        if (k == Kind.RELU || k == Kind.LEAKYRELU || k == Kind.PRELU) {
            double alpha = leakSlope(a);
            double pPos = q > 0 ? Gaussian.cdf(h.mean() / Math.sqrt(q)) : (h.mean() > 0 ? 1 : 0);
            return pPos + (1 - pPos) * Math.pow(alpha, power);
        }
        return cached(a, h.mean(), 0, q, 10 + power, () -> new double[] {
            Gaussian.expect(x -> Math.pow(slope(a, x), power), h.mean(), q, breaks(a))})[0];
    }

    private static double leakSlope(Activation a) {
        return switch (a.kind()) {
            case RELU -> 0;
            case RRELU -> (alphaOr(a.alpha(), 1.0 / 8) + betaOr(a.beta(), 1.0 / 3)) / 2;
            case PRELU -> alphaOr(a.alpha(), 0);
            default -> alphaOr(a.alpha(), 0.01);
        };
    }

    /** E[leaky(h)] for h ~ N(m, q): the positive part minus alpha times the negative part. */
    private static double leakyMean(double m, double q, double alpha) {
        if (!(q > 0)) {
            return m > 0 ? m : alpha * m;
        }
        double s = Math.sqrt(q);
        double z = m / s;
        double pos = m * Gaussian.cdf(z) + s * Gaussian.pdf(z);
        double neg = m * Gaussian.cdf(-z) - s * Gaussian.pdf(z);
        return pos + alpha * neg;
    }

    private static double leakySecond(double m, double q, double alpha) {
        if (!(q > 0)) {
            return m > 0 ? m * m : alpha * alpha * m * m;
        }
        double s = Math.sqrt(q);
        double z = m / s;
        double pos = (m * m + q) * Gaussian.cdf(z) + m * s * Gaussian.pdf(z);
        double neg = (m * m + q) * Gaussian.cdf(-z) - m * s * Gaussian.pdf(z);
        return pos + alpha * alpha * neg;
    }

    private double[] cached(Activation a, double mu, double su, double sx, int what,
                            java.util.function.Supplier<double[]> compute) {
        Key key = new Key(a.kind(), a.alpha(), a.beta(), mu, su, sx, what);
        double[] v = cache.get(key);
        if (v == null) {
            v = compute.get();
            cache.put(key, v);
        }
        return v;
    }

    /** Nodes and weights of the n-point probabilists' Gauss-Hermite rule (weights sum to 1). */
    private static void hermite(int n, double[] x, double[] w) {
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
}
