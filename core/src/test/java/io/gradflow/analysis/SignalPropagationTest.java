package io.gradflow.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
import io.gradflow.model.Distribution;
import io.gradflow.model.Format;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.ingest.Finish;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The propagation against the numbers of docs/theory.md (sections 3.3 and 6) and the classic cases. */
class SignalPropagationTest {

    static final WeightInit XAVIER = WeightInit.fanScaled("XAVIER", 1, WeightInit.Fan.AVG, WeightInit.Shape.NORMAL);
    static final WeightInit HE = WeightInit.fanScaled("RELU", 2, WeightInit.Fan.IN, WeightInit.Shape.NORMAL);
    static final WeightInit N01 = WeightInit.distribution("DISTRIBUTION", Distribution.normal(0, 1));
    static final SignalPropagation.Options MEAN_FIELD = SignalPropagation.Options.DEFAULT.withFiniteWidth(false).withSimulation(false);

    /** An MLP: input, {@code depth} dense layers (optionally dense, batch norm, activation), softmax output. */
    static ModelGraph mlp(int depth, int width, Activation act, WeightInit init, boolean bn) throws Exception {
        List<Node> nodes = new ArrayList<>();
        nodes.add(Node.builder("in", LayerKind.INPUT).nOut(width).outputShape(TensorShape.ff(width)).build());
        String prev = "in";
        for (int i = 0; i < depth; i++) {
            String d = "d" + i;
            nodes.add(Node.builder(d, LayerKind.DENSE).inputs(prev).nIn(width).nOut(width)
                    .activation(bn ? Activation.IDENTITY : act).weightInit(init).build());
            prev = d;
            if (bn) {
                nodes.add(Node.builder(d + "bn", LayerKind.BATCH_NORM).inputs(prev).build());
                nodes.add(Node.builder(d + "act", LayerKind.ACTIVATION).inputs(d + "bn").activation(act).build());
                prev = d + "act";
            }
        }
        nodes.add(Node.builder("out", LayerKind.OUTPUT).inputs(prev).nIn(width).nOut(10)
                .activation(Activation.SOFTMAX).weightInit(XAVIER).build());
        return Finish.shapes(ModelGraph.of("t", Format.DL4J_JSON, "t", nodes, List.of(), Map.of(), Map.of()));
    }

    static ModelGraph residual(int blocks, int width) throws Exception {
        List<Node> nodes = new ArrayList<>();
        nodes.add(Node.builder("in", LayerKind.INPUT).nOut(width).outputShape(TensorShape.ff(width)).build());
        String prev = "in";
        for (int i = 0; i < blocks; i++) {
            nodes.add(Node.builder("a" + i, LayerKind.DENSE).inputs(prev).nIn(width).nOut(width)
                    .activation(Activation.RELU).weightInit(HE).build());
            nodes.add(Node.builder("b" + i, LayerKind.DENSE).inputs("a" + i).nIn(width).nOut(width)
                    .activation(Activation.RELU).weightInit(HE).build());
            nodes.add(Node.builder("add" + i, LayerKind.ELEMENTWISE).inputs(prev, "b" + i).merge(Node.Merge.ADD).build());
            prev = "add" + i;
        }
        nodes.add(Node.builder("out", LayerKind.OUTPUT).inputs(prev).nIn(width).nOut(10)
                .activation(Activation.SOFTMAX).weightInit(XAVIER).build());
        return Finish.shapes(ModelGraph.of("t", Format.DL4J_JSON, "t", nodes, List.of(), Map.of(), Map.of()));
    }

    @Test
    void squareSigmoidXavierMlpLosesAboutPointSixTwoDecadesPerLayer() throws Exception {
        // docs/theory.md 3.3: fixed point q = 0.265, chi = 0.0557: the gradient RMS falls by 0.236 per layer
        GradientAnalysis a = SignalPropagation.analyse(mlp(40, 64, Activation.SIGMOID, XAVIER, false), MEAN_FIELD);
        LayerProfile p20 = a.profile("d20");
        LayerProfile p21 = a.profile("d21");
        assertThat(p21.pre().q()).isCloseTo(0.265, within(0.002));
        assertThat(p20.gradientRms() / p21.gradientRms()).isCloseTo(0.236, within(0.002));
        assertThat(a.verdict()).isEqualTo(Verdict.VANISHING);
    }

    @Test
    void fifteenSigmoidLayersCostAboutNinePointFourDecades() throws Exception {
        GradientAnalysis a = SignalPropagation.analyse(mlp(16, 64, Activation.SIGMOID, XAVIER, false), MEAN_FIELD);
        // docs/theory.md 3.3: 15 gaps at 0.627 decades. The weight gradients differ from the pre-activation
        // gradients by their inputs: the first layer's input is larger (+0.29 decades), the later
        // ones carry sigmoid's mean 0.5, whose per-unit part adds up across the batch (-0.25)
        assertThat(a.firstToLastDecades()).isCloseTo(-9.4, within(0.2));
    }

    @Test
    void batchNormRescuesADeepSigmoidStack() throws Exception {
        GradientAnalysis a = SignalPropagation.analyse(mlp(20, 64, Activation.SIGMOID, XAVIER, true), MEAN_FIELD);
        assertThat(a.verdict()).isEqualTo(Verdict.HEALTHY);
        assertThat(Math.abs(a.firstToLastDecades())).isLessThan(1.0);
    }

