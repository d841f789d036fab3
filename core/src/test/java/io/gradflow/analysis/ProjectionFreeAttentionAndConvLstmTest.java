package io.gradflow.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.ModelGraph;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Keras Attention, AdditiveAttention and ConvLSTM2D through the mean field (docs/theory.md
 * sections 8.3 and 8.4): the softmax's temperature from the inputs, the gradient to query and
 * value, and the convolutional LSTM as an LSTM with kernel fans.
 */
class ProjectionFreeAttentionAndConvLstmTest {

    static final SignalPropagation.Options MEAN_FIELD = SignalPropagation.Options.DEFAULT.withFiniteWidth(false)
            .withSimulation(false);

    static GradientAnalysis analyse(String json) throws Exception {
        ModelGraph g = ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
        return SignalPropagation.analyse(g, MEAN_FIELD);
    }

    /**
     * Query (10 steps) and value (12 steps), 16 wide, each multiplied by {@code scale} (Rescaling),
     * joined by the attention layer {@code cls} with config members {@code cfg}, averaged, softmax.
     */
    static String attention(double scale, String cls, String cfg) {
        return """
                {"class_name": "Model", "keras_version": "2.11.0", "config": {"name": "m", "layers": [
                 {"name": "q", "class_name": "InputLayer", "config": {"batch_input_shape": [null, 10, 16], "name": "q"},
                  "inbound_nodes": []},
                 {"name": "v", "class_name": "InputLayer", "config": {"batch_input_shape": [null, 12, 16], "name": "v"},
                  "inbound_nodes": []},
                 {"name": "qs", "class_name": "Rescaling", "config": {"name": "qs", "scale": %s, "offset": 0.0},
                  "inbound_nodes": [[["q", 0, 0, {}]]]},
                 {"name": "vs", "class_name": "Rescaling", "config": {"name": "vs", "scale": %s, "offset": 0.0},
                  "inbound_nodes": [[["v", 0, 0, {}]]]},
                 {"name": "att", "class_name": "%s", "config": {"name": "att"%s},
                  "inbound_nodes": [[["qs", 0, 0, {}], ["vs", 0, 0, {}]]]},
                 {"name": "pool", "class_name": "GlobalAveragePooling1D", "config": {"name": "pool"},
                  "inbound_nodes": [[["att", 0, 0, {}]]]},
                 {"name": "out", "class_name": "Dense", "config": {"name": "out", "units": 3, "activation": "softmax"},
                  "inbound_nodes": [[["pool", 0, 0, {}]]]}
                ], "input_layers": [["q", 0, 0], ["v", 0, 0]], "output_layers": [["out", 0, 0]]}}
                """.formatted(scale, scale, cls, cfg);
    }

    /** The attention output's RMS over its value's: 1 when each query copies one value, sqrt(1/T) when it averages T. */
    static double kept(GradientAnalysis a) {
        return a.profile("att").activationRms() / a.profile("vs").activationRms();
    }

    @Test
    void unscaledDotProductOfUnitInputsStartsNearlyOneHotAndOfSmallInputsAveragesEvenly() throws Exception {
        // s2 = d E[q^2] Var[k] = 16 over 12 keys: a few keys take most of the weight (e^16 / 12 would say all)
        double hot = kept(analyse(attention(1, "Attention", "")));
        assertThat(hot * hot).isBetween(0.6, 0.9);
        // at a tenth of the scale s2 = 0.0016: a uniform average over 12 keys keeps 1/12 of the variance
        double cool = kept(analyse(attention(0.1, "Attention", "")));
        assertThat(cool * cool).isCloseTo(1.0 / 12, within(1e-3));
        // use_scale is a scalar that starts at 1: nothing changes at initialisation
        assertThat(kept(analyse(attention(1, "Attention", ", \"use_scale\": true")))).isEqualTo(hot);
    }

    @Test
    void additiveAttentionsScaleVectorCoolsTheSoftmaxThatItsPlainTanhSumHeats() throws Exception {
        double weighted = kept(analyse(attention(1, "AdditiveAttention", "")));
        double plain = kept(analyse(attention(1, "AdditiveAttention", ", \"use_scale\": false")));
        // weighted: s2 = Var_tok tanh(q + k) < 1, near uniform; plain: 16 times that, a sharp start
        assertThat(weighted).isBetween(Math.sqrt(1.0 / 12), Math.sqrt(Math.E / 12));
        assertThat(plain).isGreaterThan(1.5 * weighted);
        assertThat(kept(analyse(attention(1, "Attention", ", \"score_mode\": \"concat\"")))).isEqualTo(plain);
    }

