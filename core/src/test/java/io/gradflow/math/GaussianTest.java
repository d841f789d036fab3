package io.gradflow.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class GaussianTest {

    private static final MathContext MC = new MathContext(80);
    private static final BigDecimal PI =
            new BigDecimal("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899");

    /** erfc(x) from erf's Taylor series in 80-digit arithmetic: slow and independent of the rational fits. */
    private static double reference(double x) {
        BigDecimal bx = new BigDecimal(x);
        BigDecimal x2 = bx.multiply(bx, MC);
        BigDecimal term = bx;  // (-1)^n x^(2n+1) / n!
        BigDecimal sum = bx;
        for (int n = 1; n < 2000; n++) {
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf(-n), MC);
            BigDecimal add = term.divide(BigDecimal.valueOf(2L * n + 1), MC);
            sum = sum.add(add, MC);
            if (add.abs().compareTo(new BigDecimal("1e-60")) < 0) {
                break;
            }
        }
        BigDecimal erf = sum.multiply(BigDecimal.valueOf(2), MC).divide(PI.sqrt(MC), MC);
        return BigDecimal.ONE.subtract(erf, MC).doubleValue();
    }

    @Test
    void erfcMatchesAHighPrecisionSeriesToAFewUlpsOnBothSides() {
        double worst = 0;
        double at = 0;
        for (int i = -300; i <= 300; i++) {
            double x = i / 50.0 + 0.003;  // off the grid of the intervals' edges too
            double want = reference(x);
            double rel = Math.abs(Gaussian.erfc(x) - want) / want;
            if (rel > worst) {
                worst = rel;
                at = x;
            }
        }
        assertThat(worst).as("worst relative error, at x = %s", at).isLessThan(5e-15);
    }

    @Test
    void erfcAtTheIntervalEdgesAndInTheFarTailIsContinuousAndPositive() {
        for (double edge : new double[] {0.46875, 4}) {
            for (double x : new double[] {Math.nextDown(edge), edge, Math.nextUp(edge)}) {
                double want = reference(x);
                assertThat(Math.abs(Gaussian.erfc(x) - want) / want).as("at %s", x).isLessThan(5e-15);
            }
        }
        // erfc(10) = 2.0884875837625447570e-45 (tables); the tail stays positive into the subnormals
        assertThat(Gaussian.erfc(10)).isCloseTo(2.0884875837625447570e-45, withPercentage(1e-12));
        assertThat(Gaussian.erfc(26.5)).isPositive();
        assertThat(Gaussian.erfc(-40)).isEqualTo(2.0);
        assertThat(Gaussian.cdf(0)).isEqualTo(0.5);
    }

    @Test
    void theFarTailIsZeroWhereExpUnderflows() {
        // the premise of erfc's and pdf's shortcuts: exp already gives 0 there
        assertThat(Math.exp(-27.5 * 27.5)).isZero();
        assertThat(Math.exp(-0.5 * 40 * 40)).isZero();
        for (double x = 27.5; x < 1e300; x = x * 1.01 + 0.001) {
            assertThat(Gaussian.erfc(x)).as("erfc(%s)", x).isZero();
            assertThat(Gaussian.cdf(-x * Math.sqrt(2))).as("cdf(%s)", -x).isZero();
            assertThat(Gaussian.pdf(x + 12.5)).as("pdf(%s)", x + 12.5).isZero();
        }
        // below the cut the values are the subnormal tail, not a premature 0
        assertThat(Gaussian.erfc(Math.nextDown(26.6))).isPositive();
        assertThat(Gaussian.pdf(38.5)).isPositive();
        // infinity and NaN go the way they went before the shortcut
        assertThat(Gaussian.erfc(Double.POSITIVE_INFINITY)).isNaN();
        assertThat(Gaussian.erfc(Double.NaN)).isNaN();
        assertThat(Gaussian.pdf(Double.POSITIVE_INFINITY)).isZero();
    }

    @Test
    void expectBothIsTwoExpectsBitForBit() {
        double[][] breaks = {{}, {0}, {-32, -16, -8, -4, -2, -1, -0.5, 0, 0.5, 1, 2, 4, 8, 16, 32}};
        double[] mus = {0, 0.3, -2, 11};
        double[] vars = {0, 1e-9, 0.04, 1, 2, 37};
        for (double[] br : breaks) {
            for (double mu : mus) {
                for (double var : vars) {
                    double[] both = Gaussian.expectBoth((x, out) -> {
                        out[0] = Math.max(x, 0) * Math.max(x, 0);
                        out[1] = Math.tanh(x) + Gaussian.cdf(x / 0.01);
                    }, mu, var, br);
                    double first = Gaussian.expect(x -> Math.max(x, 0) * Math.max(x, 0), mu, var, br);
                    double second = Gaussian.expect(x -> Math.tanh(x) + Gaussian.cdf(x / 0.01), mu, var, br);
                    assertThat(Double.doubleToRawLongBits(both[0])).as("mu %s var %s", mu, var)
                            .isEqualTo(Double.doubleToRawLongBits(first));
                    assertThat(Double.doubleToRawLongBits(both[1])).as("mu %s var %s", mu, var)
                            .isEqualTo(Double.doubleToRawLongBits(second));
                }
            }
        }
    }
}
