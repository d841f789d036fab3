package io.gradflow.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.model.LayerKind;
import io.gradflow.model.WeightInit;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A simple RNN's random recurrent kernel, the same matrix at every step (docs/theory.md section
 * 8.7, *A tied random kernel*): a renewal over a sample of networks' own powers of the kernel.
 */
class TiedKernelTest {

    private static final double LN10 = Math.log(10);
    private static final int BATCH = 16;
    /** The slopes' deviation about their mean, 0.5, in the simulation. */
    private static final double DEV = 0.15;

    /** A gradient entering at the last of {@code t} steps only. */
    private static double[] lastStep(int t) {
        double[] inject = new double[t];
        inject[t - 1] = 1;
        return inject;
    }

    private static double[] filled(int t, double v) {
        double[] a = new double[t];
        Arrays.fill(a, v);
        return a;
    }

    /** Mean field's recursion {@code Y_i = s_i (j_i + rec Y_(i+1))}, log10. */
    private static double[] meanField(double[] inject, double[] s, double rec) {
        double[] out = new double[inject.length];
        double y = 0;
        for (int i = inject.length - 1; i >= 0; i--) {
            y = s[i] * (inject[i] + rec * y);
            out[i] = Math.log10(y);
        }
        return out;
    }

    @Test
    void withPowersThatKeepTheNormItIsMeanFieldsRecursion() {
        int t = 40;
        SplittableRandom r = new SplittableRandom(3);
        double[] inject = new double[t];
        double[] s = new double[t];
        double[] c = new double[t];
        for (int i = 0; i < t; i++) {
            inject[i] = i % 3 == 0 ? 0 : r.nextDouble();
            s[i] = 0.2 + 0.5 * r.nextDouble();
            c[i] = r.nextDouble();
        }
        double[][] flat = new double[4][TiedKernel.LAGS + 1];
        double[] renewal = TiedKernel.through(inject, s, c, 0.8, flat);
        double[] mf = meanField(inject, s, 0.8);
        assertThat(renewal).isNotNull();
        for (int i = 0; i < t; i++) {
            assertThat(renewal[i]).as("step %d", i).isCloseTo(mf[i], within(1e-9));
        }
    }

    @Test
    void pastTheComputedPowersTheRecursionIsTheSumOverEveryLaterStep() {
        // beyond LAGS powers each network's kernel grows at its own rate, an exponential, which
        // the renewal carries by a recursion: the same as summing over every later step directly
        int t = 3 * TiedKernel.LAGS + 7;
        SplittableRandom r = new SplittableRandom(5);
        double[] inject = new double[t];
        double[] s = new double[t];
        double[] c = new double[t];
        for (int i = 0; i < t; i++) {
            inject[i] = i == t - 1 || i % 5 == 0 ? r.nextDouble() : 0;
            s[i] = 0.3 + 0.4 * r.nextDouble();
            c[i] = 0.7 + 0.3 * r.nextDouble();
        }
        double[][] curves = TiedKernel.curves(24, IdentityRecurrence.Tails.UNIFORM);
        double[] renewal = TiedKernel.through(inject, s, c, 0.9, curves);
        double[] direct = direct(inject, s, c, 0.9, curves);
        assertThat(renewal).isNotNull();
        for (int i = 0; i < t; i++) {
            assertThat(renewal[i]).as("step %d", i).isCloseTo(direct[i], within(1e-9));
        }
    }

    /** The renewal's figure summed over every pair of steps, in plain doubles (short sequences only). */
    private static double[] direct(double[] inject, double[] s, double[] c, double rec, double[][] curves) {
        int t = inject.length;
        double[] out = new double[t];
        for (double[] curve : curves) {
            int lags = TiedKernel.LAGS;
            double rate = (curve[lags] - curve[lags - TiedKernel.TAIL]) / TiedKernel.TAIL;
            double[] born = new double[t];
            for (int i = t - 1; i >= 0; i--) {
                double a = 0;
                for (int k = i + 1; k < t; k++) {
                    double path = 1;
                    for (int m = i; m < k; m++) {
                        path *= rec * s[m] * (m > i ? c[m] : 1);
                    }
                    int lag = k - i;
                    a += born[k] * path * Math.exp(lag <= lags ? curve[lag] : curve[lags] + (lag - lags) * rate);
                }
                double y = s[i] * inject[i] + a;
                born[i] = s[i] * inject[i] + (1 - c[i]) * a;
                out[i] += Math.log10(y) / curves.length;
            }
        }
        return out;
    }

