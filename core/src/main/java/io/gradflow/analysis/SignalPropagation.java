package io.gradflow.analysis;

import io.gradflow.kinds.Back;
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
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
     * @param simulationThreads threads the simulation's networks are spread over; 0: one per processor
     *                         (up to 4). The result does not depend on it.
     */
    public record Options(Moments input, int assumedSpatial, int assumedTimeSteps, Thresholds thresholds,
                          boolean finiteWidth, int batch, boolean simulate, int simulationThreads) {

        public static final Options DEFAULT = new Options(Moments.UNIT, 32, 20, Thresholds.DEFAULT, true, 32, true, 0);

        public Options withThresholds(Thresholds t) {
            return new Options(input, assumedSpatial, assumedTimeSteps,
                    t, finiteWidth, batch, simulate, simulationThreads);
        }

        public Options withFiniteWidth(boolean on) {
            return new Options(input, assumedSpatial, assumedTimeSteps,
                    thresholds, on, batch, simulate, simulationThreads);
        }

        /** The minibatch size the weight gradients are averaged over (DL4J averages, as Keras does). */
        public Options withBatch(int b) {
            return new Options(input, assumedSpatial, assumedTimeSteps,
                    thresholds, finiteWidth, b, simulate, simulationThreads);
        }

        /** Whether narrow dense networks are simulated at their widths (the finite-width model). */
        public Options withSimulation(boolean on) {
            return new Options(input, assumedSpatial, assumedTimeSteps,
                    thresholds, finiteWidth, batch, on, simulationThreads);
        }

        /**
         * Threads for the simulation (0: one per processor, up to 4); 1 where models are already
         * analysed in parallel, as `lint --jobs` does, so that the cores are not shared twice.
         */
        public Options withSimulationThreads(int threads) {
            return new Options(input, assumedSpatial, assumedTimeSteps,
                    thresholds, finiteWidth, batch, simulate, threads);
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
        double ratio = Double.NaN;
        double signal = 0;
        String signalLayer = null;
        List<String> cuts = new ArrayList<>();
        if (first != null) {
            double lf = p.result(first.name())[2];
            double ll = p.result(Objects.requireNonNull(last, "found with the first").name())[2];
            ratio = ratio(lf, ll);
            signalLayer = blockOutput(g, last);
            signal = signalDecades(p, signalLayer, opts);
            Set<String> cut = new LinkedHashSet<>(p.forwardTaint(last.name()));
            cut.addAll(p.forwardTaint(first.name()));
            Set<String> back = new LinkedHashSet<>(p.backwardTaint(first.name()));
            back.removeAll(p.backwardTaint(last.name()));
            cut.addAll(back);
            cuts.addAll(cut);
        } else {
            ratio = 0;
            // no hidden layer to measure: the verdict is only as good as the path to the outputs
            cuts.addAll(p.forwardTaint(g.outputs()));
        }
        NumericRange.Event fwd = p.forwardEvent();
        WidthSimulation.Result sim = null;
        boolean meanFieldDoubtful = p.slopeSpread() > SIMULATE_ABOVE || !Double.isFinite(ratio)
                || !Double.isFinite(signal);
        if (opts.simulate() && meanFieldDoubtful && first != null && cuts.isEmpty() && fwd == null
                && p.backwardRan()) {
            sim = WidthSimulation.run(g, weightStats(g, p), opts.batch(), opts.input(), first.name(),
                    Objects.requireNonNull(last, "found with the first").name(),
                    signalLayer, 42, opts.simulationThreads());
            if (sim != null) {
                ratio = sim.firstToLastDecades();
                signal = sim.signalDecades();
            }
        }
        List<LayerProfile> profiles = new ArrayList<>();
        for (Node n : g.nodes()) {
            profiles.add(profile(n, p, sim, opts, g));
        }
        NumericRange range = RangeCheck.check(g, p, profiles, opts);
        if (range.lossScale() != null || range.forward() != null) {
            assumptions.add(RangeCheck.assumption(g, range, opts));
        }
        Trainability trainability = trainability(g, p, first, last);
        Thresholds th = opts.thresholds();
        if (first != null && Double.isFinite(ratio)
                && (ratio < -th.vanishingDecades() || ratio > th.explodingDecades())) {
            // only where it can change the verdict: a second backward pass without the loss's offsets
            double[] w = p.withoutLossOffsets(first.name(),
                    Objects.requireNonNull(last, "found with the first").name());
            double persistent = ratio(w[0], w[1]);
            double mf = ratio(p.result(first.name())[2], p.result(last.name())[2]);
            if (Double.isFinite(persistent) && Double.isFinite(mf)) {
                trainability = trainability.withOffsetDecades(mf - persistent);
            }
        }
        Verdict verdict;
        boolean certainEvent = fwd != null && p.forwardTaint(fwd.layer()).isEmpty();
        if (!cuts.isEmpty() && !certainEvent) {
            verdict = Verdict.UNKNOWN;
        } else if (range.forwardOverflows()) {
            verdict = Verdict.EXPLODING;
        } else if (range.forwardUnderflows() && !p.backwardRan()) {
            verdict = Verdict.VANISHING;
        } else if (!cuts.isEmpty()) {
            verdict = Verdict.UNKNOWN;
        } else {
            verdict = RangeCheck.verdict(range);
            if (verdict == null) {
                // a dead signal (-infinity) is vanishing even when the ratio is 0/0
                verdict = opts.thresholds().verdict(clampInf(ratio), clampInf(signal), trainability);
                double[] time = timeRange(g, p);
                verdict = opts.thresholds().withTime(verdict, time[0], time[1]);
            }
        }
        return new GradientAnalysis(g, profiles, first == null ? null : first.name(),
                last == null ? null : last.name(), Double.isFinite(ratio) ? ratio : Double.NaN,
                Double.isFinite(signal) ? signal : Double.NaN, signalLayer, verdict, new ArrayList<>(assumptions),
                cuts, sim == null ? GradientAnalysis.MEAN_FIELD : GradientAnalysis.FINITE_WIDTH, range, trainability);
    }

    /**
     * The lowest and the highest change of the gradient through a recurrent layer's steps, first
     * step over last, in decades (NaN where the model has no recurrent layer).
     */
    private static double[] timeRange(ModelGraph g, Propagation p) {
        double low = Double.NaN;
        double high = Double.NaN;
        for (Node n : g.nodes()) {
            Back.Steps st = p.steps(n.name());
            if (st == null) {
                continue;
            }
            double d = Double.isInfinite(st.decades()) ? Math.signum(st.decades()) * 1e9 : st.decades();
            low = Double.isNaN(low) ? d : Math.min(low, d);
            high = Double.isNaN(high) ? d : Math.max(high, d);
        }
        return new double[] {low, high};
    }

    /** The model's scale-invariant layers and its first and last hidden layers' weight scales. */
    private static Trainability trainability(ModelGraph g, Propagation p, @Nullable Node first, @Nullable Node last) {
        Set<String> invariant = Trainability.scaleInvariantLayers(g);
        if (first == null) {
            return new Trainability(0, false, invariant, 0);
        }
        double scale = 0.5 * (Math.log10(weightSecond(p, first))
                - Math.log10(weightSecond(p, Objects.requireNonNull(last, "found with the first"))));
        return new Trainability(scale, invariant.contains(first.name()), invariant, 0);
    }

    /** E[w^2] of a layer's initial weights, NaN where unknown. */
    private static double weightSecond(Propagation p, Node n) {
        LayerState s = p.stateOf(n.name());
        if (s == null || s.weights() == null) {
            return Double.NaN;
        }
        double w2 = s.weights().v() + s.weights().m() * s.weights().m();
        return w2 > 0 ? w2 : Double.NaN;
    }

    /** Half the difference of two log10 second moments, as the ratio of their RMS would give it (0/0 is NaN). */
    private static double ratio(double lf, double ll) {
        if (Double.isNaN(lf) || Double.isNaN(ll) || lf == ll && Double.isInfinite(lf)) {
            return Double.NaN;
        }
        return 0.5 * (lf - ll);
    }

    /**
     * log10 of the signal layer's RMS over the input's: -infinity for a signal that is exactly
     * zero, NaN where the forward pass left the range before it.
     */
    private static double signalDecades(Propagation p, String signalLayer, Options opts) {
        if (p.range(signalLayer) == Propagation.Range.OVERFLOW) {
            return Double.NaN;
        }
        double second = Objects.requireNonNull(p.stateOf(signalLayer), "a layer of the model").out().second();
        if (second == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        return 0.5 * Math.log10(second) - Math.log10(opts.input().rms());
    }

    private static LayerProfile profile(Node n, Propagation p, WidthSimulation.@Nullable Result sim, Options opts,
                                        ModelGraph g) {
        LayerState s = Objects.requireNonNull(p.stateOf(n.name()), "every node was visited");
        double[] r = p.result(n.name());
        boolean certain = p.certain(n.name());
        Propagation.Range range = p.range(n.name());
        boolean overflowed = range == Propagation.Range.OVERFLOW;
        double logGrad = 0.5 * (Double.isNaN(r[1]) ? r[0] : r[1]);
        double logAct = overflowed ? Double.NaN : s.out().second() > 0 ? 0.5 * Math.log10(s.out().second())
                : Double.NEGATIVE_INFINITY;
        double logWg = 0.5 * r[2];
        double gain = r[3];
        if (sim != null) {
            logAct = log(sim.activationRms().get(n.name()), logAct) + Math.log10(opts.input().rms());
            logWg = log(sim.weightGradientRms().get(n.name()), logWg);
            logGrad = log(sim.gradientRms().get(n.name()), logGrad);
            gain = sim.gainDecades().getOrDefault(n.name(), gain);
        }
        double fanIn = s.weights() == null ? Double.NaN : s.weights().fanIn();
        double v = s.weights() == null ? Double.NaN : s.weights().v();
        LayerProfile.Logs logs = new LayerProfile.Logs(logAct, logGrad, logWg, g.precision(n), Double.NaN,
                Double.NaN, 0, range == Propagation.Range.OVERFLOW ? NumericRange.Direction.OVERFLOW
                : range == Propagation.Range.UNDERFLOW ? NumericRange.Direction.UNDERFLOW : null);
        Back.Steps st = p.steps(n.name());
        LayerProfile.Time time = st == null ? null : new LayerProfile.Time(st.count(), finite(st.decades()),
                finite(st.ownDecades()));
        return new LayerProfile(n, pow(logAct), overflowed ? Double.NaN : s.out().mean(), pow(logGrad), pow(logWg),
                Double.isFinite(gain) ? gain : Double.NaN, fanIn, v, s.positions(), s.pre(), certain, logs, time);
    }

    /** A figure past a double's range, or 0/0, is NaN in a profile (reports write no infinities). */
    private static double finite(double d) {
        return Double.isFinite(d) ? d : Double.NaN;
    }

    private static double log(@Nullable Double linear, double dflt) {
        return linear == null ? dflt : linear > 0 ? Math.log10(linear) : Double.NEGATIVE_INFINITY;
    }

    /** 10^x, NaN for NaN: figures past a double's range become 0 or infinity, their log stays. */
    private static double pow(double log10) {
        return Double.isNaN(log10) ? Double.NaN : Math.pow(10, log10);
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
            Node u = Objects.requireNonNull(g.node(users.get(0)), "a consumer is a layer");
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
