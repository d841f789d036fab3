package io.gradflow.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The backward pass through a recurrent layer's steps applies the same recurrent matrix at every
 * step: paths that apply it equally often add coherently (docs/theory.md section 8.5).
 */
class RecurrenceTest {

    @Test
    void coherentGainMultipliesToTheSumOverPathsOfSquaredBinomials() {
        double a = 0.25;
        double b = 0.04;
        double gain = 0;
        double product = 1;
        for (int n = 0; n < 12; n++) {
            gain = Recurrence.coherentGain(a, b, n, gain);
            product *= gain;
            double want = 0;
            for (int j = 0; j <= n + 1; j++) {
                want += Math.pow(binomial(n + 1, j), 2) * Math.pow(a, n + 1 - j) * Math.pow(b, j);
            }
            assertThat(product).as("step %d", n + 1).isCloseTo(want, within(want * 1e-9));
        }
    }

    @Test
    void coherentGainStartsAsMeanFieldAndApproachesTheTiedLimit() {
        double a = 0.25;
        double b = 0.025;
        assertThat(Recurrence.coherentGain(a, b, 0, 0)).isEqualTo(a + b);
        double gain = 0;
        double last = 0;
        for (int n = 0; n < 5000; n++) {
            gain = Recurrence.coherentGain(a, b, n, gain);
            assertThat(gain).isGreaterThanOrEqualTo(last);
            last = gain;
        }
        double limit = Math.pow(Math.sqrt(a) + Math.sqrt(b), 2);
        assertThat(gain).isCloseTo(limit, within(limit * 0.01));
        assertThat(Recurrence.coherentGain(a, 0, 40, a)).isEqualTo(a);
    }

    /** A gradient sent back k steps through d I + R, R one Gaussian matrix: what the gain predicts. */
    @Test
    void aTiedRandomMatrixPlusAConstantDiagonalGrowsAsPredicted() {
        int n = 256;
        int steps = 40;
        double d = 0.5;
        double rho2 = 0.04;
        SplittableRandom rnd = new SplittableRandom(19);
        double[] logSim = new double[steps + 1];
        int draws = 6;
        for (int draw = 0; draw < draws; draw++) {
            double[][] r = gaussianMatrix(rnd, n, rho2 / n);
            double[] v = gaussianVector(rnd, n);
            double start = norm2(v);
            for (int k = 1; k <= steps; k++) {
                double[] next = new double[n];
                for (int i = 0; i < n; i++) {
                    double s = d * v[i];
                    for (int j = 0; j < n; j++) {
                        s += r[i][j] * v[j];
                    }
                    next[i] = s;
                }
                v = next;
                logSim[k] += Math.log10(norm2(v) / start) / draws;
            }
        }
        double gain = 0;
        double logPred = 0;
        double meanField = 0;
        for (int k = 1; k <= steps; k++) {
            gain = Recurrence.coherentGain(d * d, rho2, k - 1, gain);
            logPred += Math.log10(gain);
            meanField += Math.log10(d * d + rho2);
        }
        // 40 steps: mean field (independent draws per step) is 2.4 decades below the tied matrix
        assertThat(logSim[steps] - meanField).isGreaterThan(1.5);
        assertThat(logPred).isCloseTo(logSim[steps], within(0.3));
    }

    /** Without fluctuating factors the walk over pairs of paths is section 8.5's binomial sum. */
    @Test
    void pathPairsWithConstantFactorsSumTheSquaredBinomials() {
        double a = 0.25;
        double b = 0.04;
        PathPairs pairs = new PathPairs(20);
        double product = 1;
        for (int n = 1; n <= 20; n++) {
            product *= pairs.step(a + b, Math.sqrt(a * b), a + b, Math.sqrt(a * b));
            double want = 0;
            for (int j = 0; j <= n; j++) {
                want += Math.pow(binomial(n, j), 2) * Math.pow(a, n - j) * Math.pow(b, j);
            }
            assertThat(product).as("step %d", n).isCloseTo(want, within(want * 1e-9));
        }
        // a matrix drawn afresh at every step pairs only paths applying it at the same steps
        PathPairs fresh = new PathPairs(20);
        for (int n = 1; n <= 20; n++) {
            assertThat(fresh.step(a + b, 0, a + b, 0)).isCloseTo(a + b, within(1e-15));
        }
    }

