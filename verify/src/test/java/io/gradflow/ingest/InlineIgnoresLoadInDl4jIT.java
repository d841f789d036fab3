package io.gradflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.model.ModelGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * gradflow's inline suppression in DL4J JSON, {@code "gradflow": {"ignore": [...]}} in a layer's
 * object or at the top level, leaves the file loadable by DL4J 1.0.0-M2.1 itself: fromJson reads
 * the suppressed file into the same configuration as the file without it (their toJson agree).
 * Every generation gradflow reads is tried; beside a legacy wrapper key ({@code {"dense": {...},
 * "gradflow": ...}}) DL4J fails, which is why gradflow refuses that place with a message.
 */
@Tag("slow")
class InlineIgnoresLoadInDl4jIT {

    private static final Path CORPUS = Path.of("..", "shared", "corpus", "dl4j-json");

    @Test
    void theSuppressedFixtureLoadsAsTheExampleItCameFrom() throws Exception {
        String original = Files.readString(Path.of("fixtures/examples/sigmoid-mlp-20.json"));
        String suppressed = Files.readString(Path.of("fixtures/suppression/dl4j-inline.json"));
        assertThat(suppressed).contains("\"gradflow\"");
        MultiLayerConfiguration a = MultiLayerConfiguration.fromJson(original);
        MultiLayerConfiguration b = MultiLayerConfiguration.fromJson(suppressed);
        assertThat(b.getConfs()).hasSize(21);
        assertThat(b.toJson()).isEqualTo(a.toJson());
        // and gradflow reads the suppressions it carries
        ModelGraph g = ModelLoader.load(Path.of("fixtures/suppression/dl4j-inline.json"), "dl4j-inline.json");
        assertThat(g.suppressions()).hasSize(3);
    }

    @Test
    void everyPlaceInAComputationGraphLoads() throws Exception {
        String original = Files.readString(Path.of("fixtures/examples/relu-residual-batchnorm-mlp-33.json"));
        JsonObject o = JsonParser.parseString(original).getAsJsonObject();
        o.add("gradflow", ignore("GF006"));
        JsonObject vertices = o.getAsJsonObject("vertices");
        int layers = 0;
        for (Map.Entry<String, JsonElement> v : vertices.entrySet()) {
            JsonObject vertex = v.getValue().getAsJsonObject();
            if (vertex.has("layerConf")) {
                vertex.getAsJsonObject("layerConf").getAsJsonObject("layer").add("gradflow", ignore("GF002"));
                layers++;
            }
        }
        assertThat(layers).isGreaterThan(10);
        ComputationGraphConfiguration a = ComputationGraphConfiguration.fromJson(original);
        ComputationGraphConfiguration b = ComputationGraphConfiguration.fromJson(o.toString());
        assertThat(b.toJson()).isEqualTo(a.toJson());
    }

    @Test
    void everyGenerationOfTheCorpusLoadsWithASuppressionInsideTheLayer() throws Exception {
        assumeTrue(Files.isDirectory(CORPUS), "the DL4J corpus is not at " + CORPUS.toAbsolutePath()
                + ": the older generations are not tried");
        List<String> files = List.of("dl4j-0.5.0_MLP_2_leakyrelu_regression.configuration.json",
                "dl4j-0.5.0_CNN_1.configuration.json", "dl4j-0.6.0_CG_LSTM_1.configuration.json",
                "dl4j-0.9.x_examples_trained_iris_model.configuration.json",
                "dl4j-1.0.0-beta4_SyntheticCNN.configuration.json",
                "dl4j-1.0.0-beta6_SyntheticBidirectionalRNNGraph.configuration.json");
        for (String f : files) {
            String original = Files.readString(CORPUS.resolve(f));
            JsonObject o = JsonParser.parseString(original).getAsJsonObject();
            o.add("gradflow", ignore("GF006"));
            JsonObject layer = firstLayer(o);
            // the legacy wrapper {"dense": {...}}: inside the wrapped object
            JsonObject body = layer.has("@class") ? layer : layer.getAsJsonObject(layer.keySet().iterator().next());
            body.add("gradflow", ignore("GF002"));
            assertThat(toJson(o.toString())).as(f).isEqualTo(toJson(original));
            if (!layer.has("@class")) {
                body.remove("gradflow");
                layer.add("gradflow", ignore("GF002"));
                assertThatThrownBy(() -> toJson(o.toString())).as("%s: beside the wrapper key", f).isNotNull();
                Path tmp = Files.createTempFile("beside-wrapper", ".json");
                try {
                    Files.writeString(tmp, o.toString());
                    assertThatThrownBy(() -> ModelLoader.load(tmp, "beside.json")).isInstanceOf(ReadException.class)
                            .hasMessageContaining("inside the layer's object");
                } finally {
                    Files.delete(tmp);
                }
            }
        }
    }

    private static String toJson(String json) throws IOException {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        return o.has("confs") ? MultiLayerConfiguration.fromJson(json).toJson()
                : ComputationGraphConfiguration.fromJson(json).toJson();
    }

    private static JsonObject firstLayer(JsonObject o) {
        if (o.has("confs")) {
            return o.getAsJsonArray("confs").get(0).getAsJsonObject().getAsJsonObject("layer");
        }
        for (Map.Entry<String, JsonElement> v : o.getAsJsonObject("vertices").entrySet()) {
            JsonObject vertex = v.getValue().getAsJsonObject();
            JsonObject body = vertex.has("LayerVertex") ? vertex.getAsJsonObject("LayerVertex") : vertex;
            if (body.has("layerConf")) {
                return body.getAsJsonObject("layerConf").getAsJsonObject("layer");
            }
        }
        throw new IllegalStateException("no layer vertex");
    }

    private static JsonObject ignore(String rule) {
        return JsonParser.parseString("{\"ignore\": [\"" + rule + "\"]}").getAsJsonObject();
    }
}
