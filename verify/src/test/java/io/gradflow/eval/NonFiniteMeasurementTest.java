package io.gradflow.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.analysis.Thresholds;
import io.gradflow.analysis.Verdict;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.ModelGraph;
import io.gradflow.testing.Dl4jConfigs;
import io.gradflow.testing.Dl4jConfigs.Spec;
import io.gradflow.verify.Dl4jNet;
import io.gradflow.verify.LayerMeasurement;
import io.gradflow.verify.Measurement;
import io.gradflow.verify.Measurer;
import io.gradflow.verify.NetworkBuilder;
import io.gradflow.verify.SyntheticData;
import java.nio.charset.StandardCharsets;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Issue 13's NaN: the swish MLP under SIGMOID_UNIFORM measures finite and healthy; a NaN that a
 * network really produces is still reported, with the layer where it appeared, and the evaluation
 * still counts it as exploding.
 */
class NonFiniteMeasurementTest {

    private static final String SWISH = "mlp-swish-SIGMOID_UNIFORM-d4";

    @Test
    void theSwishMlpUnderSigmoidUniformMeasuresFiniteAndHealthyAsPredicted() throws Exception {
        Evaluation.Case c = familyCase(SWISH);
        for (long seed : new long[] {7, 1007}) {
            Measurement m = measure(c.spec(), NetworkBuilder.fromJson(Dl4jConfigs.json(c.spec()), seed), seed);
            assertThat(m.nonFiniteAt()).as("seed %d", seed).isNull();
            assertThat(m.layers()).noneMatch(LayerMeasurement::nonFinite);
        }
        Evaluation.Row r = Evaluation.evaluate(c, 7);
        assertThat(r.measured()).isTrue();
        assertThat(r.meas()).isEqualTo(Verdict.HEALTHY).isEqualTo(r.pred());
    }

    @Test
    void dl4jsOwnSwishStillOverflowsAndTheNaNIsPlacedAtTheLayerWhoseBackwardPassMadeIt() throws Exception {
        // the same network with DL4J's swish left in: its slope is NaN where dense_3's input passes
        // 354.9 (seed 7's second batch), and the NaN flows from there toward the input
        Evaluation.Case c = familyCase(SWISH);
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(Dl4jConfigs.json(c.spec()));
        conf.getConfs().forEach(l -> l.setSeed(7));
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Measurement m = measure(c.spec(), net, 7);
        assertThat(m.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(m.nonFiniteAt()).isEqualTo("dense_3");
        assertThat(m.layer("output").nonFinite()).isFalse();
        assertThat(Evaluation.overflowed(m)).isTrue();
    }

    @Test
    void aNetworkWhoseSignalOverflowsIsReportedAtTheFirstInfiniteLayerAndEvaluatedExploding() throws Exception {
        // cube with N(0, 1) weights at width 64: the signal grows as (8 x)^3 a layer, past 1e308 by the fifth
        Spec s = Spec.mlp(8, 64, Activation.CUBE, Dl4jConfigs.init(new NormalDistribution(0, 1))).inDouble();
        Measurement m = measure(s, NetworkBuilder.fromJson(Dl4jConfigs.json(s), 7), 7);
        assertThat(m.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(m.nonFiniteAt()).isNotNull().startsWith("dense_");
        LayerMeasurement at = m.layer(m.nonFiniteAt());
        assertThat(at.nonFinite()).isTrue();
        for (LayerMeasurement l : m.layers().subList(0, m.layers().indexOf(at))) {
            assertThat(l.activationRms()).as("output of %s, before the overflow", l.layer()).isFinite();
        }
        assertThat(Evaluation.overflowed(m)).isTrue();
        Evaluation.Row r = Evaluation.evaluate(new Evaluation.Case("mlp-cube-N(0;1)-d8", s, "N(0;1)"), 7);
        assertThat(r.meas()).isEqualTo(Verdict.EXPLODING);
        assertThat(r.measured()).isFalse();
    }

    private static Evaluation.Case familyCase(String id) {
        return Evaluation.family(7, Integer.MAX_VALUE).stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow();
    }

    private static Measurement measure(Spec s, Object net, long seed) throws Exception {
        String json = Dl4jConfigs.json(s);
        ModelGraph g = ModelLoader.loadJson("case.json", json.getBytes(StandardCharsets.UTF_8));
        GradientAnalysis a = SignalPropagation.analyse(g, SignalPropagation.Options.DEFAULT.withBatch(Evaluation.BATCH));
        Nd4j.getRandom().setSeed(seed);
        Measurer m = new Measurer(g, a, new SyntheticData(g, s.doubles() ? DataType.DOUBLE : DataType.FLOAT),
                Thresholds.DEFAULT);
        return m.measure(Dl4jNet.of(net, g), Evaluation.BATCHES, Evaluation.BATCH, 0);
    }
}
