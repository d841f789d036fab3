package io.gradflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gradflow.analysis.SignalPropagation;
import io.gradflow.analysis.Verdict;
import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
import io.gradflow.model.Format;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every Keras file in ../shared/corpus (keras-h5, keras-json, keras3) reads into a model, or gives
 * its documented clear error, with its layer count and a fact or two checked per file; and the
 * README's compatibility table states the verdict each one gets. Skipped, visibly, where the
 * corpus is absent.
 */
class KerasCorpusTest {

    @BeforeAll
    static void corpusPresent() {
        assumeTrue(KerasCorpus.present(), "../shared/corpus is absent: Keras corpus suite skipped");
    }

    static ModelGraph read(String dir, String name) throws Exception {
        return ModelLoader.load(KerasCorpus.ROOT.resolve(dir).resolve(name), name);
    }

    /** Layers of a kind, the output layer included (Keras's last Dense or Conv carries the loss). */
    static long count(ModelGraph g, LayerKind k) {
        return g.nodes().stream().filter(n -> n.kind() == k || n.kind() == LayerKind.OUTPUT && outputOf(n) == k).count();
    }

    private static LayerKind outputOf(io.gradflow.model.Node n) {
        String t = n.type();
        return t.contains("Dense") ? LayerKind.DENSE : t.startsWith("Conv") || t.startsWith("Convolution")
                ? LayerKind.CONV : t.startsWith("LocallyConnected") ? LayerKind.LOCALLY_CONNECTED : null;
    }

    static long opaque(ModelGraph g, String type) {
        return g.nodes().stream().filter(n -> n.kind() == LayerKind.OPAQUE && n.type().equals(type)).count();
    }

    /** Layers (nodes other than inputs) per readable file: shared layers count once per call. */
    static final Map<String, Integer> LAYERS = new LinkedHashMap<>();

    static {
        LAYERS.put("keras-1.2.2_simple_lstm_tf.h5", 2);
        LAYERS.put("keras-2.0.8_lstm_functional.h5", 2);
        LAYERS.put("keras-2.0.9_model_lambda.h5", 4);
        LAYERS.put("keras-2.1.3-theano_batch_to_conv2d.h5", 4);
        LAYERS.put("keras-2.1.3_cnn_batch_norm.h5", 6);
        LAYERS.put("keras-2.1.3_simple_rnn.h5", 2);
        LAYERS.put("keras-2.1.3_wgan_discriminator.h5", 16);
        LAYERS.put("keras-2.11.0_dense_attention.h5", 5);
        LAYERS.put("keras-2.14.0_mlperf-tiny_dscnn_streaming_wakeword.h5", 22);
        LAYERS.put("keras-2.2.0_12net_prelu.h5", 9);
        LAYERS.put("keras-2.2.4-tf_bidirectional_convlstm2d_channels_first.h5", 2);
        LAYERS.put("keras-2.2.4-tf_deepfm.h5", 31);
        LAYERS.put("keras-2.2.4-tf_locallyconnected2d_mixed_formats.h5", 13);
        LAYERS.put("keras-2.2.4-tf_mlp_5x_sigmoid.h5", 6);
        LAYERS.put("keras-2.2.4-tf_qkeras_3layer.h5", 8);
        LAYERS.put("keras-2.2.4-tf_tfop_reshape.h5", 2);
        LAYERS.put("keras-2.2.4_squeeze_excite_conv1d.h5", 8);
        LAYERS.put("keras-2.3.1_custom_loss_logcosh.h5", 3);
        LAYERS.put("keras-2.4.0_mlperf-tiny_mobilenetv1_vww96.h5", 84);
        LAYERS.put("keras-2.4.0_mlperf-tiny_resnet8_cifar10.h5", 29);
        LAYERS.put("keras-2.5.0_conv1d_leakyrelu.h5.h5", 21);
        LAYERS.put("keras-1.0.5_retina_unet_permute.json", 25);
        LAYERS.put("keras-1.1.0_lstm_timedistributeddense.json", 4);
        LAYERS.put("keras-1.1.0_mnist_vae_decoder.json", 7);
        LAYERS.put("keras-1.1.0_resnet50.json", 176);
        LAYERS.put("keras-1.1.2_mlp_functional_merge.json", 9);
        LAYERS.put("keras-1.x_cnn_theano_dim_ordering_th.json", 10);
        LAYERS.put("keras-2.0.5_binarydense_custom.json", 11);
        LAYERS.put("keras-2.0.6-theano_cnn_channels_first.json", 10);
        LAYERS.put("keras-2.0.6_mlp_elu_selu_batchnorm.json", 8);
        LAYERS.put("keras-2.1.3_concat_embedding_bilstm.json", 7);
        LAYERS.put("keras-2.1.3_hls4ml_KERAS_1layer.json", 2);
        LAYERS.put("keras-2.1.3_yolo9000.json", 74);
        LAYERS.put("keras-2.1.5_functional_add.json", 4);
        LAYERS.put("keras-2.1.5_hls4ml_dense_5x100.json", 10);
        LAYERS.put("keras-2.2.0_alphazero_dual_res.json", 154);
        LAYERS.put("keras-2.2.4-tf_garnet_custom_layer.json", 3);
        LAYERS.put("keras-2.11.0_HDF5_with_dot_keras_extension_conv1d_gru.keras", 3);
        LAYERS.put("keras-3.12.0_stacked_lstm.keras", 6);
        LAYERS.put("keras-3.6.0_resnet1d_functional.keras", 26);
        LAYERS.put("keras-3.6.0_transformer_encoder.keras", 19);
        LAYERS.put("keras-3.9.2_mlp_leakyrelu.keras", 7);
    }

