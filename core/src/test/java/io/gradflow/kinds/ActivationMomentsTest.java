package io.gradflow.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.math.Gaussian;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
import org.junit.jupiter.api.Test;

/** Gaussian expectations against closed forms and the numbers docs/theory.md lets anyone check. */
class ActivationMomentsTest {

    private final ActivationMoments math = new ActivationMoments();

    @Test
    void cdfMatchesKnownValuesInBothTails() {
        assertThat(Gaussian.cdf(0)).isCloseTo(0.5, within(1e-15));
        assertThat(Gaussian.cdf(1.959963984540054)).isCloseTo(0.975, within(1e-12));
        assertThat(Gaussian.cdf(-8)).isCloseTo(6.22096057427178e-16, within(1e-24));
        assertThat(Gaussian.cdf(-30) / 4.906713927148187e-198).isCloseTo(1, within(1e-9));
    }

    @Test
    void sigmoidAtUnitVarianceMatchesTheory() {
        Moments h = new Moments(0, 0, 1);
        assertThat(math.slopeSquare(Activation.SIGMOID, h)).isCloseTo(0.0448, within(5e-5));
        Moments a = math.apply(Activation.SIGMOID, h);
        assertThat(a.q()).isCloseTo(0.0434, within(5e-5));
        assertThat(a.second()).isCloseTo(0.2934, within(5e-5));
    }

    @Test
    void reluClosedFormsHoldWithAMean() {
        Moments h = new Moments(0.7, 0, 2.5);
        double qRelu = Gaussian.expect(x -> Math.max(x, 0) * Math.max(x, 0), 0.7, 2.5, new double[] {0});
        assertThat(math.apply(Activation.RELU, h).second()).isCloseTo(qRelu, within(1e-9));
        assertThat(math.slopeSquare(Activation.RELU, new Moments(0, 0, 3))).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void tanhSlopeKeepsItsTailAtLargeVariance() {
        // for q -> infinity, E[tanh'(h)^2] -> (4/3) / sqrt(2 pi q)
        double q = 1e4;
        double want = (4.0 / 3) / Math.sqrt(2 * Math.PI * q);
        assertThat(math.slopeSquare(Activation.TANH, new Moments(0, 0, q)) / want).isCloseTo(1, within(1e-3));
    }

    @Test
    void hardSigmoidSlopeIsBoundedByPointTwo() {
        // DL4J: clip(0.2x + 0.5, 0, 1): E[phi'^2] = 0.04 P(|h| < 2.5)
        double q = 4;
        double want = 0.04 * (2 * Gaussian.cdf(2.5 / 2) - 1);
        assertThat(math.slopeSquare(Activation.of(Activations.HARDSIGMOID), new Moments(0, 0, q)))
                .isCloseTo(want, within(1e-6));
    }

    @Test
    void perUnitOffsetsSplitTheVarianceWithoutChangingItsTotal() {
        Moments h = new Moments(0.3, 0.8, 0.5);
        Moments split = math.apply(Activation.TANH, h);
        Moments whole = math.apply(Activation.TANH, new Moments(0.3, 0, 1.3));
        assertThat(split.q()).isCloseTo(whole.q(), within(1e-9));
        assertThat(split.mean()).isCloseTo(whole.mean(), within(1e-9));
        assertThat(split.su()).isPositive().isLessThan(split.q());
    }
}
