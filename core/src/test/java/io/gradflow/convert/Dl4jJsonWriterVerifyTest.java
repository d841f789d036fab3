package io.gradflow.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.dsl.DslReader;
import io.gradflow.kinds.Dl4jParam;
import io.gradflow.model.ModelGraph;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What gradflow verify builds from a graph (no DL4J needed): always a ComputationGraph, the verify
 * module's classes only in this mode, every weighted layer's arrays declared with their initialiser.
 */
class Dl4jJsonWriterVerifyTest {

    static ModelGraph dsl(String text) throws Exception {
        return DslReader.read("m.gflow", text);
    }

    @Test
    void verifyNamesItsOwnGruAndLayerNormWhichConvertRefuses() throws Exception {
        ModelGraph g = dsl("""
                input 6 x 12 steps
                gru 8
                layernorm
                lstm 8 last
                output 3 softmax loss mcxent
                """);
        assertThatThrownBy(() -> Dl4jJsonWriter.write(g)).isInstanceOf(ConvertException.class)
                .hasMessageContaining("has no GRU layer; use lstm");
        Dl4jJsonWriter.Build b = Dl4jJsonWriter.forVerify(g);
        JsonObject root = JsonParser.parseString(b.json()).getAsJsonObject();
        assertThat(root.has("vertices")).isTrue();
        String text = b.json();
        assertThat(text).contains("io.gradflow.verify.dl4j.GatedRecurrentUnit")
                .contains("io.gradflow.verify.dl4j.LayerNormalization");
        // the placeholder initialiser: the verifier draws every array itself
        assertThat(text).doesNotContain("WeightInitXavier\"").doesNotContain("OrthogonalDistribution");
        List<Dl4jParam> gru = b.params().get("gru_0");
        assertThat(gru).extracting(Dl4jParam::key).containsExactly("W", "RW", "b", "rb");
        assertThat(gru.get(0).shape()).containsExactly(6, 24);
        assertThat(gru.get(1).init()).isNotNull();
        assertThat(b.params().get("lstm_0")).extracting(Dl4jParam::key).containsExactly("W", "RW", "b");
        // a time probe in front of each recurrent layer reading a sequence
        assertThat(root.getAsJsonObject("vertices").has("gru_0~time")).isTrue();
        assertThat(b.outputs()).containsExactly("output");
    }

    @Test
    void aKerasOutputFollowedByItsActivationIsBuiltAsItsLayersWithTheLossAfterThem() throws Exception {
        // Keras's reader marks 'd2' as the output layer and moves the softmax onto it; DL4J's OutputLayer
        // cannot be followed by another layer, so 'd2' is a dense layer, the softmax runs once, and the
        // loss follows the model output
        String json = "{\"class_name\": \"Sequential\", \"keras_version\": \"2.4.0\", \"config\": {\"name\": \"s\", "
                + "\"layers\": [{\"class_name\": \"Dense\", \"config\": {\"name\": \"d1\", \"units\": 16, "
                + "\"activation\": \"relu\", \"batch_input_shape\": [null, 8]}}, {\"class_name\": \"Dense\", "
                + "\"config\": {\"name\": \"d2\", \"units\": 4}}, {\"class_name\": \"Activation\", \"config\": "
                + "{\"name\": \"act\", \"activation\": \"softmax\"}}]}}";
        ModelGraph g = ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
        Dl4jJsonWriter.Build b = Dl4jJsonWriter.forVerify(g);
        assertThat(b.outputs()).containsExactly("act_loss");
        JsonObject vertices = JsonParser.parseString(b.json()).getAsJsonObject().getAsJsonObject("vertices");
        JsonObject loss = layer(vertices, "act_loss");
        assertThat(loss.get("@class").getAsString()).endsWith(".LossLayer");
        assertThat(loss.getAsJsonObject("lossFn").get("@class").getAsString()).endsWith("LossMCXENT");
        JsonObject d2 = layer(vertices, "d2");
        assertThat(d2.get("@class").getAsString()).endsWith(".DenseLayer");
        assertThat(d2.getAsJsonObject("activationFn").get("@class").getAsString()).endsWith("ActivationIdentity");
    }

    @Test
    void aOneByOneConvolutionAfterPoolingThatKeepsItsDimensionsGetsImagesBack() throws Exception {
        // MobileNetV1's head: DL4J's global pooling leaves feature vectors where Keras keeps a 1x1 map, so
        // the classifier convolution is given DL4J's preprocessor back to a 1x1 map of the channels
        String json = "{\"class_name\": \"Sequential\", \"keras_version\": \"2.12.0\", \"config\": {\"name\": "
                + "\"s\", \"layers\": [{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c1\", \"filters\": 6, "
                + "\"kernel_size\": [3, 3], \"activation\": \"relu\", \"batch_input_shape\": [null, 8, 8, 3]}}, "
                + "{\"class_name\": \"GlobalAveragePooling2D\", \"config\": {\"name\": \"gap\", \"keepdims\": true}}, "
                + "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"preds\", \"filters\": 4, "
                + "\"kernel_size\": [1, 1]}}, {\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", "
                + "\"target_shape\": [4]}}, {\"class_name\": \"Activation\", \"config\": {\"name\": \"act\", "
                + "\"activation\": \"softmax\"}}]}}";
        ModelGraph g = ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
        JsonObject vertices = JsonParser.parseString(Dl4jJsonWriter.forVerify(g).json()).getAsJsonObject()
                .getAsJsonObject("vertices");
        JsonObject pre = vertices.getAsJsonObject("preds").getAsJsonObject("preProcessor");
        assertThat(pre.get("@class").getAsString())
                .isEqualTo("org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor");
        assertThat(pre.get("inputHeight").getAsLong()).isEqualTo(1);
        assertThat(pre.get("inputWidth").getAsLong()).isEqualTo(1);
        assertThat(pre.get("numChannels").getAsLong()).isEqualTo(6);
        assertThat(layer(vertices, "preds").get("@class").getAsString()).endsWith(".ConvolutionLayer");
        // the first convolution reads images already: nothing in front of it
        assertThat(vertices.getAsJsonObject("c1").get("preProcessor").isJsonNull()).isTrue();
    }

    private static JsonObject layer(JsonObject vertices, String name) {
        return vertices.getAsJsonObject(name).getAsJsonObject("layerConf").getAsJsonObject("layer");
    }

    @Test
    void anActivationDl4jComputesOtherwiseRunsAsGradflowsOwnInVerifyOnly() throws Exception {
        ModelGraph g = dsl("""
                input 8
                dense 8 activation gelu
                output 2 softmax loss mcxent
                """);
        // the DSL's gelu is DL4J's (sigmoid form), so both modes write DL4J's class
        assertThat(Dl4jJsonWriter.forVerify(g).json()).contains("ActivationGELU");
    }
}