    /**
     * A GRU's step back, {@code v <- z v + R (c (1 - z) v)}: the update gate {@code z} drawn afresh
     * for every unit and step, {@code R} one Gaussian matrix. The walk over pairs of paths, with
     * {@code E[z (1 - z)]} where the two factors share a unit, follows a 512-wide simulation
     * (log10 of the second moment -20.0 simulated, -20.1 the walk, -24.3 mean field; 256 wide,
     * -20.8); the closed form that takes the gate's mean as shared and its variance as starting
     * afresh (which LSTMs keep) overstates it, and so does the walk with {@code E[z] E[1 - z]}.
     */
    @Test
    void aTiedMatrixWithAFluctuatingUpdateGateFollowsTheWalk() {
        int n = 512;
        int steps = 60;
        double b = 0.5;
        double c = 0.5;
        double spread = 2;
        SplittableRandom rnd = new SplittableRandom(61);
        double zm = 0;
        double z2 = 0;
        double zc = 0;
        int samples = 400_000;
        for (int k = 0; k < samples; k++) {
            double z = 1 / (1 + Math.exp(-spread * gauss(rnd)));
            zm += z / samples;
            z2 += z * z / samples;
            zc += z * (1 - z) / samples;
        }
        double am = c * (1 - zm);
        double a2 = c * c * (1 - 2 * zm + z2);
        double same0 = z2 + b * a2;
        double same = zm * zm + b * am * am;
        double mix = Math.sqrt(b) * am * zm;
        PathPairs walk = new PathPairs(steps);
        PathPairs unshared = new PathPairs(steps);
        double logWalk = 0;
        double logUnshared = 0;
        double logOld = 0;
        double logMeanField = 0;
        double gain = 0;
        double age = 0;
        for (int k = 0; k < steps; k++) {
            logWalk += Math.log10(walk.step(same0, Math.sqrt(b) * c * zc, same, mix));
            logUnshared += Math.log10(unshared.step(same0, mix, same, mix));
            double tied = b * am * am;
            double noise = same0 - same;
            gain = Recurrence.coherentGain(zm * zm, tied, age, gain);
            logOld += Math.log10(gain + noise);
            age = (age + 1) * gain / (gain + noise);
            logMeanField += Math.log10(same0);
        }
        double logSim = 0;
        int draws = 4;
        for (int draw = 0; draw < draws; draw++) {
            double[][] r = gaussianMatrix(rnd, n, b / n);
            double[] v = gaussianVector(rnd, n);
            double start = norm2(v);
            double scale = 0;
            for (int k = 0; k < steps; k++) {
                double[] z = new double[n];
                double[] cand = new double[n];
                for (int i = 0; i < n; i++) {
                    z[i] = 1 / (1 + Math.exp(-spread * gauss(rnd)));
                    cand[i] = c * (1 - z[i]) * v[i];
                }
                double[] next = new double[n];
                for (int i = 0; i < n; i++) {
                    double sum = z[i] * v[i];
                    for (int j = 0; j < n; j++) {
                        sum += r[i][j] * cand[j];
                    }
                    next[i] = sum;
                }
                double norm = Math.sqrt(norm2(next));
                scale += Math.log10(norm);
                for (int i = 0; i < n; i++) {
                    next[i] /= norm;
                }
                v = next;
            }
            logSim += (2 * scale - Math.log10(start)) / draws;
        }
        // 60 steps: the tied matrix lifts the gradient well above mean field
        assertThat(logSim - logMeanField).isGreaterThan(3);
        assertThat(logWalk).isCloseTo(logSim, within(0.3));
        assertThat(logOld - logSim).isGreaterThan(1.5);
        assertThat(logUnshared - logSim).isGreaterThan(0.8);
    }

