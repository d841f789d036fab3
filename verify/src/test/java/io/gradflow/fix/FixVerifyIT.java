package io.gradflow.fix;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.cli.CliRunner;
import io.gradflow.convert.Dl4jJsonWriter;
import io.gradflow.engine.Pipeline;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixes, checked against Deeplearning4j: every fixed DL4J configuration loads with
 * {@code fromJson} (and builds), and for each kind of fix one model whose measured gradient was
 * past a threshold measures healthy once fixed.
 */
@Tag("slow")
class FixVerifyIT {

    @TempDir
    Path tmp;

    /** The text with the fix of that kind applied to every finding of the rule. */
    static String apply(String display, String text, String rule, FixKind kind) throws Exception {
        ModelGraph g = Pipeline.readText(display, text);
        ModelResult r = Pipeline.check(g, RuleConfig.DEFAULT);
        Fixer fixer = Fixer.of(g, text);
        List<Edit> edits = new ArrayList<>();
        for (Finding f : r.findings()) {
            if (f.rule().equals(rule) || f.related().stream().anyMatch(y -> y.rule().equals(rule))) {
                fixer.fixes(f).stream().filter(x -> x.kind() == kind).findFirst().ifPresent(x -> edits.addAll(x.edits()));
            }
        }
        assertThat(edits).as(display + ": a " + kind + " fix for " + rule).isNotEmpty();
        return Edit.apply(text, edits);
    }

    static String read(String path) throws Exception {
        return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    }

    /** The measured verdict at initialisation of a model file. */
    static String measured(Path file) {
        CliRunner.Result r = CliRunner.run("verify", "--steps", "0", "--format", "json", file.toString());
        assertThat(r.err()).as(file.toString()).doesNotContain("cannot verify");
        JsonObject m = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("models").get(0)
                .getAsJsonObject();
        return m.getAsJsonObject("measured").get("verdict").getAsString();
    }

    /**
     * The gradient measured at initialisation through a recurrent layer's steps: log10 of its RMS at
     * the input's first step over the last step's. The measured verdict leaves it out (it compares the
     * first and last layers), so the forget-gate fix is judged by this figure, as GF017 judges it.
     */
    static double measuredThroughTime(Path file, String layer) {
        CliRunner.Result r = CliRunner.run("verify", "--steps", "0", "--format", "json", file.toString());
        assertThat(r.err()).as(file.toString()).doesNotContain("cannot verify");
        JsonObject m = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("models").get(0)
                .getAsJsonObject();
        for (var l : m.getAsJsonObject("measured").getAsJsonArray("layers")) {
            JsonObject o = l.getAsJsonObject();
            if (o.get("layer").getAsString().equals(layer)) {
                assertThat(o.get("throughTimeDecades").isJsonNull()).as(layer + " in " + file).isFalse();
                return o.get("throughTimeDecades").getAsDouble();
            }
        }
        throw new AssertionError("no layer " + layer + " measured in " + file);
    }

    /** Writes the original and the fixed text, and checks the measurement goes from bad to healthy. */
    private void measuresHealthyOnceFixed(String name, String original, String fixed) throws Exception {
        Path before = Files.writeString(tmp.resolve("before-" + name), original);
        Path after = Files.writeString(tmp.resolve("after-" + name), fixed);
        assertThat(measured(before)).as("before " + name).isNotEqualTo("healthy");
        assertThat(measured(after)).as("after " + name).isEqualTo("healthy");
    }

    // ---------------------------------------------------------------- DL4J loads every fixed configuration

    @Test
    void fixedMultiLayerConfigurationsLoadAndBuild() throws Exception {
        String[][] cases = {
            {"fixtures/rules/GF002/positive.json", "GF002", "INIT"},
            {"fixtures/examples/tanh-normal01-mlp-32.json", "GF004", "INIT"},
            {"fixtures/rules/GF007/positive.json", "GF007", "BIAS"},
            {"fixtures/examples/sigmoid-mlp-20.json", "GF001", "BATCH_NORM"},
            {"fixtures/examples/sigmoid-mlp-20.json", "GF001", "ACTIVATION"},
        };
        for (String[] c : cases) {
            String fixed = apply("m.json", read(c[0]), c[1], FixKind.valueOf(c[2]));
            MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(fixed);
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            assertThat(net.getnLayers()).as(c[0] + " " + c[2]).isGreaterThan(1);
        }
    }

    @Test
    void aFixedOrthogonalGainLoads() throws Exception {
        // ND4J M2.1's orthogonal sampler crashes the JVM natively, so this one is loaded, not built
        String json = Dl4jJsonWriter.write(Pipeline.readText("m.gflow", FixRoundTripTest.ORTHOGONAL_RELU));
        String fixed = apply("m.json", json, "GF010", FixKind.GAIN);
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(fixed);
        assertThat(conf.getConfs()).hasSize(25);
        assertThat(fixed).contains("1.4142135623730951");
    }