    @Test
    void tanhWithUnitNormalWeightsExplodesThoughItsActivationsLookBounded() throws Exception {
        GradientAnalysis a = SignalPropagation.analyse(mlp(32, 64, Activation.TANH, N01, false), MEAN_FIELD);
        // docs/theory.md 3.3: chi = 4.5 at width 64
        LayerProfile p = a.profile("d10");
        LayerProfile next = a.profile("d11");
        double chi = Math.pow(p.gradientRms() / next.gradientRms(), 2);
        assertThat(chi).isCloseTo(4.5, within(0.1));
        assertThat(a.profile("d31").activationRms()).isLessThan(1.0);
        assertThat(a.verdict()).isEqualTo(Verdict.EXPLODING);
    }

    @Test
    void reluWithXavierAtDepthThirtyTwoHasAShrinkingSignal() throws Exception {
        GradientAnalysis a = SignalPropagation.analyse(mlp(32, 64, Activation.RELU, XAVIER, false), MEAN_FIELD);
        assertThat(a.signalDecades()).isCloseTo(-4.8, within(0.1));
        assertThat(a.verdict()).isEqualTo(Verdict.VANISHING);
    }

    @Test
    void reluWithHeInitIsHealthyAtDepthThirtyTwo() throws Exception {
        ModelGraph g = mlp(32, 64, Activation.RELU, HE, false);
        assertThat(SignalPropagation.analyse(g).verdict()).isEqualTo(Verdict.HEALTHY);
        // He preserves the mean square exactly; a single network of width 64 strays from it by
        // about a third of a decade at depth 32 either way, which the finite-width model shows
        GradientAnalysis a = SignalPropagation.analyse(g, MEAN_FIELD);
        assertThat(a.verdict()).isEqualTo(Verdict.HEALTHY);
        assertThat(a.signalDecades()).isCloseTo(0, within(0.05));
    }

    @Test
    void meanTrackingResidualStackGrowsThreePointFiveSixDecades() throws Exception {
        // docs/theory.md 6: 16 blocks of two He ReLU layers, width 64: mean-tracking recursion gives 3.56
        GradientAnalysis a = SignalPropagation.analyse(residual(16, 64), MEAN_FIELD);
        assertThat(a.signalDecades()).isCloseTo(3.56, within(0.02));
        assertThat(a.verdict()).isEqualTo(Verdict.EXPLODING);
    }

    @Test
    void opaqueLayerOnThePathMakesTheVerdictUnknown() throws Exception {
        ModelGraph g = mlp(6, 32, Activation.RELU, HE, false);
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            nodes.add(n.name().equals("d3") ? n.toBuilder().kind(LayerKind.OPAQUE).build() : n);
        }
        GradientAnalysis a = SignalPropagation.analyse(Finish.shapes(
                ModelGraph.of("t", Format.DL4J_JSON, "t", nodes, List.of(), Map.of(), Map.of())));
        assertThat(a.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(a.cuts()).contains("d3");
    }

    @Test
    void identityInitialisedChainFollowsEachUnitExactly() throws Exception {
        // identity weights map every unit on its own: after L thresholded-ReLU layers (theta = 1)
        // a unit that started above 1 keeps its value, every other unit is dead. Mean field would
        // re-draw a Gaussian each layer and let the signal die; the exact chain keeps
        // E[y^2] = E[z^2; z > 1] for z ~ N(0, 1), checked here against a direct simulation.
        Activation thr = Activation.of(Activations.THRESHOLDEDRELU, 1.0);
        WeightInit id = WeightInit.identity("IDENTITY", 1.0);
        int depth = 6;
        GradientAnalysis a = SignalPropagation.analyse(mlp(depth, 64, thr, id, false), MEAN_FIELD);
        java.util.Random r = new java.util.Random(7);
        double sum = 0;
        int n = 2_000_000;
        for (int k = 0; k < n; k++) {
            double y = r.nextGaussian();
            for (int l = 0; l < depth; l++) {
                y = y > 1 ? y : 0;
            }
            sum += y * y;
        }
        double simulated = Math.sqrt(sum / n);
        assertThat(a.profile("d" + (depth - 1)).activationRms()).isCloseTo(simulated, within(0.01 * simulated));
        assertThat(a.verdict()).isNotEqualTo(Verdict.VANISHING);
    }

    @Test
    void maxPoolingAfterReluIsTheMaximumOfTheGaussianPreActivations() throws Exception {
        // 1x1 convolutions on i.i.d. inputs: the four pre-activations of a window are independent
        // N(0, q), so the pooled value is relu(max of four) and the gradient comes back to the
        // maximum, where the ReLU is open unless all four are negative. Checked by simulation.
        ModelGraph g = io.gradflow.ingest.dsl.DslReader.read("t.gflow", """
                model maxpool
                input 16x8x8
                defaults { init he  bias 0 }
                conv 1x1 16 activation relu
                pool max 2x2
                conv 1x1 16 activation relu
                output 10 softmax loss mcxent init xavier
                """);
        GradientAnalysis a = SignalPropagation.analyse(g, MEAN_FIELD);
        double q = a.profile("conv_0").pre().q();
        java.util.Random r = new java.util.Random(7);
        int n = 1_000_000;
        double second = 0;
        int open = 0;
        for (int i = 0; i < n; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 4; k++) {
                m = Math.max(m, r.nextGaussian() * Math.sqrt(q));
            }
            second += m > 0 ? m * m / n : 0;
            open += m > 0 ? 1 : 0;
        }
        LayerProfile pool = a.profile("pool_0");
        assertThat(pool.activationRms() * pool.activationRms() / second).isCloseTo(1, within(0.02));
        // per position: a quarter of the positions get a gradient, through an open ReLU
        double passed = Math.pow(a.profile("conv_0").gradientRms() / pool.gradientRms(), 2);
        assertThat(passed / (0.25 * open / n)).isCloseTo(1, within(0.03));
    }
}
