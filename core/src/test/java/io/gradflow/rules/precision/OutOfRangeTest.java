package io.gradflow.rules.precision;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.analysis.NumericRange;
import io.gradflow.analysis.Verdict;
import io.gradflow.cli.Linter;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.Severity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * GF014 on a sigmoid stack whose gradient shrinks towards the input, in Keras's float16 formats:
 * the loss scale it advises, and the severity that follows from what the framework does about it.
 */
class OutOfRangeTest {

    /** {@code depth} Xavier sigmoid layers of width 64 under one Keras dtype policy. */
    private static ModelResult sigmoidStack(int depth, String policy) throws Exception {
        StringBuilder b = new StringBuilder("{\"class_name\": \"Sequential\", \"keras_version\": \"2.4.0\", "
                + "\"config\": {\"name\": \"m\", \"layers\": [");
        String dtype = "{\"class_name\": \"Policy\", \"config\": {\"name\": \"" + policy + "\"}}";
        for (int i = 1; i <= depth; i++) {
            b.append(String.format(Locale.ROOT, "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense_%d\", "
                    + "\"units\": 64, \"activation\": \"sigmoid\", \"dtype\": %s, \"kernel_initializer\": "
                    + "{\"class_name\": \"GlorotUniform\", \"config\": {}}%s}}, ", i, dtype,
                    i == 1 ? ", \"batch_input_shape\": [null, 64]" : ""));
        }
        b.append("{\"class_name\": \"Dense\", \"config\": {\"name\": \"out\", \"units\": 10, \"activation\": "
                + "\"softmax\", \"dtype\": ").append(dtype).append("}}]}}");
        return new Linter(RuleConfig.DEFAULT).analyse(
                ModelLoader.loadJson("m.json", b.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Finding> gf014(ModelResult r) {
        return r.findings().stream().filter(f -> f.rule().equals("GF014")).toList();
    }

    @Test
    void dynamicLossScalingThatReachesTheScaleMakesItInformation() throws Exception {
        ModelResult r = sigmoidStack(10, "mixed_float16");
        List<Finding> f = gf014(r);
        assertThat(f).hasSize(1);
        assertThat(f.get(0).severity()).isEqualTo(Severity.INFO);
        assertThat(f.get(0).layer()).isEqualTo("dense_1");
        assertThat(f.get(0).message()).contains("loss scale of 2^13").contains("dynamic loss scaling");
        NumericRange.LossScale s = r.analysis().range().lossScale();
        assertThat(s.fits()).isTrue();
        assertThat(s.advisedLog2()).isEqualTo(13);
        // the framework finds the scale: the gradients' range does not change the verdict
        assertThat(r.analysis().verdict()).isEqualTo(Verdict.VANISHING);
        assertThat(r.analysis().range().gradients()).isNotEmpty();
    }

    @Test
    void aScaleAboveDynamicScalingsStartIsAWarning() throws Exception {
        Finding f = gf014(sigmoidStack(12, "mixed_float16")).get(0);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("loss scale of 2^17").contains("after about 4000 steps");
        assertThat(f.fix()).contains("initial_scale=2**17");
    }

    @Test
    void withoutLossScalingTheSameModelIsAnError() throws Exception {
        Finding f = gf014(sigmoidStack(10, "float16")).get(0);
        assertThat(f.severity()).isEqualTo(Severity.ERROR);
        assertThat(f.message()).contains("loss scale of 2^13");
        assertThat(f.fix()).contains("multiply the loss by 2^13");
    }

    @Test
    void whenNoScaleFitsItSaysSo() throws Exception {
        ModelResult r = sigmoidStack(14, "mixed_float16");
        Finding f = gf014(r).get(0);
        assertThat(f.severity()).isEqualTo(Severity.ERROR);
        assertThat(f.message()).contains("no loss scale brings every gradient into range");
        assertThat(r.analysis().range().lossScale().fits()).isFalse();
    }

    @Test
    void float32HoldsWhatFloat16Loses() throws Exception {
        assertThat(gf014(sigmoidStack(10, "float32"))).isEmpty();
        assertThat(gf014(sigmoidStack(10, "mixed_bfloat16"))).isEmpty();
    }
}
