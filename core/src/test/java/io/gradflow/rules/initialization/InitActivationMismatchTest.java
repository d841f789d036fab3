package io.gradflow.rules.initialization;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.cli.Linter;
import io.gradflow.ingest.dsl.DslReader;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.RuleConfig;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: a Glorot layer under ReLU whose every path reaches a normalisation through linear
 * layers and residual additions (a transformer's input projection from a few features) shrinks its
 * branch once, and the normalisation undoes it; the same layer with no normalisation after it
 * still gets GF002.
 */
class InitActivationMismatchTest {

    private static String model(boolean norm) {
        return """
                model projection
                input 2
                dense 256 activation relu init xavier
                residual {
                  dense 256 activation identity init xavier
                }
                %s
                output 10 softmax loss mcxent init xavier
                """.formatted(norm ? "layernorm" : "dense 256 activation relu init xavier");
    }

    private static ModelResult lint(String dsl) throws Exception {
        return new Linter(RuleConfig.DEFAULT).analyse(DslReader.read("test.gflow", dsl));
    }

    @Test
    void aNormalisationAfterTheResidualAdditionResetsTheScale() throws Exception {
        assertThat(lint(model(true)).findings()).noneMatch(f -> f.rule().equals("GF002"));
    }

    @Test
    void withoutTheNormalisationTheMismatchIsReported() throws Exception {
        assertThat(lint(model(false)).findings()).anyMatch(f -> f.rule().equals("GF002"));
    }
}
