package io.gradflow.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.Activation;
import io.gradflow.model.ModelGraph;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** One batch's sample of products of gates against their expectation (docs/theory.md section 8.11). */
class FiniteSampleTest {

    private static final String HE = "{\"class_name\": \"HeNormal\", \"config\": {\"seed\": null}}";
    private static final String SMALL = "{\"class_name\": \"RandomNormal\", \"config\": {\"mean\": 0.0, \"stddev\": 0.01}}";

    /**
     * 2,048 paths, each a product of 99 gates {@code z = sigmoid(N(0, 2))} drawn independently:
     * the sample's mean square falls decades below its expectation, and the large-deviation
     * estimate from the gate's cumulants accounts for most of that without going below the sample.
     */
    @Test
    void aSampleOfProductsOfGatesFallsShortOfTheirExpectationAsTheCumulantsSay() {
        int steps = 100;
        int paths = 2048;
        double[] cgf = FiniteSample.cumulants(0, 2, Activation.SIGMOID, false);
        double expectation = (steps - 1) * cgf[cgf.length - 1];
        double estimate = expectation + FiniteSample.renewal(cgf, 0, steps, paths);
        double[] samples = new double[15];
        for (int seed = 0; seed < samples.length; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            double[] logs = new double[paths];
            double top = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < paths; p++) {
                for (int s = 1; s < steps; s++) {
                    double z = 1 / (1 + Math.exp(-Math.sqrt(2) * rng.nextGaussian()));
                    logs[p] += 2 * Math.log(z);
                }
                top = Math.max(top, logs[p]);
            }
            double sum = 0;
            for (double l : logs) {
                sum += Math.exp(l - top);
            }
            samples[seed] = top + Math.log(sum / paths);
        }
        Arrays.sort(samples);
        double sample = samples[samples.length / 2];
        assertThat(expectation - sample).isGreaterThan(Math.log(10) * 8);
        assertThat(expectation - estimate).isGreaterThan(0.5 * (expectation - sample));
        assertThat(estimate).isGreaterThan(sample);
    }

    /**
     * 512 paths, each a product of 49 gates {@code 1 - sigmoid(N(0, 0.55))} whose pre-activation is an
     * AR(1) of 0.51 over the steps (an upper GRU's gate, docs/theory.md 8.11, <i>The gate's own
     * correlation</i>): {@code scripts/finite-sample.py ar1} reads the expectation -10.87 decades,
     * the tilted transfer operator's next order -11.91 and 20 samples -12.11 +- 0.08; the same gates
     * taken as independent from step to step fall short by 0.23 alone.
     */
    @Test
    void aCorrelatedGateFallsShortAsItsTransferOperatorSays() {
        double[][] lnM = FiniteSample.correlated(0, 0.55, 0.51, Activation.SIGMOID, true, 50);
        double expectation = 0.5 * lnM[49][lnM[49].length - 1] / Math.log(10);
        assertThat(expectation).isCloseTo(-10.87, within(0.05));
        double shortfall = 0.5 * FiniteSample.renewals(lnM, 0, 512)[49] / Math.log(10);
        assertThat(shortfall).isCloseTo(-11.91 + 10.87, within(0.05));
        double independent = FiniteSample.renewal(FiniteSample.cumulants(0, 0.55, Activation.SIGMOID, true), 0, 50, 512);
        assertThat(0.5 * independent / Math.log(10)).isCloseTo(-0.23, within(0.05));
    }

    /** A sample as large as the gates' spread needs, or a constant gate, reaches the expectation. */
    @Test
    void aRichSampleOrAConstantGateHasNoShortfall() {
        double[] spread = FiniteSample.cumulants(0, 2, Activation.SIGMOID, false);
        assertThat(FiniteSample.renewal(spread, 0, 100, 1e300)).isCloseTo(0, within(0.05));
        double[] constant = FiniteSample.cumulants(0.5, 0, Activation.SIGMOID, false);
        assertThat(FiniteSample.renewal(constant, 0, 100, 16)).isCloseTo(0, within(1e-9));
        // jumps through the recurrent kernel far larger than the gate: the stretches are short
        assertThat(FiniteSample.renewal(spread, 10, 100, 16)).isCloseTo(0, within(0.05));
    }

    /**
     * The single GRU with a He input kernel and an N(0, 0.01) recurrent kernel (the evaluation's
     * gru-tanh-d1-t100-w64-he_normal-normal0.01-2: DL4J -27.64, NumPy over 16 networks -27.63 +-
     * 0.63; its expectation, mean field's walk, -24.6): its figure pools 64 units x the batch, and
     * the more examples the nearer it comes to the expectation.
     */
    @Test
    void aGruWhoseGateSpreadsFallsAsOneBatchMeasuresIt() throws Exception {
        double batch16 = gruThroughTime(16);
        assertThat(batch16).isCloseTo(-27.6, within(1.0));
        assertThat(gruThroughTime(4096)).isGreaterThan(batch16 + 0.5);
    }

    private static double gruThroughTime(int batch) throws Exception {
        String json = """
                {"class_name": "Sequential", "keras_version": "2.12.0", "backend": "tensorflow",
                 "config": {"name": "m", "layers": [
                  {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 100, 16]}},
                  {"class_name": "GRU", "config": {"name": "gru", "units": 64, "activation": "tanh",
                   "recurrent_activation": "sigmoid", "return_sequences": false, "use_bias": true,
                   "reset_after": true, "kernel_initializer": %s, "recurrent_initializer": %s,
                   "bias_initializer": {"class_name": "Zeros", "config": {}}}},
                  {"class_name": "Dense", "config": {"name": "out", "units": 5, "activation": "softmax"}}]}}"""
                .formatted(HE, SMALL);
        ModelGraph g = ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
        GradientAnalysis a = SignalPropagation.analyse(g, SignalPropagation.Options.DEFAULT.withBatch(batch));
        return a.layers().stream().filter(p -> p.name().equals("gru")).findFirst().orElseThrow().time().decades();
    }
}
