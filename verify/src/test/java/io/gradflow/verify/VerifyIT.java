package io.gradflow.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gradflow verify on real Deeplearning4j networks: the measured verdicts hold the predicted ones. */
@Tag("slow")
class VerifyIT {

    @TempDir
    Path tmp;

    static JsonObject model(CliRunner.Result r) {
        return JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("models").get(0).getAsJsonObject();
    }

    @Test
    void vanishingSigmoidStackIsConfirmedByMeasurement() {
        CliRunner.Result r = CliRunner.run("verify", "--steps", "2", "--format", "json",
                "fixtures/examples/sigmoid-mlp-20.json");
        assertThat(r.code()).isEqualTo(1);
        JsonObject m = model(r);
        JsonObject measured = m.getAsJsonObject("measured");
        assertThat(measured.get("verdict").getAsString()).isEqualTo("vanishing");
        assertThat(measured.get("firstToLastDecades").getAsDouble()).isLessThan(-10);
        assertThat(measured.get("backend").getAsString()).isEqualTo("CPU");
        assertThat(measured.get("device").getAsString()).isNotBlank();
        assertThat(measured.get("steps").getAsInt()).isEqualTo(2);
        assertThat(measured.getAsJsonArray("layers")).isNotEmpty();
        assertThat(measured.getAsJsonObject("afterSteps").get("verdict").getAsString()).isEqualTo("vanishing");
        JsonObject gf001 = m.getAsJsonArray("findings").get(0).getAsJsonObject();
        assertThat(gf001.get("rule").getAsString()).isEqualTo("GF001");
        assertThat(gf001.get("check").getAsString()).isEqualTo("confirmed");
        assertThat(gf001.get("confirmed").getAsBoolean()).isTrue();
        // predicted and measured agree within half a decade on a 19-layer, 12-decade loss
        assertThat(Math.abs(m.getAsJsonObject("gradient").get("firstToLastDecades").getAsDouble()
                - measured.get("firstToLastDecades").getAsDouble())).isLessThan(0.5);
        JsonObject summary = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("verifySummary");
        assertThat(summary.get("confirmed").getAsInt()).isEqualTo(1);
    }

    @Test
    void tanhWithUnitNormalWeightsMeasuresExploding() {
        CliRunner.Result r = CliRunner.run("verify", "--steps", "0", "--format", "json",
                "fixtures/examples/tanh-normal01-mlp-32.json");
        JsonObject measured = model(r).getAsJsonObject("measured");
        assertThat(measured.get("verdict").getAsString()).isEqualTo("exploding");
        assertThat(measured.get("firstToLastDecades").getAsDouble()).isGreaterThan(3);
    }

    @Test
    void healthyResidualNetworkStaysHealthyInTextOutput() {
        CliRunner.Result r = CliRunner.run("verify", "--steps", "1", "fixtures/examples/relu-residual-batchnorm-mlp-33.json");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("verdict: predicted healthy, measured healthy at initialisation")
                .contains("measured on CPU");
        assertThat(r.out().strip()).endsWith("gradflow verify: 1 model measured, verdict held for 1; findings: "
                + "0 confirmed, 0 contradicted, 0 unchecked");
    }

    @Test
    void sameSeedGivesTheSameMeasurement() {
        String[] args = {"verify", "--steps", "0", "--seed", "7", "--format", "json", "fixtures/rules/GF002/positive.json"};
        double a = model(CliRunner.run(args)).getAsJsonObject("measured").get("firstToLastDecades").getAsDouble();
        double b = model(CliRunner.run(args)).getAsJsonObject("measured").get("firstToLastDecades").getAsDouble();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void timeBudgetCutsTrainingAndSaysSoAndProgressNamesEveryPhase() {
        // 100,000 steps outlast any budget; 15 s leaves the reading, building and measuring at
        // initialisation room on a loaded 2-core machine (4 s ran out before training there)
        CliRunner.Result r = CliRunner.run("verify", "--steps", "100000", "--time-budget", "15",
                "fixtures/examples/relu-he-mlp-20.json", "fixtures/examples/sigmoid-mlp-20.json");
        assertThat(r.out()).contains("time budget of 15 s reached: trained");
        assertThat(r.out()).contains("gradflow verify: 2 models measured");
        for (String phase : new String[] {"reading", "building the network", "drawing the weights",
            "measuring at initialisation", "training"}) {
            assertThat(r.err()).contains("gradflow verify: [1/2] fixtures/examples/relu-he-mlp-20.json: " + phase)
                    .contains("gradflow verify: [2/2] fixtures/examples/sigmoid-mlp-20.json: " + phase);
        }
    }

    @Test
    void unreadableAndUnbuildableModelsAreOneLineErrors() throws IOException {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"confs\": [");
        CliRunner.Result r = CliRunner.run("verify", bad.toString(), "fixtures/rules/GF012/positive.json");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains(bad + ":1:").contains("fixtures/rules/GF012/positive.json: error: cannot verify: "
                + "layer '");
        assertThat(r.out()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void modelZipWithWeightsIsVerifiedWithThemOnRequest() {
        Path zip = Path.of("..", "shared", "corpus", "dl4j-json", "dl4j-1.0.0-SNAPSHOT-2020-04_it_MLPMoon_model.zip");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zip), "../shared/corpus is absent");
        assertThat(CliRunner.run("verify", "--steps", "1", "--weights", "file", zip.toString()).out())
                .contains("weights from the file");
        assertThat(CliRunner.run("verify", "--steps", "1", zip.toString()).out())
                .contains("weights drawn as the file's framework draws them (seed 42)");
    }

    @Test
    void channelsLastKerasModelSavedWithoutCompileIsMeasuredAtAFreshInitialisation() {
        // MobileNetV1 from MLPerf Tiny: NHWC in the file, built NCHW; a softmax Dense as output with no loss
        Path h5 = Path.of("..", "shared", "corpus", "keras-h5", "keras-2.4.0_mlperf-tiny_mobilenetv1_vww96.h5");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(h5), "../shared/corpus is absent");
        CliRunner.Result r = CliRunner.run("verify", "--reinit", "--steps", "0", "--batch", "4", "--probe-batches", "1",
                "--format", "json", h5.toString());
        assertThat(r.out()).doesNotContain("cannot verify");
        JsonObject m = model(r);
        double measured = m.getAsJsonObject("measured").get("firstToLastDecades").getAsDouble();
        double predicted = m.getAsJsonObject("gradient").get("firstToLastDecades").getAsDouble();
        assertThat(measured).isBetween(predicted - 1.0, predicted + 1.0);
    }
}