    @Test
    void aFixedForgetGateBiasLoadsAndBuilds() throws Exception {
        String json = Dl4jJsonWriter.write(Pipeline.readText("m.gflow", FixRoundTripTest.LSTM_FORGET_0));
        String fixed = apply("m.json", json, "GF017", FixKind.FORGET_BIAS);
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(fixed);
        LSTM lstm = (LSTM) ((LastTimeStep) conf.getConf(0).getLayer()).getUnderlying();
        assertThat(lstm.getForgetGateBiasInit()).isEqualTo(1.0);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // DL4J's LSTM bias is [input, forget, output, cell input] blocks of nOut: the forget block starts at 1
        assertThat(net.getLayer(0).getParam("b").reshape(-1).get(NDArrayIndex.interval(32, 64))
                .minNumber().doubleValue()).isEqualTo(1.0);
    }

    @Test
    void aFixedComputationGraphLoadsAndBuilds() throws Exception {
        String json = Dl4jJsonWriter.write(Pipeline.readText("m.gflow", read("fixtures/rules/GF011/positive.gflow")));
        String fixed = apply("m.json", json, "GF011", FixKind.BATCH_NORM);
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(fixed);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        assertThat(net.getVertex("dense_2_bn")).isNotNull();
        assertThat(net.getVertex("dense_2_bn").getInputVertices()[0].getVertexIndex())
                .isEqualTo(net.getVertex("dense_2").getVertexIndex());
    }

    // ---------------------------------------------------------------- one measured model per kind

    @Test
    void initSwapMakesTheChaoticTanhStackHealthy() throws Exception {
        String text = read("fixtures/examples/tanh-normal01-mlp-32.json");
        measuresHealthyOnceFixed("init.json", text, apply("m.json", text, "GF004", FixKind.INIT));
    }

    @Test
    void gainFixMakesADeepReluStackUnderVarScalingHealthy() throws Exception {
        // GF002's 32 ReLU layers, each under VarScaling(fan in, scale 1): LeCun's variance, half He's
        String text = read("fixtures/rules/GF002/positive.json").replace(
                "\"@class\" : \"org.deeplearning4j.nn.weights.WeightInitXavier\"",
                "\"@class\" : \"org.deeplearning4j.nn.weights.WeightInitVarScalingNormalFanIn\",\n        \"scale\" : 1.0");
        String fixed = apply("m.json", text, "GF002", FixKind.GAIN);
        assertThat(fixed).contains("\"scale\" : 2.585").contains("WeightInitVarScalingNormalFanIn");
        measuresHealthyOnceFixed("gain.json", text, fixed);
    }

    @Test
    void zeroBiasRevivesTheDeadReluLayers() throws Exception {
        String text = read("fixtures/rules/GF007/positive.json");
        measuresHealthyOnceFixed("bias.json", text, apply("m.json", text, "GF007", FixKind.BIAS));
    }

    @Test
    void batchNormalisationMakesTheSigmoidStackHealthy() throws Exception {
        String text = read("fixtures/examples/sigmoid-mlp-20.json");
        measuresHealthyOnceFixed("bn.json", text, apply("m.json", text, "GF001", FixKind.BATCH_NORM));
    }

    @Test
    void reluMakesTheSigmoidStackHealthy() throws Exception {
        String text = read("fixtures/examples/sigmoid-mlp-20.json");
        measuresHealthyOnceFixed("relu.json", text, apply("m.json", text, "GF001", FixKind.ACTIVATION));
    }

    @Test
    void forgetBiasOneCarriesTheGradientBackThroughTheLstmsSteps() throws Exception {
        // 20 steps (DL4J's JSON has no sequence length: verify and the analysis assume 20)
        String text = Dl4jJsonWriter.write(Pipeline.readText("m.gflow", FixRoundTripTest.LSTM_FORGET_0));
        String fixed = apply("m.json", text, "GF017", FixKind.FORGET_BIAS);
        double threshold = RuleConfig.DEFAULT.thresholds().vanishingDecades();
        double before = measuredThroughTime(Files.writeString(tmp.resolve("before-fgb.json"), text), "lstm_0");
        double after = measuredThroughTime(Files.writeString(tmp.resolve("after-fgb.json"), fixed), "lstm_0");
        System.out.printf("forget-gate bias 0 -> 1: measured through time %.2f -> %.2f decades%n", before, after);
        assertThat(before).as("before").isLessThan(-threshold);
        assertThat(after).as("after").isGreaterThan(-threshold);
    }

    @Test
    void residualBlocksMakeTheSigmoidStackHealthy() throws Exception {
        String text = read("fixtures/examples/sigmoid-mlp-20.gflow");
        measuresHealthyOnceFixed("res.gflow", text, apply("m.gflow", text, "GF006", FixKind.RESIDUAL));
    }
}
