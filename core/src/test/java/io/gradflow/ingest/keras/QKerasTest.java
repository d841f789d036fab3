package io.gradflow.ingest.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.analysis.Verdict;
import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.WeightInit;
import io.gradflow.model.activation.Activations;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QKeras's quantised layers read as their float counterparts (issue 19), their quantisers noted in
 * every finding on them; the configs are written as QKeras 0.9 serialises them (hls4ml's
 * QKERAS_3layer example has the same keys).
 */
class QKerasTest {

    private static final String QUANTISER = """
            {"class_name": "quantized_bits", "config": {"bits": 6, "integer": 0, "symmetric": 0, "alpha": 1,
             "keep_negative": true, "use_stochastic_rounding": false}}""";

    private static String qdense(String name, int units, String activation, String init) {
        return """
                {"class_name": "QDense", "config": {"name": "%s", "units": %d, "activation": "%s", "use_bias": true,
                 "kernel_initializer": {"class_name": "QInitializer", "config": {"initializer": %s,
                  "use_scale": true, "quantizer": %s}},
                 "bias_initializer": {"class_name": "Zeros", "config": {}},
                 "kernel_quantizer": %s, "bias_quantizer": %s, "kernel_range": null, "bias_range": null}}"""
                .formatted(name, units, activation, init, QUANTISER, QUANTISER, QUANTISER);
    }

    private static String qactivation(String name, String activation) {
        return """
                {"class_name": "QActivation", "config": {"name": "%s", "activation": %s}}""".formatted(name, activation);
    }

    private static String sequential(List<String> layers) {
        return """
                {"class_name": "Sequential", "keras_version": "2.4.0", "backend": "tensorflow",
                 "config": {"name": "m", "layers": [
                  {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 16]}},
                  %s,
                  {"class_name": "Dense", "config": {"name": "out", "units": 5, "activation": "softmax"}}]}}"""
                .formatted(String.join(",\n", layers));
    }

    private static ModelGraph read(String json) throws Exception {
        return ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static final String LECUN = """
            {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_in", "distribution": "uniform",
             "seed": null}}""";

    @Test
    void aQDenseIsADenseWithItsOwnInitialiserAndItsQuantisersNoted() throws Exception {
        ModelGraph g = read(sequential(List.of(qdense("fc1", 64, "linear", LECUN),
                qactivation("relu1", "\"quantized_relu(6)\""))));
        Node fc1 = g.node("fc1");
        assertThat(fc1.kind()).isEqualTo(LayerKind.DENSE);
        assertThat(fc1.type()).isEqualTo("QDense");
        assertThat(fc1.nOut()).isEqualTo(64);
        // QInitializer wraps the layer's initialiser: LeCun uniform, not an unknown one
        WeightInit init = fc1.weightInit();
        assertThat(init).isNotNull();
        assertThat(init.family()).isEqualTo(WeightInit.Family.FAN_SCALED);
        assertThat(init.variance(16, 64, 80)).isCloseTo(1.0 / 16, within(1e-12));
        assertThat(fc1.detail()).isEqualTo("QKeras QDense read as a float Dense, kernel quantized_bits(6,0), "
                + "bias quantized_bits(6,0); the weights' rounding is not modelled");
        Node relu = g.node("relu1");
        assertThat(relu.kind()).isEqualTo(LayerKind.ACTIVATION);
        assertThat(relu.type()).isEqualTo("QActivation");
        assertThat(relu.detail()).isEqualTo("QKeras QActivation read as a float Activation, activation "
                + "quantized_relu(6)");
    }

    @Test
    void quantisedActivationsAreTheFunctionsTheirStraightThroughGradientsFollow() throws Exception {
        // quantized_relu clips at 2^integer (1 - 2^-bits); QKeras's tanh and sigmoid are hard ones
        // (slope 0.5 for the sigmoid) unless told to use the real ones; quantized_bits passes straight
        assertThat(activation("\"quantized_relu(6)\"")).satisfies(a -> {
            assertThat(a.fn()).isEqualTo(Activations.RELU6);
            assertThat(a.alpha()).isEqualTo(1 - 1.0 / 64);
        });
        assertThat(activation("\"quantized_relu(4, 2)\"").alpha()).isEqualTo(4 * (1 - 1.0 / 16));
        assertThat(activation("\"quantized_relu(6, integer=1)\"").alpha()).isEqualTo(2 * (1 - 1.0 / 64));
        assertThat(activation("{\"class_name\": \"quantized_relu\", \"config\": {\"bits\": 3, \"integer\": 1}}")
                .alpha()).isEqualTo(2 * (1 - 1.0 / 8));
        assertThat(activation("\"quantized_relu(4,0,0,0.25)\"").fn()).isEqualTo(Activations.LEAKYRELU);
        assertThat(activation("\"quantized_tanh(4)\"").fn()).isEqualTo(Activations.HARDTANH);
        assertThat(activation("\"quantized_tanh(4,0,0,1)\"").fn()).isEqualTo(Activations.TANH);
        assertThat(activation("\"quantized_sigmoid(4)\"")).satisfies(a -> {
            assertThat(a.fn()).isEqualTo(Activations.HARDSIGMOID);
            assertThat(a.alpha()).isEqualTo(0.5);
        });
        assertThat(activation("\"quantized_bits(8,0,1)\"").fn()).isEqualTo(Activations.IDENTITY);
        assertThat(activation("\"relu\"").fn()).isEqualTo(Activations.RELU);
        assertThat(activation("\"binary\"").fn()).isEqualTo(Activations.UNKNOWN);
    }

    private static Activation activation(String json) throws Exception {
        Activation a = read(sequential(List.of(qdense("fc1", 8, "linear", LECUN), qactivation("act", json))))
                .node("act").activation();
        assertThat(a).isNotNull();
        return a;
    }

    @Test
    void aQKerasClassGradflowDoesNotReadStaysOpaqueAndSaysWhichItReads() throws Exception {
        ModelGraph g = read(sequential(List.of("""
                {"class_name": "QAdaptiveActivation", "config": {"name": "qa", "activation": "quantized_relu"}}""")));
        Node qa = g.node("qa");
        assertThat(qa.kind()).isEqualTo(LayerKind.OPAQUE);
        assertThat(qa.detail()).startsWith("QKeras quantised layer QAdaptiveActivation: not analysed")
                .contains("QDense");
    }

    @Test
    void everyFindingOnAQuantisedLayerCarriesItsQuantisers(@TempDir Path dir) throws Exception {
        // ten QDense layers under a sigmoid: a vanishing gradient, found on quantised layers
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            layers.add(qdense("fc" + i, 32, "sigmoid", LECUN));
        }
        Path f = dir.resolve("q.json");
        Files.writeString(f, sequential(layers));
        ModelResult r = Pipeline.lint(f, "q.json", RuleConfig.DEFAULT);
        assertThat(r.analysis().verdict()).isEqualTo(Verdict.VANISHING);
        List<Finding> onQuantised = r.findings().stream().filter(x -> x.layer() != null && x.layer().startsWith("fc"))
                .toList();
        assertThat(onQuantised).isNotEmpty().allSatisfy(x -> assertThat(x.message())
                .endsWith("(QKeras QDense read as a float Dense, kernel quantized_bits(6,0), bias quantized_bits(6,0); "
                        + "the weights' rounding is not modelled)"));
    }
}
