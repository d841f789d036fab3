package io.gradflow.ingest.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
import io.gradflow.model.Distribution;
import io.gradflow.model.Format;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the DSL means: the graph each construct builds, as the analysis and the converter read it. */
class DslReaderTest {

    static ModelGraph read(String text) throws ReadException {
        return DslReader.read("m.gflow", text);
    }

    static List<String> names(ModelGraph g) {
        return g.nodes().stream().map(Node::name).toList();
    }

    @Test
    void repeatExpandsIntoNumberedLayersThatPointAtTheLineInsideTheBody() throws ReadException {
        ModelGraph g = read("""
                model deep_sigmoid
                input 64
                defaults { activation sigmoid  init xavier  bias 0 }
                repeat 3 {
                  dense 64
                }
                output 10 softmax loss mcxent
                """);
        assertThat(g.name()).isEqualTo("deep_sigmoid");
        assertThat(g.format()).isEqualTo(Format.GRADFLOW_DSL);
        assertThat(names(g)).containsExactly("input", "dense_0", "dense_1", "dense_2", "output");
        assertThat(g.outputs()).containsExactly("output");
        Node d1 = g.node("dense_1");
        assertThat(d1.inputs()).containsExactly("dense_0");
        assertThat(d1.pos().line()).isEqualTo(5);
        assertThat(d1.pos().column()).isEqualTo(3);
        assertThat(d1.pos().pointer()).isEqualTo("dense_1");
        assertThat(d1.nIn()).isEqualTo(64);
        assertThat(d1.activation().fn()).isEqualTo(Activations.SIGMOID);
        assertThat(d1.weightInit().variance(64, 64, 128)).isCloseTo(1.0 / 64, within(1e-12));
        Node out = g.node("output");
        assertThat(out.kind()).isEqualTo(LayerKind.OUTPUT);
        assertThat(out.activation().fn()).isEqualTo(Activations.SOFTMAX);
        assertThat(out.loss()).isEqualTo("MCXENT");
        assertThat(g.shape("output")).isEqualTo(TensorShape.ff(10));
    }

    @Test
    void withoutDefaultsLayersGetDl4jsDefaultsAndTheModelIsNamedAfterItsFile() throws ReadException {
        ModelGraph g = DslReader.read("dir/tiny-net.gflow", "input 4\ndense 8\noutput 2\n");
        assertThat(g.name()).isEqualTo("tiny-net");
        Node d = g.node("dense_0");
        assertThat(d.activation().fn()).isEqualTo(Activations.SIGMOID);
        assertThat(d.weightInit().name()).isEqualTo("xavier");
        assertThat(d.hasBias()).isTrue();
        assertThat(d.biasInit()).isZero();
        assertThat(d.updater()).isEqualTo(new Node.Updater("Sgd", 1e-3));
        assertThat(g.node("output").activation().fn()).isEqualTo(Activations.SOFTMAX);
    }

    @Test
    void perLayerOptionsOverrideTheDefaults() throws ReadException {
        ModelGraph g = read("""
                input 32
                defaults { activation tanh init xavier bias 0 updater adam(0.01) }
                dense 64 activation relu init he bias 0.1 dropout 0.2 as encoder
                dense 64 activation leakyrelu(0.2) init normal(0, 0.01) bias none layernorm
                output 3 sigmoid loss xent init lecun_uniform
                """);
        Node e = g.node("encoder");
        assertThat(e.activation().fn()).isEqualTo(Activations.RELU);
        assertThat(e.weightInit().c()).isEqualTo(2);
        assertThat(e.weightInit().fan()).isEqualTo(WeightInit.Fan.IN);
        assertThat(e.biasInit()).isEqualTo(0.1);
        assertThat(e.dropRate()).isEqualTo(0.2);
        assertThat(e.updater()).isEqualTo(new Node.Updater("Adam", 0.01));
        Node d = g.node("dense_0");
        assertThat(d.activation().alpha()).isEqualTo(0.2);
        assertThat(d.weightInit().dist()).isEqualTo(Distribution.normal(0, 0.01));
        assertThat(d.hasBias()).isFalse();
        assertThat(d.layerNorm()).isTrue();
        Node out = g.node("output");
        assertThat(out.loss()).isEqualTo("BinaryXENT");
        // LeCun's uniform init has the variance of LeCun normal: 1/fanIn, not DL4J's 3/fanIn
        assertThat(out.weightInit().variance(64, 3, 67)).isCloseTo(1.0 / 64, within(1e-12));
    }

