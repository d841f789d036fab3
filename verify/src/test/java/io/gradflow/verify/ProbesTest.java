package io.gradflow.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.analysis.Verdict;
import io.gradflow.rules.RuleConfig;
import io.gradflow.testing.Dl4jConfigs;
import io.gradflow.testing.Dl4jConfigs.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;

/** The probes on the layers' backward passes measure without changing what DL4J computes. */
class ProbesTest {

    @Test
    void aSoftmaxOutputKeepsItsLossesStableGradientSoASaturatedProbabilityGivesNoNaN(@TempDir Path dir)
            throws Exception {
        // issue 13's swish MLP: its logits lie hundreds apart, so some probabilities round to 0; behind a
        // probe the cross-entropy loss divided by them (NaN from the output layer down, every batch)
        Spec s = new Spec(false, 4, 64, Activation.SWISH, Dl4jConfigs.init(WeightInit.SIGMOID_UNIFORM), false, false,
                0, 64, true);
        Path file = Files.writeString(dir.resolve("swish.json"), Dl4jConfigs.json(s));
        Verifier.Options o = new Verifier.Options(0, 24, 42, 4, 0, false, Verifier.Options.DEFAULT.timeSteps());
        Measurement m = new Verifier(o, Progress.NONE).verify(file, file.toString(), RuleConfig.DEFAULT).atInit();
        assertThat(m.nonFiniteAt()).isNull();
        assertThat(m.verdict()).isEqualTo(Verdict.HEALTHY);
        // the hidden layers' probes still read the gradient at their outputs; the softmax output has none
        assertThat(m.layer("dense_0").gradientRms()).isFinite().isPositive();
        assertThat(m.layer("dense_3").gradientRms()).isFinite().isPositive();
        assertThat(m.layer("output").gradientRms()).isNaN();
    }
}
