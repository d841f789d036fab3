package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gradflow convert} as a user meets it: where the JSON goes, and what it refuses. */
class ConvertCliTest {

    static final String PLAIN = "fixtures/examples/sigmoid-mlp-20.gflow";
    static final String RESIDUAL = "fixtures/examples/relu-residual-batchnorm-mlp-33.gflow";

    @TempDir
    Path tmp;

    @Test
    void writesDl4jJsonToStandardOutput() {
        CliRunner.Result r = CliRunner.run("convert", PLAIN, "--to", "dl4j-json");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        var root = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(root.getAsJsonArray("confs")).hasSize(21);
    }

    @Test
    void writesToTheOutputFileAndTheResultLintsLikeTheSource() throws IOException {
        Path out = tmp.resolve("out.json");
        CliRunner.Result r = CliRunner.run("convert", RESIDUAL, "--to", "dl4j-json", "-o", out.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(out)).contains("\"vertices\"");
        CliRunner.Result lint = CliRunner.run("lint", out.toString());
        assertThat(lint.code()).isZero();
        assertThat(lint.out().strip()).endsWith("gradflow: 1 model (1 healthy): 0 errors, 0 warnings, 0 info");
    }

    @Test
    void neverWritesOverTheInput() throws IOException {
        Path in = tmp.resolve("m.gflow");
        Files.copy(Path.of(PLAIN), in);
        byte[] before = Files.readAllBytes(in);
        for (String out : new String[] {in.toString(), tmp.resolve(".").resolve("m.gflow").toString()}) {
            CliRunner.Result r = CliRunner.run("convert", in.toString(), "--to", "dl4j-json", "-o", out);
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).startsWith("gradflow: convert: refusing to write over the input file " + in);
        }
        assertThat(Files.readAllBytes(in)).isEqualTo(before);
    }

    @Test
    void aModelWithErrorsGetsOneLinePerErrorOnStandardError() throws IOException {
        Path in = tmp.resolve("bad.gflow");
        Files.writeString(in, "input 64\ndense 64 activation relux\ndense 64 init xavir\noutput 10\n");
        Path out = tmp.resolve("out.json");
        CliRunner.Result r = CliRunner.run("convert", in.toString(), "--to", "dl4j-json", "-o", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(in + ":2:21: error: unknown activation 'relux' (did you mean 'relu'?)\n"
                + in + ":3:15: error: unknown initialiser 'xavir' (did you mean 'xavier'?)\n");
        assertThat(out).doesNotExist();
    }

    @Test
    void layersDl4jDoesNotHaveAreErrorsAtTheirLines() throws IOException {
        Path in = tmp.resolve("gru.gflow");
        Files.writeString(in, "input 8 x 5 steps\ngru 8\noutput 2\n");
        CliRunner.Result r = CliRunner.run("convert", in.toString(), "--to", "dl4j-json");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo(in + ":2:1: error: cannot convert layer 'gru_0' to DL4J 1.0.0-M2.1: "
                + "DL4J 1.0.0-M2.1 has no GRU layer; use lstm\n");
    }

    @Test
    void readsOnlyDslModels() {
        CliRunner.Result r = CliRunner.run("convert", "fixtures/examples/sigmoid-mlp-20.json", "--to", "dl4j-json");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("fixtures/examples/sigmoid-mlp-20.json: error: convert reads gradflow DSL "
                + "models (.gflow); this is a dl4j-json model\n");
    }

    @Test
    void usageErrors() {
        assertThat(CliRunner.run("convert", PLAIN).err()).startsWith("gradflow: convert: --to is required");
        assertThat(CliRunner.run("convert", PLAIN, "--to", "onnx").err())
                .startsWith("gradflow: convert: unknown --to 'onnx' (one of dl4j-json)");
        assertThat(CliRunner.run("convert", "--to", "dl4j-json").err()).startsWith("gradflow: convert: no FILE given");
        assertThat(CliRunner.run("convert", PLAIN, RESIDUAL, "--to", "dl4j-json").code()).isEqualTo(2);
        CliRunner.Result missing = CliRunner.run("convert", "nope.gflow", "--to", "dl4j-json");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("nope.gflow: error: no such file\n");
    }

    @Test
    void helpListsConvert() {
        assertThat(CliRunner.run("--help").out()).contains("convert").contains("Convert a gradflow DSL model");
        CliRunner.Result h = CliRunner.run("convert", "--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("--to").contains("dl4j-json").contains("Exit codes");
    }
}
