package io.gradflow.kinds;

import io.gradflow.math.ErfcMemo;
import io.gradflow.math.Gaussian;
import io.gradflow.math.Hermite;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.activation.ActivationFunction;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Gaussian expectations of the activations: closed forms where a function has them (the ReLU
 * family, through {@link ActivationFunction#leak}; the exact GELU's per-unit means, through
 * {@link ActivationFunction#gaussianMean}), quadrature for the rest, and the mean and
 * variance of a maximum of Gaussians (max pooling). One instance per analysis: it caches what it
 * computed, and nothing is shared between analyses.
 */
public final class ActivationMoments {

    private static final double[] LADDER = {-32, -16, -8, -4, -2, -1, -0.5, 0, 0.5, 1, 2, 4, 8, 16, 32};
    /** Inner Gauss-Hermite rule (probabilists') for the per-unit mean of a smoothed activation. */
    private static final Hermite INNER = new Hermite(24);

    /**
     * Moments already computed, by exact arguments: a table of {@link #SLOTS} entries where a new
     * entry replaces the one in its slot. A model of repeated blocks (batch norm makes their
     * moments identical to the last bit) finds its few entries again; a deep plain stack, whose
     * moments never repeat, keeps a fixed few hundred kilobytes where a map kept a record per
     * layer (40 MB and much of the collector's work at 100,000 layers). An entry is a pure
     * function of its key, so one recomputed after its replacement is the same number.
     */
    private static final int SLOT_BITS = 12;
    private static final int SLOTS = 1 << SLOT_BITS;
    /** Per slot: the function, the quantity ({@code what}), then alpha, beta, mu, su and sx as bits. */
    private final ActivationFunction[] keyFn = new ActivationFunction[SLOTS];
    private final int[] keyWhat = new int[SLOTS];
    private final long[] keyBits = new long[SLOTS * 5];
    private final double[][] values = new double[SLOTS][];
    private final Map<Long, double[]> maxima = new HashMap<>();
    private final ErfcMemo erfc = new ErfcMemo();

    /** Points where phi or phi' has a kink, plus a ladder that resolves transition regions. */
    static double[] breaks(Activation a) {
        double[] extra = a.fn().kinks(a.alpha(), a.beta());
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
        if (a.fn().passesThrough()) {
            return h;
        }
        double q = h.q();
        double mean;
        double second;
        double leak = a.fn().leak(a.alpha(), a.beta());
        if (!Double.isNaN(leak)) {
            double alpha = leak;
            mean = leakyMean(h.mean(), q, alpha, new double[2], erfc);
            second = leakySecond(h.mean(), q, alpha, erfc);
        } else {
            double[] m = cached(a, h.mean(), 0, q, 0, () -> {
                double[] br = breaks(a);
                return new double[] {
                    Gaussian.expect(a::phi, h.mean(), q, br),
                    Gaussian.expect(x -> {
                        double p = a.phi(x);
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
            double perUnit = Double.isNaN(leak)
                    ? cached(a, h.mean(), h.su(), h.sx(), 1, () -> new double[] {unitMeanSquare(a, h)})[0]
                    : leakyUnits(a, h)[0];
            su = Math.min(Math.max(perUnit - mean * mean, 0), var);
        }
        // the positional pattern keeps its share of the offsets
        return new Moments(mean, su, var - su, h.su() > 0 ? su * h.sp() / h.su() : 0);
    }

    /**
     * For a leaky activation with per-unit offsets and input-driven variance both present, the
     * second moments of the per-unit means and of the per-unit mean slopes: both integrate over
     * the offsets o ~ N(mu, su), so one pass over the quadrature's nodes serves both (each number
     * the same, bit for bit, as its own quadrature). A plain ReLU stack asks for both at every layer.
     */
    private double[] leakyUnits(Activation a, Moments h) {
        return cached(a, h.mean(), h.su(), h.sx(), 1, () -> {
            double s = Math.sqrt(h.sx());
            double q = s * s;
            double leak = a.fn().leak(a.alpha(), a.beta());
            boolean unit = a.fn().unitSlope();
            double slopeAlpha = a.slope(-1);
            double[] both = new double[2];
            // Past 40 input-driven deviations from zero the inner expectations are the function
            // itself, to the bit: erfc and the density have underflowed to exactly 0 there (erfc
            // from 27.5 = 38.9 / sqrt 2, exp(-z^2 / 2) from 38.6), which makes leakyMean's sums o
            // or alpha o and Phi 1 or 0. A deep plain stack, whose input-driven spread is a tiny
            // fraction of the offsets', has nearly every node there.
            double far = 40 * s;
            return Gaussian.expectBoth((o, out) -> {
                boolean outside = Math.abs(o) > far;
                double g = outside ? (o > 0 ? o : 0.0 + leak * o) : leakyMean(o, q, leak, both, erfc);
                out[0] = g * g;
                if (!unit) {
                    double p = outside ? (o > 0 ? 1 : 0) : s > 0 ? erfc.cdf(o / s) : (o > 0 ? 1 : 0);
                    double slope = p + (1 - p) * slopeAlpha;
                    out[1] = slope * slope;
                }
            }, h.mean(), h.su(), breaks(a));
        });
    }

    /** Whether {@link #apply} integrates over per-unit offsets: both parts of the variance count. */
    private static boolean bothParts(Moments h) {
        return h.su() > 1e-12 * Math.max(h.sx(), 1e-300) && h.sx() > 1e-12 * h.su();
    }

    /** E_o[(E_z phi(o + sqrt(sx) z))^2] with o ~ N(mu, su): the per-unit means' second moment. */
    private double unitMeanSquare(Activation a, Moments h) {
        double s = Math.sqrt(h.sx());
        double leak = a.fn().leak(a.alpha(), a.beta());
        boolean leaky = !Double.isNaN(leak);
        double alpha = leaky ? leak : 0;
        // one scratch pair for all the nodes (the integrand runs at each, in turn)
        double[] both = new double[2];
        // a closed-form per-unit mean (exact GELU) instead of the inner rule's 24 evaluations
        boolean closed = !leaky && !Double.isNaN(a.gaussianMean(0, 1));
        double q = s * s;
        return Gaussian.expect(o -> {
            double g;
            if (leaky) {
                g = leakyMean(o, q, alpha, both, erfc);
            } else if (closed) {
                g = a.gaussianMean(o, q);
            } else {
                g = 0;
                for (int i = 0; i < INNER.size(); i++) {
                    g += INNER.weight(i) * a.phi(o + s * INNER.node(i));
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
        if (a.fn().passesThrough()) {
            return 1;
        }
        if (!a.fn().unitSlope() && !Double.isNaN(a.fn().leak(a.alpha(), a.beta())) && bothParts(h)) {
            return leakyUnits(a, h)[1];
        }
        return cached(a, h.mean(), h.su(), h.sx(), 20, () -> {
            double s = Math.sqrt(h.sx());
            double[] br = breaks(a);
            if (h.su() <= 1e-12 * Math.max(h.sx(), 1e-300)) {
                double m = Gaussian.expect(a::slope, h.mean(), h.sx(), br);
                return new double[] {m * m};
            }
            if (a.fn().unitSlope()) {
                return new double[] {1};
            }
            boolean step = !Double.isNaN(a.fn().leak(a.alpha(), a.beta()));
            double alpha = step ? a.slope(-1) : 0;
            boolean closed = !step && !Double.isNaN(a.gaussianMeanSlope(0, 1));
            double q = s * s;
            return new double[] {Gaussian.expect(o -> {
                double g;
                if (step) {
                    double p = s > 0 ? erfc.cdf(o / s) : (o > 0 ? 1 : 0);
                    g = p + (1 - p) * alpha;
                } else if (closed) {
                    g = a.gaussianMeanSlope(o, q);
                } else {
                    g = 0;
                    for (int i = 0; i < INNER.size(); i++) {
                        g += INNER.weight(i) * a.slope(o + s * INNER.node(i));
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

    /** E[phi'(h)] for h ~ N(mean, q): with the square, how much of a slope is the same at every step. */
    public double slopeMean(Activation a, Moments h) {
        return slopeMoment(a, h, 1);
    }

    /** E[phi'(h)^4], for the finite-width fluctuation of the backward gain. */
    public double slopeFourth(Activation a, Moments h) {
        return slopeMoment(a, h, 4);
    }

    private double slopeMoment(Activation a, Moments h, int power) {
        if (a.fn().passesThrough() || a.fn().unitSlope()) {
            return 1;
        }
        double q = h.q();
        double leak = a.fn().leak(a.alpha(), a.beta());
        if (!Double.isNaN(leak)) {
            double alpha = leak;
            double pPos = q > 0 ? erfc.cdf(h.mean() / Math.sqrt(q)) : (h.mean() > 0 ? 1 : 0);
            return pPos + (1 - pPos) * Math.pow(alpha, power);
        }
        return cached(a, h.mean(), 0, q, 10 + power, () -> new double[] {
            Gaussian.expect(x -> Math.pow(a.slope(x), power), h.mean(), q, breaks(a))})[0];
    }

    /**
     * E[leaky(h)] for h ~ N(m, q): the positive part minus alpha times the negative part;
     * {@code both} is scratch space for Phi(z) and Phi(-z).
     */
    private static double leakyMean(double m, double q, double alpha, double[] both, ErfcMemo erfc) {
        if (!(q > 0)) {
            return m > 0 ? m : alpha * m;
        }
        double s = Math.sqrt(q);
        double z = m / s;
        // Phi(z) and Phi(-z) from one erfc: erfc(-x) is 2 - erfc(x), so both are what two calls give
        erfc.cdfBothSides(z, both);
        double density = Gaussian.pdf(z);
        double pos = m * both[0] + s * density;
        double neg = m * both[1] - s * density;
        return pos + alpha * neg;
    }

    private static double leakySecond(double m, double q, double alpha, ErfcMemo erfc) {
        if (!(q > 0)) {
            return m > 0 ? m * m : alpha * alpha * m * m;
        }
        double s = Math.sqrt(q);
        double z = m / s;
        double pos = (m * m + q) * erfc.cdf(z) + m * s * Gaussian.pdf(z);
        double neg = (m * m + q) * erfc.cdf(-z) - m * s * Gaussian.pdf(z);
        return pos + alpha * alpha * neg;
    }

    private double[] cached(Activation a, double mu, double su, double sx, int what, Supplier<double[]> compute) {
        ActivationFunction fn = a.fn();
        long alpha = Double.doubleToLongBits(a.alpha());
        long beta = Double.doubleToLongBits(a.beta());
        long m = Double.doubleToLongBits(mu);
        long u = Double.doubleToLongBits(su);
        long x = Double.doubleToLongBits(sx);
        long h = mix(mix(mix(mix(mix(fn.id().hashCode() * 31L + what, alpha), beta), m), u), x);
        int slot = (int) (h >>> (64 - SLOT_BITS));
        int k = slot * 5;
        if (keyFn[slot] == fn && keyWhat[slot] == what && keyBits[k] == alpha && keyBits[k + 1] == beta
                && keyBits[k + 2] == m && keyBits[k + 3] == u && keyBits[k + 4] == x) {
            return values[slot];
        }
        double[] v = compute.get();
        keyFn[slot] = fn;
        keyWhat[slot] = what;
        keyBits[k] = alpha;
        keyBits[k + 1] = beta;
        keyBits[k + 2] = m;
        keyBits[k + 3] = u;
        keyBits[k + 4] = x;
        values[slot] = v;
        return v;
    }

    private static long mix(long h, long bits) {
        return (h ^ bits ^ bits >>> 29) * 0x9E3779B97F4A7C15L;
    }

    /** Mean and variance of the maximum of k independent standard normals. */
    public double[] maxNormal(double kd) {
        long k = Math.max(1, Math.round(kd));
        double[] v = maxima.get(k);
        if (v == null) {
            if (k == 1) {
                v = new double[] {0, 1};
            } else {
                double[] br = {-4, -2, 0, 2, 4, 6};
                double m1 = Gaussian.expect(z -> k * z * Math.pow(Gaussian.cdf(z), k - 1), 0, 1, br);
                double m2 = Gaussian.expect(z -> k * z * z * Math.pow(Gaussian.cdf(z), k - 1), 0, 1, br);
                v = new double[] {m1, Math.max(m2 - m1 * m1, 1e-6)};
            }
            maxima.put(k, v);
        }
        return v;
    }

    /** Max of k values sharing a unit's offset: the input-driven part is a Gaussian maximum. */
    public Moments maxOf(Moments x, double k) {
        double[] e = maxNormal(k);
        double sd = Math.sqrt(x.sx());
        return new Moments(x.mean() + sd * e[0], x.su(), x.sx() * e[1], x.sp());
    }
}
