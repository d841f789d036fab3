package io.gradflow.rules.exploding;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.analysis.Verdict;
import io.gradflow.cli.Linter;
import io.gradflow.ingest.dsl.DslReader;
import io.gradflow.rules.RuleConfig;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Severity;
import org.junit.jupiter.api.Test;

/**
 * GF011's severity: a weight-gradient ratio past the threshold is an error, except in a residual
 * network whose every weighted layer feeds a normalisation (ResNet's design), where SGD damps the
 * layers with large gradients itself; a plain normalised stack keeps the error.
 */
class ExplodingGradientTest {

    private static String residual(int blocks, boolean oneUnnormalisedLayer) {
        return """
                model res_bn
                input 64
                defaults { init he  bias 0 }
                dense 64 activation identity
                %s
                activation relu
                repeat %d {
                  residual {
                    dense 64 activation identity
                    batchnorm
                    activation relu
                    dense 64 activation identity
                    batchnorm
                  }
                  activation relu
                }
                output 10 softmax loss mcxent init xavier
                """.formatted(oneUnnormalisedLayer ? "" : "batchnorm", blocks);
    }

    private static String plain(int layers) {
        return """
                model plain_bn
                input 64
                defaults { init he  bias 0 }
                repeat %d {
                  dense 64 activation identity
                  batchnorm
                  activation relu
                }
                output 10 softmax loss mcxent init xavier
                """.formatted(layers);
    }

    private static ModelResult lint(String dsl) throws Exception {
        return new Linter(RuleConfig.DEFAULT).analyse(DslReader.read("test.gflow", dsl));
    }

    private static Finding gf011(ModelResult r) {
        return r.findings().stream().filter(f -> f.rule().equals("GF011")).findFirst().orElseThrow();
    }

    @Test
    void normalisedResidualNetworkPastTheRatioIsAWarning() throws Exception {
        ModelResult r = lint(residual(128, false));
        assertThat(r.analysis().verdict()).isEqualTo(Verdict.EXPLODING);
        assertThat(r.analysis().firstToLastDecades()).isGreaterThan(3);
        Finding f = gf011(r);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("residual");
    }

    @Test
    void residualNetworkWithOneUnnormalisedLayerKeepsTheError() throws Exception {
        ModelResult r = lint(residual(128, true));
        assertThat(r.analysis().verdict()).isEqualTo(Verdict.EXPLODING);
        assertThat(gf011(r).severity()).isEqualTo(Severity.ERROR);
    }

    @Test
    void plainNormalisedStackKeepsTheError() throws Exception {
        ModelResult r = lint(plain(40));
        assertThat(r.analysis().verdict()).isEqualTo(Verdict.EXPLODING);
        assertThat(r.analysis().firstToLastDecades()).isGreaterThan(3);
        assertThat(gf011(r).severity()).isEqualTo(Severity.ERROR);
    }
}