    @Test
    void withSlopesThatAreTheSameEverywhereEachNetworkFollowsItsOwnPowers() {
        // c = 1: all the energy keeps following the kernel's powers, so a gradient entering at the
        // last step reaches the first as mean field times phi(t - 1), network by network
        int t = 30;
        double[] inject = lastStep(t);
        double[] s = filled(t, 0.5);
        double[] c = filled(t, 1);
        double[][] curves = TiedKernel.curves(32, IdentityRecurrence.Tails.NORMAL);
        double[] renewal = TiedKernel.through(inject, s, c, 1.5, curves);
        double mean = Arrays.stream(curves).mapToDouble(k -> k[t - 1]).average().orElseThrow();
        assertThat(renewal).isNotNull();
        double[] mf = meanField(inject, s, 1.5);
        assertThat(renewal[0] - renewal[t - 1]).isCloseTo(mf[0] - mf[t - 1] + mean / LN10, within(1e-9));
    }

    @Test
    void aFiniteMatrixsPowersOutgrowMeanFieldAndMoreSoWhenNarrow() {
        // E|Rv|^2 = |v|^2 for one power; over many the largest eigenvalues, beyond the circular
        // law's radius at finite width, take over (the quenched log grows by about 2 E ln rho a step)
        double[][] n16 = TiedKernel.curves(16, IdentityRecurrence.Tails.NORMAL);
        double[][] n64 = TiedKernel.curves(64, IdentityRecurrence.Tails.UNIFORM);
        double first = Arrays.stream(n16).mapToDouble(k -> k[1]).average().orElseThrow();
        assertThat(first).isCloseTo(0, within(0.1));
        int last = TiedKernel.LAGS;
        double lastNarrow = Arrays.stream(n16).mapToDouble(k -> k[last]).average().orElseThrow();
        double lastWide = Arrays.stream(n64).mapToDouble(k -> k[last]).average().orElseThrow();
        double earlyNarrow = Arrays.stream(n16).mapToDouble(k -> k[last / 4]).average().orElseThrow();
        assertThat(lastNarrow).isGreaterThan(earlyNarrow).isGreaterThan(0);
        assertThat(lastNarrow).isGreaterThan(lastWide);
    }

    @Test
    void itRecoversMostOfWhatTyingTheKernelAddsInASimulation() {
        // v <- d * (R^T v) over 80 steps, 32 units, a batch of 16, d = 0.5 + 0.15 xi per unit and
        // step (xi = +-1): the same R at every step against one drawn afresh. Here tying is worth
        // about 3.2 decades and the renewal, from the slopes' two moments alone, gives about half
        // (in the accuracy family's networks about three quarters, docs/theory.md 8.7)
        int n = 32;
        int t = 80;
        int nets = 96;
        SplittableRandom rnd = new SplittableRandom(11);
        double tied = 0;
        double fresh = 0;
        for (int net = 0; net < nets; net++) {
            double[] r = new double[n * n];
            for (int i = 0; i < r.length; i++) {
                r[i] = IdentityRecurrence.gaussian(rnd) / Math.sqrt(n);
            }
            tied += Math.log10(simulate(r, n, t, rnd, false)) / nets;
            fresh += Math.log10(simulate(r, n, t, rnd, true)) / nets;
        }
        double[] inject = lastStep(t);
        double[] s = filled(t, 0.25 + DEV * DEV);
        double[] c = filled(t, 0.25 / (0.25 + DEV * DEV));
        double[] renewal = TiedKernel.through(inject, s, c, 1, TiedKernel.curves(n, IdentityRecurrence.Tails.NORMAL));
        double[] mf = meanField(inject, s, 1);
        double model = renewal[0] - renewal[t - 1] - (mf[0] - mf[t - 1]);
        double measured = tied - fresh;
        // fresh matrices are mean field, less the batch's own sample of the slopes' large spread
        assertThat(fresh).isCloseTo(mf[0] - mf[t - 1], within(0.8));
        assertThat(measured).isGreaterThan(2);
        assertThat(model).isGreaterThan(0.4 * measured).isLessThan(measured);
    }

