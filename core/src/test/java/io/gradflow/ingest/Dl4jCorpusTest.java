package io.gradflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.analysis.Verdict;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every DL4J file in ../shared/corpus/dl4j-json reads, with facts checked per file. Skipped,
 * visibly, where the corpus is absent.
 */
class Dl4jCorpusTest {

    static final Path DIR = Path.of("..", "shared", "corpus", "dl4j-json");

    @BeforeAll
    static void corpusPresent() {
        assumeTrue(Files.isDirectory(DIR), "../shared/corpus is absent: corpus suite skipped");
    }

    static ModelGraph read(String name) throws Exception {
        return ModelLoader.load(DIR.resolve(name), name);
    }

    static long count(ModelGraph g, LayerKind k) {
        return g.nodes().stream().filter(n -> n.kind() == k).count();
    }

    @Test
    void legacy050MlpReadsItsDistributionAndLeakyRelu() throws Exception {
        ModelGraph g = read("dl4j-0.5.0_MLP_2_leakyrelu_regression.configuration.json");
        assertThat(g.layerCount()).isEqualTo(2);
        Node dense = g.node("0");
        assertThat(dense.activation().fn()).isEqualTo(io.gradflow.model.activation.Activations.LEAKYRELU);
        assertThat(dense.weightInit().dist().mean()).isEqualTo(0.1);
        assertThat(dense.weightInit().dist().variance()).isCloseTo(1.44, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(dense.updater().name()).isEqualTo("RMSPROP");
        assertThat(dense.dropRate()).isCloseTo(0.4, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(g.node("1").loss()).isEqualTo("MSE");
    }

    @Test
    void legacyCnnIgnoresTheSubsamplingLayersUnappliedActivation() throws Exception {
        ModelGraph g = read("dl4j-0.5.0_CNN_1.configuration.json");
        assertThat(g.layerCount()).isEqualTo(3);
        assertThat(g.node("1").kind()).isEqualTo(LayerKind.POOLING);
        assertThat(g.node("1").activation()).isNull();
        assertThat(g.node("0").pos().line()).isEqualTo(15);
        // the output's nIn (3 x 26 x 26) gives the spatial sizes back to the input
        assertThat(g.shape("input").spatial()).containsExactly(28, 28);
    }

    @Test
    void legacyGraphWithBidirectionalGravesLstm() throws Exception {
        ModelGraph g = read("dl4j-0.6.0_CG_LSTM_1.configuration.json");
        assertThat(g.layerCount()).isEqualTo(3);
        assertThat(g.node("1").type()).isEqualTo("GravesBidirectionalLSTM");
        assertThat(g.node("1").activation().fn()).isEqualTo(io.gradflow.model.activation.Activations.SOFTSIGN);
        assertThat(g.node("1").gradientNormalization().name()).isEqualTo("ClipElementWiseAbsoluteValue");
        assertThat(g.node("2").inputs()).containsExactly("1");
    }

    @Test
    void legacyFrozenResNet50ReadsEveryVertexAndNoBatchNormActivation() throws Exception {
        ModelGraph g = read("dl4j-0.9.x_legacy_frozen_resnet50.configuration.json");
        assertThat(count(g, LayerKind.ELEMENTWISE)).isEqualTo(16);
        assertThat(count(g, LayerKind.BATCH_NORM)).isEqualTo(53);
        assertThat(g.nodes().stream().filter(n -> n.kind() == LayerKind.BATCH_NORM)
                .allMatch(n -> n.activation() == null && n.frozen())).isTrue();
        assertThat(g.outputs()).containsExactly("fc1000");
    }

    @Test
    void irisModelIsHealthy() throws Exception {
        ModelGraph g = read("dl4j-0.9.x_examples_trained_iris_model.configuration.json");
        GradientAnalysis a = SignalPropagation.analyse(g);
        assertThat(g.layerCount()).isEqualTo(3);
        assertThat(a.verdict()).isEqualTo(Verdict.HEALTHY);
    }

    @Test
    void lenetGetsItsSpatialSizesFromPreprocessors() throws Exception {
        ModelGraph g = read("dl4j-1.0.0-SNAPSHOT-2020-04_it_LenetMnist.config.mlc.json");
        assertThat(g.shape("layer0").spatial()).containsExactly(24, 24);
        assertThat(g.shape("layer3").spatial()).containsExactly(4, 4);
        assertThat(g.node("layer4").nIn()).isEqualTo(800);
    }

    @Test
    void mlpMnistReadsAStringNaNLearningRateAsScheduled() throws Exception {
        ModelGraph g = read("dl4j-1.0.0-SNAPSHOT-2020-04_it_MLPMnist.config.mlc.json");
        assertThat(g.node("layer0").updater().name()).isEqualTo("Adam");
        assertThat(g.node("layer0").updater().learningRate()).isNaN();
    }

    @Test
    void rnnCharacterUsesTheTruncatedBpttLength() throws Exception {
        ModelGraph g = read("dl4j-1.0.0-SNAPSHOT-2020-04_it_RnnCharacter.config.mlc.json");
        assertThat(g.node("layer0").kind()).isEqualTo(LayerKind.LSTM);
        assertThat(g.node("layer0").timeSteps()).isEqualTo(50);
    }

    @Test
    void cnn1dGraphAndCnn3dRead() throws Exception {
        assertThat(read("dl4j-1.0.0-SNAPSHOT-2020-04_it_CNN1dCharacter.config.cgc.json").layerCount()).isEqualTo(5);
        ModelGraph g3 = read("dl4j-1.0.0-SNAPSHOT-2020-04_it_Cnn3dSynthetic.config.mlc.json");
        assertThat(g3.node("layer0").dims()).isEqualTo(3);
        assertThat(g3.node("layer2").nIn()).isEqualTo(64);
    }

    @Test
    void modelZipReadsItsConfigurationWithoutTheWeights() throws Exception {
        ModelGraph g = read("dl4j-1.0.0-SNAPSHOT-2020-04_it_MLPMoon_model.zip");
        assertThat(g.layerCount()).isEqualTo(2);
        assertThat(g.node("layer0").pos().line()).isZero();
        assertThat(g.node("layer0").pos().pointer()).startsWith("configuration.json#/confs/0");
    }

    @Test
    void vaeIsOpaqueAndCustomLayerToo() throws Exception {
        assertThat(read("dl4j-1.0.0-SNAPSHOT-2020-04_it_VAEMnistAnomaly.config.mlc.json").node("layer0").kind())
                .isEqualTo(LayerKind.OPAQUE);
        ModelGraph custom = read("dl4j-1.0.0-beta6_CustomLayerExample_half.configuration.json");
        assertThat(custom.node("layer1").kind()).isEqualTo(LayerKind.OPAQUE);
        assertThat(custom.meta()).containsEntry("dataType", "HALF");
    }

    @Test
    void syntheticCnnReadsEveryLayerType() throws Exception {
        ModelGraph g = read("dl4j-1.0.0-beta4_SyntheticCNN.configuration.json");
        assertThat(g.layerCount()).isEqualTo(10);
        assertThat(g.node("layer1").kind()).isEqualTo(LayerKind.SEPARABLE_CONV);
        assertThat(g.node("layer5").kind()).isEqualTo(LayerKind.DEPTHWISE_CONV);
        assertThat(g.node("layer9").kind()).isEqualTo(LayerKind.LOSS);
    }

    @Test
    void bidirectionalGraphConcatenatesBothDirections() throws Exception {
        ModelGraph g = read("dl4j-1.0.0-beta6_SyntheticBidirectionalRNNGraph.configuration.json");
        assertThat(g.node("rnn1").kind()).isEqualTo(LayerKind.BIDIRECTIONAL);
        assertThat(g.node("rnn1").nOut()).isEqualTo(32);
        assertThat(g.shape("concat").size()).isEqualTo(64);
        assertThat(g.node("concat").inputs()).containsExactly("rnn1", "rnn2");
    }
}
