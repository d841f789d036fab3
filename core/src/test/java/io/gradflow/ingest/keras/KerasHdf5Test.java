package io.gradflow.ingest.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import io.gradflow.cli.CliRunner;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.Format;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keras HDF5 files: the root attributes are read, the weights never are; bad files are one line. */
class KerasHdf5Test {

    @TempDir
    Path tmp;

    static final String MLP = KerasFiles.sequentialMlp(4, 32, "relu", "HeNormal");

    @Test
    void theExampleHdf5IsTheTwinKerasFilesMakesAndLintsLikeItsDl4jTwin() throws Exception {
        Path example = Path.of("fixtures/examples/sigmoid-mlp-20.h5");
        Path fresh = KerasFiles.sigmoidMlp20(tmp.resolve("fresh.h5"));
        assertThat(ModelLoader.load(example, "e.h5").meta()).isEqualTo(ModelLoader.load(fresh, "f.h5").meta());
        String ours = CliRunner.run("lint", "--format", "json", example.toString()).out();
        assertThat(CliRunner.run("lint", "--format", "json", fresh.toString()).out()
                .replace(fresh.toString(), example.toString())).isEqualTo(ours);
        CliRunner.Result h5 = CliRunner.run("lint", example.toString());
        CliRunner.Result json = CliRunner.run("lint", "fixtures/examples/sigmoid-mlp-20.json");
        assertThat(h5.code()).isEqualTo(json.code()).isEqualTo(1);
        assertThat(h5.out()).contains("[GF001]").contains("(1 vanishing)");
        assertThat(json.out()).contains("[GF001]").contains("(1 vanishing)");
        // the same prediction: the first finding's figures (decades) are the twin's
        assertThat(figures(h5.out())).isNotEmpty().isEqualTo(figures(json.out()));
    }

    /** The numbers with a decimal point in a report's first line. */
    private static List<String> figures(String report) {
        return Pattern.compile("-?\\d+\\.\\d+").matcher(report.lines().findFirst().orElse("")).results()
                .map(MatchResult::group).toList();
    }

    @Test
    void modelConfigStoredAsAFixedLengthStringReads() throws Exception {
        Path f = KerasFiles.kerasHdf5(tmp.resolve("m.h5"), MLP, 0);
        ModelGraph g = ModelLoader.load(f, "m.h5");
        assertThat(g.format()).isEqualTo(Format.KERAS_H5);
        assertThat(g.layerCount()).isEqualTo(4);
        assertThat(g.meta()).containsEntry("keras_version", "2.2.4").containsEntry("backend", "tensorflow")
                .containsEntry("loss", "mse").containsEntry("optimizer", "SGD");
        assertThat(g.node("dense_1").updater().learningRate()).isEqualTo(0.01);
        assertThat(g.node("dense_1").gradientNormalization().name()).isEqualTo("clipnorm");
        assertThat(g.node("dense_4").loss()).isEqualTo("mse");
    }

    @Test
    void positionsAreTheLayerNameAndAPointerIntoTheEmbeddedConfig() throws Exception {
        Path f = KerasFiles.kerasHdf5(tmp.resolve("m.h5"), MLP, 0);
        ModelGraph g = ModelLoader.load(f, "m.h5");
        assertThat(g.node("dense_3").pos().line()).isZero();
        assertThat(g.node("dense_3").pos().pointer()).isEqualTo("model_config#/config/layers/2");
    }

    @Test
    void modelConfigStoredAsBytesReads() throws Exception {
        Path f = tmp.resolve("bytes.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putAttribute("model_config", MLP.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            w.putAttribute("keras_version", "2.1.3");
        }
        assertThat(ModelLoader.load(f, "bytes.h5").layerCount()).isEqualTo(4);
    }