    /**
     * |v_0|^2 / |v_(t-1)|^2 of one network's gradient over a batch of {@link #BATCH} examples (each
     * its own random vector, the same matrices), entering at the last step.
     */
    private static double simulate(double[] r, int n, int t, SplittableRandom rnd, boolean redraw) {
        double[][] v = new double[BATCH][n];
        double start = 0;
        for (double[] e : v) {
            for (int i = 0; i < n; i++) {
                e[i] = IdentityRecurrence.gaussian(rnd);
                start += e[i] * e[i];
            }
        }
        double[] next = new double[n];
        double logScale = 0;
        for (int step = t - 2; step >= 0; step--) {
            if (redraw) {
                for (int i = 0; i < r.length; i++) {
                    r[i] = IdentityRecurrence.gaussian(rnd) / Math.sqrt(n);
                }
            }
            double norm = 0;
            for (double[] e : v) {
                for (int col = 0; col < n; col++) {
                    double sum = 0;
                    for (int row = 0; row < n; row++) {
                        sum += r[row * n + col] * e[row];
                    }
                    next[col] = sum * (0.5 + (rnd.nextBoolean() ? DEV : -DEV));
                    norm += next[col] * next[col];
                }
                System.arraycopy(next, 0, e, 0, n);
            }
            double f = Math.sqrt(start / norm);
            for (double[] e : v) {
                for (int i = 0; i < n; i++) {
                    e[i] *= f;
                }
            }
            logScale += Math.log10(norm / start);
        }
        return Math.pow(10, logScale);
    }

    @Test
    void aNetworkWhoseFigureLeavesADoublesRangeKeepsMeanField() {
        // powers growing by e a step against slopes that keep all the energy coherent: over 2,000
        // steps one network's figure passes 10^308 relative to mean field's
        int t = TiedKernel.MAX_STEPS;
        double[][] steep = new double[2][TiedKernel.LAGS + 1];
        for (double[] curve : steep) {
            for (int k = 0; k <= TiedKernel.LAGS; k++) {
                curve[k] = k;
            }
        }
        assertThat(TiedKernel.through(lastStep(t), filled(t, 0.5), filled(t, 1), 1, steep)).isNull();
        double[] short10 = TiedKernel.through(lastStep(10), filled(10, 0.5), filled(10, 1), 1, steep);
        assertThat(short10).isNotNull();
        assertThat(short10[0] - short10[9]).isCloseTo(9 * Math.log10(0.5) + 9 / LN10, within(1e-9));
    }

    @Test
    void onlyMatricesOfIndependentZeroMeanDrawsTakeIt() {
        assertThat(TiedKernel.applies(WeightInit.orthogonal("orthogonal", 1), 32, 100)).isFalse();
        assertThat(TiedKernel.applies(WeightInit.identity("identity", 1), 32, 100)).isFalse();
        assertThat(TiedKernel.applies(null, 32, 100)).isFalse();
    }

    @Test
    void aKerasStackOverAnN01KernelVanishesLessThroughTimeThanMeanFieldSays() throws Exception {
        // the accuracy family's 3-layer, 100-step, 32-unit stack: mean field -32.0 decades, the
        // networks (DL4J, 16) -30.3; the levels, which mean field gives, stay as they are
        LayerProfile first = firstRecurrent(analyse(3, 100, 32, """
                {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.1, "seed": null}}"""));
        assertThat(first.time()).isNotNull();
        assertThat(first.time().decades()).isBetween(-31.3, -29.3);
    }

    private static LayerProfile firstRecurrent(GradientAnalysis a) {
        return a.layers().stream().filter(p -> p.node().kind() == LayerKind.SIMPLE_RNN).findFirst().orElseThrow();
    }

    private static GradientAnalysis analyse(int depth, int steps, int units, String rec) throws Exception {
        return SimpleRnnStacks.analyse(depth, steps, units, "tanh", """
                {"class_name": "GlorotUniform", "config": {"seed": null}}""", rec);
    }
}
