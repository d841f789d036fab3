package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.ingest.keras.KerasFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lint --fix, --unsafe-fixes and --diff as users run them: what is written, what is not, and what is said. */
class FixCliTest {

    @TempDir
    Path tmp;

    private Path copy(String fixture, String name) throws Exception {
        return Files.copy(Path.of(fixture), tmp.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void fixRewritesAJsonModelInPlaceAndReportsWhatIsLeft() throws Exception {
        Path f = copy("fixtures/examples/tanh-normal01-mlp-32.json", "tanh.json");
        CliRunner.Result r = CliRunner.run("lint", "--fix", f.toString());
        assertThat(r.err()).contains("gradflow: fixed " + f + ": use Xavier init in layers 'dense_0'..'dense_31' [GF004]")
                .contains("1 fix applied in 1 file");
        assertThat(r.out()).doesNotContain("GF004").contains("1 model (1 healthy)");
        assertThat(r.code()).isZero();
        assertThat(Files.readString(f)).contains("WeightInitXavier").doesNotContain("NormalDistribution");
        // a second run has nothing left to do
        CliRunner.Result again = CliRunner.run("lint", "--fix", f.toString());
        assertThat(again.err()).doesNotContain("fixed");
    }

    @Test
    void structuralFixesNeedUnsafeFixes() throws Exception {
        Path f = copy("fixtures/examples/sigmoid-mlp-20.gflow", "sigmoid.gflow");
        byte[] before = Files.readAllBytes(f);
        CliRunner.Result safe = CliRunner.run("lint", "--fix", f.toString());
        assertThat(safe.err()).contains("no safe fix to apply; 1 finding fixable with --unsafe-fixes");
        assertThat(safe.code()).isEqualTo(1);
        assertThat(Files.readAllBytes(f)).isEqualTo(before);

        CliRunner.Result unsafe = CliRunner.run("lint", "--unsafe-fixes", f.toString());
        assertThat(unsafe.err()).contains("insert batch normalisation before the nonlinearity of layers "
                + "'dense_0'..'dense_19' [GF001]");
        assertThat(unsafe.code()).isZero();
        String text = Files.readString(f);
        assertThat(text).contains("  dense 64 activation identity\n  batchnorm\n  activation sigmoid\n")
                .startsWith("# Twenty stacked sigmoid layers with Xavier init: the textbook vanishing gradient.\n");
    }

    @Test
    void diffShowsTheFixesAndWritesNothing() throws Exception {
        Path f = copy("fixtures/rules/GF007/positive.gflow", "dead.gflow");
        byte[] before = Files.readAllBytes(f);
        CliRunner.Result r = CliRunner.run("lint", "--diff", f.toString());
        assertThat(r.code()).isEqualTo(1);
        String path = f.toString().substring(1);
        assertThat(r.out()).startsWith("--- a/" + path + "\n+++ b/" + path + "\n@@ -2,7 +2,7 @@\n")
                .contains("-dense 64 bias -3    # expect: GF007 warning\n-dense 64 bias -3    # expect: GF007 error\n"
                        + "+dense 64 bias 0    # expect: GF007 warning\n+dense 64 bias 0    # expect: GF007 error\n");
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        Path clean = copy("fixtures/examples/relu-he-mlp-20.json", "clean.json");
        CliRunner.Result none = CliRunner.run("lint", "--diff", clean.toString());
        assertThat(none.code()).isZero();
        assertThat(none.out()).isEmpty();
    }

    @Test
    void anHdf5ModelIsNeverRewrittenItsFixGoesBesideIt() throws Exception {
        Path h5 = KerasFiles.kerasHdf5(tmp.resolve("relu.h5"), KerasFiles.sequentialMlp(12, 64, "relu",
                "GlorotUniform"), 0);
        byte[] before = Files.readAllBytes(h5);
        CliRunner.Result r = CliRunner.run("lint", "--fix", h5.toString());
        Path fixed = tmp.resolve("relu.fixed.json");
        assertThat(r.err()).contains("gradflow: wrote " + fixed + " (" + h5 + " is not rewritten");
        assertThat(Files.readAllBytes(h5)).isEqualTo(before);
        // the model itself still has its finding; the corrected copy has not
        assertThat(r.out()).contains("[GF002]");
        CliRunner.Result copy = CliRunner.run("lint", fixed.toString());
        assertThat(copy.out()).doesNotContain("GF002");
        assertThat(copy.code()).isZero();
    }

    @Test
    void aFileThatFailsToReadIsNeverTouched() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"confs\": [ {\"layer\": ");
        Path good = copy("fixtures/examples/tanh-normal01-mlp-32.json", "good.json");
        CliRunner.Result r = CliRunner.run("lint", "--fix", bad.toString(), good.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains(bad + ":1:").contains("unexpected end of file");
        assertThat(Files.readString(bad)).isEqualTo("{\"confs\": [ {\"layer\": ");
        // and the other files go on
        assertThat(Files.readString(good)).contains("WeightInitXavier");
    }

    @Test
    void aFileThatIsNotValidUtf8IsNotRewritten() throws Exception {
        byte[] text = Files.readAllBytes(Path.of("fixtures/rules/GF007/positive.gflow"));
        byte[] bad = new byte[text.length + 3];
        System.arraycopy(text, 0, bad, 0, text.length);
        // a Latin-1 comment: "# é" with a lone 0xE9
        bad[text.length] = '#';
        bad[text.length + 1] = ' ';
        bad[text.length + 2] = (byte) 0xE9;
        Path f = Files.write(tmp.resolve("latin1.gflow"), bad);
        CliRunner.Result r = CliRunner.run("lint", "--fix", f.toString());
        assertThat(r.err()).contains(f + ": not fixed: not valid UTF-8 throughout: not rewritten");
        assertThat(Files.readAllBytes(f)).isEqualTo(bad);
    }

    @Test
    void diffRefusesBaselines() {
        CliRunner.Result r = CliRunner.run("lint", "--diff", "--write-baseline", tmp.resolve("b.json").toString(),
                "fixtures/examples/sigmoid-mlp-20.json");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("gradflow: lint: --diff shows the fixes and writes nothing");
    }

    @Test
    void aLinkedFileStaysALink() throws Exception {
        Path target = copy("fixtures/examples/tanh-normal01-mlp-32.json", "target.json");
        Path link = Files.createSymbolicLink(tmp.resolve("link.json"), target);
        CliRunner.Result r = CliRunner.run("lint", "--fix", link.toString());
        assertThat(r.code()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target, StandardCharsets.UTF_8)).contains("WeightInitXavier");
    }
}
