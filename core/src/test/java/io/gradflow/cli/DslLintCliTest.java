package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Linting gradflow DSL files: the same verdicts as their DL4J twins, suppressions, reports. */
class DslLintCliTest {

    @TempDir
    Path tmp;

    @Test
    void aDslModelLintsLikeItsDl4jTwin() {
        CliRunner.Result dsl = CliRunner.run("lint", "fixtures/examples/sigmoid-mlp-20.gflow");
        CliRunner.Result json = CliRunner.run("lint", "fixtures/examples/sigmoid-mlp-20.json");
        assertThat(dsl.code()).isEqualTo(1);
        assertThat(dsl.out()).contains("fixtures/examples/sigmoid-mlp-20.gflow:8:3: error: layers 'dense_0'..'dense_19': "
                + "20 stacked sigmoid layers with no normalisation between them; the gradient reaching 'dense_0' is "
                + "12.03 decades smaller than the one reaching 'dense_19' (sigmoid, xavier) [GF001]");
        assertThat(dsl.out().lines().toList().get(dsl.out().lines().toList().size() - 1))
                .isEqualTo(json.out().lines().toList().get(json.out().lines().toList().size() - 1));
    }

    @Test
    void aSuppressionOnABlockSilencesThatRuleForItsLayersOnly() throws IOException {
        Path f = tmp.resolve("s.gflow");
        Files.writeString(f, """
                input 64
                defaults { activation sigmoid init xavier }
                repeat 20 {   # gradflow: ignore[GF001] the vanishing is the point of this demo
                  dense 64
                }
                output 10 softmax loss mcxent
                """);
        CliRunner.Result r = CliRunner.run("lint", f.toString());
        assertThat(r.out()).doesNotContain("[GF001]").contains("[GF005]").contains("[GF006]");
        assertThat(r.code()).isZero();
        assertThat(CliRunner.run("lint", "--format", "json", f.toString()).out()).doesNotContain("\"GF001\"");
    }

    @Test
    void theJsonReportListsEveryProblemOfAFile() throws IOException {
        Path f = tmp.resolve("bad.gflow");
        Files.writeString(f, "input 64\ndense 64 activation relux\ndense 0\noutput 10\n");
        CliRunner.Result r = CliRunner.run("lint", "--format", "json", f.toString());
        assertThat(r.code()).isEqualTo(2);
        JsonArray errors = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("errors");
        assertThat(errors).hasSize(2);
        JsonObject second = errors.get(1).getAsJsonObject();
        assertThat(second.get("source").getAsString()).isEqualTo(f.toString());
        assertThat(second.get("line").getAsInt()).isEqualTo(3);
        assertThat(second.get("column").getAsInt()).isEqualTo(7);
        assertThat(second.get("message").getAsString()).isEqualTo("the width of dense must be at least 1, got 0");
    }

    @Test
    void directoriesAreWalkedForDslFiles() throws IOException {
        Files.copy(Path.of("fixtures/examples/relu-he-mlp-20.gflow"), tmp.resolve("a.gflow"));
        Files.writeString(tmp.resolve("b.gflow"), "input 4\nbogus\n");
        CliRunner.Result r = CliRunner.run("lint", tmp.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains(tmp + "/b.gflow:2:1: error: unknown statement 'bogus'");
        assertThat(r.out().strip()).endsWith("1 model (1 healthy), 1 file not readable: 0 errors, 0 warnings, 1 info");
    }
}
