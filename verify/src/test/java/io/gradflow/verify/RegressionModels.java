package io.gradflow.verify;

import io.gradflow.ingest.keras.KerasFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Small model files, one per way {@code gradflow verify} used to fail on real models (issue 13), in
 * every format gradflow reads: Keras HDF5, JSON and .keras archives, DL4J JSON of three
 * generations and a DL4J model zip, the DSL. Each is written here, none copied from anywhere.
 */
final class RegressionModels {

    /** What a file is for and what verify must make of it: measured, or one error line saying {@code error}. */
    record Case(String file, String failureClass, String error) { }

    private RegressionModels() {
    }

    static List<Case> write(Path dir) throws IOException {
        List<Case> out = new ArrayList<>();
        // KerasModelImport: FineTuneConfiguration ... is null (a model saved without compile())
        KerasFiles.hdf5(dir.resolve("no-compile.h5"), Map.of("model_config", seq("2.4.0", "[null, 12]",
                dense("d1", 16, "relu"), dense("out", 3, "softmax")), "keras_version", "2.4.0", "backend", "tensorflow"), 0);
        out.add(new Case("no-compile.h5", "FineTuneConfiguration is null (no training configuration)", null));
        // KerasModelImport: Cannot read the array length because "mult" is null (channels-last conv into dense)
        write(dir, "conv-flatten.json", seq("2.2.4", "[null, 8, 8, 1]",
                layer("Conv2D", "\"name\": \"c1\", \"filters\": 4, \"kernel_size\": [3, 3], \"activation\": \"relu\", "
                        + "\"data_format\": \"channels_last\""),
                layer("Flatten", "\"name\": \"f\""), dense("out", 3, "softmax")));
        out.add(new Case("conv-flatten.json", "\"mult\" is null", null));
        // KerasModelImport: java.lang.Integer cannot be cast to java.lang.Double
        write(dir, "integer-parameters.json", seq("2.1.3", "[null, 10]", dense("d1", 10, "linear"),
                layer("ELU", "\"name\": \"elu\", \"alpha\": 1"),
                layer("BatchNormalization", "\"name\": \"bn\", \"epsilon\": 1, \"momentum\": 1"),
                layer("Dropout", "\"name\": \"drop\", \"rate\": 0"), dense("out", 2, "softmax")));
        out.add(new Case("integer-parameters.json", "Integer cannot be cast to Double", null));
        // KerasModelImport: Index 0 out of bounds (depthwise convolutions)
        KerasFiles.hdf5(dir.resolve("depthwise.h5"), Map.of("model_config", seq("2.14.0", "[null, 10, 10, 3]",
                layer("DepthwiseConv2D", "\"name\": \"dw\", \"kernel_size\": [3, 3], \"depth_multiplier\": 2, "
                        + "\"padding\": \"same\", \"depthwise_initializer\": {\"class_name\": \"GlorotUniform\", "
                        + "\"config\": {}}"),
                layer("BatchNormalization", "\"name\": \"bn\""), layer("ReLU", "\"name\": \"relu\""),
                layer("GlobalAveragePooling2D", "\"name\": \"gap\""), dense("out", 4, "softmax")),
                "keras_version", "2.14.0", "backend", "tensorflow"), 0);
        out.add(new Case("depthwise.h5", "Index 0 out of bounds", null));
        // KerasModelImport: Error parsing protobuf (a TensorFlow op layer): one line naming the layer
        KerasFiles.hdf5(dir.resolve("tf-op.h5"), Map.of("model_config", seq("2.2.4-tf", "[null, 6]",
                layer("TensorFlowOpLayer", "\"name\": \"tf_op_layer_Reshape\", \"node_def\": {\"op\": \"Reshape\"}"),
                dense("out", 2, "softmax")), "keras_version", "2.2.4-tf", "backend", "tensorflow"), 0);
        out.add(new Case("tf-op.h5", "Error parsing protobuf",
                "layer 'tf_op_layer_Reshape' (TensorFlowOpLayer): TensorFlow operation layer: not analysed: "
                        + "Deeplearning4j cannot run it"));
        // KerasModelImport: H5Aopen failed (every Keras 3 .keras archive)
        KerasFiles.kerasArchive(dir.resolve("keras3.keras"), KerasFiles.keras3Functional());
        out.add(new Case("keras3.keras", "H5Aopen failed (Keras 3 archive)", null));
        // KerasModelImport: Unknown Keras activation function exponential, and Keras's other functions DL4J lacks
        write(dir, "keras-activations.json", seq("2.11.0", "[null, 8]", dense("e", 8, "exponential"),
                dense("g", 8, "gelu"), dense("s", 8, "swish"), dense("hs", 8, "hard_silu"), dense("m", 8, "mish"),
                dense("ss", 8, "softsign"), dense("se", 8, "selu"),
                layer("LeakyReLU", "\"name\": \"lr\", \"alpha\": 0.3"),
                layer("ThresholdedReLU", "\"name\": \"tr\", \"theta\": 0.5"), dense("out", 2, "softmax")));
        out.add(new Case("keras-activations.json", "Unknown Keras activation function exponential", null));
        // KerasModelImport: unsupported LocallyConnected2D
        write(dir, "locally-connected.json", seq("2.2.4", "[null, 8, 8, 2]",
                layer("LocallyConnected2D", "\"name\": \"lc\", \"filters\": 3, \"kernel_size\": [3, 3], "
                        + "\"activation\": \"tanh\""),
                layer("Flatten", "\"name\": \"f\""), dense("out", 2, "softmax")));
        out.add(new Case("locally-connected.json", "unsupported LocallyConnected2D", null));
        // orthogonal recurrent kernels (Keras's default): refused, or ND4J's sampler crashed
        KerasFiles.hdf5(dir.resolve("recurrent-orthogonal.h5"), Map.of("model_config", seq("2.4.0", "[null, 7, 5]",
                layer("LSTM", "\"name\": \"lstm\", \"units\": 6, \"return_sequences\": true"),
                layer("GRU", "\"name\": \"gru\", \"units\": 6, \"return_sequences\": true"),
                layer("SimpleRNN", "\"name\": \"rnn\", \"units\": 6, \"return_sequences\": false"),
                dense("out", 2, "softmax")), "keras_version", "2.4.0", "backend", "tensorflow"), 0);
        out.add(new Case("recurrent-orthogonal.h5", "orthogonal initialiser", null));
        // recurrent inputs of unknown length ([10 x t=?]); bidirectional, masking, time-distributed, both returns
        write(dir, "sequences-unknown-length.json", seq("2.4.0", "[null, null, 10]",
                layer("Masking", "\"name\": \"mask\", \"mask_value\": 0.0"),
                layer("Bidirectional", "\"name\": \"bigru\", \"merge_mode\": \"concat\", \"layer\": {\"class_name\": "
                        + "\"GRU\", \"config\": {\"name\": \"gru\", \"units\": 8, \"return_sequences\": true}}"),
                layer("TimeDistributed", "\"name\": \"td\", \"layer\": {\"class_name\": \"Dense\", \"config\": "
                        + "{\"name\": \"tdd\", \"units\": 5, \"activation\": \"relu\"}}"),
                layer("Bidirectional", "\"name\": \"bilstm\", \"merge_mode\": \"sum\", \"layer\": {\"class_name\": "
                        + "\"LSTM\", \"config\": {\"name\": \"lstm\", \"units\": 4, \"return_sequences\": false}}"),
                dense("out", 2, "softmax")));
        out.add(new Case("sequences-unknown-length.json", "Invalid shape [.., t=?]", null));
        // DL4J JSON: Sequence lengths do not match for RnnOutputLayer (truncated BPTT, no input length)
        MultiLayerConfiguration tbptt = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new LSTM.Builder().nIn(7).nOut(8).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(7)
                        .activation(Activation.SOFTMAX).build())
                .backpropType(BackpropType.TruncatedBPTT).tBPTTLength(50).build();
        Files.writeString(dir.resolve("dl4j-rnn-tbptt.json"), tbptt.toJson());
        out.add(new Case("dl4j-rnn-tbptt.json", "Sequence lengths do not match for RnnOutputLayer", null));
        // legacy DL4J configurations lint reads but DL4J 1.0.0-M2.1 does not
        Files.writeString(dir.resolve("dl4j-0.5-cnn.json"), LEGACY_05_CNN);
        out.add(new Case("dl4j-0.5-cnn.json", "legacy DL4J 0.5 CNN", null));
        Files.writeString(dir.resolve("dl4j-0.9-frozen.json"), LEGACY_09_FROZEN);
        out.add(new Case("dl4j-0.9-frozen.json", "legacy DL4J 0.9 frozen layers", null));
        // a DL4J model zip (its weights are used only with --weights file)
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build()).build());
        net.init();
        ModelSerializer.writeModel(net, dir.resolve("dl4j-model.zip").toFile(), false);
        out.add(new Case("dl4j-model.zip", "DL4J model zip", null));
        // the DSL: a GRU and a stand-alone layer norm, which DL4J has no layer for
        Files.writeString(dir.resolve("gru-layernorm.gflow"), """
                model gru_layernorm
                input 6 x 12 steps
                gru 8
                layernorm
                lstm 8 last
                output 3 softmax loss mcxent
                """);
        out.add(new Case("gru-layernorm.gflow", "GRU and layer norm (DSL)", null));
        // a Lambda: Java exception text never reaches the user, one line names the layer
        write(dir, "lambda.json", seq("2.0.9", "[null, 4]", dense("d", 4, "relu"),
                layer("Lambda", "\"name\": \"lam\", \"function\": [\"4wEAAAAAAAAA\", null, null]"),
                dense("out", 2, "softmax")));
        out.add(new Case("lambda.json", "raw Java exception text",
                "layer 'lam' (Lambda): Lambda layer: Python code, not analysed: Deeplearning4j cannot run it"));
        return out;
    }

    /**
     * The 34-layer Dense+ReLU MLP with glorot_uniform of the issue (MNIST-sized input, each Dense
     * followed by a separate Activation layer), as a Keras 2 HDF5 file.
     */
    static Path glorotReluMlp(Path file) {
        List<String> layers = new ArrayList<>();
        for (int i = 1; i <= 34; i++) {
            layers.add(dense("dense_" + i, 128, "linear"));
            layers.add(layer("Activation", "\"name\": \"activation_" + i + "\", \"activation\": \"relu\""));
        }
        layers.add(dense("out", 10, "softmax"));
        return KerasFiles.hdf5(file, Map.of("model_config", seq("2.2.4", "[null, 784]", layers.toArray(new String[0])),
                "keras_version", "2.2.4", "backend", "tensorflow"), 0);
    }

    /** A stack whose exponential layers overflow: the measurement meets infinities. */
    static Path overflowing(Path file) throws IOException {
        String big = "\"kernel_initializer\": {\"class_name\": \"RandomNormal\", \"config\": {\"mean\": 0.0, "
                + "\"stddev\": 30.0}}";
        write(file.getParent(), file.getFileName().toString(), seq("2.4.0", "[null, 16]",
                layer("Dense", "\"name\": \"e1\", \"units\": 16, \"activation\": \"exponential\", " + big),
                layer("Dense", "\"name\": \"e2\", \"units\": 16, \"activation\": \"exponential\", " + big),
                dense("out", 2, "softmax")));
        return file;
    }

    /**
     * MobileNetV1's head in small: a global pooling that keeps its 1x1 dimensions, then the 1x1
     * classifier convolution, reshaped to the classes and a softmax (DL4J holds the pooled map as
     * feature vectors, which the convolution cannot read as they are).
     */
    static Path keepdimsHead(Path file) throws IOException {
        write(file.getParent(), file.getFileName().toString(), seq("2.12.0", "[null, 8, 8, 3]",
                layer("Conv2D", "\"name\": \"c1\", \"filters\": 6, \"kernel_size\": [3, 3], \"activation\": \"relu\""),
                layer("GlobalAveragePooling2D", "\"name\": \"gap\", \"keepdims\": true"),
                layer("Dropout", "\"name\": \"drop\", \"rate\": 0.001"),
                layer("Conv2D", "\"name\": \"preds\", \"filters\": 4, \"kernel_size\": [1, 1]"),
                layer("Reshape", "\"name\": \"r\", \"target_shape\": [4]"),
                layer("Activation", "\"name\": \"act\", \"activation\": \"softmax\"")));
        return file;
    }

    /** Feature vectors reshaped to a 1x1 map, read by a 1x1 convolution. */
    static Path reshapedToMap(Path file) throws IOException {
        write(file.getParent(), file.getFileName().toString(), seq("2.12.0", "[null, 12]", dense("d1", 16, "relu"),
                layer("Reshape", "\"name\": \"r1\", \"target_shape\": [1, 1, 16]"),
                layer("Conv2D", "\"name\": \"c1\", \"filters\": 8, \"kernel_size\": [1, 1], \"activation\": \"relu\""),
                layer("Flatten", "\"name\": \"f\""), dense("out", 3, "softmax")));
        return file;
    }

    // ------------------------------------------------------------------ Keras configs

    static String seq(String version, String inputShape, String... layers) {
        StringBuilder b = new StringBuilder("{\"class_name\": \"Sequential\", \"keras_version\": \"" + version
                + "\", \"backend\": \"tensorflow\", \"config\": {\"name\": \"seq\", \"layers\": [{\"class_name\": "
                + "\"InputLayer\", \"config\": {\"name\": \"input\", \"batch_input_shape\": " + inputShape + "}}");
        for (String l : layers) {
            b.append(", ").append(l);
        }
        return b.append("]}}").toString();
    }

    static String layer(String cls, String config) {
        return "{\"class_name\": \"" + cls + "\", \"config\": {" + config + "}}";
    }

    static String dense(String name, int units, String activation) {
        return layer("Dense", "\"name\": \"" + name + "\", \"units\": " + units + ", \"activation\": \"" + activation
                + "\"");
    }

    private static void write(Path dir, String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }

    /** Files by name, for the tests' lookups. */
    static Map<String, Case> byFile(List<Case> cases) {
        Map<String, Case> m = new LinkedHashMap<>();
        cases.forEach(c -> m.put(c.file(), c));
        return m;
    }

    /** A DL4J 0.5 MultiLayer configuration in the wrapper format: conv(tanh), max pooling, output. */
    static final String LEGACY_05_CNN = """
            {"backprop": true, "backpropType": "Standard", "pretrain": false, "tbpttBackLength": 20,
             "tbpttFwdLength": 20, "inputPreProcessors": {"2": {"cnnToFeedForward": {"inputHeight": 6,
             "inputWidth": 6, "numChannels": 3}}},
             "confs": [
              {"layer": {"convolution": {"activationFunction": "tanh", "biasInit": 0.0, "kernelSize": [3, 3],
               "nin": 2, "nout": 3, "padding": [0, 0], "stride": [1, 1], "updater": "RMSPROP",
               "learningRate": 0.1, "weightInit": "RELU", "convolutionType": "VALID", "layerName": null}},
               "seed": 1, "miniBatch": true, "minimize": true, "optimizationAlgo": "STOCHASTIC_GRADIENT_DESCENT"},
              {"layer": {"subsampling": {"activationFunction": "sigmoid", "kernelSize": [1, 1], "padding": [0, 0],
               "poolingType": "MAX", "stride": [1, 1], "layerName": null}},
               "seed": 1, "miniBatch": true, "minimize": true, "optimizationAlgo": "STOCHASTIC_GRADIENT_DESCENT"},
              {"layer": {"output": {"activationFunction": "softmax", "biasInit": 0.0, "lossFunction": "MCXENT",
               "nin": 108, "nout": 4, "updater": "RMSPROP", "learningRate": 0.1, "weightInit": "XAVIER",
               "layerName": null}},
               "seed": 1, "miniBatch": true, "minimize": true, "optimizationAlgo": "STOCHASTIC_GRADIENT_DESCENT"}
             ]}
            """;

    /** A DL4J 0.9 ComputationGraph in the wrapper format with frozen layers (a transfer-learning base). */
    static final String LEGACY_09_FROZEN = """
            {"backprop": true, "backpropType": "Standard", "pretrain": false, "tbpttBackLength": 20,
             "tbpttFwdLength": 20, "networkInputs": ["in"], "networkOutputs": ["out"],
             "vertexInputs": {"d1": ["in"], "bn": ["d1"], "d2": ["bn"], "out": ["d2"]},
             "defaultConfiguration": {"seed": 1, "miniBatch": true, "minimize": true, "layer": null,
              "optimizationAlgo": "STOCHASTIC_GRADIENT_DESCENT"},
             "vertices": {
              "d1": {"LayerVertex": {"layerConf": {"layer": {"FrozenLayer": {"layer": {"dense": {
               "activationFn": {"ReLU": {}}, "biasInit": 0.0, "nin": 10, "nout": 16, "weightInit": "RELU",
               "layerName": "d1"}}, "layerName": "d1"}}}, "outputVertex": false, "preProcessor": null}},
              "bn": {"LayerVertex": {"layerConf": {"layer": {"FrozenLayer": {"layer": {"batchNormalization": {
               "activationFn": {"Sigmoid": {}}, "beta": 0.0, "gamma": 1.0, "eps": 1e-05, "decay": 0.9,
               "nin": 16, "nout": 16, "layerName": "bn"}}, "layerName": "bn"}}}, "outputVertex": false,
               "preProcessor": null}},
              "d2": {"LayerVertex": {"layerConf": {"layer": {"dense": {"activationFn": {"ReLU": {}},
               "biasInit": 0.0, "nin": 16, "nout": 16, "weightInit": "RELU", "layerName": "d2"}}},
               "outputVertex": false, "preProcessor": null}},
              "out": {"LayerVertex": {"layerConf": {"layer": {"output": {"activationFn": {"Softmax": {}},
               "lossFn": {"MCXENT": {}}, "biasInit": 0.0, "nin": 16, "nout": 3, "weightInit": "XAVIER",
               "layerName": "out"}}}, "outputVertex": false, "preProcessor": null}}
             }}
            """;
}
