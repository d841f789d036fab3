package io.gradflow.verify.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.ingest.ModelLoader;
import io.gradflow.verify.NetworkBuilder;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.AttentionVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.LearnedSelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.RecurrentAttentionLayer;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Deeplearning4j 1.0.0-M2.1's SameDiff layers and vertices pass back twice the gradient a central
 * difference of the score gives, to their own parameters and to every layer before them (ND4J's
 * ExternalErrorsFunction adds epsilon to itself: {@link HalvedSameDiffLayer}); verify's layers and
 * attention vertex halve it. Both facts are pinned: should a DL4J upgrade fix the doubling, the
 * first test fails and verify's halving is to be removed.
 */
class SameDiffGradientTest {

    private static final int N = 8;
    private static final int T = 5;
    private static final int BATCH = 4;

    @Test
    void dl4jsSameDiffLayersStillPassBackTwiceTheGradient() {
        double plain = ratio(null);
        // an ordinary layer: the gradient of the summed loss, the score being its batch average
        assertThat(plain).isCloseTo(BATCH, within(0.01 * BATCH));
        assertThat(ratio("raw-layernorm") / plain).isCloseTo(2.0, within(0.01));
        assertThat(ratio("raw-attention") / plain).isCloseTo(2.0, within(0.01));
    }

    @Test
    void verifysLayersPassBackTheTrueGradient() {
        double plain = ratio(null);
        assertThat(ratio("layernorm") / plain).isCloseTo(1.0, within(0.01));
        assertThat(ratio("attention") / plain).isCloseTo(1.0, within(0.01));
        assertThat(ratio("heads") / plain).isCloseTo(1.0, within(0.01));
        assertThat(ratio("gru") / plain).isCloseTo(1.0, within(0.01));
    }

    @Test
    void dl4jsOwnAttentionLayersInAUsersFilePassBackTheTrueGradientInVerify() {
        double plain = ratio(null);
        for (String layer : new String[] {"self-attention", "recurrent-attention"}) {
            // DL4J's classes as DL4J runs them double, and verify's network from the same JSON does not
            assertThat(ratio(layer) / plain).as(layer).isCloseTo(2.0, within(0.01));
            assertThat(verifysRatio(layer) / plain).as(layer).isCloseTo(1.0, within(0.01));
        }
        // a user's AttentionVertex too
        assertThat(verifysRatio("raw-attention") / plain).isCloseTo(1.0, within(0.01));
        // DL4J's LearnedSelfAttentionLayer fails in its own backward pass here (ND4J's scatter_update,
        // with or without the halving), so only its class is checked: it runs halved
        ComputationGraph learned = (ComputationGraph) NetworkBuilder.fromJson(
                config("learned-self-attention").toJson(), 1);
        assertThat(learned.getLayer("mid")).isExactlyInstanceOf(HalvedSameDiffLayer.class);
        assertThat(learned.getLayer("mid").conf().getLayer()).isExactlyInstanceOf(HalvedLearnedSelfAttentionLayer.class);
    }

    @Test
    void aRestoredModelZipWithDl4jsAttentionRunsHalvedWithTheFilesWeights(@TempDir Path tmp) throws Exception {
        ComputationGraph saved = new ComputationGraph(config("self-attention"));
        saved.init();
        Path zip = tmp.resolve("attention.zip");
        ModelSerializer.writeModel(saved, zip.toFile(), false);
        NetworkBuilder.Built built = NetworkBuilder.build(zip, ModelLoader.load(zip, "attention.zip"), 99, false);
        ComputationGraph g = (ComputationGraph) built.network();
        assertThat(g.getLayer("mid")).isExactlyInstanceOf(HalvedSameDiffLayer.class);
        assertThat(g.params()).isEqualTo(saved.params());
        assertThat(ratio(g, "self-attention") / ratio(null)).isCloseTo(1.0, within(0.01));
    }

    @Test
    void theHalvedClassesSurviveDl4jsJson() {
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(config("attention").toJson());
        assertThat(conf.getVertices().get("mid")).isExactlyInstanceOf(HalvedAttentionVertex.class);
        assertThat(conf.clone().getVertices().get("mid")).isExactlyInstanceOf(HalvedAttentionVertex.class);
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        assertThat(g.getVertex("mid")).isExactlyInstanceOf(HalvedSameDiffVertex.class);
        ComputationGraph ln = new ComputationGraph(
                ComputationGraphConfiguration.fromJson(config("layernorm").toJson()));
        ln.init();
        assertThat(ln.getLayer("mid")).isExactlyInstanceOf(HalvedSameDiffLayer.class);
    }