    @Test
    void readingTheAttributesTouchesNoWeightBytes() throws Exception {
        int floats = 4 * 1024 * 1024;
        Path f = KerasFiles.kerasHdf5(tmp.resolve("big.h5"), MLP, floats);
        long size = Files.size(f);
        assertThat(size).isGreaterThan(4L * floats);
        CountingFileChannel ch = new CountingFileChannel(FileChannel.open(f, StandardOpenOption.READ));
        KerasHdf5.Attributes a = KerasHdf5.read(ch);
        assertThat(a.modelConfig()).isEqualTo(MLP);
        // one read-only view of the whole file and nothing copied out of it through the channel: the
        // operating system reads the pages the superblock, the root group's header and the
        // attributes lie on, never the 16 MB of weights (scripts/bench-hdf5-size.sh times it)
        assertThat(ch.bytesMapped()).isEqualTo(size);
        assertThat(ch.touched() - ch.bytesMapped()).isZero();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aHeaderClaimingMoreBytesThanTheFileHoldsIsOneLineWithoutAllocatingThem() throws IOException {
        // issue 16: a 5 KB file whose root object header claims a first chunk of 1.27 GB took 33 s
        // and 1.2 GB of heap to reject (jhdf allocated the claimed size, then filled it by reading
        // the same bytes again and again); a global heap claiming as much was even read as good
        byte[] bytes = Files.readAllBytes(KerasFiles.kerasHdf5(tmp.resolve("good.h5"), MLP, 0));
        int header = 64; // jhdf writes superblock version 2 and the root group's header after it
        assertThat(new String(bytes, header, 4, StandardCharsets.US_ASCII)).isEqualTo("OHDR");
        assertThat(bytes[header + 5] & 3).as("flags: the chunk size is 4 bytes").isEqualTo(2);
        ByteBuffer.wrap(bytes, header + 6, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x4C00_0000);
        Path f = Files.write(tmp.resolve("claims.h5"), bytes);
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> ModelLoader.load(f, "claims.h5")).isInstanceOf(ReadException.class)
                .hasMessageStartingWith("not a readable HDF5 file (corrupt or truncated?): ")
                .hasMessageEndingWith(" (it declares more bytes than the file holds)");
        assertThat(mx.getCurrentThreadAllocatedBytes() - before).as("bytes allocated reading it")
                .isLessThan(64L * 1024 * 1024);
        CliRunner.Result r = CliRunner.run("lint", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).containsPattern("(?m)^" + Pattern.quote(f.toString())
                + ": error: not a readable HDF5 file .*\\(it declares more bytes than the file holds\\)$")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void weightsOnlyFileSaysSo() {
        Path f = KerasFiles.hdf5(tmp.resolve("w.h5"), Map.of("keras_version", "2.1.3", "backend", "tensorflow"), 1024);
        assertThatThrownBy(() -> ModelLoader.load(f, "w.h5")).isInstanceOf(ReadException.class)
                .hasMessageStartingWith("no model_config attribute: a weights-only file (model.save_weights)?");
    }

    @Test
    void hdf5ThatIsNotKerasSaysSo() {
        Path f = KerasFiles.hdf5(tmp.resolve("data.h5"), Map.of("title", "measurements"), 0);
        assertThatThrownBy(() -> ModelLoader.load(f, "data.h5")).isInstanceOf(ReadException.class)
                .hasMessage("an HDF5 file, but not a Keras model: no model_config attribute at its root");
    }

    @Test
    void modelConfigThatIsNotJsonGivesItsPositionInsideTheAttribute() {
        Path f = KerasFiles.kerasHdf5(tmp.resolve("bad.h5"), "{\"class_name\": \"Sequential\", \"config\": [", 0);
        assertThatThrownBy(() -> ModelLoader.load(f, "bad.h5")).isInstanceOf(ReadException.class)
                .hasMessageStartingWith("invalid JSON: unexpected end of file")
                .satisfies(e -> assertThat(((ReadException) e).pos().pointer()).startsWith("model_config line 1"));
    }

    @Test
    void truncatedAndCorruptHdf5AreOneLineErrorsThroughTheCli() throws IOException {
        Path good = KerasFiles.kerasHdf5(tmp.resolve("good.h5"), MLP, 64 * 1024);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(tmp.resolve("truncated.h5"), Arrays.copyOf(bytes, 700));
        byte[] scrambled = bytes.clone();
        for (int i = 8; i < 4096 && i < scrambled.length; i++) {
            scrambled[i] = (byte) (scrambled[i] ^ 0x5a);
        }
        Path corrupt = Files.write(tmp.resolve("corrupt.h5"), scrambled);
        CliRunner.Result r = CliRunner.run("lint", truncated.toString(), corrupt.toString(), good.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).containsPattern("(?m)^" + java.util.regex.Pattern.quote(truncated.toString())
                        + ": error: not a readable HDF5 file \\(corrupt or truncated\\?\\): .*$")
                .containsPattern("(?m)^" + java.util.regex.Pattern.quote(corrupt.toString())
                        + ": error: not a readable HDF5 file")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out().strip()).endsWith("1 model (1 healthy), 2 files not readable: 0 errors, 0 warnings, 0 info");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aKerasNamedFileThatIsReallyHdf5IsSniffedByContent() throws Exception {
        Path f = KerasFiles.kerasHdf5(tmp.resolve("model.keras"), MLP, 0);
        assertThat(ModelLoader.sniff(f)).isEqualTo(ModelLoader.Kind.HDF5);
        ModelGraph g = ModelLoader.load(f, "model.keras");
        assertThat(g.format()).isEqualTo(Format.KERAS_H5);
        assertThat(g.node("dense_1").kind()).isEqualTo(LayerKind.DENSE);
    }
}
