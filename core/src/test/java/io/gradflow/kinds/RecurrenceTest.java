package io.gradflow.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The backward pass through a recurrent layer's steps applies the same recurrent matrix at every
 * step: paths that apply it equally often add coherently (docs/theory.md section 8.5).
 */
class RecurrenceTest {

    @Test
    void coherentGainMultipliesToTheSumOverPathsOfSquaredBinomials() {
        double a = 0.25;
        double b = 0.04;
        double gain = 0;
        double product = 1;
        for (int n = 0; n < 12; n++) {
            gain = Recurrence.coherentGain(a, b, n, gain);
            product *= gain;
            double want = 0;
            for (int j = 0; j <= n + 1; j++) {
                want += Math.pow(binomial(n + 1, j), 2) * Math.pow(a, n + 1 - j) * Math.pow(b, j);
            }
            assertThat(product).as("step %d", n + 1).isCloseTo(want, within(want * 1e-9));
        }
    }

    @Test
    void coherentGainStartsAsMeanFieldAndApproachesTheTiedLimit() {
        double a = 0.25;
        double b = 0.025;
        assertThat(Recurrence.coherentGain(a, b, 0, 0)).isEqualTo(a + b);
        double gain = 0;
        double last = 0;
        for (int n = 0; n < 5000; n++) {
            gain = Recurrence.coherentGain(a, b, n, gain);
            assertThat(gain).isGreaterThanOrEqualTo(last);
            last = gain;
        }
        double limit = Math.pow(Math.sqrt(a) + Math.sqrt(b), 2);
        assertThat(gain).isCloseTo(limit, within(limit * 0.01));
        assertThat(Recurrence.coherentGain(a, 0, 40, a)).isEqualTo(a);
    }

    /** A gradient sent back k steps through d I + R, R one Gaussian matrix: what the gain predicts. */
    @Test
    void aTiedRandomMatrixPlusAConstantDiagonalGrowsAsPredicted() {
        int n = 256;
        int steps = 40;
        double d = 0.5;
        double rho2 = 0.04;
        SplittableRandom rnd = new SplittableRandom(19);
        double[] logSim = new double[steps + 1];
        int draws = 6;
        for (int draw = 0; draw < draws; draw++) {
            double[][] r = new double[n][n];
            for (double[] row : r) {
                for (int j = 0; j < n; j++) {
                    row[j] = gauss(rnd) * Math.sqrt(rho2 / n);
                }
            }
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = gauss(rnd);
            }
            double start = norm2(v);
            for (int k = 1; k <= steps; k++) {
                double[] next = new double[n];
                for (int i = 0; i < n; i++) {
                    double s = d * v[i];
                    for (int j = 0; j < n; j++) {
                        s += r[i][j] * v[j];
                    }
                    next[i] = s;
                }
                v = next;
                logSim[k] += Math.log10(norm2(v) / start) / draws;
            }
        }
        double gain = 0;
        double logPred = 0;
        double meanField = 0;
        for (int k = 1; k <= steps; k++) {
            gain = Recurrence.coherentGain(d * d, rho2, k - 1, gain);
            logPred += Math.log10(gain);
            meanField += Math.log10(d * d + rho2);
        }
        // 40 steps: mean field (independent draws per step) is 2.4 decades below the tied matrix
        assertThat(logSim[steps] - meanField).isGreaterThan(1.5);
        assertThat(logPred).isCloseTo(logSim[steps], within(0.3));
    }

    private static double norm2(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }
}
