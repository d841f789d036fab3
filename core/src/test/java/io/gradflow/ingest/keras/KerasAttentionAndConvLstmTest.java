package io.gradflow.ingest.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradflow.analysis.SignalPropagation;
import io.gradflow.convert.ConvertException;
import io.gradflow.convert.Dl4jJsonWriter;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keras Attention, AdditiveAttention and ConvLSTM1D/2D read as modelled kinds, in Keras 2 and Keras 3 configs. */
class KerasAttentionAndConvLstmTest {

    static ModelGraph read(String json) throws ReadException {
        return ModelLoader.loadJson("model.json", json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A Keras 2 functional model: a query of 10 steps and a value of 12, both 16 wide, joined by
     * {@code layer} (its class and config members), pooled, then a softmax; {@code key} adds a third input.
     */
    static String keras2(String cls, String cfg, boolean key) {
        String keyInput = key ? """
                 {"name": "k", "class_name": "InputLayer", "config": {"batch_input_shape": [null, 12, 16], "name": "k"},
                  "inbound_nodes": []},
                """ : "";
        return """
                {"class_name": "Model", "keras_version": "2.11.0", "config": {"name": "m", "layers": [
                 {"name": "q", "class_name": "InputLayer", "config": {"batch_input_shape": [null, 10, 16], "name": "q"},
                  "inbound_nodes": []},
                 {"name": "v", "class_name": "InputLayer", "config": {"batch_input_shape": [null, 12, 16], "name": "v"},
                  "inbound_nodes": []},
                """ + keyInput + """
                 {"name": "att", "class_name": "%s", "config": {"name": "att"%s},
                  "inbound_nodes": [[["q", 0, 0, {}], ["v", 0, 0, {}]%s]]},
                 {"name": "pool", "class_name": "GlobalAveragePooling1D", "config": {"name": "pool"},
                  "inbound_nodes": [[["att", 0, 0, {}]]]},
                 {"name": "out", "class_name": "Dense", "config": {"name": "out", "units": 3, "activation": "softmax"},
                  "inbound_nodes": [[["pool", 0, 0, {}]]]}
                ], "input_layers": [["q", 0, 0], ["v", 0, 0]%s], "output_layers": [["out", 0, 0]]}}
                """.formatted(cls, cfg, key ? ", [\"k\", 0, 0, {}]" : "", key ? ", [\"k\", 0, 0]" : "");
    }

    static String tensor(String layer, String shape) {
        return "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": " + shape
                + ", \"dtype\": \"float32\", \"keras_history\": [\"" + layer + "\", 0, 0]}}";
    }

    /** The same model as Keras 3 writes it: the call's list argument holds keras tensors, the mask is a kwarg. */
    static String keras3(String cls, String cfg) {
        return """
                {"module": "keras", "class_name": "Functional", "config": {"name": "m", "trainable": true, "layers": [
                 {"module": "keras.layers", "class_name": "InputLayer",
                  "config": {"batch_shape": [null, 10, 16], "dtype": "float32", "name": "q"}, "name": "q", "inbound_nodes": []},
                 {"module": "keras.layers", "class_name": "InputLayer",
                  "config": {"batch_shape": [null, 12, 16], "dtype": "float32", "name": "v"}, "name": "v", "inbound_nodes": []},
                 {"module": "keras.layers", "class_name": "%s", "config": {"name": "att"%s}, "name": "att",
                  "inbound_nodes": [{"args": [[%s, %s]], "kwargs": {"mask": null}}]},
                 {"module": "keras.layers", "class_name": "GlobalAveragePooling1D", "config": {"name": "pool"},
                  "name": "pool", "inbound_nodes": [{"args": [%s], "kwargs": {}}]},
                 {"module": "keras.layers", "class_name": "Dense", "config": {"name": "out", "units": 3,
                  "activation": "softmax"}, "name": "out", "inbound_nodes": [{"args": [%s], "kwargs": {}}]}
                ], "input_layers": [["q", 0, 0], ["v", 0, 0]], "output_layers": [["out", 0, 0]]}}
                """.formatted(cls, cfg, tensor("q", "[null, 10, 16]"), tensor("v", "[null, 12, 16]"),
                tensor("att", "[null, 10, 16]"), tensor("pool", "[null, 16]"));
    }

    @Test
    void keras2AttentionIsADotProductOverQueryAndValueShapedLikeTheQuery() throws Exception {
        ModelGraph g = read(keras2("Attention", ", \"use_scale\": false, \"causal\": false, \"dropout\": 0.0", false));
        Node att = g.node("att");
        assertThat(att.kind()).isEqualTo(LayerKind.DOT_ATTENTION);
        assertThat(att.score()).isEqualTo(Node.Score.DOT);
        assertThat(att.inputs()).containsExactly("q", "v");
        assertThat(g.shape("att")).isEqualTo(TensorShape.rnn(16, 10));
        assertThat(att.dropRate()).isZero();
    }

    @Test
    void keras3AttentionReadsItsListArgumentAndScoreMode() throws Exception {
        ModelGraph g = read(keras3("Attention", ", \"use_scale\": true, \"score_mode\": \"concat\", \"dropout\": 0.1"));
        Node att = g.node("att");
        assertThat(att.kind()).isEqualTo(LayerKind.DOT_ATTENTION);
        assertThat(att.score()).isEqualTo(Node.Score.TANH_SUM);
        assertThat(att.inputs()).containsExactly("q", "v");
        assertThat(att.dropRate()).isEqualTo(0.1);
        assertThat(g.shape("att")).isEqualTo(TensorShape.rnn(16, 10));
    }

    @Test
    void additiveAttentionWeighsItsTanhSumUnlessUseScaleIsOff() throws Exception {
        assertThat(read(keras2("AdditiveAttention", ", \"use_scale\": true", false)).node("att").score())
                .isEqualTo(Node.Score.WEIGHTED_TANH_SUM);
        assertThat(read(keras3("AdditiveAttention", "")).node("att").score()).isEqualTo(Node.Score.WEIGHTED_TANH_SUM);
        assertThat(read(keras2("AdditiveAttention", ", \"use_scale\": false", false)).node("att").score())
                .isEqualTo(Node.Score.TANH_SUM);
    }

    @Test
    void aThirdInputIsTheKey() throws Exception {
        ModelGraph g = read(keras2("Attention", "", true));
        assertThat(g.node("att").inputs()).containsExactly("q", "v", "k");
        assertThat(g.shape("att")).isEqualTo(TensorShape.rnn(16, 10));
    }

    static String convLstm(String version, String cls, String shape, String extra) {
        return KerasReaderTest.sequential(version,
                "{\"class_name\": \"" + cls + "\", \"config\": {\"name\": \"cl\", \"filters\": 4, \"kernel_size\": "
                        + (cls.equals("ConvLSTM1D") ? "[3]" : "[3, 3]") + ", \"batch_input_shape\": " + shape + extra + "}}",
                "{\"class_name\": \"Flatten\", \"config\": {\"name\": \"flat\"}}",
                "{\"class_name\": \"Dense\", \"config\": {\"name\": \"out\", \"units\": 3, \"activation\": \"softmax\"}}");
    }

    @Test
    void convLstm2dTakesTimeFromTheFirstAxisAndShapesRowsAndColsAsAConvolution() throws Exception {
        ModelGraph g = read(convLstm("2.2.4-tf", "ConvLSTM2D", "[null, 5, 8, 8, 3]",
                ", \"padding\": \"valid\", \"strides\": [1, 1], \"recurrent_activation\": \"hard_sigmoid\""));
        Node cl = g.node("cl");
        assertThat(cl.kind()).isEqualTo(LayerKind.CONV_LSTM);
        assertThat(cl.nOut()).isEqualTo(4);
        assertThat(cl.nIn()).isEqualTo(3);
        assertThat(cl.kernel()).containsExactly(3, 3);
        assertThat(cl.forgetGateBias()).isEqualTo(1.0);
        assertThat(cl.recurrentInit().family()).isEqualTo(WeightInit.Family.ORTHOGONAL);
        assertThat(g.shape("cl")).isEqualTo(TensorShape.cnn(4, 6, 6));
    }

    @Test
    void convLstmReturningSequencesKeepsTheTimeAxis() throws Exception {
        ModelGraph g = read(convLstm("3.6.0", "ConvLSTM2D", "[null, 5, 8, 8, 3]",
                ", \"padding\": \"same\", \"return_sequences\": true"));
        assertThat(g.shape("cl")).isEqualTo(TensorShape.cnn(4, 5, 8, 8));
        ModelGraph one = read(convLstm("3.6.0", "ConvLSTM1D", "[null, 5, 8, 3]", ", \"padding\": \"same\""));
        assertThat(one.node("cl").kind()).isEqualTo(LayerKind.CONV_LSTM);
        assertThat(one.shape("cl")).isEqualTo(TensorShape.rnn(4, 8));
    }

    @Test
    void channelsFirstAndThreeDimensionalConvLstmStayOpaqueAndSayWhy() throws Exception {
        ModelGraph g = read(convLstm("2.2.4-tf", "ConvLSTM2D", "[null, 5, 3, 8, 8]", ", \"data_format\": \"channels_first\""));
        assertThat(g.node("cl").kind()).isEqualTo(LayerKind.OPAQUE);
        assertThat(g.node("cl").detail()).contains("channels_first");
        ModelGraph three = read(convLstm("2.2.4-tf", "ConvLSTM3D", "[null, 5, 4, 8, 8, 3]", ""));
        assertThat(three.node("cl").kind()).isEqualTo(LayerKind.OPAQUE);
        assertThat(three.node("cl").detail()).contains("more axes");
    }

    @Test
    void verifyAndConvertRefuseBothKindsInOneLineEach() throws Exception {
        ModelGraph att = read(keras2("Attention", "", false));
        assertThatThrownBy(() -> Dl4jJsonWriter.forVerify(att)).isInstanceOfSatisfying(ConvertException.class, e -> {
            assertThat(e.problems()).hasSize(1);
            assertThat(e.problems().get(0).message()).contains("'att'")
                    .contains("has no attention without projections").doesNotContain("\n");
        });
        ModelGraph cl = read(convLstm("3.6.0", "ConvLSTM2D", "[null, 5, 8, 8, 3]", ""));
        assertThatThrownBy(() -> Dl4jJsonWriter.write(cl)).isInstanceOfSatisfying(ConvertException.class, e -> {
            assertThat(e.problems()).hasSize(1);
            assertThat(e.problems().get(0).message()).contains("'cl'").contains("has no convolutional LSTM");
        });
    }

    @Test
    void anAttentionCalledOnOneTensorIsReadAndAnalysedWithoutAQueryValuePair() throws Exception {
        // Keras refuses such a call; a hand-edited file may still hold one, and lint must not crash on it
        ModelGraph g = read(KerasReaderTest.sequential("2.11.0",
                "{\"class_name\": \"Attention\", \"config\": {\"name\": \"att\", \"batch_input_shape\": [null, 6, 8]}}",
                "{\"class_name\": \"Flatten\", \"config\": {\"name\": \"flat\"}}",
                "{\"class_name\": \"Dense\", \"config\": {\"name\": \"out\", \"units\": 2}}"));
        assertThat(g.node("att").kind()).isEqualTo(LayerKind.DOT_ATTENTION);
        assertThat(SignalPropagation.analyse(g).profile("att").activationRms()).isPositive();
    }
}