    /**
     * Section 8.8: a cell gradient carried back by a constant forget gate {@code phi}, with the
     * same vector injected at every step (correlation 1 from step to step) and nothing through the
     * recurrent kernel, is that vector times {@code 1 + phi + ... + phi^k}: the amplitudes add.
     * Taken as unaligned, the energies add instead ({@code 1 + phi^2 + ...}). What the layer passes
     * down is then one vector at every step too.
     */
    @Test
    void alignedInjectionsAddTheirAmplitudesThroughTheForgetGate() {
        int t = 12;
        double phi = 0.6;
        double cand2 = 0.09;
        Recurrence.Run r = diagonalRun(t, phi, cand2);
        Node gru = Node.builder("gru", LayerKind.GRU).nIn(8).nOut(8).build();
        double[] inject = new double[t];
        Arrays.fill(inject, 1);
        double[][] aligned = new double[t][];
        for (int i = 0; i < t; i++) {
            aligned[i] = new double[t - 1 - i];
            Arrays.fill(aligned[i], 1);
        }
        double[][] passed = new double[t][];
        double[] withAlignment = Recurrence.through(r, gru, inject, new double[1], aligned, passed);
        double[] without = Recurrence.through(r, gru, inject, new double[1], null, null);
        // what reaches the input at step i: the candidate's gate (cand2), the input kernel's fans (8 x 1/8)
        for (int i = 0; i < t; i++) {
            double amplitude = 0;
            double energy = 0;
            for (int k = 0; k < t - i; k++) {
                amplitude += Math.pow(phi, k);
                energy += Math.pow(phi, 2 * k);
            }
            assertThat(withAlignment[i]).as("step %d aligned", i)
                    .isCloseTo(Math.log10(cand2 * amplitude * amplitude), within(1e-9));
            assertThat(without[i]).as("step %d unaligned", i).isCloseTo(Math.log10(cand2 * energy), within(1e-9));
            for (double c : passed[i]) {
                assertThat(c).isCloseTo(1, within(1e-9));
            }
        }
        // unaligned injections leave the energies as mean field adds them
        double[][] none = new double[t][];
        for (int i = 0; i < t; i++) {
            none[i] = new double[t - 1 - i];
        }
        double[] zero = Recurrence.through(r, gru, inject, new double[1], none, new double[t][]);
        assertThat(zero).containsExactly(without, within(1e-12));
    }

    /**
     * A single Keras GRU's gradient from its last step back to its first, against a NumPy copy of
     * the network with an exact backward pass ({@code scripts/gru-through-time.py}, 8 networks,
     * the evaluation's protocol: 16 features N(0, 1), two batches of 16, a softmax on the last
     * step). Its reset gate has no forget-gate bias: counted with an LSTM's bias of 1, its
     * {@code E[r^2]} was 0.53 where the network's is 0.27-0.30, and these came out at -7.95 and
     * -17.41 decades (docs/theory.md section 8.5).
     */
    @Test
    void aSingleGruFallsThroughItsStepsAsTheNetworkDoes() throws Exception {
        // gru-tanh-d1-t50-w32-glorot_uniform-glorot_uniform-12: NumPy -9.89 +- 0.27, DL4J -9.74
        assertThat(gruThroughTime(32, 50, "{\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null}}",
                "{\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null}}"))
                .isCloseTo(-9.89, within(0.4));
        // gru-tanh-d1-t100-w64-lecun_normal-normal0.1-11: NumPy -19.56 +- 0.28, DL4J -19.45
        assertThat(gruThroughTime(64, 100, "{\"class_name\": \"LecunNormal\", \"config\": {\"seed\": null}}",
                "{\"class_name\": \"RandomNormal\", \"config\": {\"mean\": 0.0, \"stddev\": 0.1}}"))
                .isCloseTo(-19.56, within(0.7));
    }

    /**
     * A GRU over another GRU's states: its update gate's pre-activation is correlated from step to
     * step (the state below keeps half of itself), and one unit's gates multiply to more than
     * gates drawn afresh (docs/theory.md section 8.9). gru-tanh-d2-t200-w32-he_normal-orthogonal-1
     * in NumPy ({@code scripts/gru-through-time.py CASE 8 --shuffle-top}, 8 networks): the top
     * layer's own figure -37.1 with its input as it comes, -41.1 with the input's steps shuffled
     * (which keeps every step's moments); the whole network -36.3 (DL4J -36.6). Without the
     * correlation the analysis said -43.5 and -42.4, below even the shuffled input; with it -39.7
     * and -38.95 (the lift, 3.8 decades, is NumPy's 4.0; what is left is the analysis's figure for
     * unrelated steps, 2.4 decades below the shuffled network's).
     */
    @Test
    void aGruOverAnotherGruRemembersItsUpdateGate() throws Exception {
        String he = "{\"class_name\": \"HeNormal\", \"config\": {\"seed\": null}}";
        String orthogonal = "{\"class_name\": \"Orthogonal\", \"config\": {\"gain\": 1.0, \"seed\": null}}";
        String json = """
                {"class_name": "Sequential", "keras_version": "2.12.0", "backend": "tensorflow",
                 "config": {"name": "m", "layers": [
                  {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 200, 16]}},
                  {"class_name": "GRU", "config": {"name": "gru1", "units": 32, "activation": "tanh",
                   "recurrent_activation": "sigmoid", "return_sequences": true, "use_bias": true,
                   "reset_after": true, "kernel_initializer": %1$s, "recurrent_initializer": %2$s,
                   "bias_initializer": {"class_name": "Zeros", "config": {}}}},
                  {"class_name": "GRU", "config": {"name": "gru2", "units": 32, "activation": "tanh",
                   "recurrent_activation": "sigmoid", "return_sequences": false, "use_bias": true,
                   "reset_after": true, "kernel_initializer": %1$s, "recurrent_initializer": %2$s,
                   "bias_initializer": {"class_name": "Zeros", "config": {}}}},
                  {"class_name": "Dense", "config": {"name": "out", "units": 5, "activation": "softmax"}}]}}"""
                .formatted(he, orthogonal);
        ModelGraph g = ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
        GradientAnalysis a = SignalPropagation.analyse(g, SignalPropagation.Options.DEFAULT.withBatch(16));
        double top = a.layers().stream().filter(p -> p.name().equals("gru2")).findFirst().orElseThrow().time()
                .ownDecades();
        double first = a.layers().stream().filter(p -> p.name().equals("gru1")).findFirst().orElseThrow().time()
                .decades();
        assertThat(top).isGreaterThan(-41.1).isCloseTo(-37.1, within(3.0));
        assertThat(first).isCloseTo(-36.3, within(3.0));
    }

