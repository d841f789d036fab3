package io.gradflow.testing;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.Distribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds Deeplearning4j configurations of the shapes gradflow's tests, fixtures and accuracy
 * evaluation need: plain and residual MLPs and CNNs, with or without batch normalisation.
 */
public final class Dl4jConfigs {

    private Dl4jConfigs() {
    }

    /**
     * A network design.
     *
     * @param cnn        convolutions (3x3, same padding) instead of dense layers
     * @param depth      hidden layers with weights
     * @param width      units or channels per hidden layer
     * @param activation hidden nonlinearity
     * @param init       hidden (and output) initialiser
     * @param batchNorm  batch normalisation between each layer and its nonlinearity
     * @param residual   residual blocks of two layers (y = x + F(x)) after a first layer
     * @param bias       bias init of the hidden layers
     * @param inputSize  features (MLP) or spatial side (CNN, one channel in... width channels)
     */
    public record Spec(boolean cnn, int depth, int width, Activation activation, IWeightInit init,
                       boolean batchNorm, boolean residual, double bias, int inputSize, boolean doubles) {

        public static Spec mlp(int depth, int width, Activation a, IWeightInit init) {
            return new Spec(false, depth, width, a, init, false, false, 0, width, false);
        }

        public Spec withBatchNorm() {
            return new Spec(cnn, depth, width, activation, init, true, residual, bias, inputSize, doubles);
        }

        public Spec withResidual() {
            return new Spec(cnn, depth, width, activation, init, batchNorm, true, bias, inputSize, doubles);
        }

        public Spec withBias(double b) {
            return new Spec(cnn, depth, width, activation, init, batchNorm, residual, b, inputSize, doubles);
        }

        /** Convolutions over a one-channel side x side input instead of dense layers. */
        public Spec asCnn(int side) {
            return new Spec(true, depth, width, activation, init, batchNorm, residual, bias, side, doubles);
        }

        /** Double precision, for measurements that must not underflow. */
        public Spec inDouble() {
            return new Spec(cnn, depth, width, activation, init, batchNorm, residual, bias, inputSize, true);
        }
    }

    public static IWeightInit init(WeightInit w) {
        return w.getWeightInitFunction();
    }

    public static IWeightInit init(Distribution d) {
        return new WeightInitDistribution(d);
    }

    /** A MultiLayer network for plain designs, a ComputationGraph for residual ones; as JSON. */
    public static String json(Spec s) {
        return s.residual ? graph(s).toJson() : multiLayer(s).toJson();
    }

    private static NeuralNetConfiguration.Builder base(Spec s) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(42).updater(new Sgd(0.01));
        return s.doubles ? b.dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE) : b;
    }

    public static MultiLayerConfiguration multiLayer(Spec s) {
        NeuralNetConfiguration.ListBuilder b = base(s).list();
        for (int i = 0; i < s.depth; i++) {
            for (org.deeplearning4j.nn.conf.layers.Layer l : hidden(s, i)) {
                b.layer(l);
            }
        }
        b.layer(output(s));
        b.setInputType(inputType(s));
        return b.build();
    }

    public static ComputationGraphConfiguration graph(Spec s) {
        ComputationGraphConfiguration.GraphBuilder g = base(s).graphBuilder().addInputs("input");
        // a first layer maps the input to the residual width, then blocks of two layers each
        String prev = addChain(g, s, 0, "input");
        int i = 1;
        while (i < s.depth) {
            String a = addChain(g, s, i++, prev);
            String branch = i < s.depth ? addChain(g, s, i++, a) : a;
            String add = "add_" + i;
            g.addVertex(add, new ElementWiseVertex(ElementWiseVertex.Op.Add), prev, branch);
            prev = add;
        }
        g.addLayer("output", output(s), prev);
        g.setOutputs("output");
        g.setInputTypes(inputType(s));
        return g.build();
    }

    private static String addChain(ComputationGraphConfiguration.GraphBuilder g, Spec s, int i, String in) {
        String prev = in;
        for (org.deeplearning4j.nn.conf.layers.Layer l : hidden(s, i)) {
            g.addLayer(l.getLayerName(), l, prev);
            prev = l.getLayerName();
        }
        return prev;
    }

    private static InputType inputType(Spec s) {
        return s.cnn ? InputType.convolutional(s.inputSize, s.inputSize, 1) : InputType.feedForward(s.inputSize);
    }

    private static org.deeplearning4j.nn.conf.layers.Layer[] hidden(Spec s, int i) {
        Activation own = s.batchNorm ? Activation.IDENTITY : s.activation;
        org.deeplearning4j.nn.conf.layers.Layer layer;
        if (s.cnn) {
            layer = new ConvolutionLayer.Builder(3, 3).nOut(s.width).convolutionMode(
                    org.deeplearning4j.nn.conf.ConvolutionMode.Same).activation(own).weightInit(s.init)
                    .biasInit(s.bias).name("conv_" + i).build();
        } else {
            layer = new DenseLayer.Builder().nOut(s.width).activation(own).weightInit(s.init)
                    .biasInit(s.bias).name("dense_" + i).build();
        }
        if (!s.batchNorm) {
            return new org.deeplearning4j.nn.conf.layers.Layer[] {layer};
        }
        return new org.deeplearning4j.nn.conf.layers.Layer[] {layer,
            new BatchNormalization.Builder().name("bn_" + i).build(),
            new ActivationLayer.Builder().activation(s.activation).name("act_" + i).build()};
    }

    private static OutputLayer output(Spec s) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).name("output").build();
    }
}
