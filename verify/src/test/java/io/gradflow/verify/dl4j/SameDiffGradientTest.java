package io.gradflow.verify.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.AttentionVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Why verify measures ViT-Base exploding (README, "The reference networks, measured"): in
 * Deeplearning4j 1.0.0-M2.1 a layer or vertex defined in SameDiff (its AttentionVertex, verify's
 * LayerNormalization) passes back twice the gradient a central difference of the score gives, to
 * its own parameters and to every layer before it, where an ordinary layer passes back the
 * gradient itself. Should a DL4J upgrade fix this, this test fails and the README's explanation
 * of the ViT row is to be revisited (and the row re-measured).
 */
class SameDiffGradientTest {

    private static final int N = 8;
    private static final int T = 5;
    private static final int BATCH = 4;

    @Test
    void sameDiffLayersPassBackTwiceTheGradient() {
        double plain = ratio(null);
        // an ordinary layer: the gradient of the summed loss, the score being its batch average
        assertThat(plain).isCloseTo(BATCH, within(0.01 * BATCH));
        assertThat(ratio("layernorm") / plain).isCloseTo(2.0, within(0.01));
        assertThat(ratio("attention") / plain).isCloseTo(2.0, within(0.01));
    }

    /**
     * The backpropagated weight gradient of the first layer over its central difference (DL4J sums
     * the gradient over the batch and averages the score), with {@code middle} between it and the
     * output.
     */
    private static double ratio(String middle) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .seed(1).updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("pre", new Convolution1DLayer.Builder().kernelSize(1).convolutionMode(ConvolutionMode.Same)
                        .nIn(N).nOut(N).activation(Activation.TANH).build(), "in");
        String last = "pre";
        if ("layernorm".equals(middle)) {
            LayerNormalization ln = new LayerNormalization();
            ln.setNIn(N);
            b.addLayer("mid", ln, "pre");
            last = "mid";
        } else if ("attention".equals(middle)) {
            b.addVertex("mid", new AttentionVertex.Builder().nInQueries(N).nInKeys(N).nInValues(N).nOut(N).nHeads(1)
                    .headSize(N).projectInput(true).build(), "pre", "pre", "pre");
            last = "mid";
        }
        b.addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(N).nOut(3)
                .activation(Activation.IDENTITY).build(), last).setOutputs("out")
                .setInputTypes(InputType.recurrent(N, T));
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        Nd4j.getRandom().setSeed(7);
        INDArray in = Nd4j.rand(DataType.DOUBLE, BATCH, N, T).subi(0.5).muli(2);
        INDArray labels = Nd4j.rand(DataType.DOUBLE, BATCH, 3, T);
        MultiDataSet ds = new MultiDataSet(new INDArray[] {in}, new INDArray[] {labels});
        g.setInputs(in);
        g.setLabels(labels);
        g.computeGradientAndScore();
        Map<String, INDArray> grads = g.gradient().gradientForVariable();
        INDArray w = g.paramTable().get("pre_W");
        INDArray dw = grads.get("pre_W");
        double analytic = 0;
        double numeric = 0;
        for (int i = 0; i < 12; i++) {
            double orig = w.getDouble(i);
            double h = 1e-6;
            w.putScalar(i, orig + h);
            double up = g.score(ds, false);
            w.putScalar(i, orig - h);
            double down = g.score(ds, false);
            w.putScalar(i, orig);
            double num = (up - down) / (2 * h);
            analytic += dw.getDouble(i) * num;
            numeric += num * num;
        }
        return analytic / numeric;
    }
}