    /**
     * The walk that holds d = 0 over the shared unit's gate (section 8.9) is 8.5's walk when the
     * gate is drawn afresh at every step, and above it when the gate is correlated over the steps.
     */
    @Test
    void pathPairsOverTheGatesPreActivationReduceToTheWalkWithoutMemory() {
        double mu = 0;
        double sd = 0.8;
        PathPairs plain = new PathPairs(60);
        PathPairs fresh = new PathPairs(60, 1e-9);
        PathPairs remembering = new PathPairs(60, 0.8);
        assertThat(plain.remembers()).isFalse();
        assertThat(fresh.remembers()).isTrue();
        double logPlain = 0;
        double logFresh = 0;
        double logRemembering = 0;
        for (int i = 0; i < 60; i++) {
            // E[D^2] 0.28, the candidate's path 0.05, the other gates' 0.01; mixes and means
            double same0 = 0.28 + 0.05 + 0.01;
            logPlain += Math.log10(plain.step(same0, 0.06, 0.27, 0.05));
            logFresh += Math.log10(fresh.step(same0, 0.06, 0.27, 0.05, 0.28, 0.05, mu, sd));
            logRemembering += Math.log10(remembering.step(same0, 0.06, 0.27, 0.05, 0.28, 0.05, mu, sd));
            if (i % 10 == 0) {
                plain.inject(0.3);
                fresh.inject(0.3);
                remembering.inject(0.3);
            }
        }
        assertThat(logFresh).isCloseTo(logPlain, within(1e-4));
        assertThat(logRemembering).isGreaterThan(logPlain + 1);
    }

    /**
     * The update gate's correlation over the steps from the spectrum of the state below (section
     * 8.9): over fresh inputs a GRU's gate is nearly uncorrelated from step to step, over a GRU
     * that keeps half of its state the correlation is about a half (NumPy, the d2 case above: lag
     * one 0.56, integrated time as AR(1) 0.57), and it grows up a stack.
     */
    @Test
    void theUpdateGatesCorrelationComesFromTheStateBelow() {
        // input variance 1, recurrent part 0.1, state 0.3, E[z] 0.5, E[tanh'] 0.6, E[r^2] 0.27,
        // the candidate's variance 0.3, the gate's 0.04, the candidate's second moment 0.3
        Recurrence.Drive last = new Recurrence.Drive(1, 0.1, 0.3, 0.5, 0.6, 0.27, 0.3, 0.04, 0.3);
        double[] none = new double[200];
        Recurrence.Memory fresh = Recurrence.memory(null, null, last, none, none, 200);
        assertThat(fresh.rho()).isLessThan(0.1);
        Recurrence.Memory second = Recurrence.memory(fresh.spectrum(), null, last, none, none, 200);
        assertThat(second.rho()).isBetween(0.4, 0.65);
        Recurrence.Memory third = Recurrence.memory(second.spectrum(), null, last, none, none, 200);
        assertThat(third.rho()).isGreaterThan(second.rho() + 0.05);
    }

