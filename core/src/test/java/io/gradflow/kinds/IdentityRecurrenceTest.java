package io.gradflow.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.Verdict;
import io.gradflow.model.LayerKind;
import org.junit.jupiter.api.Test;

/**
 * A simple RNN over an identity recurrent kernel runs each unit's own recursion (docs/theory.md
 * section 8.7): a ReLU unit is a reflected random walk, whose square grows with the steps, and in
 * a stack the gradient adds up along the units' paths; a tanh unit stays bounded.
 */
class IdentityRecurrenceTest {

    /** {@code depth} Keras SimpleRNNs of 32 units over {@code steps} steps of 16 features into a softmax. */
    private static GradientAnalysis analyse(int depth, int steps, String act, double gain) throws Exception {
        return analyse(depth, steps, act, gain, 32);
    }

    private static GradientAnalysis analyse(int depth, int steps, String act, double gain, int units)
            throws Exception {
        return analyse(depth, steps, act, gain, units, """
                {"class_name": "LecunNormal", "config": {"seed": null}}""");
    }

    /** The same with the input kernels drawn by {@code kernel} (a Keras initialiser's JSON). */
    private static GradientAnalysis analyse(int depth, int steps, String act, double gain, int units, String kernel)
            throws Exception {
        return SimpleRnnStacks.analyse(depth, steps, units, act, kernel, """
                {"class_name": "Identity", "config": {"gain": %s}}""".formatted(gain));
    }

    private static LayerProfile layer(GradientAnalysis a, String name) {
        return a.layers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aReluUnitOverAnIdentityIsAReflectedRandomWalkWhoseSquareGrowsWithTheSteps() throws Exception {
        // h_T is distributed as the largest of the walk's partial sums, whose square averages
        // about T times a step's variance (1 here: LeCun weights on unit inputs); mean field, a
        // random recurrent matrix, kept it at the scale of one step
        for (int steps : new int[] {25, 100, 400}) {
            GradientAnalysis a = analyse(1, steps, "relu", 1);
            assertThat(a.signalDecades()).as("%d steps", steps)
                    .isCloseTo(0.5 * Math.log10(steps), within(0.12));
        }
    }

    @Test
    void anIrnnStackExplodesForwardAndThroughTime() throws Exception {
        GradientAnalysis a = analyse(3, 100, "relu", 1);
        assertThat(a.model().node("rnn0").kind()).isEqualTo(LayerKind.SIMPLE_RNN);
        // the layers above the first sum inputs correlated over the steps: far more than sqrt(T) each
        assertThat(a.signalDecades()).isGreaterThan(3);
        // the gradient the last step's loss sends down adds up along the units' paths, once per
        // layer above: the first layer's first step gets far more than its last
        double first = layer(a, "rnn0").time().decades();
        double second = layer(a, "rnn1").time().decades();
        assertThat(second).isGreaterThan(1);
        assertThat(first).isGreaterThan(second + 1);
        assertThat(a.verdict()).isEqualTo(Verdict.EXPLODING);
    }

    @Test
    void aScaledIdentityUnderReluForgetsAndStaysBounded() throws Exception {
        GradientAnalysis a = analyse(2, 100, "relu", 0.5);
        assertThat(Math.abs(a.signalDecades())).isLessThan(0.5);
        assertThat(layer(a, "rnn0").time().decades()).isLessThan(-3);
    }

    @Test
    void aTanhUnitOverAnIdentityStaysBoundedAndItsGradientVanishesThroughTheSteps() throws Exception {
        GradientAnalysis a = analyse(2, 100, "tanh", 1);
        assertThat(Math.abs(a.signalDecades())).isLessThan(0.5);
        assertThat(layer(a, "rnn0").time().decades()).isLessThan(-5);
        assertThat(a.verdict()).isEqualTo(Verdict.VANISHING);
    }

    @Test
    void aTanhLayersFigureThroughTheStepsIsANetworksFewUnitsNotThePooledPaths() throws Exception {
        // 64 tanh units over an identity, LeCun input kernel, 100 steps: a unit's gradient survives
        // by decades more where its input weights are small, so a network's figure is set by its
        // best few of 64 units. scripts/simplernn-through-time.py (the Keras network in NumPy, 16
        // networks) gives -19.2 +- 2.6 (a 1,024-unit network: -16.3), DL4J -18.7; pooling the
        // 1,024 sampled paths as one network's units gave -16.6
        GradientAnalysis a = analyse(1, 100, "tanh", 1, 64);
        assertThat(layer(a, "rnn0").time().decades()).isCloseTo(-19.2, within(1.2));
    }

    @Test
    void uniformInputWeightsLeaveFewerUnitsWithSmallInputsThanNormalOnesOfTheSameVariance() throws Exception {
        // the same 64-unit 100-step tanh layer, its input weights of variance 1/16 drawn uniform or
        // normal: a sum of 16 squared uniform weights varies less from unit to unit, so fewer units
        // sit near zero and keep their gradient. scripts/simplernn-through-time.py's network with its
        // input kernel so drawn, 32 networks each: -22.3 +- 0.4 uniform, -18.7 +- 0.45 normal
        double a = Math.sqrt(3.0 / 16);
        double uniform = layer(analyse(1, 100, "tanh", 1, 64, """
                {"class_name": "RandomUniform", "config": {"minval": %s, "maxval": %s, "seed": null}}"""
                .formatted(-a, a)), "rnn0").time().decades();
        double normal = layer(analyse(1, 100, "tanh", 1, 64, """
                {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.25, "seed": null}}"""),
                "rnn0").time().decades();
        assertThat(uniform).isCloseTo(-22.3, within(1.2));
        assertThat(normal).isCloseTo(-18.7, within(1.2));
        assertThat(uniform).isLessThan(normal - 2);
    }

    @Test
    void theSampledPathsAreTheSameEveryRun() throws Exception {
        GradientAnalysis a = analyse(2, 50, "relu", 1);
        GradientAnalysis b = analyse(2, 50, "relu", 1);
        assertThat(a.signalDecades()).isEqualTo(b.signalDecades());
        assertThat(layer(a, "rnn0").time().decades()).isEqualTo(layer(b, "rnn0").time().decades());
    }
}