    @Test
    void everyInitialiserHasTheVarianceItsPaperGives() throws ReadException {
        Map<String, Double> varianceAt64x64 = Map.ofEntries(
                Map.entry("xavier", 1.0 / 64), Map.entry("xavier_uniform", 1.0 / 64),
                Map.entry("glorot_uniform", 1.0 / 64), Map.entry("he", 2.0 / 64), Map.entry("he_uniform", 2.0 / 64),
                Map.entry("lecun", 1.0 / 64), Map.entry("lecun_uniform", 1.0 / 64),
                Map.entry("normal(0, 0.5)", 0.25), Map.entry("uniform(-0.3, 0.3)", 0.36 / 12),
                Map.entry("truncated_normal(0, 1)", Distribution.TRUNCATION_FACTOR_2SD),
                Map.entry("orthogonal", 1.0 / 64), Map.entry("orthogonal(2)", 4.0 / 64),
                Map.entry("identity", 1.0 / 64), Map.entry("zeros", 0.0), Map.entry("ones", 0.0),
                Map.entry("constant(0.5)", 0.0));
        for (Map.Entry<String, Double> e : varianceAt64x64.entrySet()) {
            ModelGraph g = read("input 64\ndense 64 init " + e.getKey() + "\noutput 10\n");
            assertThat(g.node("dense_0").weightInit().variance(64, 64, 128)).as(e.getKey())
                    .isCloseTo(e.getValue(), within(1e-12));
        }
        assertThat(read("input 64\ndense 64 init ones\noutput 10\n").node("dense_0").weightInit().symmetric())
                .isTrue();
    }

    @Test
    void everyDl4jActivationHasAName() throws ReadException {
        for (String a : DslNames.activationNames()) {
            ModelGraph g = read("input 8\ndense 8 activation " + a + "\noutput 2\n");
            assertThat(g.node("dense_0").activation().fn()).as(a).isNotEqualTo(Activations.UNKNOWN);
        }
        ModelGraph g = read("input 8\ndense 8 activation ReLU\ndense 8 activation leaky_relu\n"
                + "dense 8 activation rrelu(0.1, 0.2)\noutput 2\n");
        assertThat(g.node("dense_0").activation().fn()).isEqualTo(Activations.RELU);
        assertThat(g.node("dense_1").activation().alpha()).isEqualTo(0.01);
        assertThat(g.node("dense_2").activation().beta()).isEqualTo(0.2);
    }

    @Test
    void residualBlocksAddTheirInputToTheirOutput() throws ReadException {
        ModelGraph g = read("""
                input 64
                defaults { activation relu init he }
                dense 64
                repeat 2 {
                  residual { dense 64; dense 64 }
                }
                output 10
                """);
        assertThat(names(g)).containsExactly("input", "dense_0", "dense_1", "dense_2", "add_0", "dense_3",
                "dense_4", "add_1", "output");
        Node add = g.node("add_0");
        assertThat(add.kind()).isEqualTo(LayerKind.ELEMENTWISE);
        assertThat(add.merge()).isEqualTo(Node.Merge.ADD);
        assertThat(add.inputs()).containsExactly("dense_0", "dense_2");
        assertThat(add.pos().line()).isEqualTo(5);
        assertThat(g.node("dense_3").inputs()).containsExactly("add_0");
        assertThat(g.node("add_1").inputs()).containsExactly("add_0", "dense_4");
    }

    @Test
    void branchesForkFromOnePointAndJoinByName() throws ReadException {
        ModelGraph g = read("""
                input 64
                dense 64
                branch wide { dense 128 }
                branch narrow { dense 16; dense 16 }
                branch skip { }
                join concat wide narrow skip as merged
                branch a { dense 8 }
                branch b { dense 8 }
                join add a b
                output 10
                """);
        assertThat(g.node("dense_1").inputs()).containsExactly("dense_0");
        assertThat(g.node("dense_2").inputs()).containsExactly("dense_0");
        Node merged = g.node("merged");
        assertThat(merged.kind()).isEqualTo(LayerKind.CONCAT);
        // an empty branch is its fork point: here, the skip connection from dense_0
        assertThat(merged.inputs()).containsExactly("dense_1", "dense_3", "dense_0");
        assertThat(g.shape("merged")).isEqualTo(TensorShape.ff(128 + 16 + 64));
        assertThat(g.node("add_0").inputs()).containsExactly("dense_4", "dense_5");
        assertThat(g.node("dense_4").inputs()).containsExactly("merged");
        assertThat(g.node("output").inputs()).containsExactly("add_0");
    }

    @Test
    void branchesInsideARepeatAreLocalToEachRepetition() throws ReadException {
        ModelGraph g = read("""
                input 16
                repeat 2 {
                  branch a { dense 16 }
                  branch b { dense 16 }
                  join add a b
                }
                output 2
                """);
        assertThat(g.node("add_1").inputs()).containsExactly("dense_2", "dense_3");
        assertThat(g.node("dense_2").inputs()).containsExactly("add_0");
    }

