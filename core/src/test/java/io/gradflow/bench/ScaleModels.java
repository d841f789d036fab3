package io.gradflow.bench;

import io.gradflow.ingest.keras.KerasFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deep models in every format gradflow reads, for scripts/bench-scale.sh and the scaling tests:
 * {@code ScaleModels DIR LAYERS} writes dl4j-LAYERS.json (a MultiLayer configuration as DL4J
 * pretty-prints it), dl4j-graph-LAYERS.json (a ComputationGraph of residual blocks),
 * keras-LAYERS.json (a functional Keras 2 model of residual blocks), keras-LAYERS.h5 (the same in
 * HDF5), keras3-LAYERS.keras (a Keras 3 Sequential archive) and dsl-LAYERS.gflow (residual blocks).
 * Each has about LAYERS layers, all dense (ReLU, He) with an identity skip every two layers where
 * the format has a graph, so edges grow with layers too.
 */
public final class ScaleModels {

    private ScaleModels() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int layers = Integer.parseInt(args[1]);
        Files.createDirectories(dir);
        write(dir.resolve("dl4j-" + layers + ".json"), w -> dl4jMultiLayer(w, layers));
        write(dir.resolve("dl4j-graph-" + layers + ".json"), w -> dl4jGraph(w, layers));
        write(dir.resolve("keras-" + layers + ".json"), w -> kerasFunctional(w, layers));
        StringBuilder k = new StringBuilder();
        kerasFunctional(k, layers);
        KerasFiles.kerasHdf5(dir.resolve("keras-" + layers + ".h5"), k.toString(), 0);
        StringBuilder k3 = new StringBuilder();
        keras3Sequential(k3, layers);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("metadata.json", "{\"keras_version\": \"3.9.2\"}".getBytes(StandardCharsets.UTF_8));
        entries.put("config.json", k3.toString().getBytes(StandardCharsets.UTF_8));
        KerasFiles.zip(dir.resolve("keras3-" + layers + ".keras"), entries);
        write(dir.resolve("dsl-" + layers + ".gflow"), w -> dsl(w, layers));
    }

    /** Something that writes a model's text. */
    private interface Body {
        void to(Appendable w) throws IOException;
    }

    private static void write(Path file, Body body) throws IOException {
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            body.to(w);
        }
    }

    /** A MultiLayer configuration of {@code layers - 1} dense layers and an output layer, DL4J's layout. */
    public static void dl4jMultiLayer(Appendable w, int layers) throws IOException {
        w.append("{\n  \"backpropType\" : \"Standard\",\n  \"cacheMode\" : \"NONE\",\n  \"confs\" : [ ");
        for (int i = 0; i < layers; i++) {
            boolean out = i == layers - 1;
            w.append(i == 0 ? "{\n" : ", {\n");
            w.append("    \"cacheMode\" : \"NONE\",\n    \"dataType\" : \"FLOAT\",\n    \"epochCount\" : 0,\n"
                    + "    \"iterationCount\" : 0,\n    \"layer\" : {\n");
            w.append("      \"@class\" : \"org.deeplearning4j.nn.conf.layers.")
                    .append(out ? "OutputLayer" : "DenseLayer").append("\",\n");
            w.append("      \"activationFn\" : {\n        \"@class\" : \"org.nd4j.linalg.activations.impl.")
                    .append(out ? "ActivationSoftmax" : "ActivationReLU").append("\"\n      },\n");
            w.append("      \"biasInit\" : 0.0,\n      \"biasUpdater\" : null,\n      \"constraints\" : null,\n"
                    + "      \"gainInit\" : 1.0,\n      \"gradientNormalization\" : \"None\",\n"
                    + "      \"gradientNormalizationThreshold\" : 1.0,\n      \"hasBias\" : true,\n"
                    + "      \"hasLayerNorm\" : false,\n      \"idropout\" : null,\n"
                    + "      \"iupdater\" : {\n        \"@class\" : \"org.nd4j.linalg.learning.config.Sgd\",\n"
                    + "        \"learningRate\" : 0.01\n      },\n");
            w.append("      \"layerName\" : \"").append(out ? "output" : "dense_" + i).append("\",\n");
            if (out) {
                w.append("      \"lossFn\" : {\n        \"@class\" : \"org.nd4j.linalg.lossfunctions.impl.LossMCXENT\"\n"
                        + "      },\n");
            }
            w.append("      \"nin\" : 64,\n      \"nout\" : ").append(out ? "10" : "64").append(",\n");
            w.append("      \"regularization\" : [ ],\n      \"regularizationBias\" : [ ],\n"
                    + "      \"timeDistributedFormat\" : null,\n      \"weightInitFn\" : {\n"
                    + "        \"@class\" : \"org.deeplearning4j.nn.weights.WeightInitRelu\"\n      },\n"
                    + "      \"weightNoise\" : null\n    },\n");
            w.append("    \"maxNumLineSearchIterations\" : 5,\n    \"miniBatch\" : true,\n    \"minimize\" : true,\n"
                    + "    \"optimizationAlgo\" : \"STOCHASTIC_GRADIENT_DESCENT\",\n    \"seed\" : 42,\n"
                    + "    \"stepFunction\" : null,\n    \"variables\" : [ ]\n  }");
        }
        w.append(" ],\n  \"inputPreProcessors\" : { },\n  \"tbpttBackLength\" : 20,\n  \"tbpttFwdLength\" : 20,\n"
                + "  \"validateOutputLayerConfig\" : true\n}\n");
    }

    /** A ComputationGraph: an input layer, then blocks x + dense(dense(x)), then an output layer. */
    public static void dl4jGraph(Appendable w, int layers) throws IOException {
        StringBuilder inputs = new StringBuilder();
        w.append("{\"networkInputs\": [\"in\"], \"networkOutputs\": [\"out\"], \"vertices\": {\n");
        String prev = "in";
        int n = 0;
        while (n < layers - 1) {
            String a = "d" + n;
            String b = "d" + (n + 1);
            String add = "add" + n;
            vertex(w, n == 0 ? "" : ",\n", a, "DenseLayer", "ActivationReLU", 64);
            vertex(w, ",\n", b, "DenseLayer", "ActivationIdentity", 64);
            w.append(",\n\"").append(add).append("\": {\"@class\": \"org.deeplearning4j.nn.conf.graph.ElementWiseVertex\","
                    + " \"op\": \"Add\"}");
            edge(inputs, a, prev);
            edge(inputs, b, a);
            edge(inputs, add, b, prev);
            prev = add;
            n += 3;
        }
        vertex(w, ",\n", "out", "OutputLayer", "ActivationSoftmax", 10);
        edge(inputs, "out", prev);
        w.append("},\n\"vertexInputs\": {").append(inputs).append("}}\n");
    }

    private static void vertex(Appendable w, String sep, String name, String cls, String act, int nOut)
            throws IOException {
        w.append(sep).append('"').append(name).append("\": {\"@class\": \"org.deeplearning4j.nn.conf.graph.LayerVertex\","
                + " \"layerConf\": {\"layer\": {\"@class\": \"org.deeplearning4j.nn.conf.layers.").append(cls)
                .append("\", \"layerName\": \"").append(name).append("\", \"nin\": 64, \"nout\": ")
                .append(String.valueOf(nOut)).append(", \"activationFn\": {\"@class\": \"org.nd4j.linalg.activations.impl.")
                .append(act).append("\"}, \"weightInitFn\": {\"@class\": \"org.deeplearning4j.nn.weights.WeightInitRelu\"}")
                .append(cls.equals("OutputLayer")
                        ? ", \"lossFn\": {\"@class\": \"org.nd4j.linalg.lossfunctions.impl.LossMCXENT\"}" : "")
                .append("}}}");
    }

    private static void edge(StringBuilder b, String to, String... from) {
        b.append(b.length() == 0 ? "\n" : ",\n").append('"').append(to).append("\": [");
        for (int i = 0; i < from.length; i++) {
            b.append(i == 0 ? "\"" : ", \"").append(from[i]).append('"');
        }
        b.append(']');
    }

    /** A functional Keras 2 model of residual blocks, as model.to_json() writes it (indented). */
    public static void kerasFunctional(Appendable w, int layers) throws IOException {
        w.append("{\"class_name\": \"Model\", \"keras_version\": \"2.2.4\", \"backend\": \"tensorflow\", \"config\": {\n"
                + " \"name\": \"deep\", \"layers\": [\n  {\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": "
                + "{\"batch_input_shape\": [null, 64], \"dtype\": \"float32\", \"name\": \"in\"}, \"inbound_nodes\": []}");
        String prev = "in";
        int n = 0;
        while (n < layers - 1) {
            String a = "dense_" + n;
            String b = "dense_" + (n + 1);
            String add = "add_" + n;
            kerasDense(w, a, "relu", 64, prev);
            kerasDense(w, b, "linear", 64, a);
            w.append(",\n  {\"class_name\": \"Add\", \"name\": \"").append(add).append("\", \"config\": {\"name\": \"")
                    .append(add).append("\", \"trainable\": true}, \"inbound_nodes\": [[[\"").append(b)
                    .append("\", 0, 0, {}], [\"").append(prev).append("\", 0, 0, {}]]]}");
            prev = add;
            n += 3;
        }
        kerasDense(w, "out", "softmax", 10, prev);
        w.append("\n ],\n \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"out\", 0, 0]]}}\n");
    }

    private static void kerasDense(Appendable w, String name, String act, int units, String from)
            throws IOException {
        w.append(",\n  {\"class_name\": \"Dense\", \"name\": \"").append(name).append("\", \"config\": {\"name\": \"")
                .append(name).append("\", \"trainable\": true, \"units\": ").append(String.valueOf(units))
                .append(", \"activation\": \"").append(act).append("\", \"use_bias\": true, \"kernel_initializer\": "
                        + "{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 2.0, \"mode\": \"fan_in\", "
                        + "\"distribution\": \"normal\", \"seed\": null}}, \"bias_initializer\": {\"class_name\": "
                        + "\"Zeros\", \"config\": {}}, \"kernel_regularizer\": null, \"bias_regularizer\": null, "
                        + "\"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": null}, "
                        + "\"inbound_nodes\": [[[\"").append(from).append("\", 0, 0, {}]]]}");
    }

    /** A Keras 3 Sequential model of dense layers, as a .keras archive's config.json holds it. */
    public static void keras3Sequential(Appendable w, int layers) throws IOException {
        w.append("{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\": \"sequential\", "
                + "\"trainable\": true, \"layers\": [{\"module\": \"keras.layers\", \"class_name\": \"InputLayer\", "
                + "\"config\": {\"batch_shape\": [null, 64], \"dtype\": \"float32\", \"name\": \"input_layer\"}, "
                + "\"registered_name\": null}");
        for (int i = 0; i < layers; i++) {
            boolean out = i == layers - 1;
            w.append(", {\"module\": \"keras.layers\", \"class_name\": \"Dense\", \"config\": {\"name\": \"dense_")
                    .append(String.valueOf(i)).append("\", \"trainable\": true, \"dtype\": {\"module\": \"keras\", "
                            + "\"class_name\": \"DTypePolicy\", \"config\": {\"name\": \"float32\"}, "
                            + "\"registered_name\": null}, \"units\": ").append(out ? "10" : "64")
                    .append(", \"activation\": \"").append(out ? "softmax" : "relu").append("\", \"use_bias\": true, "
                            + "\"kernel_initializer\": {\"module\": \"keras.initializers\", \"class_name\": \"HeNormal\", "
                            + "\"config\": {\"seed\": null}, \"registered_name\": null}, \"bias_initializer\": "
                            + "{\"module\": \"keras.initializers\", \"class_name\": \"Zeros\", \"config\": {}, "
                            + "\"registered_name\": null}}, \"registered_name\": null, \"build_config\": "
                            + "{\"input_shape\": [null, 64]}}");
        }
        w.append("]}, \"compile_config\": null}\n");
    }

    /** A DSL model: a first layer, then residual blocks of two dense layers, then the output. */
    public static void dsl(Appendable w, int layers) throws IOException {
        w.append("model deep\ninput 64\ndefaults { init he  bias 0 }\ndense 64 activation relu\n");
        int n = 1;
        while (n + 2 < layers) {
            w.append("residual {\n  dense 64 activation relu\n  dense 64 activation identity\n}\n");
            n += 3;
        }
        w.append("output 10 softmax loss mcxent init xavier\n");
    }
}
