package io.gradflow.model.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.model.Distribution;
import io.gradflow.model.Dl4jInit;
import io.gradflow.model.WeightInit;
import io.gradflow.model.WeightInit.Fan;
import io.gradflow.model.WeightInit.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every initialiser gradflow samples, drawn on a large tensor, against its framework's own
 * definition written out here (not gradflow's table): the sample mean and variance within 2%.
 * The verifier and the finite-width simulation draw with these samplers.
 */
class InitialiserSamplingTest {

    /** A [500 x 1000] kernel: fanIn 500, fanOut 1000. */
    private static final long[] SHAPE = {500, 1000};
    private static final double IN = 500;
    private static final double OUT = 1000;

    static Stream<Arguments> initialisers() {
        double avg = (IN + OUT) / 2;
        double cut = 0.7737413; // the variance a standard normal keeps when cut at +-2
        return Stream.of(
                // Deeplearning4j 1.0.0-M2.1, org.deeplearning4j.nn.weights, quirks included
                dl4j(Dl4jInit.XAVIER, 0, 2 / (IN + OUT)),
                dl4j(Dl4jInit.XAVIER_UNIFORM, 0, sq(Math.sqrt(6 / (IN + OUT))) / 3),
                dl4j(Dl4jInit.XAVIER_FAN_IN, 0, 1 / IN),
                dl4j(Dl4jInit.XAVIER_LEGACY, 0, 1 / (IN + OUT)),
                dl4j(Dl4jInit.RELU, 0, 2 / IN),
                dl4j(Dl4jInit.RELU_UNIFORM, 0, sq(Math.sqrt(6 / IN)) / 3),
                dl4j(Dl4jInit.NORMAL, 0, 1 / IN),
                dl4j(Dl4jInit.LECUN_NORMAL, 0, 1 / IN),
                dl4j(Dl4jInit.UNIFORM, 0, sq(1 / Math.sqrt(IN)) / 3),
                // DL4J's bound is 3/sqrt(fanIn), not LeCun's sqrt(3/fanIn)
                dl4j(Dl4jInit.LECUN_UNIFORM, 0, sq(3 / Math.sqrt(IN)) / 3),
                dl4j(Dl4jInit.SIGMOID_UNIFORM, 0, sq(4 * Math.sqrt(6 / (IN + OUT))) / 3),
                dl4j(Dl4jInit.VAR_SCALING_NORMAL_FAN_IN, 0, cut / IN),
                dl4j(Dl4jInit.VAR_SCALING_NORMAL_FAN_OUT, 0, cut / OUT),
                dl4j(Dl4jInit.VAR_SCALING_NORMAL_FAN_AVG, 0, cut / avg),
                dl4j(Dl4jInit.VAR_SCALING_UNIFORM_FAN_IN, 0, sq(3 / Math.sqrt(IN)) / 3),
                dl4j(Dl4jInit.VAR_SCALING_UNIFORM_FAN_OUT, 0, sq(3 / Math.sqrt(OUT)) / 3),
                dl4j(Dl4jInit.VAR_SCALING_UNIFORM_FAN_AVG, 0, sq(3 / Math.sqrt(avg)) / 3),
                Arguments.of("DL4J VAR_SCALING_UNIFORM_FAN_IN scale 2", Dl4jInit.VAR_SCALING_UNIFORM_FAN_IN.weightInit(2),
                        0.0, sq(2 * 3 / Math.sqrt(IN)) / 3),
                Arguments.of("DL4J VAR_SCALING_NORMAL_FAN_AVG scale 2", Dl4jInit.VAR_SCALING_NORMAL_FAN_AVG.weightInit(2),
                        0.0, 2 * cut / avg),
                dl4j(Dl4jInit.ONES, 1, 0),
                dl4j(Dl4jInit.ZERO, 0, 0),
                // Keras: VarianceScaling(scale, mode, distribution), variance scale / fan
                keras("glorot_uniform", 1, Fan.AVG, Shape.UNIFORM, 1 / avg),
                keras("glorot_normal (Keras 2.2.3+, tf.keras, Keras 3)", 1, Fan.AVG, Shape.TRUNCATED_EXACT, 1 / avg),
                keras("glorot_normal (Keras 2.0-2.2.2: cut, not widened)", 1, Fan.AVG, Shape.TRUNCATED, cut / avg),
                keras("glorot_normal (Keras 1: a plain normal)", 1, Fan.AVG, Shape.NORMAL, 1 / avg),
                keras("he_uniform", 2, Fan.IN, Shape.UNIFORM, 2 / IN),
                keras("he_normal", 2, Fan.IN, Shape.TRUNCATED_EXACT, 2 / IN),
                keras("lecun_uniform", 1, Fan.IN, Shape.UNIFORM, 1 / IN),
                keras("lecun_normal", 1, Fan.IN, Shape.TRUNCATED_EXACT, 1 / IN),
                keras("VarianceScaling(0.5, fan_out, uniform)", 0.5, Fan.OUT, Shape.UNIFORM, 0.5 / OUT),
                keras("VarianceScaling(3, fan_avg, untruncated_normal)", 3, Fan.AVG, Shape.NORMAL, 3 / avg),
                dist("RandomNormal(0.1, 0.5)", Distribution.normal(0.1, 0.5), 0.1, 0.25),
                dist("RandomUniform(-0.2, 0.6)", Distribution.uniform(-0.2, 0.6), 0.2, 0.64 / 12),
                dist("Keras 1 uniform: U(-0.05, 0.05)", Distribution.uniform(-0.05, 0.05), 0, 0.01 / 12),
                dist("TruncatedNormal(0, 0.3)", new Distribution(Distribution.Kind.TRUNCATED_NORMAL, 0, 0.3), 0,
                        cut * 0.09),
                dist("LogNormal(0, 0.5)", new Distribution(Distribution.Kind.LOG_NORMAL, 0, 0.5), Math.exp(0.125),
                        (Math.exp(0.25) - 1) * Math.exp(0.25)),
                dist("Binomial(10, 0.3)", new Distribution(Distribution.Kind.BINOMIAL, 10, 0.3), 3, 2.1),
                Arguments.of("Constant(0.3)", WeightInit.constant("constant", 0.3), 0.3, 0.0),
                // a semi-orthogonal [500 x 1000] matrix: rows of length gain, variance gain^2 / 1000
                Arguments.of("Orthogonal(gain 1.5)", WeightInit.orthogonal("orthogonal", 1.5), 0.0, 2.25 / OUT),
                Arguments.of("Keras 1 orthogonal (gain 1.1)", WeightInit.orthogonal("orthogonal", 1.1), 0.0, 1.21 / OUT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("initialisers")
    void sampledMeanAndVarianceMatchTheFrameworksDefinition(String name, WeightInit w, double mean, double variance) {
        double[] x = w.sample(SHAPE, IN, OUT, IN + OUT, new SplittableRandom(7));
        assertThat(x).hasSize(500_000);
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - m) * (v - m);
        }
        var /= x.length;
        double sd = Math.sqrt(variance);
        assertThat(m).as("mean").isCloseTo(mean, within(0.02 * Math.max(sd, Math.abs(mean))));
        assertThat(var).as("variance").isCloseTo(variance, within(0.02 * variance + 1e-15));
        // the analysis reads the same table: its variance is the definition's (orthogonal: gain^2/max fan)
        if (w.family() != WeightInit.Family.ORTHOGONAL && w.family() != WeightInit.Family.DISTRIBUTION) {
            assertThat(w.variance(IN, OUT, IN + OUT)).as("table variance").isCloseTo(variance, within(1e-12));
        }
    }

    @Test
    void kerasTruncatedNormalsAreCutAtTwoOfTheirStandardDeviations() {
        WeightInit exact = WeightInit.fanScaled("he_normal", 2, Fan.IN, Shape.TRUNCATED_EXACT);
        double widened = Math.sqrt(2 / IN) / 0.87962566103423978;
        for (double v : exact.sample(SHAPE, IN, OUT, 0, new SplittableRandom(1))) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo(2 * widened + 1e-12);
        }
    }

    @Test
    void orthogonalHasOrthonormalRowsOrColumnsTimesTheGainAfterTheSignCorrection() {
        double gain = 1.5;
        for (long[] shape : new long[][] {{40, 90}, {90, 40}, {3, 3, 8, 16}}) {
            int rows = Draw.rows(shape);
            int cols = Draw.cols(shape);
            double[] q = WeightInit.orthogonal("orthogonal", gain).sample(shape, 1, 1, 2, new SplittableRandom(3));
            boolean byRows = rows < cols;
            int k = byRows ? rows : cols;
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    double dot = 0;
                    for (int i = 0; i < (byRows ? cols : rows); i++) {
                        dot += byRows ? q[a * cols + i] * q[b * cols + i] : q[i * cols + a] * q[i * cols + b];
                    }
                    assertThat(dot).isCloseTo(a == b ? gain * gain : 0, within(1e-9));
                }
            }
        }
    }

    @Test
    void identityPutsTheGainOnTheDiagonalOrAtTheKernelsCentre() {
        double[] eye = WeightInit.identity("identity", 2).sample(new long[] {4, 4}, 4, 4, 8, new SplittableRandom(1));
        assertThat(eye).containsExactly(2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2);
        // DL4J's identity on a [out, in, 3, 3] kernel: the centre tap of channel c to channel c
        double[] conv = WeightInit.identity("IDENTITY", 1).sample(new long[] {2, 2, 3, 3}, 18, 18, 4, new SplittableRandom(1));
        assertThat(conv[(0 * 2 + 0) * 9 + 4]).isEqualTo(1);
        assertThat(conv[(1 * 2 + 1) * 9 + 4]).isEqualTo(1);
        assertThat(conv[(0 * 2 + 1) * 9 + 4]).isZero();
        assertThat(Arrays.stream(conv).sum()).isEqualTo(2);
    }

    @Test
    void theSameSeedDrawsTheSameTensor() {
        WeightInit w = Dl4jInit.XAVIER.weightInit(Double.NaN);
        assertThat(w.sample(new long[] {30, 30}, 30, 30, 60, new SplittableRandom(5)))
                .containsExactly(w.sample(new long[] {30, 30}, 30, 30, 60, new SplittableRandom(5)));
    }

    private static Arguments dl4j(Dl4jInit i, double mean, double variance) {
        return Arguments.of("DL4J " + i.name(), i.weightInit(Double.NaN), mean, variance);
    }

    private static Arguments keras(String name, double scale, Fan fan, Shape shape, double variance) {
        return Arguments.of("Keras " + name, WeightInit.fanScaled(name, scale, fan, shape), 0.0, variance);
    }

    private static Arguments dist(String name, Distribution d, double mean, double variance) {
        return Arguments.of(name, WeightInit.distribution(name, d), mean, variance);
    }

    private static double sq(double v) {
        return v * v;
    }
}
