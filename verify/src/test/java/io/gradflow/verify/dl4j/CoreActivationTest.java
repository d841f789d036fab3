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
}
