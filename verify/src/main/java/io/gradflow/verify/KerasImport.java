package io.gradflow.verify;

import io.gradflow.model.Format;
import io.gradflow.model.ModelGraph;
import io.gradflow.verify.dl4j.StableActivations;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.jspecify.annotations.Nullable;

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
            Object net;
            String weights = "initialised (seed " + seed + ")";
            if (graph.format() == Format.KERAS_JSON) {
                net = sequential
                        ? NetworkBuilder.initialised(KerasModelImport.importKerasSequentialConfiguration(path), seed)
                        : NetworkBuilder.initialised(KerasModelImport.importKerasModelConfiguration(path), seed);
            } else {
                net = sequential
                        ? KerasModelImport.importKerasSequentialModelAndWeights(path, false)
                        : KerasModelImport.importKerasModelAndWeights(path, false);
                if (reinitialise) {
                    net = fresh(net, seed);
                } else {
                    weights = "from the file";
                }
            }
            net = withLossLayers(net, graph);
            StableActivations.install(net);
            int dropped = dropChannelsLastDropout(net);
            return new NetworkBuilder.Built(net, weights + (dropped == 0 ? "" : "; dropout left out on " + dropped
                    + " channels-last convolution(s), which Deeplearning4j 1.0.0-M2.1 cannot backpropagate"));
        } catch (IOException e) {
            throw new VerifyException("cannot read the Keras file: " + NetworkBuilder.oneLine(e));
        } catch (InvalidKerasConfigurationException | UnsupportedKerasConfigurationException e) {
            throw new VerifyException("Deeplearning4j's KerasModelImport cannot import this model: "
                    + NetworkBuilder.oneLine(e));
        }
    }

    /**
     * A Keras file saved without its training configuration (no compile()) imports with plain
     * layers as outputs, which Deeplearning4j cannot backpropagate from. Each such output gets a
     * parameter-free loss layer that fits its activation (cross-entropy after softmax or sigmoid,
     * squared error otherwise); the network's own layers and weights stay as imported.
     */
    static Object withLossLayers(Object net, ModelGraph graph) {
        if (net instanceof MultiLayerNetwork m) {
            int last = m.getnLayers() - 1;
            if (m.getLayer(last) instanceof org.deeplearning4j.nn.api.layers.IOutputLayer) {
                return m;
            }
            var conf = m.getLayerWiseConfigurations().getConf(last).getLayer();
            return new org.deeplearning4j.nn.transferlearning.TransferLearning.Builder(m)
                    .addLayer(lossFor(activationOf(conf)))
                    .build();
        }
        ComputationGraph g = (ComputationGraph) net;
        List<String> outputs = g.getConfiguration().getNetworkOutputs();
        List<String> wrapped = new ArrayList<>();
        var b = new org.deeplearning4j.nn.transferlearning.TransferLearning.GraphBuilder(g);
        boolean changed = false;
        for (String out : outputs) {
            org.deeplearning4j.nn.api.Layer l = g.getLayer(out);
            if (l == null || l instanceof org.deeplearning4j.nn.api.layers.IOutputLayer) {
                wrapped.add(out);
                continue;
            }
            String name = out + "_gradflow_loss";
            b.addLayer(name, lossFor(activationOf(l.conf().getLayer())), out);
            wrapped.add(name);
            changed = true;
        }
        return changed ? b.setOutputs(wrapped.toArray(new String[0])).build() : g;
    }

    /** The same network with fresh weights drawn from its initialisers (for --reinit). */
    private static Object fresh(Object net, long seed) {
        return net instanceof MultiLayerNetwork m
                ? NetworkBuilder.initialised(m.getLayerWiseConfigurations().clone(), seed)
                : NetworkBuilder.initialised(((ComputationGraph) net).getConfiguration().clone(), seed);
    }

    /**
     * Deeplearning4j 1.0.0-M2.1 applies a convolution's dropout mask in its NHWC layout but
     * backpropagates in NCHW, and the backward pass fails on the shape mismatch. Such dropout is
     * switched off for the measurement; returns how many layers lost a dropout that dropped units.
     */
    static int dropChannelsLastDropout(Object net) {
        org.deeplearning4j.nn.api.Layer[] layers = net instanceof MultiLayerNetwork m ? m.getLayers()
                : ((ComputationGraph) net).getLayers();
        int n = 0;
        for (org.deeplearning4j.nn.api.Layer l : layers) {
            if (l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer c
                    && c.getCnn2dDataFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC
                    && c.getIDropout() != null) {
                // KerasModelImport gives every layer a dropout, retaining all (p = 1) where Keras has none
                boolean real = !(c.getIDropout() instanceof org.deeplearning4j.nn.conf.dropout.Dropout d && d.getP() >= 1);
                c.setIDropout(null);
                if (real) {
                    n++;
                }
            }
        }
        return n;
    }

    private static org.nd4j.linalg.activations.@Nullable IActivation activationOf(
            org.deeplearning4j.nn.conf.layers.Layer conf) {
        return conf instanceof org.deeplearning4j.nn.conf.layers.BaseLayer bl ? bl.getActivationFn() : null;
    }

    private static org.deeplearning4j.nn.conf.layers.LossLayer lossFor(
            org.nd4j.linalg.activations.@Nullable IActivation a) {
        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction fn =
                a instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax
                        ? org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT
                        : a instanceof org.nd4j.linalg.activations.impl.ActivationSigmoid
                        ? org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.XENT
                        : org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE;
        return new org.deeplearning4j.nn.conf.layers.LossLayer.Builder(fn)
                .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build();
    }
}
