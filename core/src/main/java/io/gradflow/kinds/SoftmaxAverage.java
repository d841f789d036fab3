package io.gradflow.kinds;

import io.gradflow.math.Gaussian;
import io.gradflow.math.Moments;

/**
 * The softmax's weighted average over a sequence's tokens at initialisation, shared by the
 * attention kinds (docs/theory.md section 8.3): what passes forward and back through it.
 */
final class SoftmaxAverage {

    private SoftmaxAverage() {
    }

    /**
     * The share of a token's independent part that the average keeps, sum_j a_j^2: for Gaussian
     * logits of variance {@code s2} across the {@code tokens} keys it is e^s2 / T (1/T when the
     * softmax is uniform), at most 1 (all the weight on one token).
     */
    static double share(double s2, double tokens) {
        return Math.min(1, Math.exp(Math.min(s2, 50)) / Math.max(tokens, 1));
    }

    /**
     * The same share where the logits may be large (attention without projections): e^s2 / T
     * holds while the weights are many and small, and runs to 1 far too early when a few keys
     * take most of the weight. Here the T logits sit at the expected order statistics of T
     * Gaussian draws of variance {@code s2} (Blom's positions (i - 3/8) / (T + 1/4)), and the share
     * is their softmax's sum a_j^2: 1/T at s2 = 0, e^s2 / T to first order, 1 only as s2 grows
     * without bound (at s2 = 16 over 12 keys about 0.7, where e^s2 / T says 1).
     */
    static double orderedShare(double s2, double tokens) {
        int t = (int) Math.max(1, Math.min(tokens, 10_000));
        if (t == 1 || !(s2 > 0)) {
            return 1.0 / t;
        }
        double sigma = Math.sqrt(Math.min(s2, 1e6));
        // symmetric positions: the top logit is sigma times the largest quantile
        double top = sigma * quantile((t - 0.375) / (t + 0.25));
        double sum = 0;
        double squares = 0;
        for (int i = 1; i <= t; i++) {
            double w = Math.exp(sigma * quantile((i - 0.375) / (t + 0.25)) - top);
            sum += w;
            squares += w * w;
        }
        return squares / (sum * sum);
    }

    /** The standard normal quantile, by bisection on the distribution function (exact to a double's 1e-12). */
    static double quantile(double p) {
        double lo = -40;
        double hi = 40;
        for (int i = 0; i < 60 && hi - lo > 1e-12; i++) {
            double mid = 0.5 * (lo + hi);
            if (Gaussian.cdf(mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** The average of {@code x}: what every token shares (the mean, the per-unit offsets) passes whole. */
    static Moments forward(Moments x, double share) {
        return new Moments(x.mean(), x.su(), x.sx() * share);
    }

    /**
     * The gradient reaching a token through the average, given {@code pre} at the average's
     * output: the tokens' independent parts shrink by the share, their common part passes; the
     * same for every token when the average is uniform.
     */
    static Grad backward(Grad pre, double share, double tokens) {
        double common = 1 / Math.max(tokens, 1);
        double g = pre.g() * share + pre.gs() * (1 - share);
        double gs = pre.g() * common + pre.gs() * (1 - common);
        double gm = pre.gm() * share + pre.gc() * (1 - share);
        double gc = pre.gm() * common + pre.gc() * (1 - common);
        return new Grad(g, Math.min(gs, g), gm, Math.min(gc, gm));
    }
}
