package io.gradflow.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The border factors count, per kernel tap, the run of output positions where the tap lands
 * inside the input, instead of visiting every position: the same numbers as visiting them, in
 * time independent of the padding (a padding of 10^9 used to take minutes).
 */
class FansBorderTest {

    @Test
    void tapRunsGiveTheSameCountsAsVisitingEveryPosition() {
        SplittableRandom r = new SplittableRandom(16);
        for (int t = 0; t < 3000; t++) {
            long size = 1 + r.nextInt(40);
            int k = 1 + r.nextInt(7);
            int stride = 1 + r.nextInt(4);
            int dilation = 1 + r.nextInt(3);
            boolean same = r.nextBoolean();
            int pad = r.nextInt(6);
            double taps = Fans.averageTaps(size, k, stride, dilation, same, pad);
            double[][] m = Fans.insideMoments(size, k, stride, dilation, same, pad);
            double[][] want = bruteMoments(size, k, stride, dilation, same, pad);
            if (want == null) {
                assertThat(m).isNull();
                assertThat(taps).isEqualTo(k);
                continue;
            }
            double sum = 0;
            for (int i = 0; i < k; i++) {
                sum += want[i][i];
                for (int j = 0; j < k; j++) {
                    assertThat(m[i][j]).as("size %d k %d stride %d dilation %d same %s pad %d", size, k, stride,
                            dilation, same, pad).isEqualTo(want[i][j]);
                }
            }
            assertThat(taps).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void aHugePaddingIsCountedAtOnce() {
        // a padding of 10^9 on a 28-wide map: 10^9 output positions, 5 taps
        double taps = Fans.averageTaps(28, 5, 1, 1, false, 1_000_000_000);
        assertThat(taps).isGreaterThan(0).isLessThan(0.001);
    }

    /** The definition: visit every output position and every tap. */
    private static double[][] bruteMoments(long size, int k, int stride, int dilation, boolean same, int pad) {
        long eff = (long) dilation * (k - 1) + 1;
        long out;
        long before;
        if (same) {
            out = (size + stride - 1) / stride;
            before = Math.max((out - 1) * stride + eff - size, 0) / 2;
        } else {
            out = (size + 2L * pad - eff) / stride + 1;
            before = pad;
        }
        if (out <= 0) {
            return null;
        }
        double[][] m = new double[k][k];
        for (long o = 0; o < out; o++) {
            for (int i = 0; i < k; i++) {
                long a = o * stride - before + (long) i * dilation;
                for (int j = 0; j < k; j++) {
                    long b = o * stride - before + (long) j * dilation;
                    if (a >= 0 && a < size && b >= 0 && b < size) {
                        m[i][j]++;
                    }
                }
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                m[i][j] /= out;
            }
        }
        return m;
    }
}
