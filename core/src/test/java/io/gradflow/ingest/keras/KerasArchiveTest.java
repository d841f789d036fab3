package io.gradflow.ingest.keras;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.cli.CliRunner;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.Format;
import io.gradflow.model.ModelGraph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keras 3 .keras archives: config.json read in memory, hostile archives refused in one line. */
class KerasArchiveTest {

    @TempDir
    Path tmp;

    @Test
    void configAndMetadataAreReadFromTheArchive() throws Exception {
        Path f = KerasFiles.kerasArchive(tmp.resolve("m.keras"), KerasFiles.keras3Functional());
        ModelGraph g = ModelLoader.load(f, "m.keras");
        assertThat(g.format()).isEqualTo(Format.KERAS_V3);
        assertThat(g.meta()).containsEntry("keras_version", "3.6.0").containsEntry("optimizer", "Adam");
        assertThat(g.layerCount()).isEqualTo(4);
        assertThat(g.node("dense_1").pos().line()).isZero();
        assertThat(g.node("dense_1").pos().pointer()).isEqualTo("config.json#/config/layers/2");
    }

    @Test
    void findingsInAnArchiveNameTheLayerInsteadOfALine() throws Exception {
        Path f = KerasFiles.kerasArchive(tmp.resolve("deep.keras"),
                KerasFiles.sequentialMlp(20, 64, "sigmoid", "GlorotUniform"));
        CliRunner.Result r = CliRunner.run("lint", f.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).containsPattern("(?m)^" + Pattern.quote(f.toString())
                + ": layer 'dense_1': error: .*\\[GF001\\]$");
    }

    @Test
    void aZipWithoutAConfigIsOneLine() throws IOException {
        Path f = KerasFiles.zip(tmp.resolve("nothing.keras"), Map.of("readme.txt", bytes("hello")));
        assertOneLineError(f, "zip archive holds neither configuration.json (a DL4J model) nor config.json "
                + "(a Keras 3 model)");
    }

    @Test
    void aConfigThatIsNotKerasIsOneLine() throws IOException {
        Path f = KerasFiles.zip(tmp.resolve("other.keras"), Map.of("config.json", bytes("{\"name\": \"x\"}")));
        assertOneLineError(f, "config.json is not a Keras model configuration (no 'class_name' and 'config')");
    }

    @Test
    void aConfigThatIsNotJsonPointsIntoTheEntry() throws IOException {
        Path f = KerasFiles.zip(tmp.resolve("broken.keras"), Map.of("config.json", bytes("{\"class_name\": ")));
        CliRunner.Result r = CliRunner.run("lint", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains(f + ": config.json line 1 column 16: error: invalid JSON: unexpected end of file");
    }

    @Test
    void zipBombsAreRefused() throws IOException {
        Map<String, byte[]> ratio = new LinkedHashMap<>();
        ratio.put("config.json", new byte[16 * 1024 * 1024]);
        assertOneLineError(KerasFiles.zip(tmp.resolve("ratio.keras"), ratio),
                "'config.json' has a compression ratio of ");
        Map<String, byte[]> huge = new LinkedHashMap<>();
        huge.put("config.json", new byte[65 * 1024 * 1024]);
        assertOneLineError(KerasFiles.zip(tmp.resolve("huge.keras"), huge), "'config.json' would expand to ");
    }

    @Test
    void entriesThatClimbOutOfTheArchiveAreRefused() throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("../../etc/cron.d/x", bytes("boom"));
        e.put("config.json", bytes(KerasFiles.keras3Functional()));
        assertOneLineError(KerasFiles.zip(tmp.resolve("trick.keras"), e),
                "the archive has an entry with an unsafe path: '../../etc/cron.d/x'");
    }

    private static void assertOneLineError(Path f, String message) {
        CliRunner.Result r = CliRunner.run("lint", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).containsPattern("(?m)^" + Pattern.quote(f.toString()) + ": (\\S+: )?error: "
                + Pattern.quote(message));
        assertThat(r.out().lines().count()).isEqualTo(2);
        assertThat(r.out()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err()).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
