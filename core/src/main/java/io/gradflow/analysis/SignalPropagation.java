package io.gradflow.analysis;

import io.gradflow.kinds.LayerState;
import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mean-field signal propagation (docs/theory.md): a forward pass carries the mean, the per-unit
 * offset variance and the input-driven variance of every tensor; a backward pass carries the
 * second moment of the loss gradient. Pure function of a finished model graph (every reader's
 * output after the ingest step), whichever format it came from.
 */
public final class SignalPropagation {

    /**
     * What the analysis assumes where the file is silent.
     *
     * @param input            moments of the network input
     * @param assumedSpatial   spatial size per dimension when a layer's is unknown
     * @param assumedTimeSteps sequence length when unknown
     * @param thresholds       verdict thresholds
     * @param finiteWidth      whether to correct the mean gain to the typical (log-average) gain
     * @param batch            the minibatch size the weight gradients are averaged over
     * @param simulate         whether a narrow dense network's numbers come from {@link WidthSimulation}
     */
    public record Options(Moments input, int assumedSpatial, int assumedTimeSteps, Thresholds thresholds,
                          boolean finiteWidth, int batch, boolean simulate) {

        public static final Options DEFAULT = new Options(Moments.UNIT, 32, 20, Thresholds.DEFAULT, true, 32, true);

        public Options withThresholds(Thresholds t) {
            return new Options(input, assumedSpatial, assumedTimeSteps, t, finiteWidth, batch, simulate);
        }

        public Options withFiniteWidth(boolean on) {
            return new Options(input, assumedSpatial, assumedTimeSteps, thresholds, on, batch, simulate);
        }

        /** The minibatch size the weight gradients are averaged over (DL4J averages, as Keras does). */
        public Options withBatch(int b) {
            return new Options(input, assumedSpatial, assumedTimeSteps, thresholds, finiteWidth, b, simulate);
        }

        /** Whether narrow dense networks are simulated at their widths (the finite-width model). */
        public Options withSimulation(boolean on) {
            return new Options(input, assumedSpatial, assumedTimeSteps, thresholds, finiteWidth, batch, on);
        }
    }

    /**
     * Where the slopes' spread passes this many nats (0.2 decades, about the measurement's own
     * noise between seeds), a narrow dense network is simulated.
     */
    static final double SIMULATE_ABOVE = 0.5;

    private SignalPropagation() {
    }

    public static GradientAnalysis analyse(ModelGraph g) {
        return analyse(g, Options.DEFAULT);
    }

    public static GradientAnalysis analyse(ModelGraph g, Options opts) {
        Propagation p = new Propagation(g, opts);
        p.run();
        Set<String> assumptions = new LinkedHashSet<>(p.assumptions());
        assumptions.addAll(g.assumptions());

        Node first = null;
        Node last = null;
        for (Node n : g.nodes()) {
            if (hidden(n)) {
                if (first == null) {
                    first = n;
                }
                last = n;
            }
        }
        double ratio = 0;
        double signal = 0;
        String signalLayer = null;
        List<String> cuts = new ArrayList<>();
        if (first != null) {
            ratio = 0.5 * Math.log10(p.result(first.name())[2] / p.result(last.name())[2]);
            signalLayer = blockOutput(g, last);
            signal = Math.log10(p.stateOf(signalLayer).out().rms() / opts.input().rms());
            Set<String> cut = new LinkedHashSet<>(p.forwardTaint(last.name()));
            cut.addAll(p.forwardTaint(first.name()));
            Set<String> back = new LinkedHashSet<>(p.backwardTaint(first.name()));
            back.removeAll(p.backwardTaint(last.name()));
            cut.addAll(back);
            cuts.addAll(cut);
        } else {
            // no hidden layer to measure: the verdict is only as good as the path to the outputs
            cuts.addAll(p.forwardTaint(g.outputs()));
        }
        WidthSimulation.Result sim = null;
        boolean meanFieldDoubtful = p.slopeSpread() > SIMULATE_ABOVE || !Double.isFinite(ratio)
                || !Double.isFinite(signal);
        if (opts.simulate() && meanFieldDoubtful && first != null && cuts.isEmpty()) {
            sim = WidthSimulation.run(g, weightStats(g, p), opts.batch(), opts.input(), first.name(), last.name(),
                    signalLayer, 42);
            if (sim != null) {
                ratio = sim.firstToLastDecades();
                signal = sim.signalDecades();
            }
        }
        Verdict verdict;
        if (!cuts.isEmpty()) {
            verdict = Verdict.UNKNOWN;
        } else {
            // a dead signal (-infinity) is vanishing even when the ratio is 0/0
            verdict = opts.thresholds().verdict(clampInf(ratio), clampInf(signal));
        }
        List<LayerProfile> profiles = new ArrayList<>();
        for (Node n : g.nodes()) {
            profiles.add(profile(n, p, sim, opts));
        }
        return new GradientAnalysis(g, profiles, first == null ? null : first.name(),
                last == null ? null : last.name(), ratio, signal, signalLayer, verdict, new ArrayList<>(assumptions),
                cuts, sim == null ? GradientAnalysis.MEAN_FIELD : GradientAnalysis.FINITE_WIDTH);
    }

