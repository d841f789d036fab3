package io.gradflow.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.math.Gaussian;
import io.gradflow.math.Hermite;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
import org.junit.jupiter.api.Test;

/** Gaussian expectations against closed forms and the numbers docs/theory.md lets anyone check. */
class ActivationMomentsTest {

    private final ActivationMoments math = new ActivationMoments();

    @Test
    void cdfMatchesKnownValuesInBothTails() {
        assertThat(Gaussian.cdf(0)).isCloseTo(0.5, within(1e-15));
        assertThat(Gaussian.cdf(1.959963984540054)).isCloseTo(0.975, within(1e-12));
        assertThat(Gaussian.cdf(-8)).isCloseTo(6.22096057427178e-16, within(1e-24));
        assertThat(Gaussian.cdf(-30) / 4.906713927148187e-198).isCloseTo(1, within(1e-9));
    }

    @Test
    void sigmoidAtUnitVarianceMatchesTheory() {
        Moments h = new Moments(0, 0, 1);
        assertThat(math.slopeSquare(Activation.SIGMOID, h)).isCloseTo(0.0448, within(5e-5));
        Moments a = math.apply(Activation.SIGMOID, h);
        assertThat(a.q()).isCloseTo(0.0434, within(5e-5));
        assertThat(a.second()).isCloseTo(0.2934, within(5e-5));
    }