    @Test
    void imagesAndSequences() throws ReadException {
        ModelGraph cnn = read("""
                input 3x32x32
                conv 3x3 16 padding same
                batchnorm
                activation relu
                pool max 2x2
                conv 3 x 3 32 stride 2
                globalpool avg
                output 10
                """);
        assertThat(cnn.shape("input")).isEqualTo(TensorShape.cnn(3, 32, 32));
        assertThat(cnn.shape("conv_0")).isEqualTo(TensorShape.cnn(16, 32, 32));
        assertThat(cnn.shape("pool_0")).isEqualTo(TensorShape.cnn(16, 16, 16));
        assertThat(cnn.node("pool_0").stride()).containsExactly(2, 2);
        assertThat(cnn.shape("conv_1")).isEqualTo(TensorShape.cnn(32, 7, 7));
        assertThat(cnn.node("conv_1").nIn()).isEqualTo(16);
        assertThat(cnn.shape("globalpool_0")).isEqualTo(TensorShape.ff(32));

        ModelGraph rnn = read("""
                input 77 x 50 steps
                lstm 128
                simplernn 64 layernorm
                gru 32 last
                output 5
                """);
        assertThat(rnn.shape("input")).isEqualTo(TensorShape.rnn(77, 50));
        Node lstm = rnn.node("lstm_0");
        assertThat(lstm.activation().fn()).isEqualTo(Activations.TANH);
        assertThat(lstm.gateActivation().fn()).isEqualTo(Activations.SIGMOID);
        assertThat(lstm.forgetGateBias()).isEqualTo(1.0);
        assertThat(lstm.recurrentInit()).isEqualTo(lstm.weightInit());
        assertThat(rnn.node("rnn_0").layerNorm()).isTrue();
        assertThat(rnn.node("gru_0").returnSequences()).isFalse();
        assertThat(rnn.shape("gru_0")).isEqualTo(TensorShape.ff(32));
    }

    @Test
    void forgetbiasSetsAnLstmsForgetGateBias() throws ReadException {
        ModelGraph g = read("""
                input 8 x 10 steps
                lstm 16 forgetbias 0.5
                lstm 16 last
                output 5
                """);
        assertThat(g.node("lstm_0").forgetGateBias()).isEqualTo(0.5);
        assertThat(g.node("lstm_1").forgetGateBias()).isEqualTo(1.0);
    }

    @Test
    void aSuppressionCoversItsLineAndABlockLineCoversTheBlock() throws ReadException {
        ModelGraph g = read("""
                input 64
                dense 64   # gradflow: ignore[GF001]
                repeat 2 {   # gradflow: ignore[deep-saturating-stack, gf005]
                  dense 64   # gradflow: ignore[*]
                  dense 64
                }
                residual { dense 64; dense 64 }   # gradflow: ignore[GF006]
                # a comment that mentions gradflow: ignore it, it is prose
                output 10
                """);
        Map<String, Set<String>> s = g.suppressedByLayer();
        // the rules as written: an unused suppression is reported in the user's words
        assertThat(s.get("dense_0")).containsExactly("GF001");
        assertThat(s.get("dense_1")).containsExactlyInAnyOrder("deep-saturating-stack", "gf005", "*");
        assertThat(s.get("dense_2")).containsExactlyInAnyOrder("deep-saturating-stack", "gf005");
        assertThat(s.get("dense_5")).containsExactly("GF006");
        assertThat(s.get("add_0")).containsExactly("GF006");
        assertThat(s).doesNotContainKey("output");
    }

    @Test
    void explicitNamesAreKeptAndNumberedNamesStepAroundThem() throws ReadException {
        ModelGraph g = read("input 4\ndense 4\ndense 4 as dense_1\ndense 4\noutput 2 as logits\n");
        assertThat(names(g)).containsExactly("input", "dense_0", "dense_1", "dense_2", "logits");
    }

    @Test
    void semicolonsCommentsBlankLinesAndNoFinalNewline() throws ReadException {
        ModelGraph g = read("\n# header\n\ninput 4 ; dense 4 # trailing\n\n; ;\nrepeat 2 { dense 4 ; } ; output 2");
        assertThat(g.layerCount()).isEqualTo(4);
    }

    @Test
    void everyProblemComesWithItsPosition() {
        assertThatThrownBy(() -> read("input 64\ndense 64 activation relux\ndense 64 init xavir\noutput 10\n"))
                .isInstanceOfSatisfying(ReadException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.problems().get(1).pos().line()).isEqualTo(3);
                    assertThat(e.problems().get(1).pos().column()).isEqualTo(15);
                    assertThat(e.getMessage()).isEqualTo(e.problems().get(0).message());
                });
    }

    @Test
    void theLoaderReadsGflowFilesAndDropsAByteOrderMark() throws Exception {
        ModelGraph g = ModelLoader.load(Path.of("fixtures/examples/relu-residual-batchnorm-mlp-33.gflow"),
                "x.gflow");
        assertThat(g.layerCount()).isEqualTo(33 * 3 + 16 + 1);
        java.nio.file.Path bom = java.nio.file.Files.createTempFile("bom", ModelLoader.DSL_EXTENSION);
        try {
            java.nio.file.Files.write(bom, ("\uFEFFinput 4\noutput 2 activation ").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            assertThatThrownBy(() -> ModelLoader.load(bom, "bom.gflow")).isInstanceOfSatisfying(ReadException.class,
                    e -> assertThat(e.pos().column()).isEqualTo(21));
        } finally {
            java.nio.file.Files.delete(bom);
        }
    }
}