    /**
     * The update gate's fluctuation moves the state by {@code h_(t-1) - hh_t}, whose second moment
     * takes off twice the state's product with the next candidate (docs/theory.md section 8.9):
     * over a slow input the two are much the same value and the gate's white part shrinks, so a
     * stack keeps its state longer (NumPy's six-layer He / N(0, 0.1) stack: lag-one correlations
     * 0.77, 0.89, 0.94, 0.955, 0.964 in the second to sixth layers).
     */
    @Test
    void theUpdateGatesNoiseIsWhatItMovesTheStateBy() {
        double[] none = new double[100];
        Recurrence.Drive fresh = new Recurrence.Drive(0.3, 0.05, 0.16, 0.5, 0.75, 0.27, 0.22, 0.02, 0.22);
        Recurrence.Drive unrelated = new Recurrence.Drive(0.3, 0.05, 0.16, 0.5, 0.75, 0.27, 0.22, 0.02, 0.22, 0);
        Recurrence.Drive related = new Recurrence.Drive(0.3, 0.05, 0.16, 0.5, 0.75, 0.27, 0.22, 0.02, 0.22, 0.12);
        Recurrence.Drive same = new Recurrence.Drive(0.3, 0.05, 0.16, 0.5, 0.75, 0.27, 0.22, 0.02, 0.22, 0.19);
        Recurrence.Drive still = new Recurrence.Drive(0.3, 0.05, 0.16, 0.5, 0.75, 0.27, 0.22, 0, 0.22, 0);
        assertThat(Recurrence.memory(null, null, fresh, none, none, 100).spectrum())
                .containsExactly(Recurrence.memory(null, null, unrelated, none, none, 100).spectrum());
        // a product past the two second moments' mean leaves no gate noise, not a negative one
        assertThat(Recurrence.memory(null, null, same, none, none, 100).spectrum())
                .containsExactly(Recurrence.memory(null, null, still, none, none, 100).spectrum());
        Recurrence.Memory apart = Recurrence.memory(null, null, unrelated, none, none, 100);
        Recurrence.Memory along = apart;
        for (int layer = 2; layer <= 6; layer++) {
            apart = Recurrence.memory(apart.spectrum(), null, unrelated, none, none, 100);
            along = Recurrence.memory(along.spectrum(), null, related, none, none, 100);
        }
        double[] slow = Recurrence.lagCorrelations(along.spectrum(), 2);
        double[] fast = Recurrence.lagCorrelations(apart.spectrum(), 2);
        assertThat(slow).isNotNull();
        assertThat(fast).isNotNull();
        assertThat(slow[1] / slow[0]).isGreaterThan(fast[1] / fast[0] + 0.01);
        assertThat(along.rho()).isGreaterThan(apart.rho());
    }

    /**
     * A GRU over another GRU's states sums candidates that are partly one value (docs/theory.md
     * section 8.10). gru-tanh-d6-t100-w32-he_normal-normal0.1-3 in NumPy ({@code
     * scripts/gru-through-time.py CASE 4 --states}): the second to fifth layers' state second
     * moments 0.159, 0.151, 0.164, 0.181, where the step-by-step moments, unrelated over the steps,
     * said 0.108, 0.059, 0.036, 0.024; and the input weights' gradient RMS relative to the first
     * layer's falls up the stack, -0.13, -0.14, -0.17, -0.19, -0.20 decades (4 networks), where the
     * forward correlation alone, without the levels taking the steps' correlations, had it rise
     * to +0.32.
     */
    @Test
    void stackedGruStatesAndWeightGradientsFollowTheInputsCorrelation() throws Exception {
        GradientAnalysis a = sixLayerGru();
        double[] state = {0.159, 0.151, 0.164, 0.181};
        for (int i = 0; i < state.length; i++) {
            String name = "gru" + (i + 2);
            double rms = a.layers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().activationRms();
            assertThat(rms * rms).as(name + "'s state second moment").isCloseTo(state[i], within(0.15 * state[i]));
        }
        double first = Math.log10(a.layers().stream().filter(p -> p.name().equals("gru1")).findFirst().orElseThrow()
                .weightGradientRms());
        double[] relative = {-0.13, -0.14, -0.17, -0.19, -0.20};
        for (int i = 0; i < relative.length; i++) {
            String name = "gru" + (i + 2);
            double wg = Math.log10(a.layers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow()
                    .weightGradientRms());
            assertThat(wg - first).as(name + "'s weight gradient against the first layer's, decades")
                    .isCloseTo(relative[i], within(0.07));
        }
    }

