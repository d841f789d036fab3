package io.gradflow.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.ModelGraph;
import io.gradflow.verify.dl4j.HalvedAttentionVertex;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Keras's MultiHeadAttention built with its heads, each array drawn as Keras draws it. */
class AttentionHeadsTest {

    private static final int WIDTH = 16;

    /** tf.keras functional: 10 tokens of 16, self-attention of 4 heads of 3, token average, softmax. */
    static ModelGraph model() throws Exception {
        String glorot = "{\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null}}";
        String zeros = "{\"class_name\": \"Zeros\", \"config\": {}}";
        String json = "{\"class_name\": \"Functional\", \"keras_version\": \"2.13.1\", \"backend\": \"tensorflow\", "
                + "\"config\": {\"name\": \"m\", \"layers\": ["
                + "{\"class_name\": \"InputLayer\", \"name\": \"tokens\", \"config\": {\"name\": \"tokens\", "
                + "\"batch_input_shape\": [null, 10, " + WIDTH + "], \"dtype\": \"float32\"}, \"inbound_nodes\": []}, "
                + "{\"class_name\": \"MultiHeadAttention\", \"name\": \"att\", \"config\": {\"name\": \"att\", "
                + "\"num_heads\": 4, \"key_dim\": 3, \"value_dim\": 3, \"dropout\": 0.0, \"use_bias\": true, "
                + "\"output_shape\": null, \"attention_axes\": [1], \"kernel_initializer\": " + glorot + ", "
                + "\"bias_initializer\": " + zeros + "}, "
                + "\"inbound_nodes\": [[[\"tokens\", 0, 0, {\"value\": [\"tokens\", 0, 0]}]]]}, "
                + "{\"class_name\": \"GlobalAveragePooling1D\", \"name\": \"pool\", \"config\": {\"name\": \"pool\", "
                + "\"data_format\": \"channels_last\", \"keepdims\": false}, \"inbound_nodes\": [[[\"att\", 0, 0, {}]]]}, "
                + "{\"class_name\": \"Dense\", \"name\": \"out\", \"config\": {\"name\": \"out\", \"units\": 3, "
                + "\"activation\": \"softmax\", \"use_bias\": true, \"kernel_initializer\": " + glorot + ", "
                + "\"bias_initializer\": " + zeros + "}, \"inbound_nodes\": [[[\"pool\", 0, 0, {}]]]}], "
                + "\"input_layers\": [[\"tokens\", 0, 0]], \"output_layers\": [[\"out\", 0, 0]]}}";
        return ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static INDArray param(Map<String, INDArray> table, String key) {
        return table.entrySet().stream().filter(e -> e.getKey().startsWith("att") && e.getKey().endsWith(key))
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError(key + " in " + table.keySet()));
    }

    /** The variance of a uniform Glorot draw over Keras's fans. */
    private static double glorot(double fanIn, double fanOut) {
        return 2 / (fanIn + fanOut);
    }

    @Test
    void fourHeadsOfThreeAreBuiltWithKerassShapesAndFans() throws Exception {
        NetworkBuilder.Built b = NetworkBuilder.fromGraph(InputShapes.completed(model(), 5), 42, Progress.NONE);
        ComputationGraph g = (ComputationGraph) b.network();
        assertThat(g.getConfiguration().getVertices().get("att")).isInstanceOf(HalvedAttentionVertex.class);
        HalvedAttentionVertex v = (HalvedAttentionVertex) g.getConfiguration().getVertices().get("att");
        assertThat(v.getNHeads()).isEqualTo(4);
        assertThat(v.getHeadSize()).isEqualTo(3);
        Map<String, INDArray> p = g.paramTable();
        INDArray wq = param(p, "Wq");
        INDArray wo = param(p, "Wo");
        assertThat(wq.shape()).containsExactly(4, 3, WIDTH);
        assertThat(wo.shape()).containsExactly(12, WIDTH);
        // Keras reads the (16, 4, 3) query kernel as a convolution's: fan_in 4 x 16, fan_out 3 x 16;
        // the (4, 3, 16) output kernel: fan_in 3 x 4, fan_out 16 x 4. A dense map's fans would give
        // 2 / (16 + 12), three times the query's variance
        double q = wq.mul(wq).meanNumber().doubleValue();
        double o = wo.mul(wo).meanNumber().doubleValue();
        assertThat(q).isCloseTo(glorot(4 * WIDTH, 3 * WIDTH), within(0.25 * glorot(4 * WIDTH, 3 * WIDTH)));
        assertThat(o).isCloseTo(glorot(3 * 4, WIDTH * 4), within(0.25 * glorot(3 * 4, WIDTH * 4)));
    }
}
