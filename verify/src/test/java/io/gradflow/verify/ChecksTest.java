package io.gradflow.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.Thresholds;
import io.gradflow.analysis.Verdict;
import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A finding is confirmed only when the measured number moves the way it claims by at least half
 * the claimed decades, contradicted when it moves the other way, unchecked otherwise; a NaN is
 * reported where it appeared. The measurements here are made up: the checks are pure arithmetic.
 */
class ChecksTest {

    private static ModelResult lint;
    private static Finding gf001;

    @BeforeAll
    static void readTheSigmoidStack() throws Exception {
        Path f = Path.of("fixtures/examples/sigmoid-mlp-20.json");
        ModelGraph g = ModelLoader.load(f, f.toString());
        lint = Pipeline.check(g, RuleConfig.DEFAULT);
        gf001 = lint.findings().stream().filter(x -> x.rule().equals("GF001")).findFirst().orElseThrow();
    }

    /** A measurement whose output gradient falls {@code decades} from 'dense_0' to 'dense_19'. */
    private static Measurement measured(double decades, boolean nan) {
        List<LayerMeasurement> layers = new ArrayList<>();
        GradientAnalysis a = lint.analysis();
        for (var p : a.layers()) {
            String n = p.name();
            double g = n.equals("dense_0") ? Math.pow(10, decades) : 1;
            // the NaN appears at dense_7 and its gradient carries it back to dense_0
            boolean broken = nan && (n.equals("dense_7") || n.equals("dense_0"));
            layers.add(new LayerMeasurement(n, g, 1, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, broken,
                    n.equals("dense_0") && nan ? Double.NaN : g, Double.NaN));
        }
        return new Measurement(nan ? Verdict.UNKNOWN : Verdict.VANISHING, decades, 0, 0, layers,
                nan ? "dense_7" : null);
    }

    private static VerifyReport.Check check(Measurement m) {
        return Checks.check(gf001, lint.analysis(), m, Thresholds.DEFAULT);
    }

    @Test
    void aFindingIsConfirmedWhenTheGradientFallsTheClaimedWayByHalfTheClaimOrMore() {
        assertThat(gf001.span().decades()).isLessThan(-10);
        VerifyReport.Check c = check(measured(gf001.span().decades() * 0.6, false));
        assertThat(c.status()).isEqualTo(Checks.Status.CONFIRMED);
        assertThat(c.evidence()).contains("gradient across 'dense_0'..'dense_19'").contains("predicted -12");
    }

    @Test
    void aGrowingGradientContradictsAFindingThatClaimsItShrinks() {
        // the old check confirmed any measurement that was not healthy, whichever way it moved
        VerifyReport.Check c = check(measured(+2.8, false));
        assertThat(c.status()).isEqualTo(Checks.Status.CONTRADICTED);
        assertThat(c.evidence()).contains("measured +2.80").contains("the other way");
    }

    @Test
    void lessThanHalfTheClaimedChangeIsNeitherConfirmationNorContradiction() {
        VerifyReport.Check c = check(measured(-2.0, false));
        assertThat(c.status()).isEqualTo(Checks.Status.UNCHECKED);
        assertThat(c.evidence()).contains("less than 50% of the claimed change");
    }

    @Test
    void aNanIsReportedWithTheLayerWhereItAppearedNotReadAsAVerdict() {
        VerifyReport.Check c = check(measured(-11, true));
        assertThat(c.status()).isEqualTo(Checks.Status.UNCHECKED);
        assertThat(c.evidence()).contains("no finite number").contains("first at layer 'dense_7'");
    }
}