    /**
     * With each unit's static gate offset and each path's own unit away from d = 0 (docs/theory.md
     * section 8.10, *The units' own gates in the walk*), the upper layers' own figures (the gradient
     * entering a layer's last step alone) follow the network's: NumPy's
     * gru-tanh-d6-t100-w32-he_normal-normal0.1-3 ({@code scripts/gru-through-time.py CASE 2
     * --layers}) -17.86, -17.05, -16.09 and -15.09 decades in the second to fifth layers, and the
     * sixth's -13.99 +- 0.37 at batch 16 ({@code CASE 4 16,256 --batches}), where the walk without
     * them said -19.79, -18.92, -17.96, -16.95 and -15.98. Since one batch's sample of the correlated
     * gates is counted (8.11, <i>The gate's own correlation</i>; the network's sixth layer rises by
     * 1.06 +- 0.14 decades from batch 16 to 256) the figures sit 0.7-1.0 decades below the network's,
     * what the walk's expectation lacks, and their rise up the stack follows it within 0.2.
     */
    @Test
    void stackedGruLayersOwnFiguresFollowTheNetworks() throws Exception {
        GradientAnalysis a = sixLayerGru();
        double[] own = {-17.86, -17.05, -16.09, -15.09, -13.99};
        double[] d = new double[own.length];
        for (int i = 0; i < own.length; i++) {
            String name = "gru" + (i + 2);
            d[i] = a.layers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().time()
                    .ownDecades();
            assertThat(d[i]).as(name + "'s own figure through the steps").isCloseTo(own[i], within(1.1));
            assertThat(d[i] - d[0]).as(name + "'s own figure against the second layer's")
                    .isCloseTo(own[i] - own[0], within(0.3));
        }
    }

    /**
     * The offsets of a layer's units, the normal's expected order statistics, averaged by a Gauss
     * quadrature of five nodes: exact for their even moments up to the eighth, the nodes within
     * the points' range and the weights summing to one.
     */
    @Test
    void theUnitsOffsetsQuadratureIsExactForTheirMoments() {
        int n = 32;
        double[][] q = PathPairs.unitOffsets(n, PathPairs.OFFSETS);
        assertThat(q[0]).hasSize(PathPairs.OFFSETS);
        double top = SoftmaxAverage.quantile((n - 0.375) / (n + 0.25));
        double sum = 0;
        for (int j = 0; j < q[0].length; j++) {
            assertThat(Math.abs(q[0][j])).isLessThanOrEqualTo(top);
            sum += q[1][j];
        }
        assertThat(sum).isCloseTo(1, within(1e-12));
        for (int power = 2; power <= 8; power += 2) {
            double points = 0;
            for (int i = 0; i < n; i++) {
                points += Math.pow(SoftmaxAverage.quantile((i + 1 - 0.375) / (n + 0.25)), power) / n;
            }
            double nodes = 0;
            for (int j = 0; j < q[0].length; j++) {
                nodes += q[1][j] * Math.pow(q[0][j], power);
            }
            assertThat(nodes).as("moment " + power).isCloseTo(points, within(1e-9 * Math.max(1, points)));
        }
        assertThat(PathPairs.unitOffsets(3, PathPairs.OFFSETS)[0]).hasSize(3);
    }

    /**
     * A share of the gate that is each unit's own, and each path's own unit away from d = 0, both
     * lift the walk above one whose gate is the same in distribution but drawn for no unit in
     * particular (section 8.10); with the paths' moments alone (no share, d = 0 only) it is the
     * walk of section 8.9.
     */
    @Test
    void pathPairsKeepTheUnitsOwnGates() {
        double mu = 0;
        double sd = 0.8;
        PathPairs remembering = new PathPairs(60, 0.6);
        PathPairs still = new PathPairs(60, 0.6, 0.1, 32);
        PathPairs away = new PathPairs(60, 0.6, 0.1, 32);
        double logRemembering = 0;
        double logStill = 0;
        double logAway = 0;
        for (int i = 0; i < 60; i++) {
            double same0 = 0.28 + 0.05 + 0.01;
            logRemembering += Math.log10(remembering.step(same0, 0.06, 0.27, 0.05, 0.28, 0.05, mu, sd));
            logStill += Math.log10(still.step(same0, 0.06, 0.27, 0.05, 0.28, 0.05, mu, sd));
            logAway += Math.log10(away.step(same0, 0.06, 0.27, 0.05, 0.28, 0.05, mu, sd, 0.25));
        }
        assertThat(logStill).isGreaterThan(logRemembering + 0.1);
        assertThat(logAway).isGreaterThan(logStill + 0.1);
    }

