package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options a ruff user reaches for: exit codes, quiet output, colour, inline suppressions written for them. */
class DropInCliTest {

    static final String VANISHING = "fixtures/examples/sigmoid-mlp-20.json";

    @TempDir
    Path tmp;

    @Test
    void exitZeroPassesFindingsButNotUnreadableInputs() throws IOException {
        assertThat(CliRunner.run("lint", "--exit-zero", VANISHING).code()).isZero();
        Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"confs\": [");
        assertThat(CliRunner.run("lint", "--exit-zero", VANISHING, broken.toString()).code()).isEqualTo(2);
        CliRunner.Result both = CliRunner.run("lint", "--exit-zero", "--fail-on", "warning", VANISHING);
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--exit-zero is --fail-on never");
    }

    @Test
    void quietLeavesOutTheSummaryAndStatisticsCountRules() {
        CliRunner.Result q = CliRunner.run("lint", "-q", VANISHING);
        assertThat(q.out()).contains("[GF001]").doesNotContain("gradflow: 1 model");
        CliRunner.Result s = CliRunner.run("lint", "--statistics", "--format", "json", VANISHING);
        assertThat(s.out()).contains("\"code\": \"GF001\"").contains("\"count\": 1").doesNotContain("[GF001]");
    }

    @Test
    void colourFollowsNoColorThenForceColorThenTheTerminal() {
        assertThat(LintCommand.colorByEnvironment(null, null, null, true)).isTrue();
        assertThat(LintCommand.colorByEnvironment(null, null, null, false)).isFalse();
        assertThat(LintCommand.colorByEnvironment(null, null, "1", false)).as("FORCE_COLOR in CI logs").isTrue();
        assertThat(LintCommand.colorByEnvironment(null, null, "0", false)).isFalse();
        assertThat(LintCommand.colorByEnvironment(null, "1", "1", true)).as("NO_COLOR wins").isFalse();
        assertThat(LintCommand.colorByEnvironment("report.txt", null, "1", true)).as("never into a file").isFalse();
    }

    @Test
    void addNoqaSuppressesTodaysFindingsInDslFilesAndTheNextRunIsClean() throws IOException {
        Path model = tmp.resolve("m.gflow");
        Files.writeString(model, """
                # a model with two problems
                model m
                input 64
                defaults { activation tanh  init normal(0, 1)  bias 0 }
                dense 64   # the first layer
                repeat 11 {
                  dense 64
                }
                dense 64 init zeros
                output 10 softmax loss mcxent init xavier
                """);
        CliRunner.Result before = CliRunner.run("lint", model.toString());
        assertThat(before.code()).isEqualTo(1);
        CliRunner.Result add = CliRunner.run("lint", "--add-noqa", model.toString());
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.err()).startsWith("gradflow: added ");
        String text = Files.readString(model, StandardCharsets.UTF_8);
        // a prose comment becomes the suppression's reason; other lines get a new comment
        assertThat(text).containsPattern("dense 64   # gradflow: ignore\\[GF004(, GF00\\d)*\\] the first layer\n")
                .contains("dense 64 init zeros  # gradflow: ignore[GF003]\n")
                .startsWith("# a model with two problems\nmodel m\n");
        CliRunner.Result after = CliRunner.run("lint", model.toString());
        assertThat(after.code()).as(after.out()).isZero();
        assertThat(after.out()).doesNotContain("[GF0");
        // a second run has nothing to add and leaves the file as it is
        CliRunner.run("lint", "--add-noqa", model.toString());
        assertThat(Files.readString(model, StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void addNoqaNeverTouchesFilesOfOtherFormats() throws IOException {
        Path json = Files.copy(Path.of(VANISHING), tmp.resolve("m.json"));
        byte[] before = Files.readAllBytes(json);
        CliRunner.Result r = CliRunner.run("lint", "--add-noqa", json.toString());
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("added 0 suppressions to 0 files; 1 finding left");
        assertThat(Files.readAllBytes(json)).isEqualTo(before);
    }

    @Test
    void aSuppressionThatSilencesNothingIsReportedAndCanBeTurnedOff() throws IOException {
        Path model = tmp.resolve("m.gflow");
        Files.writeString(model, "input 64\ndefaults { activation relu  init he }\ndense 64   # gradflow: ignore[GF004]\n"
                + "output 10 softmax loss mcxent init xavier\n");
        CliRunner.Result r = CliRunner.run("lint", "--no-config", model.toString());
        assertThat(r.out()).contains(model + ":3:12: warning: unused suppression: GF004 does not fire on layer "
                + "'dense_0' [GF015]");
        assertThat(CliRunner.run("lint", "--no-config", "--ignore", "GF015", model.toString()).out())
                .doesNotContain("GF015");
        // a rule the configuration turns off is not counted against the suppression
        assertThat(CliRunner.run("lint", "--no-config", "--ignore", "GF004", model.toString()).out())
                .doesNotContain("GF015");
    }

    @Test
    void dl4jInlineSuppressionsSilenceALayerOrTheModelAndAreCheckedLikeAnyRuleName() throws IOException {
        CliRunner.Result r = CliRunner.run("lint", "--no-config", "fixtures/suppression/dl4j-inline.json");
        assertThat(r.out()).doesNotContain("[GF001]").doesNotContain("[GF006]").contains("[GF005]")
                .contains("unused suppression: GF004 does not fire on layer 'dense_5' [GF015]");
        String text = Files.readString(Path.of(VANISHING)).replaceFirst("\"layerName\" : \"dense_0\"",
                "\"gradflow\" : {\"ignore\" : [\"GF0O1\"]}, \"layerName\" : \"dense_0\"");
        Path bad = Files.writeString(tmp.resolve("bad.json"), text);
        CliRunner.Result b = CliRunner.run("lint", bad.toString());
        assertThat(b.code()).isEqualTo(2);
        assertThat(b.out()).containsPattern(":\\d+:\\d+: error: unknown rule 'GF0O1' in the gradflow suppression");
    }

    @Test
    void excludeAndForceExcludeApplyToNamedFilesOnlyWhenAsked() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("legacy"));
        Path model = Files.copy(Path.of(VANISHING), dir.resolve("m.json"));
        assertThat(CliRunner.run("lint", "--exclude", "legacy/", tmp.toString()).out()).contains("gradflow: 0 models");
        assertThat(CliRunner.run("lint", "--extend-exclude", "legacy", model.toString()).code())
                .as("named on the command line: linted").isEqualTo(1);
        Files.writeString(tmp.resolve("gradflow.json"), "{\"extend-exclude\": [\"legacy/\"]}");
        assertThat(CliRunner.run("lint", "--force-exclude", model.toString()).out()).contains("gradflow: 0 models");
    }
}
