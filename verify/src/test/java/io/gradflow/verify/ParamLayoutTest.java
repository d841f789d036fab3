package io.gradflow.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.ingest.ModelLoader;
import io.gradflow.kinds.Dl4jParam;
import io.gradflow.kinds.Fans;
import io.gradflow.model.Distribution;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.WeightInit;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's parameter layouts as gradflow fills them (keys, shapes, LSTM gate order, kernel axes):
 * an array drawn in Keras's layout lands where DL4J reads the same weight.
 */
class ParamLayoutTest {

    private static ModelGraph keras(String layers, String input) throws Exception {
        String json = "{\"class_name\": \"Sequential\", \"keras_version\": \"2.4.0\", \"backend\": \"tensorflow\", "
                + "\"config\": {\"name\": \"s\", \"layers\": [{\"class_name\": \"InputLayer\", \"config\": "
                + "{\"name\": \"in\", \"batch_input_shape\": " + input + "}}, " + layers + "]}}";
        return ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, INDArray> built(ModelGraph g) throws Exception {
        NetworkBuilder.Built b = NetworkBuilder.fromGraph(InputShapes.completed(g, 5), 42, Progress.NONE);
        return ((ComputationGraph) b.network()).paramTable();
    }

    @Test
    void kerasLstmGatesLandInDl4jsOrderWithTheForgetBiasOnTheForgetGate() throws Exception {
        // Keras's identity on the recurrent kernel (3, 12) is eye(3, 12): the input gate's block, Keras's first
        ModelGraph g = keras("{\"class_name\": \"LSTM\", \"config\": {\"name\": \"lstm\", \"units\": 3, "
                + "\"recurrent_initializer\": {\"class_name\": \"Identity\", \"config\": {\"gain\": 2.0}}, "
                + "\"return_sequences\": false}}", "[null, 5, 4]");
        Map<String, INDArray> p = built(g);
        INDArray rw = p.get("lstm_RW");
        assertThat(rw.shape()).containsExactly(3, 12);
        // DL4J's blocks are (cell input, forget, output, input): Keras's input gate is DL4J's last block
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 12; c++) {
                assertThat(rw.getDouble(r, c)).as("RW[%d][%d]", r, c).isEqualTo(c == 9 + r ? 2.0 : 0.0);
            }
        }
        INDArray b = p.get("lstm_b").reshape(-1);
        for (int c = 0; c < 12; c++) {
            assertThat(b.getDouble(c)).as("b[%d]", c).isEqualTo(c >= 3 && c < 6 ? 1.0 : 0.0);
        }
        assertThat(p.get("lstm_W").shape()).containsExactly(4, 12);
    }

    @Test
    void kerasKernelAxesArePermutedIntoDl4jsConvolutionLayout() {
        // a (kh, kw, in, out) = (2, 3, 4, 5) Keras kernel drawn, then read as DL4J's (out, in, kh, kw)
        WeightInit w = WeightInit.distribution("u", Distribution.uniform(-1, 1));
        Dl4jParam p = Dl4jParam.drawn("W", Dl4jParam.Role.WEIGHTS, w, Fans.dense(1, 1), 5, 4, 2, 3)
                .from(new long[] {2, 3, 4, 5}, 3, 2, 0, 1);
        INDArray dl4j = ParamFill.values(p, new SplittableRandom(9));
        double[] keras = w.sample(new long[] {2, 3, 4, 5}, 1, 1, 2, new SplittableRandom(9));
        assertThat(dl4j.shape()).containsExactly(5, 4, 2, 3);
        for (int o = 0; o < 5; o++) {
            for (int i = 0; i < 4; i++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 3; x++) {
                        assertThat(dl4j.getDouble(o, i, y, x)).isEqualTo(keras[((y * 3 + x) * 4 + i) * 5 + o]);
                    }
                }
            }
        }
    }

    @Test
    void aKerasDenseKernelIsDl4jsWeightMatrixAsItIs() throws Exception {
        ModelGraph g = keras("{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 4, \"activation\": "
                + "\"relu\", \"kernel_initializer\": {\"class_name\": \"Identity\", \"config\": {}}, "
                + "\"bias_initializer\": {\"class_name\": \"Constant\", \"config\": {\"value\": 0.25}}}}", "[null, 4]");
        Map<String, INDArray> p = built(g);
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                assertThat(p.get("d_W").getDouble(r, c)).isEqualTo(r == c ? 1.0 : 0.0);
            }
            assertThat(p.get("d_b").reshape(-1).getDouble(r)).isCloseTo(0.25, within(1e-7));
        }
    }

    @Test
    void batchNormStartsFromTheModelsGammaAndBetaWithUnitStatistics() throws Exception {
        ModelGraph g = keras("{\"class_name\": \"BatchNormalization\", \"config\": {\"name\": \"bn\", "
                + "\"gamma_initializer\": {\"class_name\": \"Constant\", \"config\": {\"value\": 0.5}}, "
                + "\"beta_initializer\": {\"class_name\": \"Constant\", \"config\": {\"value\": 0.1}}}}", "[null, 6]");
        Map<String, INDArray> p = built(g);
        assertThat(p.get("bn_gamma").reshape(-1).getDouble(0)).isCloseTo(0.5, within(1e-7));
        assertThat(p.get("bn_beta").reshape(-1).getDouble(5)).isCloseTo(0.1, within(1e-7));
        assertThat(p.get("bn_mean").sumNumber().doubleValue()).isZero();
        assertThat(p.get("bn_log10stdev").sumNumber().doubleValue()).isZero();
    }
}