    private static LayerProfile profile(Node n, Propagation p, WidthSimulation.Result sim, Options opts) {
        LayerState s = p.stateOf(n.name());
        double[] r = p.result(n.name());
        boolean certain = p.certain(n.name());
        double grad = Math.sqrt(Double.isNaN(r[1]) ? r[0] : r[1]);
        double rms = s.out().rms();
        double wg = Double.isNaN(r[2]) ? Double.NaN : Math.sqrt(r[2]);
        double gain = r[3];
        if (sim != null) {
            rms = sim.activationRms().getOrDefault(n.name(), rms) * opts.input().rms();
            wg = sim.weightGradientRms().getOrDefault(n.name(), wg);
            grad = sim.gradientRms().getOrDefault(n.name(), grad);
            gain = sim.gainDecades().getOrDefault(n.name(), gain);
        }
        double fanIn = s.weights() == null ? Double.NaN : s.weights().fanIn();
        double v = s.weights() == null ? Double.NaN : s.weights().v();
        return new LayerProfile(n, rms, s.out().mean(), grad, wg, gain, fanIn, v, s.positions(), s.pre(), certain);
    }

    /** Per weighted node: {mean, variance} of one weight, for the finite-width model to draw with. */
    private static Map<String, double[]> weightStats(ModelGraph g, Propagation p) {
        Map<String, double[]> weights = new HashMap<>();
        for (Node n : g.nodes()) {
            LayerState s = p.stateOf(n.name());
            if (n.hasWeights() && s != null && s.weights() != null) {
                weights.put(n.name(), new double[] {s.weights().m(), s.weights().v()});
            }
        }
        return weights;
    }

    private static double clampInf(double d) {
        return Double.isInfinite(d) && d > 0 ? 1e9 : d;
    }

    /** A hidden layer for the verdict: weights, not the output, not a lookup table. */
    private static boolean hidden(Node n) {
        return n.hasWeights() && n.kind() != LayerKind.OUTPUT && n.kind() != LayerKind.EMBEDDING;
    }

    /**
     * The signal at the output of the last hidden block: after the normalisation, activation and
     * residual merge that directly follow the layer (as in conv -> BN -> ReLU -> add).
     */
    private static String blockOutput(ModelGraph g, Node last) {
        Node n = last;
        while (true) {
            List<String> users = g.consumers(n.name());
            if (users.size() != 1) {
                break;
            }
            Node u = g.node(users.get(0));
            if (u.kind() == LayerKind.BATCH_NORM || u.kind() == LayerKind.LAYER_NORM
                    || u.kind() == LayerKind.ACTIVATION || u.kind() == LayerKind.DROPOUT
                    || u.kind() == LayerKind.ELEMENTWISE && u.merge() == Node.Merge.ADD) {
                n = u;
            } else {
                break;
            }
        }
        return n.name();
    }
}
