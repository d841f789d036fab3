package io.gradflow.kinds;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.ModelGraph;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Keras stacks of SimpleRNNs the recurrence tests analyse. */
final class SimpleRnnStacks {

    private SimpleRnnStacks() {
    }

    /**
     * {@code depth} Keras SimpleRNNs of {@code units} units and activation {@code act} over
     * {@code steps} steps of 16 features into a 5-way softmax, analysed at batch 16; {@code kernel}
     * and {@code recurrent} are the input and recurrent kernels' initialisers as Keras writes them.
     */
    static GradientAnalysis analyse(int depth, int steps, int units, String act, String kernel, String recurrent)
            throws Exception {
        List<String> layers = new ArrayList<>();
        layers.add("""
                {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, %d, 16]}}"""
                .formatted(steps));
        for (int i = 0; i < depth; i++) {
            layers.add("""
                    {"class_name": "SimpleRNN", "config": {"name": "rnn%d", "units": %d, "activation": "%s",
                     "return_sequences": %b, "use_bias": true,
                     "kernel_initializer": %s,
                     "recurrent_initializer": %s,
                     "bias_initializer": {"class_name": "Zeros", "config": {}}}}"""
                    .formatted(i, units, act, i + 1 < depth, kernel, recurrent));
        }
        layers.add("""
                {"class_name": "Dense", "config": {"name": "out", "units": 5, "activation": "softmax"}}""");
        String json = """
                {"class_name": "Sequential", "keras_version": "2.12.0", "backend": "tensorflow",
                 "config": {"name": "m", "layers": [%s]}}""".formatted(String.join(",", layers));
        ModelGraph g = ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
        return SignalPropagation.analyse(g, SignalPropagation.Options.DEFAULT.withBatch(16));
    }
}
