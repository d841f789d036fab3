package io.gradflow.verify.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The activations Deeplearning4j lacks, or computes otherwise than the file's framework, as DL4J
 * activations: forward they are gradflow's definition, backward the derivative of the forward pass
 * (checked against a central difference, away from kinks).
 */
class CoreActivationTest {

    static Stream<Arguments> functions() {
        double nan = Double.NaN;
        return Stream.of(
                Arguments.of("exponential", nan, nan),
                Arguments.of("gelu", nan, nan),            // Keras's exact x Phi(x)
                Arguments.of("gelu", nan, 1.0),            // Keras's approximate (tanh) form
                Arguments.of("swish", nan, nan),           // Keras swish / silu
                Arguments.of("mish", nan, nan),
                Arguments.of("hardswish", nan, nan),       // Keras hard_silu
                Arguments.of("softsign", nan, nan),
                Arguments.of("selu", nan, nan),            // Keras's constants
                Arguments.of("thresholdedrelu", 0.7, nan), // Keras ThresholdedReLU(theta=0.7)
                Arguments.of("leakyrelu", 0.3, nan),       // Keras LeakyReLU default slope
                Arguments.of("hardsigmoid", 1.0 / 6, nan), // Keras 3's hard sigmoid
                Arguments.of("elu", 0.5, nan));
    }

    @ParameterizedTest(name = "{0}({1}, {2})")
    @MethodSource("functions")
    void forwardIsGradflowsDefinitionAndBackwardItsNumericDerivative(String fn, double alpha, double beta) {
        CoreActivation act = new CoreActivation(fn, alpha, beta);
        Activation ref = new Activation(Activations.byId(fn).orElseThrow(), alpha, beta, null);
        double[] xs = new double[61];
        for (int i = 0; i < xs.length; i++) {
            // -3 .. 3 in steps of 0.1, nudged off the kinks at 0, theta and the hard sigmoid's corners
            xs[i] = -3 + 0.1 * i + 0.0137;
        }
        INDArray x = Nd4j.create(xs, new long[] {1, xs.length}, 'c');
        INDArray y = act.getActivation(x.dup(), true);
        for (int i = 0; i < xs.length; i++) {
            assertThat(y.getDouble(0, i)).as("phi(%s)", xs[i]).isCloseTo(ref.phi(xs[i]), within(1e-12));
        }
        INDArray eps = Nd4j.rand(DataType.DOUBLE, 1, xs.length).subi(0.5);
        INDArray dLdz = act.backprop(x.dup(), eps).getFirst();
        double h = 1e-6;
        INDArray up = act.getActivation(x.add(h), true);
        INDArray down = act.getActivation(x.sub(h), true);
        for (int i = 0; i < xs.length; i++) {
            double numeric = (up.getDouble(0, i) - down.getDouble(0, i)) / (2 * h);
            assertThat(dLdz.getDouble(0, i)).as("dL/dz at %s", xs[i])
                    .isCloseTo(eps.getDouble(0, i) * numeric, within(1e-5 * Math.max(1, Math.abs(numeric))));
        }
    }

    static Stream<Arguments> withExp() {
        double nan = Double.NaN;
        return Stream.of(
                Arguments.of("swish", nan, nan, DataType.FLOAT), Arguments.of("swish", nan, nan, DataType.DOUBLE),
                Arguments.of("mish", nan, nan, DataType.FLOAT), Arguments.of("mish", nan, nan, DataType.DOUBLE),
                Arguments.of("gelu", nan, nan, DataType.FLOAT), Arguments.of("gelu", nan, nan, DataType.DOUBLE),
                Arguments.of("gelu", nan, 1.0, DataType.FLOAT), Arguments.of("gelu", nan, 1.0, DataType.DOUBLE),
                Arguments.of("gelu", 1.702, nan, DataType.FLOAT), Arguments.of("gelu", 1.702, nan, DataType.DOUBLE),
                Arguments.of("softplus", nan, nan, DataType.FLOAT), Arguments.of("softplus", nan, nan, DataType.DOUBLE),
                Arguments.of("elu", 0.5, nan, DataType.FLOAT), Arguments.of("elu", 0.5, nan, DataType.DOUBLE),
                Arguments.of("selu", nan, nan, DataType.FLOAT), Arguments.of("selu", nan, nan, DataType.DOUBLE),
                Arguments.of("sigmoid", nan, nan, DataType.FLOAT), Arguments.of("sigmoid", nan, nan, DataType.DOUBLE));
    }

    @ParameterizedTest(name = "{0}({1}, {2}) in {3}")
    @MethodSource("withExp")
    void largeInputsGiveFiniteValuesAndSlopesAtTheirLimits(String fn, double alpha, double beta, DataType type) {
        CoreActivation act = new CoreActivation(fn, alpha, beta);
        Activation ref = new Activation(Activations.byId(fn).orElseThrow(), alpha, beta, null);
        double[] xs = {-1000, -400, -100, 100, 400, 1000};
        INDArray x = Nd4j.create(xs, new long[] {1, xs.length}, type);
        INDArray y = act.getActivation(x.dup(), true);
        INDArray dLdz = act.backprop(x.dup(), Nd4j.ones(type, 1, xs.length)).getFirst();
        for (int i = 0; i < xs.length; i++) {
            // the slope's limit far out, and its value at 1000 or -1000 in double for the finite values
            double limit = ref.slope(Math.signum(xs[i]) * 60);
            assertThat(y.getDouble(0, i)).as("%s(%s)", fn, xs[i]).isFinite()
                    .isCloseTo(ref.phi(xs[i]), within(1e-6 * Math.max(1, Math.abs(xs[i]))));
            assertThat(dLdz.getDouble(0, i)).as("%s'(%s)", fn, xs[i]).isFinite().isCloseTo(limit, within(1e-6));
        }
    }
}
