package io.gradflow.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.ingest.dsl.DslReader;
import io.gradflow.model.ModelGraph;
import org.junit.jupiter.api.Test;

/** Parameter counts as Deeplearning4j counts them, and the bytes training needs. */
class MemoryEstimateTest {

    private static MemoryEstimate of(String dsl) throws Exception {
        ModelGraph g = DslReader.read("m.gflow", dsl);
        return MemoryEstimate.of(g);
    }

    @Test
    void anMlpCountsItsMatricesAndBiases() throws Exception {
        MemoryEstimate m = of("input 784\ndense 100 activation relu init he\noutput 10\n");
        assertThat(m.parameters()).isEqualTo(784 * 100 + 100 + 100 * 10 + 10);
        // 784 inputs, 100 hidden, 10 out
        assertThat(m.activationsPerExample()).isEqualTo(784 + 100 + 10);
        assertThat(m.bytesPerValue()).isEqualTo(4);
        assertThat(m.complete()).isTrue();
    }

    @Test
    void convolutionsBatchNormAndRecurrentLayersCountAsDl4jDoes() throws Exception {
        MemoryEstimate conv = of("input 3x32x32\nconv 3x3 16 activation relu init he\nbatchnorm\nglobalpool avg\n"
                + "output 10\n");
        // kernel 3*3*3*16 + bias 16; batch norm: scale, shift, mean and variance per channel
        assertThat(conv.parameters()).isEqualTo(3 * 3 * 3 * 16 + 16 + 4 * 16 + 16 * 10 + 10);
        MemoryEstimate lstm = of("input 10 x 20 steps\nlstm 32 last\noutput 5\n");
        assertThat(lstm.parameters()).isEqualTo(4 * (10 * 32 + 32 * 32 + 32) + 32 * 5 + 5);
    }

    @Test
    void aHugeDenseLayerIsCountedWithoutOverflowAndNeedsGigabytes() throws Exception {
        // the issue's `input 16 / dense 10000000 / output 10`: 270 million parameters
        MemoryEstimate m = of("input 16\ndense 10000000\noutput 10\n");
        assertThat(m.parameters()).isEqualTo(16.0 * 1e7 + 1e7 + 1e7 * 10 + 10);
        // weights, gradients and Adam's two moments in float, and a batch of 32's activations twice
        double need = m.trainingBytes(32, 2);
        assertThat(need).isCloseTo(m.parameters() * 4 * 4 + 2 * 32 * (16 + 1e7 + 10) * 4, within(1.0));
        assertThat(need).isGreaterThan(4e9);
        assertThat(MemoryEstimate.bytes(need)).isEqualTo("6.4 GiB");
    }

    @Test
    void updatersKeepTheirOwnNumberOfArrays() {
        assertThat(MemoryEstimate.updaterStates("Sgd")).isZero();
        assertThat(MemoryEstimate.updaterStates("Nesterovs")).isEqualTo(1);
        assertThat(MemoryEstimate.updaterStates("Adam")).isEqualTo(2);
        assertThat(MemoryEstimate.updaterStates((String) null)).isEqualTo(2);
    }
}
