package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adopting gradflow on a project with known problems: record them, then fail only on new ones. */
class BaselineCliTest {

    static final String VANISHING = "fixtures/examples/sigmoid-mlp-20.json";
    static final String EXPLODING = "fixtures/examples/tanh-normal01-mlp-32.json";

    @TempDir
    Path tmp;

    @Test
    void writtenBaselineHoldsTodaysFindingsBackAndOnlyNewOnesFail() throws IOException {
        Path models = Files.createDirectories(tmp.resolve("models"));
        Files.copy(Path.of(VANISHING), models.resolve("old.json"));
        Path baseline = tmp.resolve("gradflow-baseline.json");

        CliRunner.Result write = CliRunner.run("lint", "--write-baseline", baseline.toString(), models.toString());
        assertThat(write.code()).isZero();
        assertThat(write.err()).isEqualTo("gradflow: recorded 1 finding in " + baseline + "\n");
        assertThat(write.out().strip()).isEqualTo("gradflow: 1 model (1 vanishing): 0 errors, 0 warnings, 0 info, "
                + "1 baselined");
        assertThat(Files.readString(baseline)).contains("\"file\": \"models/old.json\"");

        CliRunner.Result same = CliRunner.run("lint", "--baseline", baseline.toString(), models.toString());
        assertThat(same.code()).isZero();
        assertThat(same.out().strip()).isEqualTo("gradflow: 1 model (1 vanishing): 0 errors, 0 warnings, 0 info, "
                + "1 baselined");

        Files.copy(Path.of(EXPLODING), models.resolve("new.json"));
        CliRunner.Result grown = CliRunner.run("lint", "--baseline", baseline.toString(), models.toString());
        assertThat(grown.code()).isEqualTo(1);
        assertThat(grown.out()).contains("new.json:").doesNotContain("old.json:").contains(", 1 baselined");
    }

    @Test
    void findingsStayMatchedWhenTheirLinesMove() throws IOException {
        Path model = tmp.resolve("m.json");
        Files.copy(Path.of(VANISHING), model);
        Path baseline = tmp.resolve("b.json");
        CliRunner.run("lint", "--write-baseline", baseline.toString(), model.toString());
        Files.writeString(model, "\n\n\n" + Files.readString(model));
        CliRunner.Result r = CliRunner.run("lint", "--baseline", baseline.toString(), model.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).doesNotContain("m.json:");
    }

    @Test
    void baselineIsMatchedFromItsOwnDirectoryWhateverTheWorkingDirectory() throws IOException {
        Path model = tmp.resolve("m.json");
        Files.copy(Path.of(VANISHING), model);
        Path baseline = tmp.resolve("b.json");
        CliRunner.run("lint", "--write-baseline", baseline.toString(), model.toString());
        assertThat(Files.readString(baseline)).contains("\"file\": \"m.json\"");
        // the same file named differently on the command line
        CliRunner.Result r = CliRunner.run("lint", "--baseline", baseline.toString(), tmp + "/./m.json");
        assertThat(r.code()).isZero();
    }

    @Test
    void jsonAndSarifReportsLeaveBaselinedFindingsOutAndCountThem() throws IOException {
        Path model = tmp.resolve("m.json");
        Files.copy(Path.of(VANISHING), model);
        Path baseline = tmp.resolve("b.json");
        CliRunner.run("lint", "--write-baseline", baseline.toString(), model.toString());
        var json = JsonParser.parseString(CliRunner.run("lint", "-f", "json", "--baseline", baseline.toString(),
                model.toString()).out()).getAsJsonObject();
        assertThat(json.get("baselined").getAsInt()).isEqualTo(1);
        assertThat(json.getAsJsonArray("models").get(0).getAsJsonObject().getAsJsonArray("findings")).isEmpty();
        var sarif = JsonParser.parseString(CliRunner.run("lint", "-f", "sarif", "--baseline", baseline.toString(),
                model.toString()).out()).getAsJsonObject().getAsJsonArray("runs").get(0).getAsJsonObject();
        assertThat(sarif.getAsJsonArray("results")).isEmpty();
    }

    @Test
    void neverWritesABaselineOverAModel() throws IOException {
        Path model = tmp.resolve("m.json");
        Files.copy(Path.of(VANISHING), model);
        byte[] before = Files.readAllBytes(model);
        CliRunner.Result r = CliRunner.run("lint", "--write-baseline", model.toString(), tmp.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("gradflow: lint: --write-baseline " + model + " is one of the files being "
                + "linted; gradflow never writes over a model\n");
        assertThat(Files.readAllBytes(model)).isEqualTo(before);
        assertThat(CliRunner.run("lint", "--write-baseline", tmp.toString(), model.toString()).code()).isEqualTo(2);
    }

    @Test
    void badOrMissingBaselineIsALocatedUsageError() throws IOException {
        Path model = tmp.resolve("m.json");
        Files.copy(Path.of(VANISHING), model);
        CliRunner.Result missing = CliRunner.run("lint", "--baseline", tmp.resolve("none.json").toString(), model.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo(tmp.resolve("none.json")
                + ": error: no such baseline file (write one with --write-baseline)\n");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"gradflowBaseline\": 1, \"findings\": [], \"extra\": true}");
        CliRunner.Result r = CliRunner.run("lint", "--baseline", bad.toString(), model.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(bad + ":1:41: error: unknown key 'extra' (expected gradflowBaseline or findings)\n");
        assertThat(CliRunner.run("lint", "--baseline", bad.toString(), "--write-baseline", "x.json", model.toString())
                .code()).isEqualTo(2);
    }
}
