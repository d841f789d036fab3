package io.gradflow.verify;

import io.gradflow.model.Format;
import io.gradflow.model.ModelGraph;
import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Keras files through Deeplearning4j's KerasModelImport. */
final class KerasImport {

    private KerasImport() {
    }

    static NetworkBuilder.Built build(Path file, ModelGraph graph, long seed, boolean reinitialise)
            throws VerifyException {
        if (graph.format() == Format.KERAS_V3) {
            throw new VerifyException("Deeplearning4j 1.0.0-M2.1 cannot import Keras 3 .keras archives; "
                    + "save the model as HDF5 (model.save('m.h5')) or JSON (model.to_json()) to verify it");
        }
        boolean sequential = "Sequential".equals(graph.meta().get("network"));
        for (io.gradflow.model.Node n : graph.nodes()) {
            io.gradflow.model.WeightInit r = n.core().recurrentInit();
            if (n.core().weightInit() != null && n.core().weightInit().family() == io.gradflow.model.WeightInit.Family.ORTHOGONAL
                    || r != null && r.family() == io.gradflow.model.WeightInit.Family.ORTHOGONAL) {
                // KerasModelImport initialises before it loads weights, and ND4J M2.1's orthogonal sampler
                // hangs or crashes the JVM (Keras's default for recurrent kernels)
                throw new VerifyException("layer '" + n.name() + "' uses an orthogonal initialiser, which "
                        + "Deeplearning4j 1.0.0-M2.1 cannot sample without hanging or crashing; the static lint "
                        + "still covers the model");
            }
        }
        String path = file.toString();
        try {
            if (graph.format() == Format.KERAS_JSON) {
                Object net;
                if (sequential) {
                    MultiLayerConfiguration c = KerasModelImport.importKerasSequentialConfiguration(path);
                    c.getConfs().forEach(x -> x.setSeed(seed));
                    MultiLayerNetwork m = new MultiLayerNetwork(c);
                    m.init();
                    net = m;
                } else {
                    ComputationGraphConfiguration c = KerasModelImport.importKerasModelConfiguration(path);
                    c.getDefaultConfiguration().setSeed(seed);
                    ComputationGraph g = new ComputationGraph(c);
                    g.init();
                    net = g;
                }
                return new NetworkBuilder.Built(net, "initialised (seed " + seed + ")");
            }
            Object net = sequential
                    ? KerasModelImport.importKerasSequentialModelAndWeights(path, false)
                    : KerasModelImport.importKerasModelAndWeights(path, false);
            return new NetworkBuilder.Built(net, "from the file");
        } catch (IOException e) {
            throw new VerifyException("cannot read the Keras file: " + NetworkBuilder.oneLine(e));
        } catch (InvalidKerasConfigurationException | UnsupportedKerasConfigurationException e) {
            throw new VerifyException("Deeplearning4j's KerasModelImport cannot import this model: "
                    + NetworkBuilder.oneLine(e));
        }
    }
}
