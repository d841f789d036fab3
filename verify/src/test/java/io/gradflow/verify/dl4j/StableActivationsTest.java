package io.gradflow.verify.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationGELU;
import org.nd4j.linalg.activations.impl.ActivationMish;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The stable forms of the DL4J activations whose native ops overflow: finite forward and backward
 * for every finite input, in float and double, with the slope's limits far out and gradflow's own
 * definition (and a central difference) near zero.
 */
class StableActivationsTest {

    /** DL4J's activation, gradflow's definition of it, and the value's limit far to the right (x or x - c). */
    record Case(String name, Supplier<IActivation> dl4j, Activation ref) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        double nan = Double.NaN;
        return Stream.of(
                new Case("swish", ActivationSwish::new, new Activation(Activations.SWISH, nan, nan, null)),
                new Case("gelu", ActivationGELU::new, new Activation(Activations.GELU, 1.702, nan, null)),
                new Case("gelu precise", () -> new ActivationGELU(true), new Activation(Activations.GELU, nan, 1.0, null)),
                new Case("mish", ActivationMish::new, new Activation(Activations.MISH, nan, nan, null)),
                new Case("softplus", ActivationSoftPlus::new, new Activation(Activations.SOFTPLUS, nan, nan, null)));
    }

    /** The ones whose computation is the stable class's own (the precise GELU's is DL4J's, which is finite). */
    static Stream<Case> ownCases() {
        return cases().filter(c -> !c.name().equals("gelu precise"));
    }

    static Stream<Arguments> casesByType() {
        return cases().flatMap(c -> Stream.of(Arguments.of(c, DataType.FLOAT), Arguments.of(c, DataType.DOUBLE)));
    }

    private static final double[] FAR = {-1000, -400, -100, -30, 30, 100, 400, 1000};

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("casesByType")
    void largeInputsGiveFiniteValuesAndTheSlopesLimit(Case c, DataType type) {
        IActivation a = StableActivations.of(c.dl4j().get());
        assertThat(a).isNotSameAs(c.dl4j().get()).isInstanceOf(c.dl4j().get().getClass());
        INDArray x = Nd4j.create(FAR, new long[] {1, FAR.length}, type);
        INDArray y = a.getActivation(x.dup(), true);
        INDArray eps = Nd4j.ones(type, 1, FAR.length).muli(0.5);
        INDArray g = a.backprop(x.dup(), eps).getFirst();
        for (int i = 0; i < FAR.length; i++) {
            double xi = FAR[i];
            // far right each function is x (to within e^-30 relative) and its slope 1; far left 0 and 0
            assertThat(y.getDouble(0, i)).as("%s(%s)", c, xi).isFinite()
                    .isCloseTo(xi > 0 ? xi : 0, within(1e-5 * Math.abs(xi)));
            assertThat(g.getDouble(0, i)).as("%s'(%s) x 0.5", c, xi).isFinite()
                    .isCloseTo(xi > 0 ? 0.5 : 0, within(1e-6));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ownCases")
    void nearZeroTheyAreGradflowsDefinitionAndBackwardIsTheNumericDerivative(Case c) {
        IActivation a = StableActivations.of(c.dl4j().get());
        double[] xs = new double[81];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = -20 + 0.5 * i + 0.0137;
        }
        INDArray x = Nd4j.create(xs, new long[] {1, xs.length}, DataType.DOUBLE);
        INDArray y = a.getActivation(x.dup(), true);
        INDArray eps = Nd4j.rand(DataType.DOUBLE, 1, xs.length).subi(0.5);
        INDArray g = a.backprop(x.dup(), eps).getFirst();
        double h = 1e-6;
        INDArray up = a.getActivation(x.add(h), true);
        INDArray down = a.getActivation(x.sub(h), true);
        for (int i = 0; i < xs.length; i++) {
            // DL4J's GELU ops round their constants: a few 1e-9 from gradflow's definition
            assertThat(y.getDouble(0, i)).as("%s(%s)", c, xs[i]).isCloseTo(c.ref().phi(xs[i]), within(1e-7));
            double numeric = (up.getDouble(0, i) - down.getDouble(0, i)) / (2 * h);
            assertThat(g.getDouble(0, i)).as("%s'(%s)", c, xs[i])
                    .isCloseTo(eps.getDouble(0, i) * c.ref().slope(xs[i]), within(1e-7))
                    .isCloseTo(eps.getDouble(0, i) * numeric, within(1e-6));
        }
    }

    @Test
    void dl4jsOwnSwishSlopeIsNaNFromX355InDoubleWhichIsWhyTheVerifierSwapsIt() {
        // DL4J 1.0.0-M2.1 computes swish' as e^x (x + e^x + 1) / (e^x + 1)^2: inf / inf past x = 354.9
        INDArray x = Nd4j.create(new double[] {354, 356}, new long[] {1, 2}, DataType.DOUBLE);
        INDArray g = new ActivationSwish().backprop(x, Nd4j.ones(DataType.DOUBLE, 1, 2)).getFirst();
        assertThat(g.getDouble(0, 0)).isCloseTo(1, within(1e-9));
        assertThat(g.getDouble(0, 1)).isNaN();
    }

    @Test
    void installSwapsTheUnstableActivationsOfEveryLayerAndKeepsTheOthers() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(4).activation(new ActivationSwish()).build())
                .layer(new DenseLayer.Builder().nIn(4).nOut(4).activation(new GradientProbe(new ActivationMish())).build())
                .layer(new DenseLayer.Builder().nIn(4).nOut(4).activation(new ActivationReLU()).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(new ActivationSoftmax()).build())
                .build();
        StableActivations.install(conf);
        assertThat(activation(conf, 0)).isInstanceOf(StableSwish.class);
        assertThat(activation(conf, 1)).isInstanceOf(GradientProbe.class);
        assertThat(((GradientProbe) activation(conf, 1)).getOf()).isInstanceOf(StableMish.class);
        assertThat(activation(conf, 2).getClass()).isEqualTo(ActivationReLU.class);
        assertThat(activation(conf, 3).getClass()).isEqualTo(ActivationSoftmax.class);
        // the configuration still round-trips through DL4J's JSON with the stable classes
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertThat(activation(back, 0)).isInstanceOf(StableSwish.class);
    }

    private static IActivation activation(MultiLayerConfiguration conf, int i) {
        return ((BaseLayer) conf.getConf(i).getLayer()).getActivationFn();
    }
}
