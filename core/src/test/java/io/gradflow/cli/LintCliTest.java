package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lint command as a user meets it: output lines, exit codes, bad input. */
class LintCliTest {

    static final String VANISHING = "fixtures/examples/sigmoid-mlp-20.json";
    static final String HEALTHY = "fixtures/examples/relu-residual-batchnorm-mlp-33.json";

    @TempDir
    Path tmp;

    @Test
    void vanishingModelFailsWithAnEditorClickableError() {
        CliRunner.Result r = CliRunner.run("lint", VANISHING);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).containsPattern("(?m)^fixtures/examples/sigmoid-mlp-20\\.json:\\d+:\\d+: error: .*\\[GF001\\]$");
        assertThat(r.out()).contains("\n  note: layers 'dense_0'..'dense_19': 20 layers in a row with no batch or layer "
                + "normalisation");
        assertThat(r.out().strip()).endsWith("gradflow: 1 model (1 vanishing): 1 error, 0 warnings, 0 info");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void healthyModelPassesQuietly() {
        CliRunner.Result r = CliRunner.run("lint", HEALTHY);
        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).isEqualTo("gradflow: 1 model (1 healthy): 0 errors, 0 warnings, 0 info");
    }

    @Test
    void failOnDecidesTheExitCode() {
        String warnOnly = "fixtures/rules/GF005/positive.json";
        assertThat(CliRunner.run("lint", warnOnly).code()).isZero();
        assertThat(CliRunner.run("lint", "--fail-on", "warning", warnOnly).code()).isEqualTo(1);
        assertThat(CliRunner.run("lint", "--fail-on", "never", VANISHING).code()).isZero();
        assertThat(CliRunner.run("lint", "--fail-on", "bogus", VANISHING).code()).isEqualTo(2);
    }

    @Test
    void jsonReportFollowsTheContract() {
        CliRunner.Result r = CliRunner.run("lint", "--format", "json", VANISHING);
        JsonObject root = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(root.getAsJsonObject("tool").get("name").getAsString()).isEqualTo("gradflow");
        JsonObject m = root.getAsJsonArray("models").get(0).getAsJsonObject();
        assertThat(m.get("source").getAsString()).isEqualTo(VANISHING);
        assertThat(m.get("format").getAsString()).isEqualTo("dl4j-json");
        assertThat(m.get("layers").getAsInt()).isEqualTo(21);
        assertThat(m.get("verdict").getAsString()).isEqualTo("vanishing");
        JsonObject f = m.getAsJsonArray("findings").get(0).getAsJsonObject();
        for (String k : new String[] {"rule", "severity", "category", "message", "line", "column", "layer"}) {
            assertThat(f.has(k)).as("finding has %s", k).isTrue();
        }
        assertThat(f.get("category").getAsString()).isEqualTo("vanishing-gradient");
        assertThat(m.getAsJsonObject("gradient").get("firstToLastDecades").getAsDouble()).isLessThan(-3);
        assertThat(root.getAsJsonArray("errors")).isEmpty();
    }

    @Test
    void truncatedJsonIsOneLineWithPositionAndTheOtherFilesStillLint() throws IOException {
        String text = Files.readString(Path.of(VANISHING));
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, text.substring(0, text.length() / 2));
        CliRunner.Result r = CliRunner.run("lint", bad.toString(), VANISHING);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).containsPattern("(?m)^" + java.util.regex.Pattern.quote(bad.toString())
                + ":\\d+:\\d+: error: invalid JSON: unexpected end of file");
        assertThat(r.out()).contains("[GF001]");
        assertThat(r.out()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void jsonThatIsNotAModelEmptyFileAndMissingFileEachGetALine() throws IOException {
        Path notModel = tmp.resolve("package.json");
        Files.writeString(notModel, "{\"name\": \"x\", \"version\": \"1.0\"}\n");
        Path empty = tmp.resolve("empty.json");
        Files.writeString(empty, "");
        CliRunner.Result r = CliRunner.run("lint", notModel.toString(), empty.toString(), tmp.resolve("nope.json").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains(notModel + ":1:1: error: JSON file is not a model")
                .contains(empty + ":1:1: error: the file is empty")
                .contains(tmp.resolve("nope.json") + ": error: no such file");
        assertThat(r.out().strip()).endsWith("0 models, 3 files not readable: 0 errors, 0 warnings, 0 info");
    }

    @Test
    void walkingADirectoryLintsModelsAndReportsBrokenOnesButSkipsOtherJson() throws IOException {
        Files.copy(Path.of(VANISHING), tmp.resolve("a.json"));
        Files.writeString(tmp.resolve("package.json"), "{\"name\": \"x\"}");
        Files.writeString(tmp.resolve("notes.txt"), "hello");
        Files.writeString(tmp.resolve("broken.json"), "{\"confs\": [");
        Files.createDirectories(tmp.resolve(".git"));
        Files.copy(Path.of(VANISHING), tmp.resolve(".git/ignored.json"));
        CliRunner.Result r = CliRunner.run("lint", tmp.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains(tmp + "/a.json:").contains(tmp + "/broken.json:1:")
                .doesNotContain("package.json").doesNotContain("notes.txt").doesNotContain("ignored");
        assertThat(r.out().strip()).endsWith("1 model (1 vanishing), 1 file not readable, 1 other file skipped (not models): "
                + "1 error, 0 warnings, 0 info");
    }

    @Test
    void inputFilesAreNeverModified() throws IOException {
        Path copy = tmp.resolve("m.json");
        Files.copy(Path.of(VANISHING), copy);
        byte[] before = Files.readAllBytes(copy);
        long time = Files.getLastModifiedTime(copy).toMillis();
        CliRunner.run("lint", "--format", "json", copy.toString());
        assertThat(Files.readAllBytes(copy)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(copy).toMillis()).isEqualTo(time);
    }

    @Test
    void usageErrorsAreOneLineAndExitTwo() {
        CliRunner.Result none = CliRunner.run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("Usage: gradflow COMMAND");
        CliRunner.Result unknown = CliRunner.run("lint", "--bogus", VANISHING);
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("gradflow: lint: unrecognized option: --bogus");
        assertThat(CliRunner.run("frobnicate").err()).contains("unknown command 'frobnicate'");
        assertThat(CliRunner.run("lint").code()).isEqualTo(2);
    }

    @Test
    void helpAndVersionExitZero() {
        assertThat(CliRunner.run("--help").code()).isZero();
        CliRunner.Result h = CliRunner.run("lint", "--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("--fail-on").contains("Exit codes");
        assertThat(CliRunner.run("--version").out()).startsWith("gradflow ");
    }

    @Test
    void outputNeverOverwritesAModelBeingLinted() throws IOException {
        Path copy = tmp.resolve("m.json");
        Files.copy(Path.of(VANISHING), copy);
        byte[] before = Files.readAllBytes(copy);
        CliRunner.Result r = CliRunner.run("lint", "-o", copy.toString(), copy.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--output " + copy + " is one of the files being linted");
        assertThat(Files.readAllBytes(copy)).isEqualTo(before);
    }

    @Test
    void outputOptionWritesTheReportToAFile() throws IOException {
        Path out = tmp.resolve("report.json");
        CliRunner.Result r = CliRunner.run("lint", "-f", "json", "-o", out.toString(), VANISHING);
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(out)).contains("\"verdict\": \"vanishing\"");
    }
}
