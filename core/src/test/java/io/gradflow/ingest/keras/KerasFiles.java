package io.gradflow.ingest.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Makes the Keras files the tests need: HDF5 files written with jhdf (which writes string
 * attributes, so no Python is needed), .keras zips, and small model configs. Nothing here is a
 * copy of a corpus file.
 */
public final class KerasFiles {

    private KerasFiles() {
    }

    /**
     * Writes a Keras HDF5 model with a weight dataset of the given size, for
     * scripts/bench-hdf5-size.sh: {@code KerasFiles FILE MEGABYTES}.
     */
    public static void main(String[] args) {
        if (args.length == 1) {
            sigmoidMlp20(Path.of(args[0]));
            return;
        }
        int floats = (int) Math.min(Integer.MAX_VALUE, Long.parseLong(args[1]) * 1024 * 1024 / 4);
        kerasHdf5(Path.of(args[0]), sequentialMlp(8, 64, "relu", "HeNormal"), floats);
    }

    /**
     * fixtures/examples/sigmoid-mlp-20.h5, the Keras HDF5 twin of sigmoid-mlp-20.json: 20 Dense
     * sigmoid layers of 64 with Glorot init, then a softmax output of 10. Remade with
     * {@code KerasFiles FILE} (one argument); KerasHdf5Test checks the committed file is this.
     */
    public static Path sigmoidMlp20(Path file) {
        String mlp = sequentialMlp(20, 64, "sigmoid", "GlorotUniform");
        String output = ",\n  {\"class_name\": \"Dense\", \"config\": {\"name\": \"dense_21\", \"units\": 10, "
                + "\"activation\": \"softmax\", \"use_bias\": true, \"kernel_initializer\": {\"class_name\": "
                + "\"GlorotUniform\", \"config\": {\"seed\": null}}}}\n]}}\n";
        return kerasHdf5(file, mlp.substring(0, mlp.lastIndexOf("\n]}}")) + output, 0);
    }

    /** A Sequential Keras 2 MLP: {@code depth} Dense layers of {@code width} units. */
    public static String sequentialMlp(int depth, int width, String activation, String init) {
        StringBuilder b = new StringBuilder("{\"class_name\": \"Sequential\", \"keras_version\": \"2.2.4\", "
                + "\"backend\": \"tensorflow\", \"config\": {\"name\": \"sequential_1\", \"layers\": [\n");
        for (int i = 0; i < depth; i++) {
            b.append(i == 0 ? "" : ",\n").append("  {\"class_name\": \"Dense\", \"config\": {\"name\": \"dense_")
                    .append(i + 1).append("\", \"units\": ").append(width).append(", \"activation\": \"")
                    .append(activation).append("\", \"use_bias\": true, \"kernel_initializer\": {\"class_name\": \"")
                    .append(init).append("\", \"config\": {\"seed\": null}}")
                    .append(i == 0 ? ", \"batch_input_shape\": [null, " + width + "]" : "").append("}}");
        }
        return b.append("\n]}}\n").toString();
    }

    /**
     * Writes an HDF5 file with the given root attributes (strings) and, when {@code weightFloats}
     * is positive, a dataset of that many floats under model_weights, as Keras stores weights.
     */
    public static Path hdf5(Path file, Map<String, String> attributes, int weightFloats) {
        try (WritableHdfFile f = HdfFile.write(file)) {
            attributes.forEach(f::putAttribute);
            if (weightFloats > 0) {
                WritableGroup w = f.putGroup("model_weights");
                WritableGroup layer = w.putGroup("dense_1");
                int rows = Math.max(1, weightFloats / 1024);
                layer.putDataset("kernel", new float[rows][Math.min(weightFloats, 1024)]);
            }
        }
        return file;
    }

    /** A Keras HDF5 model file: model_config plus the attributes Keras writes beside it. */
    public static Path kerasHdf5(Path file, String modelConfig, int weightFloats) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("model_config", modelConfig);
        a.put("keras_version", "2.2.4");
        a.put("backend", "tensorflow");
        a.put("training_config", "{\"loss\": \"mse\", \"optimizer_config\": {\"class_name\": \"SGD\", "
                + "\"config\": {\"lr\": 0.01, \"clipnorm\": 1.0}}}");
        return hdf5(file, a, weightFloats);
    }

    /** A zip with the given entries, written in order. */
    public static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return file;
    }

    /** A Keras 3 .keras archive: config.json, metadata.json and a stand-in weights entry. */
    public static Path kerasArchive(Path file, String config) throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("metadata.json", "{\"keras_version\": \"3.6.0\", \"date_saved\": \"2024-12-02@18:20:00\"}"
                .getBytes(StandardCharsets.UTF_8));
        e.put("config.json", config.getBytes(StandardCharsets.UTF_8));
        e.put("model.weights.h5", new byte[1024]);
        return zip(file, e);
    }

    /** A Keras 3 Functional model: Input -> Dense(relu) -> Dense(relu) -> op-layer Add -> Dense(softmax). */
    public static String keras3Functional() {
        return """
                {"module": "keras", "class_name": "Functional", "config": {"name": "functional_1", "trainable": true,
                 "layers": [
                  {"module": "keras.layers", "class_name": "InputLayer",
                   "config": {"batch_shape": [null, 16], "dtype": "float32", "name": "input_layer"},
                   "registered_name": null, "name": "input_layer", "inbound_nodes": []},
                  {"module": "keras.layers", "class_name": "Dense",
                   "config": {"name": "dense", "units": 16, "activation": "relu", "use_bias": true,
                    "kernel_initializer": {"module": "keras.initializers", "class_name": "HeNormal",
                     "config": {"seed": null}, "registered_name": null},
                    "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                     "registered_name": null}},
                   "registered_name": null, "name": "dense",
                   "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16],
                     "dtype": "float32", "keras_history": ["input_layer", 0, 0]}}], "kwargs": {}}]},
                  {"module": "keras.layers", "class_name": "Dense",
                   "config": {"name": "dense_1", "units": 16, "activation": "relu", "use_bias": true,
                    "kernel_initializer": {"module": "keras.initializers", "class_name": "HeNormal",
                     "config": {"seed": null}, "registered_name": null}},
                   "registered_name": null, "name": "dense_1",
                   "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16],
                     "dtype": "float32", "keras_history": ["dense", 0, 0]}}], "kwargs": {}}]},
                  {"module": "keras.src.ops.numpy", "class_name": "Add", "config": {"name": "add"},
                   "registered_name": "Add", "name": "add",
                   "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16],
                     "dtype": "float32", "keras_history": ["dense_1", 0, 0]}},
                    {"class_name": "__keras_tensor__", "config": {"shape": [null, 16], "dtype": "float32",
                     "keras_history": ["dense", 0, 0]}}], "kwargs": {}}]},
                  {"module": "keras.layers", "class_name": "Dense",
                   "config": {"name": "out", "units": 3, "activation": "softmax"},
                   "registered_name": null, "name": "out",
                   "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16],
                     "dtype": "float32", "keras_history": ["add", 0, 0]}}], "kwargs": {}}]}
                 ],
                 "input_layers": [["input_layer", 0, 0]], "output_layers": [["out", 0, 0]]},
                 "registered_name": null,
                 "compile_config": {"optimizer": {"module": "keras.optimizers", "class_name": "Adam",
                  "config": {"learning_rate": 0.001}}, "loss": "categorical_crossentropy"}}
                """;
    }
}