    /** The network: a 1-wide convolution, {@code middle} (or nothing), a per-step output with MSE. */
    private static ComputationGraphConfiguration config(String middle) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .seed(1).updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("pre", new Convolution1DLayer.Builder().kernelSize(1).convolutionMode(ConvolutionMode.Same)
                        .nIn(N).nOut(N).activation(Activation.TANH).build(), "in");
        String last = "mid";
        AttentionVertex.Builder attention = new AttentionVertex.Builder().nInQueries(N).nInKeys(N).nInValues(N)
                .nOut(N).nHeads(1).headSize(N).projectInput(true);
        switch (middle == null ? "" : middle) {
            case "layernorm" -> {
                LayerNormalization ln = new LayerNormalization();
                ln.setNIn(N);
                b.addLayer("mid", ln, "pre");
            }
            case "raw-layernorm" -> b.addLayer("mid", new RawLayerNorm(), "pre");
            case "attention" -> b.addVertex("mid", new HalvedAttentionVertex(attention.build()), "pre", "pre", "pre");
            case "raw-attention" -> b.addVertex("mid", attention.build(), "pre", "pre", "pre");
            // four heads of 3: their 12 features are not the model's 8
            case "heads" -> b.addVertex("mid", new HalvedAttentionVertex(new AttentionVertex.Builder().nInQueries(N)
                    .nInKeys(N).nInValues(N).nOut(N).nHeads(4).headSize(3).projectInput(true).build()),
                    "pre", "pre", "pre");
            case "gru" -> {
                GatedRecurrentUnit gru = new GatedRecurrentUnit();
                gru.setNIn(N);
                gru.setNOut(N);
                gru.setActivation(Activation.TANH.getActivationFunction());
                gru.setGateActivation(Activation.SIGMOID.getActivationFunction());
                b.addLayer("mid", gru, "pre");
            }
            // DL4J's own SameDiff attention layers, as a user's configuration holds them
            case "self-attention" -> b.addLayer("mid", new SelfAttentionLayer.Builder().nIn(N).nOut(N).nHeads(2)
                    .headSize(4).projectInput(true).build(), "pre");
            case "learned-self-attention" -> b.addLayer("mid", new LearnedSelfAttentionLayer.Builder().nIn(N).nOut(N)
                    .nHeads(2).headSize(4).nQueries(T).projectInput(true).build(), "pre");
            case "recurrent-attention" -> b.addLayer("mid", new RecurrentAttentionLayer.Builder().nIn(N).nOut(N)
                    .nHeads(2).headSize(4).projectInput(true).activation(Activation.TANH).build(), "pre");
            default -> last = "pre";
        }
        return b.addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(N).nOut(3)
                .activation(Activation.IDENTITY).build(), last).setOutputs("out")
                .setInputTypes(InputType.recurrent(N, T)).build();
    }

    /**
     * The backpropagated weight gradient of the first layer over its central difference (DL4J sums
     * the gradient over the batch and averages the score), with {@code middle} between it and the
     * output.
     */
    private static double ratio(String middle) {
        ComputationGraph g = new ComputationGraph(config(middle));
        g.init();
        return ratio(g, middle);
    }

    /** The same for the network verify builds from the configuration's JSON, as a user's file gives it. */
    private static double verifysRatio(String middle) {
        return ratio((ComputationGraph) NetworkBuilder.fromJson(config(middle).toJson(), 1), middle);
    }

    private static double ratio(ComputationGraph g, String middle) {
        Nd4j.getRandom().setSeed(7);
        if ("gru".equals(middle)) {
            // verify draws the GRU's arrays itself (zeros until then): draw them here
            INDArray p = g.getLayer("mid").params();
            p.assign(Nd4j.rand(DataType.DOUBLE, p.shape()).subi(0.5));
        }
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

    /** Verify's layer normalisation as DL4J runs a SameDiff layer of its own (no halving). */
    public static final class RawLayerNorm extends SameDiffLayer {

        private final LayerNormalization ln = new LayerNormalization();

        public RawLayerNorm() {
            ln.setNIn(N);
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            ln.defineParameters(params);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            ln.initializeParameters(params);
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
            return ln.defineLayer(sd, x, p, mask);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }

        @Override
        public void setNIn(InputType inputType, boolean override) {
            // nIn is fixed
        }
    }
}
