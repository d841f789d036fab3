package io.gradflow.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.ingest.Finish;
import io.gradflow.model.Activation;
import io.gradflow.model.FanConvention;
import io.gradflow.model.Format;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Attention's heads in the mean field: the projections' real shapes and the fans Keras draws them with. */
class AttentionHeadsTest {

    static final WeightInit GLOROT = WeightInit.fanScaled("glorot_uniform", 1, WeightInit.Fan.AVG,
            WeightInit.Shape.UNIFORM);
    static final SignalPropagation.Options MEAN_FIELD = SignalPropagation.Options.DEFAULT.withFiniteWidth(false)
            .withSimulation(false);
    static final int WIDTH = 64;
    static final int TOKENS = 16;

    /** Input tokens, one attention layer, a dense ReLU layer and a softmax. */
    static ModelGraph model(Node.@Nullable Heads heads, FanConvention fans) throws Exception {
        List<Node> nodes = List.of(
                Node.builder("in", LayerKind.INPUT).nOut(WIDTH).outputShape(TensorShape.rnn(WIDTH, TOKENS)).build(),
                Node.builder("att", LayerKind.ATTENTION).inputs("in").nIn(WIDTH).nOut(WIDTH)
                        .activation(Activation.IDENTITY).weightInit(GLOROT).fans(fans).heads(heads).build(),
                Node.builder("d", LayerKind.DENSE).inputs("att").nIn(WIDTH).nOut(WIDTH).activation(Activation.RELU)
                        .weightInit(GLOROT).fans(fans).build(),
                Node.builder("out", LayerKind.OUTPUT).inputs("d").nIn(WIDTH).nOut(4).activation(Activation.SOFTMAX)
                        .weightInit(GLOROT).fans(fans).build());
        return Finish.shapes(ModelGraph.of("t", Format.DL4J_JSON, "t", nodes, List.of(), Map.of(), Map.of()));
    }

    /**
     * The theory for token-independent inputs of second moment q: logits of variance
     * s2 = (v_q n q)^2, the average keeps k = min(1, e^s2 / T) of the input's variance, and the value
     * and output projections multiply it by v_v n and v_o (heads x value_dim).
     */
    static double predictedSecond(double q, double vq, double vv, double vo, long heads, long valueDim) {
        double s2 = Math.pow(vq * WIDTH * q, 2);
        double k = Math.min(1, Math.exp(s2) / TOKENS);
        return q * k * vv * WIDTH * vo * heads * valueDim;
    }

    static double second(GradientAnalysis a, String layer) {
        double rms = a.profile(layer).activationRms();
        return rms * rms;
    }

    @Test
    void kerasDrawsEachHeadsKernelAsAConvolutionsAndTheSignalFollows() throws Exception {
        // Keras's (64, 4, 16) query kernel: fan_in 4 x 64, fan_out 16 x 64; output (4, 16, 64): fan_in
        // 16 x 4, fan_out 64 x 4. Glorot's variance is 2 / (fan_in + fan_out).
        GradientAnalysis a = SignalPropagation.analyse(model(new Node.Heads(4, 16, 16), FanConvention.KERAS),
                MEAN_FIELD);
        double q = second(a, "in");
        double vq = 2.0 / (4 * WIDTH + 16 * WIDTH);
        double vo = 2.0 / (16 * 4 + WIDTH * 4);
        double expected = predictedSecond(q, vq, vq, vo, 4, 16);
        assertThat(second(a, "att")).isCloseTo(expected, within(1e-9 * expected));
    }

    @Test
    void headsThatProjectToAnotherWidthChangeTheValuePath() throws Exception {
        // 2 heads of 8 (16 features of values, not 64): the output projection sums 16 terms, each
        // drawn with fan_in 8 x 2 and fan_out 64 x 2
        GradientAnalysis a = SignalPropagation.analyse(model(new Node.Heads(2, 8, 8), FanConvention.KERAS),
                MEAN_FIELD);
        double q = second(a, "in");
        double vq = 2.0 / (2 * WIDTH + 8 * WIDTH);
        double vo = 2.0 / (8 * 2 + WIDTH * 2);
        double expected = predictedSecond(q, vq, vq, vo, 2, 8);
        assertThat(second(a, "att")).isCloseTo(expected, within(1e-9 * expected));
    }

    @Test
    void dl4jDrawsEachProjectionWithTheHeadSizeAsItsFanOut() throws Exception {
        // DL4J's AttentionVertex draws Wq/Wk/Wv with (nIn, headSize) and Wo with (heads x headSize, nOut)
        GradientAnalysis a = SignalPropagation.analyse(model(new Node.Heads(4, 16, 16), FanConvention.DL4J),
                MEAN_FIELD);
        double q = second(a, "in");
        double vq = 2.0 / (WIDTH + 16);
        double vo = 2.0 / (4 * 16 + WIDTH);
        double expected = predictedSecond(q, vq, vq, vo, 4, 16);
        assertThat(second(a, "att")).isCloseTo(expected, within(1e-9 * expected));
    }

    @Test
    void withoutHeadsTheLayerIsOneHeadAsWideAsItsOutput() throws Exception {
        GradientAnalysis none = SignalPropagation.analyse(model(null, FanConvention.KERAS), MEAN_FIELD);
        double q = second(none, "in");
        double v = 2.0 / (WIDTH + WIDTH);
        double expected = predictedSecond(q, v, v, v, 1, WIDTH);
        assertThat(second(none, "att")).isCloseTo(expected, within(1e-9 * expected));
        // Keras's own one head of 64 is drawn as a (64, 1, 64) kernel: fan_out 64 x 64, a
        // narrower draw than one dense map's, so the attention's output is smaller
        GradientAnalysis one = SignalPropagation.analyse(model(new Node.Heads(1, WIDTH, WIDTH), FanConvention.KERAS),
                MEAN_FIELD);
        assertThat(second(one, "att")).isLessThan(expected / 10);
    }
}
