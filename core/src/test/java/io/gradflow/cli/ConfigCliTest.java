package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gradflow.json as a user meets it: found above the model, applied per file, errors in one line each. */
class ConfigCliTest {

    static final String VANISHING = "fixtures/examples/sigmoid-mlp-20.json";

    @TempDir
    Path tmp;

    @Test
    void configurationAboveTheModelSwitchesRulesAndSeverities() throws IOException {
        Path model = copy(VANISHING, "models/m.json");
        Files.writeString(tmp.resolve("gradflow.json"), "{\"rules\": {\"GF006\": \"off\", \"GF005\": \"error\", "
                + "\"GF001\": \"warning\"}}");
        CliRunner.Result r = CliRunner.run("lint", model.toString());
        // GF005, raised to an error, leads; GF001, lowered to a warning, is its related note
        assertThat(r.out()).doesNotContain("[GF006]").contains("error: layers 'dense_0'..'dense_19': 20 layers in a row")
                .contains("\n  note: layers 'dense_0'..'dense_19': 20 stacked sigmoid");
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void thresholdsFromTheConfigurationReachTheAnalysis() throws IOException {
        Path model = copy(VANISHING, "m.json");
        assertThat(verdict(model)).isEqualTo("vanishing");
        Files.writeString(tmp.resolve("gradflow.json"), "{\"thresholds\": {\"vanishingDecades\": 20}}");
        assertThat(verdict(model)).isEqualTo("healthy");
    }

    @Test
    void overridesApplyPerPathRelativeToTheConfiguration() throws IOException {
        Path legacy = copy(VANISHING, "legacy/old.json");
        Path fresh = copy(VANISHING, "new.json");
        Files.writeString(tmp.resolve("gradflow.json"), "{\"overrides\": [{\"files\": [\"legacy/**\"], "
                + "\"rules\": {\"GF006\": \"off\"}}]}");
        CliRunner.Result r = CliRunner.run("lint", tmp.toString());
        String[] files = r.out().split("(?m)^(?=" + java.util.regex.Pattern.quote(tmp.toString()) + ")");
        String legacyPart = java.util.Arrays.stream(files).filter(p -> p.startsWith(legacy.toString())).findFirst()
                .orElseThrow();
        String freshPart = java.util.Arrays.stream(files).filter(p -> p.startsWith(fresh.toString())).findFirst()
                .orElseThrow();
        assertThat(freshPart).contains("  note: layers 'dense_0'..'dense_19': 20 layers in a row with no skip");
        assertThat(legacyPart).contains("[GF001]").doesNotContain("[GF006]");
    }

    @Test
    void brokenConfigurationStopsTheRunWithOneLocatedLinePerProblem() throws IOException {
        Path model = copy(VANISHING, "m.json");
        Files.writeString(tmp.resolve("gradflow.json"), "{\n  \"rules\": {\"GF999\": \"off\"},\n  \"depth\": 3\n}\n");
        CliRunner.Result r = CliRunner.run("lint", model.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo(tmp.resolve("gradflow.json") + ":2:13: error: rules: unknown rule 'GF999' "
                + "('gradflow rules' lists them)\n" + tmp.resolve("gradflow.json") + ":3:3: error: unknown key 'depth' "
                + "(expected extend, root, select, extend-select, ignore, per-file-ignores, exclude, extend-exclude, rules, "
                + "thresholds or overrides)\n");
    }

    @Test
    void configOptionReplacesDiscoveryAndNoConfigIgnoresIt() throws IOException {
        Path model = copy(VANISHING, "m.json");
        Files.writeString(tmp.resolve("gradflow.json"), "{\"rules\": {\"GF001\": \"off\"}}");
        Path other = tmp.resolve("strict.json");
        Files.writeString(other, "{\"rules\": {\"GF006\": \"off\"}}");
        assertThat(CliRunner.run("lint", model.toString()).out()).doesNotContain("[GF001]").contains("[GF006]");
        assertThat(CliRunner.run("lint", "--config", other.toString(), model.toString()).out())
                .contains("[GF001]").doesNotContain("[GF006]");
        assertThat(CliRunner.run("lint", "--no-config", model.toString()).out()).contains("[GF001]").contains("[GF006]");
    }

    @Test
    void missingConfigFileAndConflictingOptionsAreUsageErrors() throws IOException {
        Path model = copy(VANISHING, "m.json");
        CliRunner.Result missing = CliRunner.run("lint", "--config", "nope.json", model.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("nope.json: error: no such file\n");
        CliRunner.Result both = CliRunner.run("lint", "--config", "x.json", "--no-config", model.toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("gradflow: lint: give --config or --no-config, not both\n");
    }

    @Test
    void skipNonModelsLetsHooksPassEveryJsonFile() throws IOException {
        Path model = copy("fixtures/examples/relu-residual-batchnorm-mlp-33.json", "m.json");
        Path pkg = tmp.resolve("package.json");
        Files.writeString(pkg, "{\"name\": \"x\"}");
        assertThat(CliRunner.run("lint", model.toString(), pkg.toString()).code()).isEqualTo(2);
        CliRunner.Result r = CliRunner.run("lint", "--skip-non-models", model.toString(), pkg.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).isEqualTo("gradflow: 1 model (1 healthy), 1 other file skipped (not models): 0 errors, "
                + "0 warnings, 0 info");
    }

    private String verdict(Path model) {
        CliRunner.Result r = CliRunner.run("lint", "--format", "json", model.toString());
        return JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("models").get(0).getAsJsonObject()
                .get("verdict").getAsString();
    }

    private Path copy(String from, String to) throws IOException {
        Path p = tmp.resolve(to);
        Files.createDirectories(p.getParent());
        Files.copy(Path.of(from), p);
        return p;
    }
}