    static final String WEIGHTS_ONLY = "keras-2.1.3_weights_only_KERAS_1layer.h5";

    @Test
    void everyFileReadsWithItsLayerCountOrItsDocumentedError() throws Exception {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Path f : KerasCorpus.files()) {
            String name = f.getFileName().toString();
            if (name.equals(WEIGHTS_ONLY)) {
                assertThatThrownBy(() -> ModelLoader.load(f, name)).isInstanceOf(ReadException.class)
                        .hasMessageStartingWith("no model_config attribute: a weights-only file");
                continue;
            }
            ModelGraph g = ModelLoader.load(f, name);
            seen.put(name, g.layerCount());
            assertThat(g.format().id()).as(name).startsWith("keras-");
            assertThat(g.nodes()).as(name).allMatch(n -> n.kind() == LayerKind.INPUT || !n.pos().pointer().isEmpty());
        }
        assertThat(seen).isEqualTo(LAYERS);
    }

    @Test
    void readmeTableStatesTheVerdictEachFileGets() throws Exception {
        Map<String, KerasCorpus.Row> table = KerasCorpus.readmeTable();
        for (Path f : KerasCorpus.files()) {
            String name = f.getFileName().toString();
            assertThat(table).as("README row for %s", name).containsKey(name);
            String expected;
            try {
                expected = SignalPropagation.analyse(ModelLoader.load(f, name)).verdict().id();
            } catch (ReadException e) {
                expected = "error";
            }
            assertThat(KerasCorpus.Row.head(table.get(name).lint())).as("README static lint for %s", name)
                    .isEqualTo(expected);
        }
        assertThat(table).hasSize(KerasCorpus.files().size());
    }

    // ---------------------------------------------------------------- keras-h5

    @Test
    void fiveSigmoidMlpReadsFiveSigmoidDenseLayersAndItsTrainingConfig() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.2.4-tf_mlp_5x_sigmoid.h5");
        // the fifth is the output layer: Keras puts the loss on it
        assertThat(g.nodes().stream().filter(n -> (n.kind() == LayerKind.DENSE || n.kind() == LayerKind.OUTPUT)
                && n.activation().fn() == Activations.SIGMOID).count()).isEqualTo(5);
        assertThat(g.meta()).containsEntry("keras_version", "2.2.4-tf").containsEntry("loss", "mse");
        assertThat(g.node("dense_335").pos().pointer()).isEqualTo("model_config#/config/layers/1");
    }

    @Test
    void keras1LstmReadsItsKeras1Keys() throws Exception {
        ModelGraph g = read("keras-h5", "keras-1.2.2_simple_lstm_tf.h5");
        Node lstm = g.node("lstm_1");
        assertThat(lstm.kind()).isEqualTo(LayerKind.LSTM);
        assertThat(lstm.nOut()).isEqualTo(50);
        assertThat(lstm.gateActivation().fn()).isEqualTo(Activations.HARDSIGMOID);
        assertThat(lstm.recurrentInit().family()).isEqualTo(WeightInit.Family.ORTHOGONAL);
        assertThat(g.meta()).containsEntry("generation", "Keras 1").doesNotContainKey("backend");
    }

    @Test
    void lambdaLayersAreOpaqueAndStayOffTheAnalysedPath() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.0.9_model_lambda.h5");
        assertThat(opaque(g, "Lambda")).isEqualTo(2);
        // the Lambdas sit after the one hidden layer: the input-to-hidden path the verdict reads is clean
        var a = SignalPropagation.analyse(g);
        assertThat(a.cuts()).isEmpty();
        assertThat(a.firstHidden()).isEqualTo(a.lastHidden());
    }

    @Test
    void theanoFileReadsItsBackendAndReshapesIntoAConvolution() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.1.3-theano_batch_to_conv2d.h5");
        assertThat(g.meta()).containsEntry("backend", "theano");
        assertThat(count(g, LayerKind.CONV)).isEqualTo(1);
        assertThat(g.shape(g.nodes().stream().filter(n -> n.kind() == LayerKind.SHAPE).findFirst().orElseThrow()
                .name()).kind()).isEqualTo(TensorShape.Kind.CNN);
    }

    @Test
    void wganCriticEndsAtFlattenWithLeakyReluLayers() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.1.3_wgan_discriminator.h5");
        assertThat(count(g, LayerKind.CONV)).isEqualTo(4);
        assertThat(g.nodes().stream().filter(n -> n.kind() == LayerKind.ACTIVATION)
                .allMatch(n -> n.activation().fn() == Activations.LEAKYRELU)).isTrue();
        assertThat(g.node(g.outputs().get(0)).type()).isEqualTo("Flatten");
    }

    @Test
    void prelusStartAsRelusInTheFullyConvolutional12Net() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.2.0_12net_prelu.h5");
        assertThat(g.node("PReLU1").activation().alpha()).isZero();
        assertThat(g.outputs()).containsExactly("conv4-1", "conv4-2");
        // a fully convolutional net declares no input size: the ingest step assumes one and says so
        assertThat(g.shape("input_2").spatial()).containsExactly(32, 32);
        assertThat(g.assumptions()).containsExactly("the file does not give the input's spatial size: assumed 32 "
                + "per dimension");
    }

    @Test
    void deepFmSharesALambdaThreeTimesAcrossFourInputs() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.2.4-tf_deepfm.h5");
        assertThat(g.inputs()).hasSize(4);
        assertThat(g.node("sum_of_tensors@2").inputs()).containsExactly("lambda_1");
        assertThat(g.node("subtract_1").inputs()).containsExactly("multiply_1", "sum_of_tensors@1");
        assertThat(count(g, LayerKind.EMBEDDING)).isEqualTo(6);
        assertThat(opaque(g, "Lambda")).isEqualTo(7);
    }

    @Test
    void tensorFlowOpLayerIsOpaqueUnderItsOuterName() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.2.4-tf_tfop_reshape.h5");
        assertThat(g.node("tf_op_layer_Reshape").kind()).isEqualTo(LayerKind.OPAQUE);
        assertThat(g.node("dense").inputs()).containsExactly("tf_op_layer_Reshape");
    }

    @Test
    void convLstmInsideBidirectionalIsOpaque() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.2.4-tf_bidirectional_convlstm2d_channels_first.h5");
        assertThat(g.nodes().stream().filter(n -> n.kind() == LayerKind.OPAQUE)
                .allMatch(n -> n.type().equals("Bidirectional(ConvLSTM2D)"))).isTrue();
    }

    @Test
    void qkerasLayersReadAsTheirFloatLayersWithTheirQuantisersNoted() throws Exception {
        // hls4ml's QKERAS_3layer: QDense x4 (6-bit weights) and QActivation(quantized_relu(6)) x3
        ModelGraph g = read("keras-h5", "keras-2.2.4-tf_qkeras_3layer.h5");
        assertThat(opaque(g, "QDense")).isZero();
        List<Node> dense = g.nodes().stream().filter(n -> "QDense".equals(n.type())).toList();
        assertThat(dense).hasSize(4).allSatisfy(n -> {
            assertThat(n.kind()).isIn(LayerKind.DENSE, LayerKind.OUTPUT);
            assertThat(n.detail()).contains("kernel quantized_bits(6,0)");
        });
        List<Node> relu = g.nodes().stream().filter(n -> "QActivation".equals(n.type())).toList();
        assertThat(relu).hasSize(3).allSatisfy(n -> assertThat(n.activation().alpha()).isEqualTo(1 - 1.0 / 64));
    }

    @Test
    void locallyConnectedLayersKeepTheirGeometry() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.2.4-tf_locallyconnected2d_mixed_formats.h5");
        assertThat(count(g, LayerKind.LOCALLY_CONNECTED)).isEqualTo(2);
        assertThat(g.shape("locally_connected2d")).isEqualTo(TensorShape.cnn(4, 8, 8));
    }

    @Test
    void squeezeExciteRepeatsAndMultiplies() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.2.4_squeeze_excite_conv1d.h5");
        Node mul = g.nodes().stream().filter(n -> n.kind() == LayerKind.ELEMENTWISE).findFirst().orElseThrow();
        assertThat(mul.merge()).isEqualTo(Node.Merge.PRODUCT);
        assertThat(g.shape(mul.name()).kind()).isEqualTo(TensorShape.Kind.RNN);
    }

    @Test
    void customLossFileReadsEmbeddingFlattenDense() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.3.1_custom_loss_logcosh.h5");
        assertThat(g.meta()).containsEntry("loss", "logcosh");
        assertThat(g.node("dense_1").nIn()).isEqualTo(g.shape("flatten_1").size());
    }

    @Test
    void mlperfModelsReadTheirDepthwiseAndResidualStructure() throws Exception {
        ModelGraph mobile = read("keras-h5", "keras-2.4.0_mlperf-tiny_mobilenetv1_vww96.h5");
        assertThat(count(mobile, LayerKind.DEPTHWISE_CONV)).isEqualTo(13);
        assertThat(count(mobile, LayerKind.BATCH_NORM)).isEqualTo(27);
        assertThat(mobile.shape("input_1")).isEqualTo(TensorShape.cnn(3, 96, 96));
        ModelGraph resnet = read("keras-h5", "keras-2.4.0_mlperf-tiny_resnet8_cifar10.h5");
        assertThat(count(resnet, LayerKind.ELEMENTWISE)).isEqualTo(3);
        ModelGraph dscnn = read("keras-h5", "keras-2.14.0_mlperf-tiny_dscnn_streaming_wakeword.h5");
        assertThat(count(dscnn, LayerKind.DEPTHWISE_CONV)).isEqualTo(4);
        assertThat(dscnn.nodes().stream().filter(n -> n.kind() == LayerKind.DEPTHWISE_CONV)
                .allMatch(n -> n.nOut() > 0)).isTrue();
    }

    @Test
    void conv1dLeakyReluReadsKerasSlopeNotDl4js() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.5.0_conv1d_leakyrelu.h5.h5");
        assertThat(count(g, LayerKind.CONV)).isEqualTo(7);
        assertThat(g.node("leaky_re_lu").activation().alpha()).isCloseTo(0.01, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void denseAttentionIsModelledAttentionWithoutProjections() throws Exception {
        ModelGraph g = read("keras-h5", "keras-2.11.0_dense_attention.h5");
        assertThat(g.node("attention").kind()).isEqualTo(LayerKind.DOT_ATTENTION);
        assertThat(g.node("attention").inputs()).hasSizeBetween(2, 3);
        assertThat(g.meta()).containsEntry("network", "Functional");
    }

    // ---------------------------------------------------------------- keras-json

    @Test
    void resNet50Has16MergeAdds() throws Exception {
        ModelGraph g = read("keras-json", "keras-1.1.0_resnet50.json");
        assertThat(g.format()).isEqualTo(Format.KERAS_JSON);
        assertThat(g.nodes().stream().filter(n -> n.kind() == LayerKind.ELEMENTWISE && n.type().equals("Merge")
                && n.merge() == Node.Merge.ADD).count()).isEqualTo(16);
        assertThat(count(g, LayerKind.CONV)).isEqualTo(53);
        assertThat(g.node("conv1").pos().line()).isGreaterThan(0);
    }

    @Test
    void keras1ChannelsFirstCnnReadsItsInputChannelsFirst() throws Exception {
        ModelGraph g = read("keras-json", "keras-1.x_cnn_theano_dim_ordering_th.json");
        assertThat(g.shape("input")).isEqualTo(TensorShape.cnn(3, 8, 8));
        assertThat(g.meta()).containsEntry("generation", "Keras 1").doesNotContainKey("keras_version");
        ModelGraph k2 = read("keras-json", "keras-2.0.6-theano_cnn_channels_first.json");
        assertThat(k2.shape("input")).isEqualTo(TensorShape.cnn(3, 8, 8));
    }

    @Test
    void keras1MergeConcatenatesTwoInputs() throws Exception {
        ModelGraph g = read("keras-json", "keras-1.1.2_mlp_functional_merge.json");
        assertThat(g.node("merge_1").kind()).isEqualTo(LayerKind.CONCAT);
        assertThat(g.shape("merge_1")).isEqualTo(TensorShape.ff(7));
        assertThat(g.outputs()).containsExactly("output1", "output2");
    }

    @Test
    void timeDistributedDenseIsADenseOverTime() throws Exception {
        ModelGraph g = read("keras-json", "keras-1.1.0_lstm_timedistributeddense.json");
        // the model's last weighted layer: the output layer, applied at every step
        assertThat(g.node("timedistributeddense_1").kind()).isEqualTo(LayerKind.OUTPUT);
        assertThat(g.shape("timedistributeddense_1")).isEqualTo(TensorShape.rnn(3, 10));
    }

    @Test
    void vaeDecoderReshapesIntoDeconvolutions() throws Exception {
        ModelGraph g = read("keras-json", "keras-1.1.0_mnist_vae_decoder.json");
        assertThat(count(g, LayerKind.DECONV)).isEqualTo(3);
        assertThat(g.shape("reshape_4")).isEqualTo(TensorShape.cnn(64, 14, 14));
    }

    @Test
    void retinaUnetPermutesToClassesLast() throws Exception {
        ModelGraph g = read("keras-json", "keras-1.0.5_retina_unet_permute.json");
        assertThat(count(g, LayerKind.CONCAT)).isEqualTo(2);
        assertThat(g.shape("permute_1")).isEqualTo(TensorShape.rnn(2, 2304));
    }

    @Test
    void eluSeluAndStackedActivationsRead() throws Exception {
        ModelGraph g = read("keras-json", "keras-2.0.6_mlp_elu_selu_batchnorm.json");
        assertThat(g.nodes().stream().filter(n -> n.kind() == LayerKind.DENSE || n.kind() == LayerKind.OUTPUT)
                .map(n -> n.activation().fn()))
                .containsExactly(Activations.ELU, Activations.SELU, Activations.SOFTMAX);
    }

    @Test
    void binaryDenseIsOpaqueAndBinaryTanhUnknown() throws Exception {
        ModelGraph g = read("keras-json", "keras-2.0.5_binarydense_custom.json");
        assertThat(opaque(g, "BinaryDense")).isEqualTo(4);
        assertThat(g.nodes().stream().filter(n -> n.activation() != null
                && n.activation().fn() == Activations.UNKNOWN).count()).isEqualTo(3);
    }

    @Test
    void embeddingConcatenationFeedsABidirectionalLstm() throws Exception {
        ModelGraph g = read("keras-json", "keras-2.1.3_concat_embedding_bilstm.json");
        assertThat(g.node("bidirectional_1").nOut()).isEqualTo(200);
        assertThat(g.shape("concatenate_1")).isEqualTo(TensorShape.rnn(16, 10));
    }

    @Test
    void yoloHasItsLambdaPassthroughAndConcatenate() throws Exception {
        ModelGraph g = read("keras-json", "keras-2.1.3_yolo9000.json");
        assertThat(count(g, LayerKind.CONV)).isEqualTo(23);
        assertThat(g.nodes().stream().filter(n -> (n.kind() == LayerKind.CONV || n.kind() == LayerKind.OUTPUT)
                && !n.hasBias()).count()).isEqualTo(22);
        assertThat(opaque(g, "Lambda")).isEqualTo(1);
    }

    @Test
    void smallFunctionalModelsRead() throws Exception {
        ModelGraph add = read("keras-json", "keras-2.1.5_functional_add.json");
        assertThat(add.inputs()).hasSize(2);
        assertThat(count(add, LayerKind.ELEMENTWISE)).isEqualTo(1);
        ModelGraph mlp = read("keras-json", "keras-2.1.5_hls4ml_dense_5x100.json");
        assertThat(count(mlp, LayerKind.DENSE)).isEqualTo(6);
        ModelGraph one = read("keras-json", "keras-2.1.3_hls4ml_KERAS_1layer.json");
        assertThat(one.nodes().stream().filter(n -> n.kind() == LayerKind.DENSE || n.kind() == LayerKind.OUTPUT)
                .map(n -> n.activation().fn())).containsExactly(Activations.RELU, Activations.SIGMOID);
    }

    @Test
    void alphaZeroHas20ResidualAdds() throws Exception {
        ModelGraph g = read("keras-json", "keras-2.2.0_alphazero_dual_res.json");
        assertThat(count(g, LayerKind.ELEMENTWISE)).isEqualTo(20);
        assertThat(g.outputs()).hasSize(2);
    }

    @Test
    void garnetIsOpaqueBetweenTwoInputs() throws Exception {
        ModelGraph g = read("keras-json", "keras-2.2.4-tf_garnet_custom_layer.json");
        assertThat(opaque(g, "GarNet")).isEqualTo(1);
        assertThat(g.inputs()).hasSize(2);
    }

    // ---------------------------------------------------------------- keras3

    @Test
    void hdf5BehindADotKerasNameIsSniffedAsHdf5() throws Exception {
        Path f = KerasCorpus.ROOT.resolve("keras3").resolve("keras-2.11.0_HDF5_with_dot_keras_extension_conv1d_gru.keras");
        assertThat(ModelLoader.sniff(f)).isEqualTo(ModelLoader.Kind.HDF5);
        ModelGraph g = ModelLoader.load(f, "x.keras");
        assertThat(g.format()).isEqualTo(Format.KERAS_H5);
        assertThat(g.node("gru").gateActivation().fn()).isEqualTo(Activations.SIGMOID);
    }

    @Test
    void keras3TransformerReadsItsOpLayerAddsAsResiduals() throws Exception {
        ModelGraph g = read("keras3", "keras-3.6.0_transformer_encoder.keras");
        assertThat(g.format()).isEqualTo(Format.KERAS_V3);
        assertThat(g.nodes().stream().filter(n -> n.kind() == LayerKind.ELEMENTWISE
                && n.type().equals("keras.ops.numpy.Add")).count()).isEqualTo(4);
        assertThat(count(g, LayerKind.ATTENTION)).isEqualTo(2);
        assertThat(g.node("multi_head_attention_2").nOut()).isEqualTo(128);
        assertThat(g.node("dense_15").pos().pointer()).isEqualTo("config.json#/config/layers/1");
    }

    @Test
    void keras3ResNetReadsReluLayersAndAdds() throws Exception {
        ModelGraph g = read("keras3", "keras-3.6.0_resnet1d_functional.keras");
        assertThat(count(g, LayerKind.ELEMENTWISE)).isEqualTo(3);
        assertThat(g.node("re_lu_4").activation().fn()).isEqualTo(Activations.RELU);
        assertThat(g.meta()).containsEntry("keras_version", "3.6.0");
    }

    @Test
    void keras3SequentialsRead() throws Exception {
        ModelGraph lstm = read("keras3", "keras-3.12.0_stacked_lstm.keras");
        assertThat(lstm.node("lstm").returnSequences()).isTrue();
        assertThat(lstm.node("lstm_1").returnSequences()).isFalse();
        assertThat(lstm.meta()).containsEntry("loss", "mse");
        ModelGraph mlp = read("keras3", "keras-3.9.2_mlp_leakyrelu.keras");
        assertThat(mlp.node("leaky_re_lu").activation().alpha()).isCloseTo(0.2, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(mlp.node("dense").weightInit().name()).isEqualTo("he_normal");
    }
}
