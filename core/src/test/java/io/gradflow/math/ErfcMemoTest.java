package io.gradflow.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The memo gives erfc's own numbers, bit for bit, on a hit, a miss and a collision alike. */
class ErfcMemoTest {

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    @Test
    void sameBitsAsErfcOnMissesAndHits() {
        ErfcMemo memo = new ErfcMemo();
        Random r = new Random(7);
        double[] xs = new double[20_000];
        for (int i = 0; i < xs.length; i++) {
            // both branches of erfc (series below 2.5, continued fraction above), both signs
            xs[i] = (r.nextDouble() * 2 - 1) * (i % 3 == 0 ? 40 : 4);
        }
        for (int pass = 0; pass < 2; pass++) {
            for (double x : xs) {
                assertThat(bits(memo.erfc(x))).as("erfc(%s), pass %d", x, pass).isEqualTo(bits(Gaussian.erfc(x)));
            }
        }
    }

    @Test
    void specialArguments() {
        ErfcMemo memo = new ErfcMemo();
        double[] xs = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 2.5, -2.5, 1e-300, 27, 1e10,
            Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        for (int pass = 0; pass < 2; pass++) {
            for (double x : xs) {
                assertThat(bits(memo.erfc(x))).as("erfc(%s)", x).isEqualTo(bits(Gaussian.erfc(x)));
            }
        }
    }

    @Test
    void cdfThroughTheMemoIsTheCdf() {
        ErfcMemo memo = new ErfcMemo();
        double[] both = new double[2];
        for (int i = -4000; i <= 4000; i++) {
            double z = i / 317.0;
            assertThat(bits(memo.cdf(z))).isEqualTo(bits(Gaussian.cdf(z)));
            memo.cdfBothSides(z, both);
            double[] plain = Gaussian.cdfBothSides(z);
            assertThat(bits(both[0])).isEqualTo(bits(plain[0]));
            assertThat(bits(both[1])).isEqualTo(bits(plain[1]));
            // a second time, from the table
            assertThat(bits(memo.cdf(-z))).isEqualTo(bits(Gaussian.cdf(-z)));
        }
    }
}
