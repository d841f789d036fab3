package io.gradflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The report rounds tiny and huge figures as String.format's %.6g did, to the same double. */
class JsonNumberTest {

    private static double formatted(double d) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.6g", d));
    }

    @Test
    void sixDigitsIsTheFormatsRounding() {
        Random r = new Random(16);
        for (int i = 0; i < 40_000; i++) {
            double d = switch (i % 4) {
                case 0 -> Math.pow(10, -3 - r.nextDouble() * 320);
                case 1 -> Math.pow(10, 7 + r.nextDouble() * 300);
                // a tie at the seventh digit, where half-up and the binary value part ways
                case 2 -> Double.parseDouble((100_000 + r.nextInt(900_000)) + "5e" + (-10 - r.nextInt(290)));
                default -> Double.longBitsToDouble(r.nextLong());
            };
            d = r.nextBoolean() ? d : -d;
            if (Double.isNaN(d)) {
                continue;
            }
            assertThat(Double.doubleToRawLongBits(JsonReporter.sixDigits(d))).as("%s", d)
                    .isEqualTo(Double.doubleToRawLongBits(formatted(d)));
        }
        for (double d : new double[] {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
            9.999995e-4, 9.9999949e-4, 9999995e-12, 1e7, 9.9999995e6}) {
            assertThat(Double.doubleToRawLongBits(JsonReporter.sixDigits(d))).as("%s", d)
                    .isEqualTo(Double.doubleToRawLongBits(formatted(d)));
        }
    }
}
