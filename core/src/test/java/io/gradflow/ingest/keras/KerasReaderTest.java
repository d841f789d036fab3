package io.gradflow.ingest.keras;

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
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keras configs of every generation mapped onto the model graph, one behaviour per test. */
class KerasReaderTest {

    static ModelGraph read(String json) throws ReadException {
        return ModelLoader.loadJson("model.json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** A Sequential model of the given layer objects, written by the given Keras version. */
    static String sequential(String version, String... layers) {
        return "{\"class_name\": \"Sequential\", \"keras_version\": \"" + version + "\", \"config\": [\n"
                + String.join(",\n", layers) + "\n]}";
    }

    static String dense(String name, String extra) {
        return "{\"class_name\": \"Dense\", \"config\": {\"name\": \"" + name + "\", \"units\": 8" + extra + "}}";
    }

    // ---------------------------------------------------------------- initialisers

    @Test
    void keras2DenseDefaultsToGlorotUniformAndZeroBias() throws Exception {
        Node d = read(sequential("2.1.3", dense("d", ", \"batch_input_shape\": [null, 4]"))).node("d");
        WeightInit w = d.weightInit();
        assertThat(w.family()).isEqualTo(WeightInit.Family.FAN_SCALED);
        assertThat(w.name()).isEqualTo("glorot_uniform");
        assertThat(w.variance(4, 8, 0)).isCloseTo(2.0 / 12, within(1e-12));
        assertThat(d.biasInit()).isZero();
        assertThat(d.activation().fn()).isEqualTo(Activations.IDENTITY);
    }

    @Test
    void aVersionWithAPartPastTwoToTheThirtyFirstIsNotAVersionAndTheGenerationIsGuessed() throws Exception {
        // found by fuzzing (ReaderFuzzTestInputs/kerasJson/keras-version-past-int): a NumberFormatException
        ModelGraph g = read(sequential("2." + "3".repeat(40) + ".0", dense("d", ", \"batch_input_shape\": [null, 4]")));
        assertThat(g.node("d").weightInit().name()).isEqualTo("glorot_uniform");
    }

    static final String HE_NORMAL_VS = ", \"kernel_initializer\": {\"class_name\": \"VarianceScaling\", \"config\": "
            + "{\"scale\": 2.0, \"mode\": \"fan_in\", \"distribution\": \"normal\", \"seed\": null}}";

    @Test
    void varianceScalingNormalBeforeKeras223IsTruncatedWithoutCompensation() throws Exception {
        WeightInit old = read(sequential("2.1.3", dense("d", HE_NORMAL_VS))).node("d").weightInit();
        assertThat(old.name()).isEqualTo("he_normal");
        assertThat(old.shape()).isEqualTo(WeightInit.Shape.TRUNCATED);
        assertThat(old.variance(100, 8, 0)).isCloseTo(2.0 / 100 * Distribution.TRUNCATION_FACTOR_2SD, within(1e-12));
        for (String v : new String[] {"2.2.4", "2.2.4-tf", "2.11.0"}) {
            WeightInit w = read(sequential(v, dense("d", HE_NORMAL_VS))).node("d").weightInit();
            assertThat(w.variance(100, 8, 0)).as(v).isCloseTo(2.0 / 100, within(1e-12));
        }
    }

    @Test
    void varianceScalingKeepsItsScaleModeAndDistribution() throws Exception {
        String vs = ", \"kernel_initializer\": {\"class_name\": \"VarianceScaling\", \"config\": "
                + "{\"scale\": 0.5, \"mode\": \"fan_out\", \"distribution\": \"uniform\"}}";
        WeightInit w = read(sequential("2.2.4", dense("d", vs))).node("d").weightInit();
        assertThat(w.fan()).isEqualTo(WeightInit.Fan.OUT);
        assertThat(w.shape()).isEqualTo(WeightInit.Shape.UNIFORM);
        assertThat(w.variance(3, 10, 0)).isCloseTo(0.05, within(1e-12));
        assertThat(w.name()).isEqualTo("VarianceScaling(scale=0.5, mode=fan_out, distribution=uniform)");
    }

    @Test
    void classNamedInitialisersOfTfKerasAndKeras3AreExact() throws Exception {
        for (String cls : new String[] {"HeNormal", "GlorotNormal", "LecunNormal"}) {
            String init = ", \"kernel_initializer\": {\"class_name\": \"" + cls + "\", \"config\": {\"seed\": null}}";
            WeightInit w = read(sequential("2.4.0", dense("d", init))).node("d").weightInit();
            // a normal cut at two standard deviations and widened by 1/0.8796: variance scale/fan exactly
            assertThat(w.shape()).as(cls).isEqualTo(WeightInit.Shape.TRUNCATED_EXACT);
            assertThat(w.variance(4, 4, 0)).as(cls).isCloseTo(w.c() / 4, within(1e-12));
        }
    }

    @Test
    void distributionsConstantsOrthogonalAndIdentityKeepTheirParameters() throws Exception {
        String json = sequential("2.2.4",
                dense("n", ", \"kernel_initializer\": {\"class_name\": \"RandomNormal\", \"config\": "
                        + "{\"mean\": 0.0, \"stddev\": 1.0}}, \"batch_input_shape\": [null, 8]"),
                dense("u", ", \"kernel_initializer\": {\"class_name\": \"RandomUniform\", \"config\": "
                        + "{\"minval\": -0.1, \"maxval\": 0.1}}"),
                dense("t", ", \"kernel_initializer\": {\"class_name\": \"TruncatedNormal\", \"config\": "
                        + "{\"mean\": 0.0, \"stddev\": 0.02}}"),
                dense("z", ", \"kernel_initializer\": {\"class_name\": \"Zeros\", \"config\": {}}, "
                        + "\"bias_initializer\": {\"class_name\": \"Constant\", \"config\": {\"value\": 0.1}}"),
                dense("o", ", \"kernel_initializer\": {\"class_name\": \"Orthogonal\", \"config\": {\"gain\": 2.0}}"),
                dense("i", ", \"kernel_initializer\": {\"class_name\": \"Identity\", \"config\": {\"gain\": 1.0}}"));
        ModelGraph g = read(json);
        assertThat(g.node("n").weightInit().dist().variance()).isEqualTo(1.0);
        assertThat(g.node("u").weightInit().dist().variance()).isCloseTo(0.04 / 12, within(1e-12));
        assertThat(g.node("t").weightInit().dist().kind()).isEqualTo(Distribution.Kind.TRUNCATED_NORMAL);
        assertThat(g.node("z").weightInit().symmetric()).isTrue();
        assertThat(g.node("z").biasInit()).isEqualTo(0.1);
        assertThat(g.node("o").weightInit().family()).isEqualTo(WeightInit.Family.ORTHOGONAL);
        assertThat(g.node("o").weightInit().gain()).isEqualTo(2.0);
        assertThat(g.node("i").weightInit().family()).isEqualTo(WeightInit.Family.IDENTITY);
    }

    @Test
    void unitForgetBiasStartsTheForgetSliceAtOneWhateverTheBiasInitialiserDraws() throws Exception {
        // LSTMCell.build concatenates bias_initializer's slices with ones for the forget gate
        String constant = ", \"bias_initializer\": {\"class_name\": \"Constant\", \"config\": {\"value\": -1.0}}";
        ModelGraph g = read(sequential("2.12.0",
                lstm("on", constant + ", \"unit_forget_bias\": true, \"batch_input_shape\": [null, 5, 3]"),
                lstm("off", constant + ", \"unit_forget_bias\": false"),
                lstm("nobias", ", \"use_bias\": false, \"unit_forget_bias\": true"),
                dense("d", "")));
        assertThat(g.node("on").forgetGateBias()).isEqualTo(1.0);
        assertThat(g.node("on").biasInit()).isEqualTo(-1.0);
        assertThat(g.node("off").forgetGateBias()).isEqualTo(-1.0);
        assertThat(g.node("nobias").forgetGateBias()).isEqualTo(0.0);
    }

    static String lstm(String name, String extra) {
        return "{\"class_name\": \"LSTM\", \"config\": {\"name\": \"" + name + "\", \"units\": 4, "
                + "\"return_sequences\": true" + extra + "}}";
    }

    @Test
    void keras1NamesMeanWhatKeras1Drew() throws Exception {
        String lstm = "{\"class_name\": \"LSTM\", \"config\": {\"name\": \"l\", \"output_dim\": 16, \"init\": \"uniform\","
                + " \"inner_init\": \"orthogonal\", \"activation\": \"tanh\", \"inner_activation\": \"hard_sigmoid\","
                + " \"batch_input_shape\": [null, 5, 3], \"return_sequences\": false}}";
        String d = "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"output_dim\": 2, \"init\": \"he_normal\","
                + " \"activation\": \"linear\"}}";
        ModelGraph g = read("{\"class_name\": \"Sequential\", \"config\": [" + lstm + ", " + d + "]}");
        assertThat(g.meta()).containsEntry("generation", "Keras 1");
        Node l = g.node("l");
        assertThat(l.nOut()).isEqualTo(16);
        assertThat(l.weightInit().dist()).isEqualTo(Distribution.uniform(-0.05, 0.05));
        assertThat(l.recurrentInit().gain()).isEqualTo(1.1);
        assertThat(l.gateActivation().alpha()).isEqualTo(0.2);
        assertThat(l.forgetGateBias()).isEqualTo(1.0);
        assertThat(l.returnSequences()).isFalse();
        assertThat(g.shape("input")).isEqualTo(TensorShape.rnn(3, 5));
        // Keras 1 drew he_normal from an untruncated normal
        assertThat(g.node("d").weightInit().shape()).isEqualTo(WeightInit.Shape.NORMAL);
        assertThat(g.node("d").nIn()).isEqualTo(16);
    }

    // ---------------------------------------------------------------- activations

    @Test
    void hardSigmoidSlopeIsAFifthUpToKeras2AndASixthInKeras3() throws Exception {
        String d = dense("d", ", \"activation\": \"hard_sigmoid\", \"batch_input_shape\": [null, 4]");
        assertThat(read(sequential("2.2.4", d)).node("d").activation().alpha()).isEqualTo(0.2);
        assertThat(read(sequential("3.6.0", d)).node("d").activation().alpha()).isEqualTo(1.0 / 6);
    }

    @Test
    void activationLayersCarryKerasDefaults() throws Exception {
        String json = sequential("2.2.4",
                dense("d", ", \"batch_input_shape\": [null, 4]"),
                "{\"class_name\": \"LeakyReLU\", \"config\": {\"name\": \"leaky\"}}",
                "{\"class_name\": \"LeakyReLU\", \"config\": {\"name\": \"leaky3\", \"negative_slope\": 0.2}}",
                "{\"class_name\": \"PReLU\", \"config\": {\"name\": \"prelu\", \"alpha_initializer\": "
                        + "{\"class_name\": \"Zeros\", \"config\": {}}}}",
                "{\"class_name\": \"ELU\", \"config\": {\"name\": \"elu\", \"alpha\": 0.5}}",
                "{\"class_name\": \"ReLU\", \"config\": {\"name\": \"relu6\", \"max_value\": 6.0}}",
                "{\"class_name\": \"Activation\", \"config\": {\"name\": \"act\", \"activation\": \"swish\"}}",
                "{\"class_name\": \"Activation\", \"config\": {\"name\": \"custom\", \"activation\": \"binary_tanh\"}}");
        ModelGraph g = read(json);
        assertThat(g.node("leaky").activation()).isEqualTo(Activation.of(Activations.LEAKYRELU, 0.3));
        assertThat(g.node("leaky3").activation().alpha()).isEqualTo(0.2);
        // PReLU's slopes start at zero: a ReLU at initialisation
        assertThat(g.node("prelu").activation()).isEqualTo(Activation.of(Activations.PRELU, 0.0));
        assertThat(g.node("elu").activation().alpha()).isEqualTo(0.5);
        assertThat(g.node("relu6").activation().fn()).isEqualTo(Activations.RELU6);
        assertThat(g.node("act").activation().fn()).isEqualTo(Activations.SWISH);
        assertThat(g.node("custom").activation().fn()).isEqualTo(Activations.UNKNOWN);
        assertThat(g.node("custom").activation().name()).isEqualTo("binary_tanh");
        assertThat(g.nodes().stream().filter(n -> n.kind() == LayerKind.ACTIVATION).count()).isEqualTo(7);
    }

    // ---------------------------------------------------------------- graphs

    static final String SHARED = """
            {"class_name": "Model", "keras_version": "2.2.4", "config": {"name": "m",
             "layers": [
              {"name": "a", "class_name": "InputLayer", "config": {"name": "a", "batch_input_shape": [null, 8]},
               "inbound_nodes": []},
              {"name": "b", "class_name": "InputLayer", "config": {"name": "b", "batch_input_shape": [null, 8]},
               "inbound_nodes": []},
              {"name": "shared", "class_name": "Dense", "config": {"name": "shared", "units": 8, "activation": "relu"},
               "inbound_nodes": [[["a", 0, 0, {}]], [["b", 0, 0, {}]]]},
              {"name": "tower", "class_name": "Sequential", "config": {"name": "tower", "layers": [
                 {"class_name": "Dense", "config": {"name": "t1", "units": 4, "activation": "tanh"}},
                 {"class_name": "Dense", "config": {"name": "t2", "units": 4, "activation": "tanh"}}]},
               "inbound_nodes": [[["shared", 0, 0, {}]], [["shared", 1, 0, {}]]]},
              {"name": "sum", "class_name": "Add", "config": {"name": "sum"},
               "inbound_nodes": [[["tower", 0, 0, {}], ["tower", 1, 0, {}]]]}
             ],
             "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["sum", 0, 0]]}}
            """;

    @Test
    void aSharedLayerGetsOneNodePerCallAndNestedModelsArePrefixed() throws Exception {
        ModelGraph g = read(SHARED);
        assertThat(g.node("shared").inputs()).containsExactly("a");
        assertThat(g.node("shared@1").inputs()).containsExactly("b");
        assertThat(g.node("tower/t1").inputs()).containsExactly("shared");
        assertThat(g.node("tower@1/t1").inputs()).containsExactly("shared@1");
        assertThat(g.node("tower/t2").inputs()).containsExactly("tower/t1");
        assertThat(g.node("sum").inputs()).containsExactly("tower/t2", "tower@1/t2");
        assertThat(g.node("sum").merge()).isEqualTo(Node.Merge.ADD);
        assertThat(g.outputs()).containsExactly("sum");
        assertThat(g.layerCount()).isEqualTo(7);
        // a nested layer still points at its own config
        assertThat(g.node("tower@1/t2").pos().pointer()).isEqualTo("/config/layers/3/config/layers/1");
    }

    @Test
    void keras3TensorHistoriesAndOpLayersConnectTheGraph() throws Exception {
        ModelGraph g = read(KerasFiles.keras3Functional());
        assertThat(g.meta()).containsEntry("generation", "Keras 3").containsEntry("loss", "categorical_crossentropy");
        assertThat(g.node("add").kind()).isEqualTo(LayerKind.ELEMENTWISE);
        assertThat(g.node("add").type()).isEqualTo("keras.ops.numpy.Add");
        assertThat(g.node("add").inputs()).containsExactly("dense_1", "dense");
        assertThat(g.node("dense").weightInit().name()).isEqualTo("he_normal");
        assertThat(g.shape("input_layer")).isEqualTo(TensorShape.ff(16));
        assertThat(g.node("out").nIn()).isEqualTo(16);
    }

    @Test
    void jsonPositionsAreTheLayersClassNameMember() throws Exception {
        ModelGraph g = read(SHARED);
        Node shared = g.node("shared");
        assertThat(shared.pos().line()).isEqualTo(7);
        assertThat(shared.pos().column()).isEqualTo(22);
        assertThat(shared.pos().pointer()).isEqualTo("/config/layers/2");
    }

    @Test
    void aReferenceToAMissingLayerIsAnErrorAtTheReference() {
        String bad = SHARED.replace("[[[\"a\", 0, 0, {}]], [[\"b\", 0, 0, {}]]]", "[[[\"nope\", 0, 0, {}]]]");
        assertThatThrownBy(() -> read(bad)).isInstanceOf(ReadException.class)
                .hasMessage("a layer takes input from 'nope', which is not a layer of the model")
                .satisfies(e -> assertThat(((ReadException) e).pos().line()).isEqualTo(8));
    }

    @Test
    void aSubclassedModelWithoutLayersIsAClearError() {
        assertThatThrownBy(() -> read("{\"class_name\": \"MyModel\", \"config\": {\"units\": 3}}"))
                .isInstanceOf(ReadException.class)
                .hasMessageContaining("has no list of layers in its config (a subclassed model?");
    }

    // ---------------------------------------------------------------- layers and shapes

    @Test
    void keras1ChannelsFirstConvolutionReadsItsGeometry() throws Exception {
        String conv = "{\"class_name\": \"Convolution2D\", \"config\": {\"name\": \"c\", \"nb_filter\": 6, \"nb_row\": 3,"
                + " \"nb_col\": 5, \"subsample\": [2, 2], \"border_mode\": \"valid\", \"dim_ordering\": \"th\","
                + " \"init\": \"glorot_uniform\", \"activation\": \"relu\", \"batch_input_shape\": [null, 3, 32, 32]}}";
        String pool = "{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"p\", \"pool_size\": [2, 2],"
                + " \"strides\": null, \"dim_ordering\": \"th\", \"border_mode\": \"valid\"}}";
        ModelGraph g = read("{\"class_name\": \"Sequential\", \"config\": [" + conv + ", " + pool + "]}");
        Node c = g.node("c");
        assertThat(c.kind()).isEqualTo(LayerKind.CONV);
        assertThat(c.kernel()).containsExactly(3, 5);
        assertThat(c.stride()).containsExactly(2, 2);
        assertThat(g.shape("input")).isEqualTo(TensorShape.cnn(3, 32, 32));
        assertThat(g.shape("c")).isEqualTo(TensorShape.cnn(6, 15, 14));
        assertThat(g.shape("p")).isEqualTo(TensorShape.cnn(6, 7, 7));
    }

    @Test
    void bidirectionalLstmConcatenatesBothDirections() throws Exception {
        String json = sequential("2.1.3",
                "{\"class_name\": \"Bidirectional\", \"config\": {\"name\": \"bi\", \"merge_mode\": \"concat\","
                        + " \"batch_input_shape\": [null, 20, 5], \"layer\": {\"class_name\": \"LSTM\", \"config\":"
                        + " {\"name\": \"lstm\", \"units\": 32, \"return_sequences\": true}}}}");
        Node bi = read(json).node("bi");
        assertThat(bi.kind()).isEqualTo(LayerKind.BIDIRECTIONAL);
        assertThat(bi.nOut()).isEqualTo(64);
        assertThat(bi.wrapped().kind()).isEqualTo(LayerKind.LSTM);
        assertThat(bi.wrapped().recurrentInit().family()).isEqualTo(WeightInit.Family.ORTHOGONAL);
        // Keras 2 before 2.4 gated with hard_sigmoid unless told otherwise
        assertThat(bi.wrapped().gateActivation().fn()).isEqualTo(Activations.HARDSIGMOID);
        assertThat(bi.returnSequences()).isTrue();
    }

    @Test
    void embeddingReadsASequenceOfIdsAndFlattenMultipliesItOut() throws Exception {
        String json = sequential("2.3.1",
                "{\"class_name\": \"Embedding\", \"config\": {\"name\": \"e\", \"input_dim\": 100, \"output_dim\": 4,"
                        + " \"input_length\": 7, \"batch_input_shape\": [null, 7]}}",
                "{\"class_name\": \"Flatten\", \"config\": {\"name\": \"f\"}}",
                dense("d", ""));
        ModelGraph g = read(json);
        assertThat(g.node("e").weightInit().dist()).isEqualTo(Distribution.uniform(-0.05, 0.05));
        assertThat(g.shape("e")).isEqualTo(TensorShape.rnn(4, 7));
        assertThat(g.node("d").nIn()).isEqualTo(28);
    }

    @Test
    void reshapeAndPermuteFollowKerasAxes() throws Exception {
        String json = sequential("2.2.4",
                dense("d", ", \"batch_input_shape\": [null, 4]"),
                "{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", \"target_shape\": [2, -1]}}",
                "{\"class_name\": \"Permute\", \"config\": {\"name\": \"p\", \"dims\": [2, 1]}}");
        ModelGraph g = read(json);
        assertThat(g.shape("r")).isEqualTo(TensorShape.rnn(4, 2));
        assertThat(g.shape("p")).isEqualTo(TensorShape.rnn(2, 4));
    }

    @Test
    void lambdaIsOpaqueAndItsBytecodeIsLeftAlone() throws Exception {
        String json = sequential("2.0.9",
                dense("d", ", \"batch_input_shape\": [null, 4]"),
                "{\"class_name\": \"Lambda\", \"config\": {\"name\": \"lam\", \"function\": "
                        + "[\"4wEAAAAAAAAAAQAAAAQAAABTAAAAcwgAAAB8AAAAZAEAFABTACkCTg==\", null, null],"
                        + " \"function_type\": \"lambda\", \"output_shape\": null, \"arguments\": {}}}",
                dense("e", ""));
        ModelGraph g = read(json);
        Node lam = g.node("lam");
        assertThat(lam.kind()).isEqualTo(LayerKind.OPAQUE);
        assertThat(lam.detail()).isEqualTo("Lambda layer: Python code, not analysed");
        assertThat(g.node("e").inputs()).containsExactly("lam");
    }

    @Test
    void customAndUnreadQuantisedLayersAreOpaqueWithTheirClassName() throws Exception {
        // QDense reads as a Dense (QKerasTest); a QKeras class gradflow does not read stays opaque
        String json = sequential("2.2.4-tf",
                "{\"class_name\": \"QDense\", \"config\": {\"name\": \"d\", \"units\": 8, \"batch_input_shape\": [null, 4]}}",
                "{\"class_name\": \"QOctaveConv2D\", \"config\": {\"name\": \"q\", \"filters\": 8}}",
                "{\"class_name\": \"GatedThing\", \"config\": {\"name\": \"g\"}}");
        ModelGraph g = read(json);
        assertThat(g.node("d").kind()).isNotEqualTo(LayerKind.OPAQUE);
        assertThat(g.node("q").detail()).startsWith("QKeras quantised layer QOctaveConv2D: not analysed (gradflow reads");
        assertThat(g.node("g").detail()).contains("layer class GatedThing is not a Keras layer gradflow knows");
    }

    @Test
    void dl4jJsonIsStillReadAsDl4j() throws Exception {
        ModelGraph g = ModelLoader.load(java.nio.file.Path.of("fixtures/examples/sigmoid-mlp-20.json"), "x.json");
        assertThat(g.format()).isEqualTo(Format.DL4J_JSON);
    }
}
