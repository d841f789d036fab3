package io.gradflow.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way gradflow verify used to fail on real models (issue 13), on small files written for it in
 * every format: all are read, built from gradflow's own graph and measured in one run over their
 * folder, but the two whose layers Deeplearning4j cannot run, which get one line naming the layer.
 */
@Tag("slow")
class VerifyRegressionIT {

    @TempDir
    Path tmp;

    @Test
    void everyFailureClassOfTheIssueBuildsAndMeasuresInOneRun() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("models"));
        List<RegressionModels.Case> cases = RegressionModels.write(dir);
        RegressionModels.overflowing(dir.resolve("overflow.json"));
        CliRunner.Result r = CliRunner.run("verify", "--steps", "1", "--batch", "8", "--probe-batches", "2",
                "--format", "json", dir.toString());
        JsonObject root = JsonParser.parseString(r.out()).getAsJsonObject();
        Map<String, JsonObject> models = new HashMap<>();
        for (JsonElement m : root.getAsJsonArray("models")) {
            JsonObject o = m.getAsJsonObject();
            models.put(Path.of(o.get("source").getAsString()).getFileName().toString(), o);
        }
        Map<String, String> errors = new HashMap<>();
        for (JsonElement e : root.getAsJsonArray("errors")) {
            JsonObject o = e.getAsJsonObject();
            errors.put(Path.of(o.get("source").getAsString()).getFileName().toString(), o.get("message").getAsString());
        }
        for (RegressionModels.Case c : cases) {
            if (c.error() == null) {
                assertThat(models).as("%s (%s): %s", c.file(), c.failureClass(), errors.get(c.file()))
                        .containsKey(c.file());
                JsonObject measured = models.get(c.file()).getAsJsonObject("measured");
                assertThat(measured.get("verdict").getAsString()).as(c.file()).isNotEqualTo("unknown");
                assertThat(measured.get("steps").getAsInt()).as(c.file()).isEqualTo(1);
            } else {
                assertThat(errors.get(c.file())).as(c.file()).isEqualTo("cannot verify: " + c.error());
            }
        }
        assertThat(r.out()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.code()).isEqualTo(2);

        // overflowing exponentials: a NaN or infinity, reported with the layer, not read as a verdict
        JsonObject over = models.get("overflow.json").getAsJsonObject("measured");
        assertThat(over.get("verdict").getAsString()).isEqualTo("unknown");
        assertThat(over.get("nonFiniteAt").getAsString()).isIn("e1", "e2", "out");

        // sequences of unknown length get the analysis's 20 steps, and the report says so
        JsonObject seq = models.get("sequences-unknown-length.json").getAsJsonObject("measured");
        assertThat(seq.getAsJsonArray("notes").toString()).contains("assumed 20 steps");
        assertThat(layer(seq, "bigru").get("throughTimeDecades").isJsonNull()).isFalse();
        assertThat(layer(models.get("recurrent-orthogonal.h5").getAsJsonObject("measured"), "lstm")
                .get("throughTimeDecades").isJsonNull()).isFalse();
    }

    @Test
    void theDeepGlorotReluMlpOfTheIssueMeasuresTheSignalKerasWouldHave() {
        // Keras 2 stores glorot_uniform as VarianceScaling(1, fan_avg, uniform): variance 1/fan_avg, so the
        // activations shrink by 1/sqrt(2) a layer; DL4J's VAR_SCALING_UNIFORM_FAN_AVG would draw 3/fan_avg
        Path h5 = RegressionModels.glorotReluMlp(tmp.resolve("glorot-relu-mlp-34.h5"));
        CliRunner.Result r = CliRunner.run("verify", "--steps", "0", "--format", "json", h5.toString());
        JsonObject mlp = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("models").get(0)
                .getAsJsonObject();
        double predicted = mlp.getAsJsonObject("gradient").get("signalDecades").getAsDouble();
        double measured = mlp.getAsJsonObject("measured").get("signalDecades").getAsDouble();
        assertThat(measured).isCloseTo(-5.0, within(0.5)).isCloseTo(predicted, within(0.5));
        // the finding that predicts the shrinking is confirmed because the signal shrinks, not merely moves
        JsonObject gf002 = finding(mlp, "GF002");
        assertThat(gf002.get("check").getAsString()).isEqualTo("confirmed");
        assertThat(gf002.get("evidence").getAsString()).contains("'dense_1'..'dense_34'");
        // each Dense layer's weight gradient is measured, though its activation is a separate layer
        assertThat(mlp.getAsJsonObject("measured").get("firstToLastDecades").isJsonNull()).isFalse();
    }

    @Test
    void aOneByOneConvolutionOnAPooledOrReshapedMapBuildsAndMeasures() throws IOException {
        // MobileNetV1 was refused: "layer 'conv_preds' (Conv2D): Conv2D needs images, and DL4J holds its input as FF"
        Path dir = Files.createDirectories(tmp.resolve("maps"));
        RegressionModels.keepdimsHead(dir.resolve("keepdims-head.json"));
        RegressionModels.reshapedToMap(dir.resolve("reshaped-map.json"));
        CliRunner.Result r = CliRunner.run("verify", "--steps", "1", "--batch", "4", "--probe-batches", "1",
                "--format", "json", dir.toString());
        JsonObject root = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(root.getAsJsonArray("errors")).as(r.out()).isEmpty();
        assertThat(root.getAsJsonArray("models")).hasSize(2);
        for (JsonElement m : root.getAsJsonArray("models")) {
            JsonObject measured = m.getAsJsonObject().getAsJsonObject("measured");
            String file = Path.of(m.getAsJsonObject().get("source").getAsString()).getFileName().toString();
            assertThat(measured.get("verdict").getAsString()).as(file).isEqualTo("healthy");
            assertThat(measured.get("steps").getAsInt()).as(file).isEqualTo(1);
            String conv = file.equals("keepdims-head.json") ? "preds" : "c1";
            assertThat(layer(measured, conv).get("weightGradientRms").getAsDouble()).as(file).isPositive();
        }
        assertThat(r.code()).isZero();
    }

    @Test
    void aNativeCrashLosesOneModelNeverTheRunAndLeavesNoCrashLogInTheWorkingDirectory() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("crash"));
        RegressionModels.write(dir);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!n.equals("no-compile.h5") && !n.equals("conv-flatten.json") && !n.equals("dl4j-0.5-cnn.json")) {
                    Files.delete(p);
                }
            }
        }
        List<String> before = workingDirectory();
        System.setProperty("gradflow.verify.crashOn", "conv-flatten.json");
        CliRunner.Result r;
        try {
            r = CliRunner.run("verify", "--steps", "0", "--batch", "4", "--probe-batches", "1", dir.toString());
        } finally {
            System.clearProperty("gradflow.verify.crashOn");
        }
        assertThat(r.out()).contains(dir.resolve("conv-flatten.json") + ": error: cannot verify: the verifying "
                + "process died while reading (").contains("the other models go on");
        assertThat(r.out()).contains(dir.resolve("no-compile.h5") + ": measured on")
                .contains(dir.resolve("dl4j-0.5-cnn.json") + ": measured on")
                .contains("gradflow verify: 2 models measured");
        assertThat(workingDirectory()).isEqualTo(before);
    }

    private static List<String> workingDirectory() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(""))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err") || n.startsWith("core"))
                    .sorted().toList();
        }
    }

    private static JsonObject finding(JsonObject model, String rule) {
        for (JsonElement f : model.getAsJsonArray("findings")) {
            if (f.getAsJsonObject().get("rule").getAsString().equals(rule)) {
                return f.getAsJsonObject();
            }
        }
        throw new AssertionError("no " + rule + " in " + model.get("source"));
    }

    private static JsonObject layer(JsonObject measured, String name) {
        for (JsonElement l : measured.getAsJsonArray("layers")) {
            if (l.getAsJsonObject().get("layer").getAsString().equals(name)) {
                return l.getAsJsonObject();
            }
        }
        throw new AssertionError("no layer " + name);
    }
}
