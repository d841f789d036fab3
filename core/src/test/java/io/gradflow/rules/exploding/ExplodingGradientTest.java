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
 * What exploding means where the first layer feeds a normalisation (docs/theory.md section 10):
 * its loss does not depend on its weights' scale, SGD tunes its effective step, and a weight-gradient
 * ratio past the threshold is not an explosion; a first layer that does not feed normalisation
 * keeps the error, and a vanishing relative update still vanishes.
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
    void normalisedResidualNetworkPastTheRatioIsHealthy() throws Exception {
        ModelResult r = lint(residual(128, false));
        assertThat(r.analysis().firstToLastDecades()).isGreaterThan(3);
        assertThat(r.analysis().trainability().selfTuning()).isTrue();
        assertThat(r.analysis().verdict()).isEqualTo(Verdict.HEALTHY);
        assertThat(r.findings()).noneMatch(f -> f.severity() == Severity.ERROR);
    }

    @Test
    void residualNetworkWhoseFirstLayerIsNotNormalisedKeepsTheError() throws Exception {
        ModelResult r = lint(residual(128, true));
        assertThat(r.analysis().trainability().selfTuning()).isFalse();
        assertThat(r.analysis().verdict()).isEqualTo(Verdict.EXPLODING);
        assertThat(gf011(r).severity()).isEqualTo(Severity.ERROR);
    }

    @Test
    void plainNormalisedStackTunesItsFirstLayer() throws Exception {
        ModelResult r = lint(plain(40));
        assertThat(r.analysis().firstToLastDecades()).isGreaterThan(3);
        assertThat(r.analysis().verdict()).isEqualTo(Verdict.HEALTHY);
        assertThat(r.findings()).noneMatch(f -> f.rule().equals("GF011"));
    }

    @Test
    void theScaleInvariantLayersAreThoseThatFeedOnlyNormalisation() throws Exception {
        ModelResult r = lint(residual(2, true));
        // the first layer feeds a ReLU and a residual add; every branch layer feeds batch norm
        assertThat(r.analysis().trainability().scaleInvariant()).doesNotContain("dense_0")
                .contains("dense_1", "dense_2", "dense_3", "dense_4");
    }

    @Test
    void aNormalisedFirstLayerWhoseRelativeUpdateIsTinyStillVanishes() throws Exception {
        // N(0, 1000) weights before batch norm: the loss ignores their scale, the gradient is
        // 1000 times smaller, and one learning rate moves these weights 10^-6.8 as much as the last
        ModelResult r = lint("""
                model v
                input 64
                defaults { init he  bias 0 }
                dense 64 activation identity init normal(0, 1000)
                batchnorm
                activation relu
                repeat 8 {
                  dense 64 activation identity
                  batchnorm
                  activation relu
                }
                output 10 softmax loss mcxent init xavier
                """);
        assertThat(r.analysis().trainability().selfTuning()).isTrue();
        assertThat(r.analysis().firstToLastUpdateDecades()).isLessThan(-6);
        assertThat(r.analysis().verdict()).isEqualTo(Verdict.VANISHING);
        assertThat(r.findings()).anyMatch(f -> f.rule().equals("GF010") && f.message().contains("relative to their "
                + "weights"));
    }
}