    @Test
    void reluClosedFormsHoldWithAMean() {
        Moments h = new Moments(0.7, 0, 2.5);
        double qRelu = Gaussian.expect(x -> Math.max(x, 0) * Math.max(x, 0), 0.7, 2.5, new double[] {0});
        assertThat(math.apply(Activation.RELU, h).second()).isCloseTo(qRelu, within(1e-9));
        assertThat(math.slopeSquare(Activation.RELU, new Moments(0, 0, 3))).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void tanhSlopeKeepsItsTailAtLargeVariance() {
        // for q -> infinity, E[tanh'(h)^2] -> (4/3) / sqrt(2 pi q)
        double q = 1e4;
        double want = (4.0 / 3) / Math.sqrt(2 * Math.PI * q);
        assertThat(math.slopeSquare(Activation.TANH, new Moments(0, 0, q)) / want).isCloseTo(1, within(1e-3));
    }

    @Test
    void hardSigmoidSlopeIsBoundedByPointTwo() {
        // DL4J: clip(0.2x + 0.5, 0, 1): E[phi'^2] = 0.04 P(|h| < 2.5)
        double q = 4;
        double want = 0.04 * (2 * Gaussian.cdf(2.5 / 2) - 1);
        assertThat(math.slopeSquare(Activation.of(Activations.HARDSIGMOID), new Moments(0, 0, q)))
                .isCloseTo(want, within(1e-6));
    }

    @Test
    void perUnitOffsetsSplitTheVarianceWithoutChangingItsTotal() {
        Moments h = new Moments(0.3, 0.8, 0.5);
        Moments split = math.apply(Activation.TANH, h);
        Moments whole = math.apply(Activation.TANH, new Moments(0.3, 0, 1.3));
        assertThat(split.q()).isCloseTo(whole.q(), within(1e-9));
        assertThat(split.mean()).isCloseTo(whole.mean(), within(1e-9));
        assertThat(split.su()).isPositive().isLessThan(split.q());
    }

    /**
     * The per-unit quadratures of a leaky activation, written as they were before they shared one
     * pass over the nodes: the shared pass must give these numbers to the last bit.
     */
    private static double[] separateLeakyUnits(Activation a, Moments h) {
        double s = Math.sqrt(h.sx());
        double leak = a.fn().leak(a.alpha(), a.beta());
        double slopeAlpha = a.slope(-1);
        double[] br = ActivationMoments.breaks(a);
        double meanSquare = Gaussian.expect(o -> {
            double q = s * s;
            double sd = Math.sqrt(q);
            double z = o / sd;
            double[] both = Gaussian.cdfBothSides(z);
            double density = Gaussian.pdf(z);
            double g = o * both[0] + sd * density + leak * (o * both[1] - sd * density);
            return g * g;
        }, h.mean(), h.su(), br);
        double slopeSquare = Gaussian.expect(o -> {
            double p = Gaussian.cdf(o / s);
            double g = p + (1 - p) * slopeAlpha;
            return g * g;
        }, h.mean(), h.su(), br);
        return new double[] {meanSquare, slopeSquare};
    }

    @Test
    void leakyPerUnitMomentsAreTheSeparateQuadraturesBitForBit() {
        Activation[] acts = {Activation.RELU, Activation.of(Activations.LEAKYRELU, 0.1),
            Activation.of(Activations.LEAKYRELU, 0.3)};
        for (Activation a : acts) {
            ActivationMoments fresh = new ActivationMoments();
            for (double su : new double[] {1e-6, 0.1, 0.64, 1.9999}) {
                for (double sx : new double[] {2e-9, 1e-4, 0.3, 1.36}) {
                    for (double mean : new double[] {0, 0.25, -0.7}) {
                        Moments h = new Moments(mean, su, sx);
                        double[] want = separateLeakyUnits(a, h);
                        Moments out = fresh.apply(a, h);
                        double m = out.mean();
                        double su2 = Math.max(want[0] - m * m, 0);
                        if (su2 < out.q() * (1 - 1e-9)) {
                            // (where the offsets would take all the variance, apply caps them at it)
                            assertThat(Double.doubleToRawLongBits(out.su())).as("%s su %s sx %s", a.fn().id(), su, sx)
                                    .isEqualTo(Double.doubleToRawLongBits(su2));
                        }
                        assertThat(Double.doubleToRawLongBits(fresh.slopeUnitMeanSquare(a, h)))
                                .as("%s su %s sx %s", a.fn().id(), su, sx)
                                .isEqualTo(Double.doubleToRawLongBits(want[1]));
                    }
                }
            }
        }
    }

    @Test
    void leakyPerUnitMomentsKeepTheirBitsFromTinyToHugeScalesAndFarMeans() {
        // the shared pass takes nodes past 40 input-driven deviations from zero as the function
        // itself: over scales from 1e-150 to 1e150, means up to 40 offset deviations away and an
        // input-driven spread from just past where integration stops (1e-12) to a thousandth of
        // the offsets', every figure is still the separate quadratures' to the bit
        Activation[] acts = {Activation.RELU, Activation.of(Activations.LEAKYRELU, 0.01),
            Activation.of(Activations.LEAKYRELU, 0.3), Activation.of(Activations.PRELU, 0.25)};
        for (Activation a : acts) {
            for (double su : new double[] {1e-150, 1e-6, 1, 1e6, 1e150}) {
                for (double ratio : new double[] {1.1e-12, 1e-9, 1e-6, 1e-3}) {
                    for (double z : new double[] {0, 0.5, -0.5, 3, -3, 12, -12, 40, -40}) {
                        ActivationMoments fresh = new ActivationMoments();
                        Moments h = new Moments(z * Math.sqrt(su), su, ratio * su);
                        double[] want = separateLeakyUnits(a, h);
                        Moments out = fresh.apply(a, h);
                        double m = out.mean();
                        double su2 = Math.max(want[0] - m * m, 0);
                        if (su2 < out.q() * (1 - 1e-9)) {
                            assertThat(Double.doubleToRawLongBits(out.su()))
                                    .as("%s su %s ratio %s z %s", a.fn().id(), su, ratio, z)
                                    .isEqualTo(Double.doubleToRawLongBits(su2));
                        }
                        assertThat(Double.doubleToRawLongBits(fresh.slopeUnitMeanSquare(a, h)))
                                .as("%s su %s ratio %s z %s", a.fn().id(), su, ratio, z)
                                .isEqualTo(Double.doubleToRawLongBits(want[1]));
                    }
                }
            }
        }
    }

    @Test
    void exactGeluGaussianMeansAreTheQuadratureTheyReplaceFromTinyToHugeVariances() {
        // tolerance 1e-10 of |mean| + sd: the quadrature's own rounding of its nodes next to a
        // large mean is most of it (2.6e-11 at mean 1000, sd 1e-3); where the sd is under a
        // millionth of the mean the nodes themselves are rounded past that and it is not a reference
        Activation gelu = Activation.of(Activations.GELU, Double.NaN);
        double[] br = ActivationMoments.breaks(gelu);
        for (double mean : new double[] {-1e3, -40, -6, -1, -1e-3, 0, 0.3, 2, 9, 50, 1e3}) {
            for (double var : new double[] {1e-12, 1e-6, 1e-2, 1, 30, 1e4, 1e8}) {
                double sd = Math.sqrt(var);
                if (sd < 1e-6 * Math.abs(mean)) {
                    continue;
                }
                double tol = 1e-10 * (Math.abs(mean) + sd);
                assertThat(gelu.gaussianMean(mean, var)).as("E[gelu] mean %s var %s", mean, var)
                        .isCloseTo(Gaussian.expect(gelu::phi, mean, var, br), within(tol));
                assertThat(gelu.gaussianMeanSlope(mean, var)).as("E[gelu'] mean %s var %s", mean, var)
                        .isCloseTo(Gaussian.expect(gelu::slope, mean, var, br), within(1e-10));
            }
        }
        // the approximations have no closed form: the analysis integrates them
        assertThat(Activation.of(Activations.GELU).gaussianMean(0, 1)).isNaN();
        assertThat(new Activation(Activations.GELU, Double.NaN, 1, null).gaussianMeanSlope(0, 1)).isNaN();
        assertThat(Activation.TANH.gaussianMean(0, 1)).isNaN();
    }

    @Test
    void exactGeluPerUnitMomentsAgreeWithTheInnerRuleTheyReplaceWhereThatRuleHolds() {
        // the 24-point Gauss-Hermite inner rule this replaces was exact to about 1e-12 for an
        // input-driven variance up to 1 and drifted beyond (1e-5 at 4, 7e-3 at 30: GELU's bend is
        // narrower than its nodes' spacing there); the closed form has no such drift
        Activation gelu = Activation.of(Activations.GELU, Double.NaN);
        double[] br = ActivationMoments.breaks(gelu);
        Hermite inner = new Hermite(24);
        for (double sx : new double[] {1e-6, 0.01, 0.3, 1}) {
            for (double su : new double[] {1e-3, 0.5, 2, 40}) {
                for (double mean : new double[] {-3, 0, 0.7}) {
                    Moments h = new Moments(mean, su, sx);
                    double s = Math.sqrt(sx);
                    double meanSquare = Gaussian.expect(o -> {
                        double g = 0;
                        for (int i = 0; i < inner.size(); i++) {
                            g += inner.weight(i) * gelu.phi(o + s * inner.node(i));
                        }
                        return g * g;
                    }, mean, su, br);
                    double slopeSquare = Gaussian.expect(o -> {
                        double g = 0;
                        for (int i = 0; i < inner.size(); i++) {
                            g += inner.weight(i) * gelu.slope(o + s * inner.node(i));
                        }
                        return g * g;
                    }, mean, su, br);
                    ActivationMoments fresh = new ActivationMoments();
                    Moments out = fresh.apply(gelu, h);
                    double su2 = Math.min(Math.max(meanSquare - out.mean() * out.mean(), 0), out.q());
                    assertThat(out.su()).as("su: mean %s su %s sx %s", mean, su, sx)
                            .isCloseTo(su2, within(1e-9 * Math.max(out.q(), 1e-300)));
                    assertThat(fresh.slopeUnitMeanSquare(gelu, h)).as("slope: mean %s su %s sx %s", mean, su, sx)
                            .isCloseTo(slopeSquare, within(1e-9));
                }
            }
        }
    }

    @Test
    void aReplacedCacheEntryIsRecomputedToTheSameBits() {
        // far more distinct moments than the cache keeps: the first ones are replaced, and asked
        // again they come out as a fresh instance computes them
        ActivationMoments busy = new ActivationMoments();
        Activation gelu = Activation.of(Activations.GELU);
        double[] first = new double[3];
        for (int i = 0; i < 10_000; i++) {
            Moments h = new Moments(0.01 * (i % 7), 0.5 + i * 1e-5, 1 - i * 1e-5);
            Activation a = i < first.length ? gelu : Activation.RELU;
            double v = busy.apply(a, h).su() + busy.slopeUnitMeanSquare(a, h);
            if (i < first.length) {
                first[i] = v;
            }
        }
        for (int i = 0; i < first.length; i++) {
            Moments h = new Moments(0.01 * (i % 7), 0.5 + i * 1e-5, 1 - i * 1e-5);
            ActivationMoments fresh = new ActivationMoments();
            double want = fresh.apply(gelu, h).su() + fresh.slopeUnitMeanSquare(gelu, h);
            assertThat(busy.apply(gelu, h).su() + busy.slopeUnitMeanSquare(gelu, h))
                    .isEqualTo(first[i]).isEqualTo(want);
        }
    }
}