    private static GradientAnalysis sixLayerGru() throws Exception {
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            layers.append("""
                    {"class_name": "GRU", "config": {"name": "gru%d", "units": 32, "activation": "tanh",
                     "recurrent_activation": "sigmoid", "return_sequences": %b, "use_bias": true,
                     "reset_after": true, "kernel_initializer": {"class_name": "HeNormal", "config": {"seed": null}},
                     "recurrent_initializer": {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.1}},
                     "bias_initializer": {"class_name": "Zeros", "config": {}}}},
                    """.formatted(i + 1, i < 5));
        }
        String json = """
                {"class_name": "Sequential", "keras_version": "2.12.0", "backend": "tensorflow",
                 "config": {"name": "m", "layers": [
                  {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 100, 16]}},
                  %s
                  {"class_name": "Dense", "config": {"name": "out", "units": 5, "activation": "softmax"}}]}}""".formatted(layers);
        ModelGraph g = ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
        return SignalPropagation.analyse(g, SignalPropagation.Options.DEFAULT.withBatch(16));
    }

    /**
     * Over an input that does not change from step to step, the state before a step carries that
     * step's candidate whole: the earlier candidates' weights, {@code E[1 - z] E[z]^(k - 1)}, sum
     * to one (section 8.10); over an input drawn afresh at every step, nothing.
     */
    @Test
    void theStateCarriesTheNextCandidateAsMuchAsTheInputRepeats() {
        int t = 400;
        double[] candLin = new double[t];
        double[] weight = new double[t];
        double[] keep = new double[t];
        Arrays.fill(candLin, 0.5);
        Arrays.fill(weight, 0.4);
        Arrays.fill(keep, 0.6);
        double[] same = new double[t];
        Arrays.fill(same, 1);
        double[] fresh = new double[t];
        fresh[0] = 1;
        assertThat(Recurrence.stateCandidate(same, candLin, weight, keep, t - 1)).isCloseTo(0.25, within(1e-9));
        assertThat(Recurrence.stateCandidate(fresh, candLin, weight, keep, t - 1)).isZero();
    }

    /** The through-time decades of one Keras GRU (reset_after) over {@code steps} steps of 16 features into a softmax. */
    /**
     * The walk of a forget gate that persists as an AR(1) process beside a tied kernel (docs/theory.md
     * section 8.8): a constant gate gives E[f] + sqrt(b), a gate drawn afresh no lift, and the lift
     * over the fresh gate follows a 256-wide simulation of v <- d_t v + R v.
     */
    @Test
    void aPersistentForgetGateLiftsTheTiedKernelsGainAsSimulated() {
        assertThat(Recurrence.walkGain(1, 1e-6, 0.9, 0.02)).isCloseTo(1 / (1 + Math.exp(-1)) + Math.sqrt(0.02),
                within(1e-4));
        assertThat(Recurrence.persistence(1, 0.4, 0, 0.025)).isEqualTo(1);
        double s = 0.4;
        double b = 0.025;
        double walked = Math.log10(Recurrence.walkGain(1, s, 0.95, b) / Recurrence.walkGain(1, s, 0, b));
        double simulated = simulatedGain(256, s, b, 0.95) - simulatedGain(256, s, b, 0);
        assertThat(walked).isGreaterThan(0.01).isCloseTo(simulated, within(0.25 * simulated));
        assertThat(Recurrence.persistence(1, s, 0.8, b)).isGreaterThan(1)
                .isLessThan(Recurrence.persistence(1, s, 0.95, b));
    }

    /**
     * An LSTM over another LSTM's states follows its time track (section 8.8): the 4-layer 200-step
     * He / N(0, 0.1) stack's first layer falls as the NumPy network's (-6.43 over 4 networks, DL4J
     * -6.37) where the steps taken as fresh said -4.63, and a single LSTM has no time track.
     */
    @Test
    void anLstmOverAnotherFollowsItsTimeTrack() throws Exception {
        String he = "{\"class_name\": \"HeNormal\", \"config\": {\"seed\": null}}";
        String normal = "{\"class_name\": \"RandomNormal\", \"config\": {\"mean\": 0.0, \"stddev\": 0.1, \"seed\": null}}";
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            layers.append("""
                    {"class_name": "LSTM", "config": {"name": "lstm%d", "units": 64, "activation": "tanh",
                     "recurrent_activation": "sigmoid", "return_sequences": %s, "use_bias": true,
                     "unit_forget_bias": true, "kernel_initializer": %s, "recurrent_initializer": %s,
                     "bias_initializer": {"class_name": "Zeros", "config": {}}}},
                    """.formatted(i, i < 3, he, normal));
        }
        String json = """
                {"class_name": "Sequential", "keras_version": "2.12.0", "backend": "tensorflow",
                 "config": {"name": "m", "layers": [
                  {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 200, 16]}},
                  %s
                  {"class_name": "Dense", "config": {"name": "out", "units": 5, "activation": "softmax"}}]}}"""
                .formatted(layers);
        ModelGraph g = ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
        GradientAnalysis a = SignalPropagation.analyse(g, SignalPropagation.Options.DEFAULT.withBatch(16));
        double first = a.layers().stream().filter(p -> p.name().equals("lstm0")).findFirst().orElseThrow().time()
                .decades();
        assertThat(first).isCloseTo(-6.43, within(0.5));
    }

    /** The amplitude's gain per step (log10) of v <- d_t v + R v over the second half of 160 steps. */
    private static double simulatedGain(int n, double s, double b, double rho) {
        double sum = 0;
        for (int net = 0; net < 2; net++) {
            SplittableRandom rnd = new SplittableRandom(17 + net);
            double[][] r = gaussianMatrix(rnd, n, b / n);
            double[] xi = gaussianVector(rnd, n);
            double[] v = gaussianVector(rnd, n);
            int steps = 160;
            for (int t = 0; t < steps; t++) {
                double[] next = new double[n];
                for (int i = 0; i < n; i++) {
                    double acc = v[i] / (1 + Math.exp(-(1 + s * xi[i])));
                    for (int j = 0; j < n; j++) {
                        acc += r[i][j] * v[j];
                    }
                    next[i] = acc;
                }
                double norm = Math.sqrt(norm2(next));
                if (t >= steps / 2) {
                    sum += Math.log10(norm / Math.sqrt(norm2(v))) / (steps - steps / 2) / 2;
                }
                for (int i = 0; i < n; i++) {
                    v[i] = next[i] / norm;
                    xi[i] = rho * xi[i] + Math.sqrt(1 - rho * rho) * gauss(rnd);
                }
            }
        }
        return sum;
    }

    private static double gruThroughTime(int units, int steps, String kernel, String recurrent) throws Exception {
        String json = """
                {"class_name": "Sequential", "keras_version": "2.12.0", "backend": "tensorflow",
                 "config": {"name": "m", "layers": [
                  {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, %d, 16]}},
                  {"class_name": "GRU", "config": {"name": "gru", "units": %d, "activation": "tanh",
                   "recurrent_activation": "sigmoid", "return_sequences": false, "use_bias": true,
                   "reset_after": true, "kernel_initializer": %s, "recurrent_initializer": %s,
                   "bias_initializer": {"class_name": "Zeros", "config": {}}}},
                  {"class_name": "Dense", "config": {"name": "out", "units": 5, "activation": "softmax"}}]}}"""
                .formatted(steps, units, kernel, recurrent);
        ModelGraph g = ModelLoader.loadJson("m.json", json.getBytes(StandardCharsets.UTF_8));
        GradientAnalysis a = SignalPropagation.analyse(g, SignalPropagation.Options.DEFAULT.withBatch(16));
        return a.layers().stream().filter(p -> p.name().equals("gru")).findFirst().orElseThrow().time().decades();
    }

    /** A GRU-shaped run with no recurrent kernel, no gate noise and only the candidate's gate passing down. */
    private static Recurrence.Run diagonalRun(int t, double phi, double cand2) {
        double[] zeros = new double[t];
        double[] ones = new double[t];
        Arrays.fill(ones, 1);
        double[] f = new double[t];
        Arrays.fill(f, phi);
        double[] f2 = new double[t];
        Arrays.fill(f2, phi * phi);
        double[] cand = new double[t];
        Arrays.fill(cand, cand2);
        double[] candMean = new double[t];
        Arrays.fill(candMean, Math.sqrt(cand2));
        double[][] gate = {zeros, zeros, zeros, ones};
        return new Recurrence.Run(t, 1.0 / 8, 0, 0, 0, Fans.dense(8, 24), Fans.dense(8, 24), ones, gate, zeros, ones, ones, f, f2,
                ones, cand, ones, ones, zeros, f, candMean, ones, 1, null);
    }

    /** An n x n matrix of independent N(0, variance) entries, drawn row by row. */
    private static double[][] gaussianMatrix(SplittableRandom rnd, int n, double variance) {
        double[][] r = new double[n][n];
        for (double[] row : r) {
            for (int j = 0; j < n; j++) {
                row[j] = gauss(rnd) * Math.sqrt(variance);
            }
        }
        return r;
    }

    /** n independent N(0, 1) draws. */
    private static double[] gaussianVector(SplittableRandom rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = gauss(rnd);
        }
        return v;
    }

    private static double norm2(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }
}