    @Test
    void dropoutOnTheWeightsKeepsMoreOfTheValuesVariance() throws Exception {
        double none = kept(analyse(attention(0.1, "Attention", "")));
        double dropped = kept(analyse(attention(0.1, "Attention", ", \"dropout\": 0.5")));
        // the independent part doubles (k / keep); the shared part, zero-mean here, adds nothing
        assertThat(dropped * dropped / (none * none)).isCloseTo(2, within(1e-9));
    }

    @Test
    void theQueryLearnsThroughTheScoresAsMuchAsTheyVaryAcrossKeys() throws Exception {
        GradientAnalysis cool = analyse(attention(0.1, "Attention", ""));
        double k = kept(cool) * kept(cool);
        // (dL/dq)^2 / g = k (1 - k) d Var[v] Var[k] + Var[v]^2 (1 - k)^2 (the key is the value),
        // then times 0.01 back through the query's Rescaling(0.1)
        double expected = 0.01 * (k * (1 - k) * 16 * 0.01 * 0.01 + 0.01 * 0.01 * (1 - k) * (1 - k));
        double ratio = cool.profile("q").gradientRms() / cool.profile("att").gradientRms();
        assertThat(ratio * ratio).isCloseTo(expected, within(expected * 1e-6));
        assertThat(cool.profile("v").gradientRms()).isGreaterThan(cool.profile("q").gradientRms());
        // where the scores vary more the query's share grows
        GradientAnalysis hot = analyse(attention(1, "Attention", ""));
        assertThat(hot.profile("q").gradientRms() / hot.profile("att").gradientRms()).isGreaterThan(100 * ratio);
        assertThat(cool.verdict()).isNotEqualTo(Verdict.UNKNOWN);
    }

    /** A Sequential model: ConvLSTM2D over (steps, rows, cols, channels) with {@code extra} config members, then a softmax. */
    static String convLstm(int steps, int size, String kernel, String extra) {
        return sequential("{\"class_name\": \"ConvLSTM2D\", \"config\": {\"name\": \"rec\", \"filters\": 8, "
                + "\"kernel_size\": " + kernel + ", \"padding\": \"same\", \"batch_input_shape\": [null, " + steps + ", "
                + size + ", " + size + ", 4]" + extra + "}}",
                "{\"class_name\": \"Flatten\", \"config\": {\"name\": \"flat\"}}");
    }

    static String lstm(int steps, String extra) {
        return sequential("{\"class_name\": \"LSTM\", \"config\": {\"name\": \"rec\", \"units\": 8, "
                + "\"batch_input_shape\": [null, " + steps + ", 4]" + extra + "}}");
    }

    static String sequential(String... layers) {
        return "{\"class_name\": \"Sequential\", \"keras_version\": \"2.2.4-tf\", \"config\": [\n"
                + String.join(",\n", layers) + ",\n"
                + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"out\", \"units\": 3, \"activation\": \"softmax\"}}]}";
    }

    @Test
    void aOneByOneConvLstmOnOnePixelIsAnLstm() throws Exception {
        GradientAnalysis conv = analyse(convLstm(30, 1, "[1, 1]", ""));
        GradientAnalysis plain = analyse(lstm(30, ""));
        assertThat(conv.profile("rec").time().ownDecades())
                .isCloseTo(plain.profile("rec").time().ownDecades(), within(1e-9));
        assertThat(conv.profile("rec").activationRms()).isCloseTo(plain.profile("rec").activationRms(), within(1e-9));
        assertThat(conv.profile("rec").weightVariance()).isCloseTo(plain.profile("rec").weightVariance(), within(1e-12));
    }

    @Test
    void theKernelAreaIsInTheFansAndTheForgetBiasKeepsTheGradientThroughTime() throws Exception {
        // Glorot over kernel area x channels: a 3x3 kernel's weights are a ninth of a 1x1's
        GradientAnalysis three = analyse(convLstm(30, 6, "[3, 3]", ""));
        GradientAnalysis one = analyse(convLstm(30, 6, "[1, 1]", ""));
        assertThat(one.profile("rec").weightVariance() / three.profile("rec").weightVariance()).isCloseTo(9, within(1e-9));
        // docs/theory.md 8.2 and 8.5: the forget gate open at bias 1 loses a few hundredths of a
        // decade a step (the kernel, one matrix at every step, adds its paths coherently), shut at 0
        // at least one and a half times that
        double open = three.profile("rec").time().perStep();
        double shut = analyse(convLstm(30, 6, "[3, 3]", ", \"unit_forget_bias\": false")).profile("rec").time().perStep();
        assertThat(open).isBetween(-0.1, -0.03);
        assertThat(shut).isLessThan(1.5 * open);
    }
}
