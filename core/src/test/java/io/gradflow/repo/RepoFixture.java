package io.gradflow.repo;

import io.gradflow.ingest.keras.KerasFiles;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary files of {@code fixtures/repo}, made here rather than copied from anywhere: a Keras
 * HDF5 model, a weights-only checkpoint (as {@code model.save_weights} writes one: Keras's
 * attributes and weights, no model_config), a checkpoint cut short while being written, an HDF5
 * data set, a zip of CSV data and a zip inside the virtual environment. Text files there are
 * written by hand.
 */
final class RepoFixture {

    static final Path ROOT = Path.of("fixtures", "repo");

    /** The files this class makes, relative to {@link #ROOT}. */
    static final List<String> BINARIES = List.of("models/keras/mlp.h5", "checkpoints/epoch_10_weights.h5",
            "checkpoints/epoch_11_partial.h5", "data/train_images.h5", "data/dataset.zip",
            "venv/lib/python3.11/site-packages/demo/assets.zip");

    private RepoFixture() {
    }

    static void write(Path root) {
        try {
            for (String d : List.of("models/keras", "checkpoints", "data", "venv/lib/python3.11/site-packages/demo")) {
                Files.createDirectories(root.resolve(d));
            }
            KerasFiles.kerasHdf5(root.resolve("models/keras/mlp.h5"),
                    KerasFiles.sequentialMlp(4, 32, "relu", "HeNormal"), 2048);
            Map<String, String> weightsOnly = new LinkedHashMap<>();
            weightsOnly.put("backend", "tensorflow");
            weightsOnly.put("keras_version", "2.2.4");
            KerasFiles.hdf5(root.resolve("checkpoints/epoch_10_weights.h5"), weightsOnly, 2048);
            // the first bytes of a checkpoint the trainer is still writing: an HDF5 signature, then nothing
            byte[] whole = Files.readAllBytes(root.resolve("checkpoints/epoch_10_weights.h5"));
            Files.write(root.resolve("checkpoints/epoch_11_partial.h5"), Arrays.copyOf(whole, 96));
            try (WritableHdfFile f = HdfFile.write(root.resolve("data/train_images.h5"))) {
                f.putDataset("images", new float[64][256]);
                f.putDataset("labels", new int[64]);
            }
            Map<String, byte[]> csv = new LinkedHashMap<>();
            csv.put("train.csv", "x1,x2,label\n0.1,0.2,0\n0.3,0.1,1\n".getBytes(StandardCharsets.UTF_8));
            KerasFiles.zip(root.resolve("data/dataset.zip"), csv);
            Map<String, byte[]> assets = new LinkedHashMap<>();
            assets.put("README.txt", "package data\n".getBytes(StandardCharsets.UTF_8));
            KerasFiles.zip(root.resolve("venv/lib/python3.11/site-packages/demo/assets.zip"), assets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
