package io.gradflow.analysis;

import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.ShapeInference;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mean-field signal propagation (THEORY.md): a forward pass carries the mean, the per-unit offset
 * variance and the input-driven variance of every tensor; a backward pass carries the second
 * moment of the loss gradient. Pure function of the model graph.
 */
public final class SignalPropagation {

    /**
     * What the analysis assumes where the file is silent.
     *
     * @param input            moments of the network input
     * @param assumedSpatial   spatial size per dimension when the input's is unknown
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
     * A gradient's second moment per unit and position ({@code g}) with the covariances the weight
     * gradient adds up: between two positions of one example ({@code gs}, e.g. after global average
     * pooling), between two examples at one position ({@code gm}, the per-unit mean a loss's
     * offsets leave) and between two examples at two positions ({@code gc}). A feature vector has
     * one position, so there gs = g and gc = gm.
     */
    record Grad(double g, double gs, double gm, double gc) {

        static final Grad ZERO = new Grad(0, 0, 0, 0);

        /** A feature-vector gradient: one position. */
        static Grad flat(double g, double gm) {
            return new Grad(g, g, gm, gm);
        }

        Grad scale(double f) {
            return new Grad(g * f, gs * f, gm * f, gc * f);
        }

        Grad plus(Grad o) {
            return new Grad(g + o.g, gs + o.gs, gm + o.gm, gc + o.gc);
        }

        /** Scales the second moment by {@code f} and the covariances by {@code fc}. */
        Grad scale(double f, double fc) {
            return new Grad(g * f, gs * fc, gm * fc, gc * fc);
        }

        /** Positions made independent (a weight per position, a flatten): no cross-position terms. */
        Grad uncoupled() {
            return new Grad(g, 0, gm, 0);
        }
    }

    /** Per-node numbers gathered on the way. */
    private static final class State {
        Moments out;
        Moments in;
        Moments pre;
        double keep = 1;
        double v = Double.NaN;
        double m;
        double fanIn = Double.NaN;
        Fans fans;
        double positions = 1;
        double slope2 = 1;
        double slope4 = 1;
        double slopeUnit = 1;
        double normFactor = 1;
        boolean identityInit;
        Recurrent rnn;
        // separable: the depthwise half
        double v1;
        double m1;
        Fans fans1;
        Moments mid;
        // relative variance, across channels, of a feature map's positional pattern
        double patternRelVar;
        // element-wise chains: the unit's exact values (and before the activation) as a function
        // of where the chain started; exact once an identity-initialised layer is on the chain
        Orbit orbit;
        Orbit preOrbit;
        boolean exact;
        // the gradient's second moment conditional on the chain's start, arriving and leaving
        double[] out2z;
        boolean out2zConditional;
        double[] inz;
        // backward
        Grad out2 = Grad.ZERO;
        double gOut;
        double gPre = Double.NaN;
        double wg = Double.NaN;
        double gain;
    }

    /** Time-step records of a recurrent layer. */
    private static final class Recurrent {
        int steps;
        double vW;
        double mW;
        double vR;
        double mR;
        Fans fans;
        Fans rfans;
        double[] slope2;
        double[][] gate;
        double[] cellSecond;
        double[] cellSlope2;
        double[] cellOut2;
        double[] fSecond;
        double[] oSecond;
        double[] iSecond;
        double[] gSecond;
        double[] gPre;
        double gIn;
    }

    private final ModelGraph g;
    private final Options opts;
    private final ActivationMath math = new ActivationMath();
    private final Map<String, State> st = new HashMap<>();
    private final Map<String, Set<String>> fwdTaint = new HashMap<>();
    private final Map<String, Set<String>> bwdTaint = new HashMap<>();
    private final Set<String> assumptions = new LinkedHashSet<>();
    /** Sum over layers of 3 Var[phi'^2] / (2 N E[phi'^2]^2): see {@link #slopeSpread}. */
    private double slopeSpread;

    private SignalPropagation(ModelGraph g, Options opts) {
        this.g = g;
        this.opts = opts;
    }

    public static GradientAnalysis analyse(ModelGraph g) {
        return analyse(g, Options.DEFAULT);
    }

    public static GradientAnalysis analyse(ModelGraph g, Options opts) {
        SignalPropagation sp = new SignalPropagation(withAssumedSizes(g, opts), opts);
        return sp.run(g);
    }

    /** Gives inputs of unknown spatial size or length the assumed ones, so positions are counted. */
    public static ModelGraph withAssumedSizes(ModelGraph g, Options opts) {
        boolean changed = false;
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            TensorShape s = g.shape(n.name());
            if (n.kind() == LayerKind.INPUT && s.kind() == TensorShape.Kind.CNN) {
                long[] sp = s.spatial();
                boolean any = false;
                for (int i = 0; i < sp.length; i++) {
                    if (sp[i] < 0) {
                        sp[i] = opts.assumedSpatial();
                        any = true;
                    }
                }
                if (any) {
                    n = n.toBuilder().outputShape(TensorShape.cnn(s.size(), sp)).inputShape(null).build();
                    changed = true;
                }
            }
            nodes.add(n);
        }
        if (!changed) {
            return g;
        }
        return ShapeInference.infer(g.with(nodes, Map.of()));
    }

    // ================================================================ driver

    private GradientAnalysis run(ModelGraph original) {
        for (Node n : g.nodes()) {
            forward(n);
        }
        List<Node> rev = new ArrayList<>(g.nodes());
        java.util.Collections.reverse(rev);
        for (Node n : rev) {
            backward(n);
        }
        if (g != original) {
            assumptions.add("the file does not give the input's spatial size: assumed "
                    + opts.assumedSpatial() + " per dimension");
        }

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
            State sf = st.get(first.name());
            State sl = st.get(last.name());
            ratio = 0.5 * Math.log10(sf.wg / sl.wg);
            signalLayer = blockOutput(last);
            signal = Math.log10(st.get(signalLayer).out.rms() / opts.input().rms());
            Set<String> cut = new LinkedHashSet<>(fwdTaint.get(last.name()));
            cut.addAll(fwdTaint.get(first.name()));
            Set<String> back = new LinkedHashSet<>(bwdTaint.get(first.name()));
            back.removeAll(bwdTaint.get(last.name()));
            cut.addAll(back);
            cuts.addAll(cut);
        } else {
            // no hidden layer to measure: the verdict is only as good as the path to the outputs
            Set<String> cut = new LinkedHashSet<>();
            for (String o : g.outputs()) {
                cut.addAll(fwdTaint.getOrDefault(o, Set.of()));
            }
            cuts.addAll(cut);
        }
        WidthSimulation.Result sim = null;
        boolean meanFieldDoubtful = slopeSpread > SIMULATE_ABOVE || !Double.isFinite(ratio) || !Double.isFinite(signal);
        if (opts.simulate() && meanFieldDoubtful && first != null && cuts.isEmpty()) {
            sim = simulate(first, last, signalLayer);
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
        for (Node n : original.nodes()) {
            State s = st.get(n.name());
            boolean certain = fwdTaint.get(n.name()).isEmpty() && bwdTaint.get(n.name()).isEmpty();
            double grad = Math.sqrt(Double.isNaN(s.gPre) ? s.gOut : s.gPre);
            double rms = s.out.rms();
            double wg = Double.isNaN(s.wg) ? Double.NaN : Math.sqrt(s.wg);
            double gain = s.gain;
            if (sim != null) {
                rms = sim.activationRms().getOrDefault(n.name(), rms) * opts.input().rms();
                wg = sim.weightGradientRms().getOrDefault(n.name(), wg);
                grad = sim.gradientRms().getOrDefault(n.name(), grad);
                gain = sim.gainDecades().getOrDefault(n.name(), gain);
            }
            profiles.add(new LayerProfile(n, rms, s.out.mean(), grad, wg, gain, s.fanIn, s.v,
                    s.positions, s.pre, certain));
        }
        return new GradientAnalysis(original, profiles, first == null ? null : first.name(),
                last == null ? null : last.name(), ratio, signal, signalLayer, verdict, new ArrayList<>(assumptions),
                cuts, sim == null ? GradientAnalysis.MEAN_FIELD : GradientAnalysis.FINITE_WIDTH);
    }

    /**
     * The finite-width model of a narrow dense network ({@link WidthSimulation}), or null where
     * it does not apply.
     */
    private WidthSimulation.Result simulate(Node first, Node last, String signalLayer) {
        Map<String, double[]> weights = new HashMap<>();
        for (Node n : g.nodes()) {
            State s = st.get(n.name());
            if (n.hasWeights() && s != null) {
                weights.put(n.name(), new double[] {s.m, s.v});
            }
        }
        return WidthSimulation.run(g, weights, opts.batch(), opts.input(), first.name(), last.name(), signalLayer,
                42);
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
    private String blockOutput(Node last) {
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

    // ================================================================ forward

    private Moments inputOf(Node n, int i) {
        if (n.inputs().size() <= i) {
            return opts.input();
        }
        return st.get(n.inputs().get(i)).out;
    }

    private void taintForward(Node n, boolean self) {
        Set<String> t = new LinkedHashSet<>();
        for (String i : n.inputs()) {
            t.addAll(fwdTaint.getOrDefault(i, Set.of()));
        }
        if (self) {
            t.add(n.name());
        }
        fwdTaint.put(n.name(), t);
    }

    private static boolean unknownActivation(Node n) {
        return n.activation() != null && n.activation().kind() == Activation.Kind.UNKNOWN;
    }

    private void forward(Node n) {
        State s = new State();
        st.put(n.name(), s);
        boolean opaque = n.kind() == LayerKind.OPAQUE || unknownActivation(n);
        taintForward(n, opaque);
        if (n.kind() == LayerKind.INPUT) {
            s.out = opts.input();
            orbitForward(n, s);
            return;
        }
        Moments x = inputOf(n, 0);
        // DL4J applies a layer's dropout to that layer's input (inverted dropout: scale 1/keep)
        if (n.dropRate() > 0 && n.dropRate() < 1 && n.kind() != LayerKind.DROPOUT) {
            s.keep = 1 - n.dropRate();
            x = dropout(x, s.keep);
        }
        s.in = x;
        switch (n.kind()) {
            case DENSE, CONV, DECONV, DEPTHWISE_CONV, LOCALLY_CONNECTED, OUTPUT, ATTENTION -> weighted(n, s, x);
            case SEPARABLE_CONV -> separable(n, s, x);
            case EMBEDDING -> embedding(n, s);
            case SIMPLE_RNN, LSTM, GRU -> s.out = recurrent(n, n, s, x);
            case BIDIRECTIONAL -> bidirectional(n, s, x);
            case ACTIVATION -> {
                Activation a = n.activation() == null ? Activation.IDENTITY : n.activation();
                s.pre = x;
                s.slope2 = math.slopeSquare(a, x);
                s.slope4 = math.slopeFourth(a, x);
                s.slopeUnit = math.slopeUnitMeanSquare(a, x);
                s.out = math.apply(a, x);
            }
            case BATCH_NORM -> {
                double seen = Math.max(x.channelVariance(), 1e-5);
                double g2 = n.gamma() * n.gamma();
                // a positional pattern is normalised with the signal and stays in the output;
                // it differs from channel to channel, and a channel with less of it keeps more
                // signal and passes more gradient (E[1/X] > 1/E[X])
                double spread = patternSpread(n, x);
                s.normFactor = g2 / seen * unitScaleJensen(n) * (1 + spread);
                double signal = Math.min(g2 * x.sx() / seen * (1 + spread), g2);
                s.out = new Moments(n.beta(), g2 - signal, signal, g2 - signal);
            }
            case LAYER_NORM -> {
                double q = Math.max(x.q(), 1e-5);
                double g2 = n.gamma() * n.gamma();
                s.normFactor = g2 / q;
                s.out = new Moments(n.beta(), g2 * x.su() / q, g2 * x.sx() / q, g2 * x.sp() / q);
            }
            case LOCAL_RESPONSE_NORM, LOSS -> s.out = x;
            case DROPOUT -> {
                s.keep = n.dropRate() > 0 && n.dropRate() < 1 ? 1 - n.dropRate() : 1;
                s.out = dropout(x, s.keep);
            }
            case POOLING -> s.out = pooling(n, s, x);
            case GLOBAL_POOLING -> s.out = globalPooling(n, s, x);
            case ELEMENTWISE -> s.out = elementwise(n);
            case CONCAT -> s.out = concat(n);
            case SCALE -> s.out = new Moments(x.mean() * n.gamma() + n.beta(), x.su() * n.gamma() * n.gamma(),
                    x.sx() * n.gamma() * n.gamma(), x.sp() * n.gamma() * n.gamma());
            case SHAPE, OPAQUE, INPUT -> s.out = g.shape(n.name()).kind() == TensorShape.Kind.FF
                    ? new Moments(x.mean(), x.su(), x.sx()) : x;
        }
        if (s.out == null || !s.out.finite()) {
            s.out = s.out == null ? x : new Moments(clampMoment(s.out.mean()), clampMoment(s.out.su()),
                    clampMoment(s.out.sx()), clampMoment(s.out.sp()));
        }
        orbitForward(n, s);
    }

    /**
     * Follows element-wise chains on feature vectors exactly (see {@link Orbit}): a chain starts
     * where a unit is Gaussian (the input, a randomly initialised layer's pre-activation) and goes
     * on through identity-initialised square layers, activations, batch norm and residual adds.
     * Once an identity-initialised layer is on it, its moments replace the mean-field ones.
     */
    private void orbitForward(Node n, State s) {
        if (g.shape(n.name()).kind() != TensorShape.Kind.FF && !(n.kind() == LayerKind.INPUT
                && g.shape(n.name()).kind() == TensorShape.Kind.UNKNOWN)) {
            return;
        }
        State in = n.inputs().isEmpty() ? null : st.get(n.inputs().get(0));
        Orbit x = in == null ? null : in.orbit;
        Activation a = n.activation() == null ? Activation.IDENTITY : n.activation();
        if (a.kind() == Activation.Kind.UNKNOWN || a.kind() == Activation.Kind.SOFTMAX) {
            return;
        }
        switch (n.kind()) {
            case INPUT -> {
                if (s.out.su() <= 0) {
                    s.orbit = Orbit.gaussian(n.name(), s.out.mean(), s.out.sx());
                }
                return;
            }
            case DENSE -> {
                if (s.keep < 1 || n.layerNorm()) {
                    return;
                }
                double bias = n.hasBias() ? n.biasInit() : 0;
                if (s.identityInit) {
                    if (x == null || widthIn(n) != n.nOut()) {
                        return;
                    }
                    double gain = n.weightInit().gain();
                    s.preOrbit = x.map(v -> gain * v + bias);
                    s.exact = true;
                } else if (s.pre != null && s.pre.su() <= 1e-9 * Math.max(s.pre.sx(), 1e-300)) {
                    s.preOrbit = Orbit.gaussian(n.name(), s.pre.mean(), s.pre.sx());
                } else {
                    return;
                }
                s.orbit = s.preOrbit.apply(a);
            }
            case ACTIVATION -> {
                if (x == null) {
                    return;
                }
                s.preOrbit = x;
                s.orbit = x.apply(a);
                s.exact = in.exact;
            }
            case BATCH_NORM -> {
                if (x == null) {
                    return;
                }
                double m = x.mean();
                double sd = Math.sqrt(Math.max(x.variance(), 1e-12));
                double gamma = n.gamma();
                double beta = n.beta();
                s.orbit = x.map(v -> gamma * (v - m) / sd + beta);
                s.exact = in.exact;
                if (s.exact) {
                    s.normFactor = gamma * gamma / (sd * sd) * unitScaleJensen(n);
                }
            }
            case ELEMENTWISE -> {
                Node.Merge op = n.merge() == null ? Node.Merge.ADD : n.merge();
                if (op != Node.Merge.ADD && op != Node.Merge.AVERAGE && op != Node.Merge.SUBTRACT) {
                    return;
                }
                Orbit acc = null;
                boolean exact = false;
                for (int i = 0; i < n.inputs().size(); i++) {
                    State si = st.get(n.inputs().get(i));
                    if (si == null || si.orbit == null || acc != null && !acc.root().equals(si.orbit.root())) {
                        return;
                    }
                    exact |= si.exact;
                    acc = acc == null ? si.orbit : acc.plus(si.orbit, op == Node.Merge.SUBTRACT ? -1 : 1);
                }
                if (acc == null) {
                    return;
                }
                s.orbit = op == Node.Merge.AVERAGE ? acc.map(v -> v / n.inputs().size()) : acc;
                s.exact = exact;
            }
            default -> {
                return;
            }
        }
        if (!s.orbit.finite() || s.preOrbit != null && !s.preOrbit.finite()) {
            s.orbit = null;
            s.preOrbit = null;
            s.exact = false;
            return;
        }
        if (s.exact) {
            s.out = s.orbit.moments();
            if (s.preOrbit != null) {
                s.pre = s.preOrbit.moments();
                double[] sl = s.preOrbit.slopeSquares(a);
                s.slope2 = Orbit.expect(sl);
                s.slope4 = Orbit.expect(Orbit.times(sl, sl));
                double ms = 0;
                for (int i = 0; i < sl.length; i++) {
                    ms += Orbit.W[i] * ActivationMath.slope(a, s.preOrbit.values()[i]);
                }
                s.slopeUnit = ms * ms;
            }
        }
    }

    /**
     * Batch norm divides each unit by its own batch standard deviation, a random quantity: a
     * quadratic form of the unit's weights over the batch's sample covariance. Its fluctuation
     * makes the mean backward gain exceed the mean-field one. With fewer samples per unit (B, or
     * B x positions for a convolution) than inputs, the sample covariance's rank limits it, and
     * the gain is (S - 2) / (S - 3) per layer, the exact rate of a linear batch-normalised network
     * (Yang et al. 2019; measured here: B = 8 gives +0.035 decades a layer); with more samples,
     * the weights' own spread across units adds (kurtosis - 1) / fan-in.
     */
    private double unitScaleJensen(Node bn) {
        if (bn.inputs().isEmpty()) {
            return 1;
        }
        double positions = Math.max(g.shape(bn.inputs().get(0)).positions(), 1);
        double samples = Math.max(opts.batch(), 1) * positions;
        double factor = samples > 4 ? (samples - 2) / (samples - 3) : 2;
        Node producer = g.node(bn.inputs().get(0));
        State p = st.get(producer.name());
        if (p != null && p.fans != null && producer.hasWeights() && !p.identityInit && samples - 1 > p.fans.connIn()) {
            factor *= 1 + (kurtosis(producer.weightInit()) - 1) / p.fans.connIn();
        }
        return Math.min(factor, 2);
    }

    /**
     * Var[X] / E[X]^2 of a batch norm's per-channel variance X due to its input's positional
     * pattern, whose size differs from channel to channel (the relative variance the producing
     * convolution recorded, weighted by the pattern's share of X).
     */
    private double patternSpread(Node bn, Moments x) {
        if (bn.inputs().isEmpty() || x.sp() <= 0) {
            return 0;
        }
        State p = st.get(bn.inputs().get(0));
        double rv = p == null ? 0 : p.patternRelVar;
        double share = x.sp() / Math.max(x.channelVariance(), 1e-300);
        return Math.min(rv * share * share, 1);
    }

    /** Kurtosis E[w^4] / E[w^2]^2 of an initialiser's (zero-mean) weights. */
    private static double kurtosis(WeightInit w) {
        if (w == null) {
            return 3;
        }
        return switch (w.family()) {
            case FAN_SCALED -> switch (w.shape()) {
                case NORMAL -> 3;
                case UNIFORM -> 1.8;
                case TRUNCATED -> 2.366;
            };
            case DISTRIBUTION -> switch (w.dist().kind()) {
                case UNIFORM -> 1.8;
                case TRUNCATED_NORMAL -> 2.366;
                default -> 3;
            };
            default -> 3;
        };
    }

    private static double clampMoment(double d) {
        return Double.isNaN(d) ? 0 : Math.max(-1e300, Math.min(1e300, d));
    }

    private static Moments dropout(Moments x, double keep) {
        double second = x.second() / keep;
        return new Moments(x.mean(), x.su(), Math.max(second - x.mean() * x.mean() - x.su(), 0), x.sp());
    }

    /** Per-weight variance and mean of a layer's weights, with the framework's fans. */
    private double[] weightMoments(Node n, WeightInit w, Fans f) {
        if (w == null) {
            w = WeightInit.fanScaled("XAVIER", 1, WeightInit.Fan.AVG, WeightInit.Shape.NORMAL);
        }
        double v = switch (w.family()) {
            case ORTHOGONAL -> w.gain() * w.gain() / Math.max(f.initIn(), f.initOut());
            case UNKNOWN -> {
                assumptions.add("layer '" + n.name() + "': initialiser '" + w.name()
                        + "' is unknown; assumed variance 1/fanIn");
                yield 1 / f.initIn();
            }
            default -> w.variance(f.initIn(), f.initOut(), f.legacyShape());
        };
        return new double[] {v, w.mean()};
    }

    private TensorShape inShape(Node n) {
        return n.inputs().isEmpty() ? TensorShape.UNKNOWN : g.shape(n.inputs().get(0));
    }

    /** nIn as the file or the inferred shape gives it. */
    private long widthIn(Node n) {
        if (n.nIn() > 0) {
            return n.nIn();
        }
        TensorShape in = n.inputs().isEmpty() ? TensorShape.UNKNOWN : g.shape(n.inputs().get(0));
        long w = in.kind() == TensorShape.Kind.CNN && (n.kind() == LayerKind.DENSE || n.kind() == LayerKind.OUTPUT)
                && !Fans.keras(g.format()) ? in.volume() : in.size();
        if (w <= 0) {
            assumptions.add("layer '" + n.name() + "': input width unknown; assumed equal to its output width");
            return Math.max(n.nOut(), 1);
        }
        return w;
    }

    private double positions(Node n) {
        TensorShape out = g.shape(n.name());
        double p;
        switch (n.kind()) {
            case CONV, DECONV, DEPTHWISE_CONV, SEPARABLE_CONV, LOCALLY_CONNECTED -> p = out.positions();
            default -> {
                TensorShape in = n.inputs().isEmpty() ? TensorShape.UNKNOWN : g.shape(n.inputs().get(0));
                if (in.kind() == TensorShape.Kind.RNN) {
                    p = in.time();
                } else if (in.kind() == TensorShape.Kind.CNN && out.kind() == TensorShape.Kind.CNN) {
                    p = out.positions();
                } else {
                    p = 1;
                }
            }
        }
        if (!(p > 0)) {
            boolean rnn = out.kind() == TensorShape.Kind.RNN;
            p = rnn ? opts.assumedTimeSteps() : Math.pow(opts.assumedSpatial(), Math.max(n.dims(), 1));
            assumptions.add(rnn ? "sequence length not given: assumed " + opts.assumedTimeSteps() + " steps"
                    : "spatial size at layer '" + n.name() + "' unknown: assumed " + opts.assumedSpatial()
                    + " per dimension");
        }
        return p;
    }

    private void weighted(Node n, State s, Moments x) {
        long nIn = widthIn(n);
        Fans f = Fans.of(n, nIn, g.format());
        if (n.kind().convolutional() && n.kind() != LayerKind.DECONV) {
            f = f.withBorder(Fans.borderFactor(n, inShape(n)));
        }
        s.fans = f;
        s.fanIn = f.initIn();
        double[] vm = weightMoments(n, n.weightInit(), f);
        s.v = vm[0];
        s.m = vm[1];
        s.positions = positions(n);
        s.identityInit = n.weightInit() != null && n.weightInit().family() == WeightInit.Family.IDENTITY;
        Moments raw;
        if (s.identityInit) {
            double g2 = n.weightInit().gain() * n.weightInit().gain();
            raw = x.scale(Math.sqrt(g2));
            s.v = g2 / f.connIn();
        } else {
            double[] pattern = patternShare(n);
            raw = linear(x, s.v, s.m, f.connIn(), pattern[0]);
            // every channel's pattern has the same shape, set by the map's borders: what a
            // channel makes of its inputs' patterns is, like the fresh one, a Gaussian quadratic
            // form over the kernel taps, with the same relative variance
            double fresh = pattern[0] * x.channelOffsets();
            double inherited = x.sp();
            double rvIn = pattern[1];
            if (fresh + inherited > 0) {
                s.patternRelVar = (fresh * fresh * pattern[1] + inherited * inherited * rvIn)
                        / ((fresh + inherited) * (fresh + inherited));
            }
        }
        if (g.shape(n.name()).kind() == TensorShape.Kind.FF) {
            raw = new Moments(raw.mean(), raw.su(), raw.sx());
        }
        Moments pre = new Moments(raw.mean() + (n.hasBias() ? n.biasInit() : 0), raw.su(), raw.sx(), raw.sp());
        if (n.layerNorm()) {
            double q = Math.max(raw.q(), 1e-5);
            s.normFactor = 1 / q;
            pre = new Moments(n.hasBias() ? n.biasInit() : 0, raw.su() / q, raw.sx() / q, raw.sp() / q);
        }
        finishActivation(n, s, pre);
    }

    private void finishActivation(Node n, State s, Moments pre) {
        s.pre = pre;
        Activation a = n.activation() == null ? Activation.IDENTITY : n.activation();
        if (n.kind() == LayerKind.OUTPUT) {
            s.out = a.kind() == Activation.Kind.SOFTMAX ? new Moments(1.0 / Math.max(n.nOut(), 1), 0, 0)
                    : math.apply(a, pre);
            return;
        }
        s.slope2 = math.slopeSquare(a, pre);
        s.slope4 = math.slopeFourth(a, pre);
        s.slopeUnit = math.slopeUnitMeanSquare(a, pre);
        s.out = math.apply(a, pre);
    }

    /**
     * h = W x + b for independent weights of variance v and mean m, {@code conn} terms per sum.
     * On a feature map, {@code pattern} is the share of the input's channel offsets that zero
     * padding turns into a positional pattern; the input's own pattern passes on as one.
     */
    private static Moments linear(Moments x, double v, double m, double conn, double pattern) {
        double mean = m * conn * x.mean();
        double su = v * conn * (x.mean() * x.mean() + x.su()) + m * m * conn * x.su();
        double sx = (v + m * m) * conn * x.sx();
        double sp = v * conn * (pattern * x.channelOffsets() + x.sp());
        return new Moments(mean, su, sx, pattern > 0 || x.sp() > 0 ? sp : 0);
    }

    /**
     * The share of a convolution's valid connections whose presence varies with the output
     * position (sum_k f_k (1 - f_k) / sum_k f_k over kernel taps k valid at a fraction f_k of the
     * positions) and the relative variance across channels of the pattern it makes; zeros when
     * the output is not a feature map.
     */
    private double[] patternShare(Node n) {
        if (!(n.kind().convolutional() && n.kind() != LayerKind.DECONV)
                || g.shape(n.name()).kind() == TensorShape.Kind.FF) {
            return new double[] {0, 0};
        }
        return Fans.borderPattern(n, inShape(n));
    }

    private void separable(Node n, State s, Moments x) {
        long nIn = widthIn(n);
        Fans dw = Fans.of(n, nIn, g.format()).withBorder(Fans.borderFactor(n, inShape(n)));
        double[] vm1 = weightMoments(n, n.weightInit(), dw);
        s.fans1 = dw;
        s.v1 = vm1[0];
        s.m1 = vm1[1];
        s.mid = linear(x, s.v1, s.m1, dw.connIn(), patternShare(n)[0]);
        Fans pw = Fans.pointwise(n, nIn);
        double[] vm2 = weightMoments(n, n.weightInit(), pw);
        s.fans = pw;
        s.fanIn = dw.initIn();
        s.v = vm2[0];
        s.m = vm2[1];
        s.positions = positions(n);
        Moments raw = linear(s.mid, s.v, s.m, pw.connIn(), 0);
        finishActivation(n, s, new Moments(raw.mean() + (n.hasBias() ? n.biasInit() : 0), raw.su(), raw.sx(),
                raw.sp()));
    }

    private void embedding(Node n, State s) {
        Fans f = Fans.of(n, Math.max(n.nIn(), 1), g.format());
        s.fans = f;
        s.fanIn = f.initIn();
        double[] vm = weightMoments(n, n.weightInit(), f);
        s.v = vm[0];
        s.m = vm[1];
        // a lookup: each output value is one weight, varying with the input index
        Moments pre = new Moments(s.m + (n.hasBias() ? n.biasInit() : 0), 0, s.v);
        finishActivation(n, s, pre);
    }

    private Moments pooling(Node n, State s, Moments x) {
        double k = n.kernelArea();
        Node.Pooling type = n.pooling() == null ? Node.Pooling.MAX : n.pooling();
        s.positions = k;
        return switch (type) {
            case AVG -> new Moments(x.mean(), x.su(), x.sx() / k, x.sp());
            case SUM -> new Moments(x.mean() * k, x.su() * k * k, x.sx() * k, x.sp() * k * k);
            case MAX -> {
                Moments through = maxBeforeActivation(n, s, k);
                yield through != null ? through : maxOf(x, k);
            }
            case PNORM -> maxOf(x, k);
        };
    }

    /**
     * Max pooling right after a non-decreasing activation: max(phi(z_i)) = phi(max z_i), and the
     * pre-activations are Gaussian where the activation's outputs are not (a ReLU's are half zeros),
     * so the maximum is taken before the activation. Treating the post-ReLU values as Gaussian
     * under-states each pool's gain by about 0.04 decades, 0.2 over VGG's five pools. Null where
     * the input is not a single layer applying such an activation.
     */
    private Moments maxBeforeActivation(Node n, State s, double k) {
        if (s.keep < 1 || n.inputs().size() != 1) {
            return null;
        }
        Node src = g.node(n.inputs().get(0));
        State in = st.get(n.inputs().get(0));
        if (src == null || in == null || in.pre == null || in.exact || !in.pre.finite()) {
            return null;
        }
        switch (src.kind()) {
            case CONV, DENSE, DECONV, DEPTHWISE_CONV, SEPARABLE_CONV, ACTIVATION -> { }
            default -> {
                return null;
            }
        }
        Activation a = src.activation() == null ? Activation.IDENTITY : src.activation();
        if (!a.nonDecreasing()) {
            return null;
        }
        Moments maxed = maxOf(in.pre, k);
        if (g.consumers(src.name()).size() == 1) {
            // the gradient comes back only to each window's maximum, where the activation's slope
            // is that of the maximum (a ReLU's is 1 whenever any of the k is positive), not the average
            in.slope2 = math.slopeSquare(a, maxed);
            in.slope4 = math.slopeFourth(a, maxed);
            in.slopeUnit = math.slopeUnitMeanSquare(a, maxed);
        }
        return math.apply(a, maxed);
    }

    private Moments globalPooling(Node n, State s, Moments x) {
        TensorShape in = n.inputs().isEmpty() ? TensorShape.UNKNOWN : g.shape(n.inputs().get(0));
        double p = in.positions();
        if (!(p > 0)) {
            p = in.kind() == TensorShape.Kind.RNN ? opts.assumedTimeSteps() : opts.assumedSpatial() * opts.assumedSpatial();
            assumptions.add("positions before global pooling '" + n.name() + "' unknown: assumed " + (long) p);
        }
        s.positions = p;
        Node.Pooling type = n.pooling() == null ? Node.Pooling.MAX : n.pooling();
        // a positional pattern has no mean over positions: pooling all of them removes it
        Moments c = new Moments(x.mean(), x.su() - x.sp(), x.sx());
        return switch (type) {
            case AVG -> new Moments(x.mean(), c.su(), x.sx() / p);
            case SUM -> new Moments(x.mean() * p, c.su() * p * p, x.sx() * p);
            case MAX, PNORM -> maxOf(new Moments(x.mean(), c.su(), x.sx() + x.sp()), p);
        };
    }

    /** Max of k values sharing a unit's offset: the input-driven part is a Gaussian maximum. */
    private static Moments maxOf(Moments x, double k) {
        double[] e = maxNormal(k);
        double sd = Math.sqrt(x.sx());
        return new Moments(x.mean() + sd * e[0], x.su(), x.sx() * e[1], x.sp());
    }

    private static final Map<Long, double[]> MAX_CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** Mean and variance of the maximum of k independent standard normals. */
    static double[] maxNormal(double kd) {
        long k = Math.max(1, Math.round(kd));
        return MAX_CACHE.computeIfAbsent(k, kk -> {
            if (kk == 1) {
                return new double[] {0, 1};
            }
            double[] br = {-4, -2, 0, 2, 4, 6};
            double m1 = Gaussian.expect(z -> kk * z * Math.pow(Gaussian.cdf(z), kk - 1), 0, 1, br);
            double m2 = Gaussian.expect(z -> kk * z * z * Math.pow(Gaussian.cdf(z), kk - 1), 0, 1, br);
            return new double[] {m1, Math.max(m2 - m1 * m1, 1e-6)};
        });
    }

    private Moments elementwise(Node n) {
        Node.Merge op = n.merge() == null ? Node.Merge.ADD : n.merge();
        List<Moments> xs = new ArrayList<>();
        for (int i = 0; i < n.inputs().size(); i++) {
            xs.add(inputOf(n, i));
        }
        if (xs.isEmpty()) {
            return opts.input();
        }
        Moments acc = xs.get(0);
        for (int i = 1; i < xs.size(); i++) {
            Moments b = xs.get(i);
            acc = switch (op) {
                case ADD, AVERAGE -> acc.plus(b);
                case SUBTRACT -> new Moments(acc.mean() - b.mean(), acc.su() + b.su(), acc.sx() + b.sx(),
                        acc.sp() + b.sp());
                case PRODUCT -> {
                    double mean = acc.mean() * b.mean();
                    double second = acc.second() * b.second();
                    double su = (acc.mean() * acc.mean() + acc.su()) * (b.mean() * b.mean() + b.su()) - mean * mean;
                    yield new Moments(mean, Math.max(su, 0), Math.max(second - mean * mean - su, 0));
                }
                case MAX -> acc.second() >= b.second() ? acc : b;
            };
        }
        if (op == Node.Merge.AVERAGE) {
            acc = acc.scale(1.0 / xs.size());
        }
        return acc;
    }

    private Moments concat(Node n) {
        double total = 0;
        double mean = 0;
        double second = 0;
        double unit = 0;
        double within = 0;
        double pattern = 0;
        for (int i = 0; i < n.inputs().size(); i++) {
            Moments x = inputOf(n, i);
            double w = Math.max(g.shape(n.inputs().get(i)).size(), 1);
            total += w;
            mean += w * x.mean();
            second += w * x.second();
            unit += w * (x.su() + x.mean() * x.mean());
            within += w * x.sx();
            pattern += w * x.sp();
        }
        if (total == 0) {
            return opts.input();
        }
        mean /= total;
        return new Moments(mean, Math.max(unit / total - mean * mean, 0), within / total, pattern / total);
    }

    // ---------------------------------------------------------------- recurrent

    private int steps(Node n) {
        TensorShape in = n.inputs().isEmpty() ? TensorShape.UNKNOWN : g.shape(n.inputs().get(0));
        long t = in.kind() == TensorShape.Kind.RNN && in.time() > 0 ? in.time() : n.timeSteps();
        if (t <= 0) {
            assumptions.add("sequence length not given: assumed " + opts.assumedTimeSteps() + " steps");
            t = opts.assumedTimeSteps();
        }
        return (int) Math.min(t, 10_000);
    }

    /** Runs a recurrent layer ({@code core} holds its weights) through its time steps. */
    private Moments recurrent(Node outer, Node core, State s, Moments x) {
        Recurrent r = new Recurrent();
        s.rnn = r;
        long nIn = core.nIn() > 0 ? core.nIn() : widthIn(outer);
        r.steps = steps(outer);
        r.fans = Fans.of(core, nIn, g.format());
        r.rfans = Fans.recurrent(core, nIn, g.format());
        double[] w = weightMoments(core, core.weightInit(), r.fans);
        double[] rw = weightMoments(core, core.recurrentInit() != null ? core.recurrentInit() : core.weightInit(), r.rfans);
        r.vW = w[0];
        r.mW = w[1];
        r.vR = rw[0];
        r.mR = rw[1];
        s.fans = r.fans;
        s.fanIn = r.fans.initIn();
        s.v = r.vW;
        s.m = r.mW;
        s.positions = r.steps;
        Activation act = core.activation() == null ? Activation.TANH : core.activation();
        Activation gateAct = core.gateActivation() == null ? Activation.SIGMOID : core.gateActivation();
        int t = r.steps;
        double units = Math.max(core.nOut(), 1);
        double b = core.hasBias() ? core.biasInit() : 0;
        r.slope2 = new double[t];
        Moments h = new Moments(0, 0, 0);
        double sumMean = 0;
        double sumSecond = 0;
        double sumUnit = 0;
        double sumWithin = 0;
        boolean lstm = core.kind() != LayerKind.SIMPLE_RNN;
        if (lstm) {
            r.gate = new double[4][t];
            r.cellSecond = new double[t];
            r.cellSlope2 = new double[t];
            r.cellOut2 = new double[t];
            r.fSecond = new double[t];
            r.oSecond = new double[t];
            r.iSecond = new double[t];
            r.gSecond = new double[t];
        }
        Moments c = new Moments(0, 0, 0);
        for (int i = 0; i < t; i++) {
            Moments fromX = linear(x, r.vW, r.mW, r.fans.connIn(), 0);
            Moments fromH = linear(h, r.vR, r.mR, r.rfans.connIn(), 0);
            Moments pre = fromX.plus(fromH);
            if (!lstm) {
                pre = new Moments(pre.mean() + b, pre.su(), pre.sx());
                r.slope2[i] = math.slopeSquare(act, pre);
                h = math.apply(act, pre);
            } else {
                Moments pi = new Moments(pre.mean() + b, pre.su(), pre.sx());
                Moments pf = new Moments(pre.mean() + core.forgetGateBias(), pre.su(), pre.sx());
                Moments gi = math.apply(gateAct, pi);
                Moments gf = math.apply(gateAct, pf);
                Moments go = gi;
                Moments gg = math.apply(act, pi);
                boolean gru = core.kind() == LayerKind.GRU;
                double fMean = gru ? 1 - gi.mean() : gf.mean();
                double fSecond = gru ? 1 - 2 * gi.mean() + gi.second() : gf.second();
                double cMean = fMean * c.mean() + gi.mean() * gg.mean();
                double cSecond = fSecond * c.second() + gi.second() * gg.second()
                        + 2 * fMean * c.mean() * gi.mean() * gg.mean();
                r.fSecond[i] = fSecond;
                r.iSecond[i] = gi.second();
                r.gSecond[i] = gg.second();
                r.oSecond[i] = gru ? 1 : go.second();
                r.gate[0][i] = math.slopeSquare(gateAct, pi);
                r.gate[1][i] = math.slopeSquare(gateAct, pf);
                r.gate[2][i] = gru ? 0 : math.slopeSquare(gateAct, pi);
                r.gate[3][i] = math.slopeSquare(act, pi);
                r.cellSecond[i] = c.second();
                c = new Moments(cMean, 0, Math.max(cSecond - cMean * cMean, 0));
                if (gru) {
                    r.cellSlope2[i] = 1;
                    r.cellOut2[i] = c.second();
                    h = c;
                } else {
                    Moments tc = math.apply(act, c);
                    r.cellSlope2[i] = math.slopeSquare(act, c);
                    r.cellOut2[i] = tc.second();
                    h = new Moments(go.mean() * tc.mean(), 0,
                            Math.max(go.second() * tc.second() - go.mean() * tc.mean() * go.mean() * tc.mean(), 0));
                }
                r.slope2[i] = r.gate[3][i];
            }
            sumMean += h.mean();
            sumSecond += h.second();
            sumUnit += h.su() + h.mean() * h.mean();
            sumWithin += h.sx();
        }
        s.pre = x;
        if (!outer.returnSequences()) {
            return h;
        }
        double mean = sumMean / t;
        return new Moments(mean, Math.max(sumUnit / t - mean * mean, 0), sumWithin / t);
    }

    private void bidirectional(Node n, State s, Moments x) {
        Node core = n.wrapped();
        Moments one = recurrent(n, core, s, x);
        String mode = n.bidirectionalMode() == null ? "CONCAT" : n.bidirectionalMode();
        s.out = switch (mode) {
            case "ADD" -> one.plus(one);
            case "MUL" -> new Moments(one.mean() * one.mean(), 0, Math.max(one.second() * one.second()
                    - Math.pow(one.mean(), 4), 0));
            default -> one;
        };
    }

    // ================================================================ backward

    private void backward(Node n) {
        State s = st.get(n.name());
        // taint: this node's gradient passes through every opaque consumer downstream
        Set<String> t = new LinkedHashSet<>();
        for (String u : g.consumers(n.name())) {
            t.addAll(bwdTaint.getOrDefault(u, Set.of()));
            Node un = g.node(u);
            if (un.kind() == LayerKind.OPAQUE || unknownActivation(un)) {
                t.add(u);
            }
        }
        bwdTaint.put(n.name(), t);
        boolean sink = g.consumers(n.name()).isEmpty();
        if (sink && n.kind() != LayerKind.INPUT) {
            s.out2 = Grad.flat(1, 0);
        }
        Grad out = s.out2;
        s.gOut = out.g();
        Grad in;
        switch (n.kind()) {
            case INPUT -> {
                return;
            }
            case OUTPUT -> {
                double gu = outputMeanFraction(n, s.pre, s.out);
                Grad pre = Grad.flat(1, gu);
                s.gPre = 1;
                s.wg = weightGradient(s, s.in, pre);
                in = throughWeights(n, s, pre);
            }
            case LOSS -> {
                double gu = outputMeanFraction(n, s.in, s.out);
                in = Grad.flat(1, gu);
            }
            case DENSE, CONV, DECONV, DEPTHWISE_CONV, LOCALLY_CONNECTED, ATTENTION, EMBEDDING -> {
                Grad pre = conditional(n, s, out.scale(s.slope2, s.slopeUnit));
                s.gPre = pre.g();
                Grad raw = pre.scale(s.normFactor);
                s.wg = weightGradient(s, s.in, raw);
                in = n.kind() == LayerKind.EMBEDDING ? Grad.ZERO : throughWeights(n, s, raw);
            }
            case SEPARABLE_CONV -> {
                Grad pre = out.scale(s.slope2, s.slopeUnit);
                s.gPre = pre.g();
                s.wg = weightGradient(s, s.mid, pre);
                in = pre.scale((s.v + s.m * s.m) * s.fans.connOut()).scale((s.v1 + s.m1 * s.m1) * s.fans1.connOut());
            }
            case SIMPLE_RNN, LSTM, GRU -> in = new Grad(recurrentBackward(n, n, s, out.g()), 0, 0, 0);
            case BIDIRECTIONAL -> {
                String mode = n.bidirectionalMode() == null ? "CONCAT" : n.bidirectionalMode();
                double g1 = "MUL".equals(mode) ? out.g() * s.out.second() : out.g();
                in = new Grad(2 * recurrentBackward(n, n.wrapped(), s, g1), 0, 0, 0);
            }
            case ACTIVATION -> {
                in = conditional(n, s, out.scale(s.slope2, s.slopeUnit));
                s.gPre = in.g();
            }
            case BATCH_NORM -> in = centred(n, out).scale(s.normFactor);
            case LAYER_NORM -> in = out.scale(s.normFactor);
            case DROPOUT -> in = out.scale(1 / s.keep, 1);
            case POOLING -> {
                double k = n.kernelArea();
                double st2 = n.strideArea() * (double) n.strideArea();
                Node.Pooling type = n.pooling() == null ? Node.Pooling.MAX : n.pooling();
                in = switch (type) {
                    case AVG -> out.scale(1 / (k * n.strideArea()), 1 / st2);
                    case SUM -> out.scale(k / n.strideArea(), k * k / st2);
                    case MAX, PNORM -> out.scale(1 / (double) n.strideArea(), 1 / st2);
                };
            }
            case GLOBAL_POOLING -> {
                double p = s.positions;
                Node.Pooling type = n.pooling() == null ? Node.Pooling.MAX : n.pooling();
                // every position gets the pooled gradient: it is coherent across positions
                in = switch (type) {
                    case AVG -> new Grad(out.g() / (p * p), out.g() / (p * p), out.gm() / (p * p), out.gm() / (p * p));
                    case SUM -> new Grad(out.g(), out.g(), out.gm(), out.gm());
                    case MAX, PNORM -> new Grad(out.g() / p, 0, out.gm() / (p * p), out.gm() / (p * p));
                };
            }
            case SCALE -> in = out.scale(n.gamma() * n.gamma());
            case SHAPE -> in = throughShape(n, out);
            default -> in = out;
        }
        if (s.keep < 1 && n.kind() != LayerKind.DROPOUT) {
            in = in.scale(1 / s.keep, 1);
        }
        slopeSpread += slopeSpread(n, s);
        if (opts.finiteWidth()) {
            in = in.scale(typicalGainCorrection(n, s));
        }
        s.gain = out.g() > 0 && in.g() > 0 ? 0.5 * Math.log10(in.g() / out.g()) : 0;
        if (s.orbit != null && s.out2z != null) {
            if (n.kind() == LayerKind.BATCH_NORM || n.kind() == LayerKind.ELEMENTWISE) {
                s.inz = Orbit.times(s.out2z, out.g() > 0 ? in.g() / out.g() : 0);
            } else if (n.kind() == LayerKind.DENSE && s.identityInit && s.inz != null) {
                s.inz = Orbit.times(s.inz, n.weightInit().gain() * n.weightInit().gain());
            } else if (n.kind() != LayerKind.ACTIVATION) {
                s.inz = null;
            }
        }
        distribute(n, s, in);
    }

    /**
     * Batch norm subtracts from the gradient its mean over the batch and the positions of each
     * channel: every covariance, the variance included, loses the covariance of one value with
     * that mean, and the sum over the batch and the positions becomes exactly zero. That zero is
     * what the weight gradient of the layer before sees: its input's offsets meet no gradient.
     */
    private Grad centred(Node bn, Grad out) {
        double p = bn.inputs().isEmpty() ? 1 : Math.max(g.shape(bn.inputs().get(0)).positions(), 1);
        double b = Math.max(opts.batch(), 1);
        double gs = p > 1 ? out.gs() : out.g();
        double gc = p > 1 ? out.gc() : out.gm();
        double withMean = (out.g() + (p - 1) * gs + (b - 1) * out.gm() + (b - 1) * (p - 1) * gc) / (b * p);
        double c = Math.max(withMean, 0);
        return new Grad(Math.max(out.g() - c, 0), gs - c, out.gm() - c, gc - c);
    }

    /**
     * Per-element second moment of a weight gradient averaged over a batch of B examples: within
     * an example the P positions add incoherently except for the coherent part of the gradient
     * (which meets the input's per-unit offsets), across examples only the per-unit mean part
     * survives the averaging.
     */
    private double weightGradient(State s, Moments a, Grad raw) {
        double p = s.positions;
        double b = Math.max(opts.batch(), 1);
        // a positional pattern is shared across examples but not across positions
        double offsets = a.channelOffsets();
        double perExample = p * a.second() * raw.g() + p * (p - 1) * offsets * raw.gs();
        double acrossExamples = offsets * (p * raw.gm() + p * (p - 1) * raw.gc()) + a.sp() * p * raw.gm();
        // covariances may be negative (after batch norm) but never below the input-driven part
        return Math.max(perExample / b + (1 - 1 / b) * acrossExamples, p * a.sx() * raw.g() / b);
    }

    /** The gradient a weighted layer passes to its input (W transposed, summed over fan-out). */
    private Grad throughWeights(Node n, State s, Grad raw) {
        if (s.identityInit) {
            return raw.scale(s.v * s.fans.connIn());
        }
        Grad in = raw.scale((s.v + s.m * s.m) * s.fans.connOut());
        TensorShape inShape = n.inputs().isEmpty() ? TensorShape.UNKNOWN : g.shape(n.inputs().get(0));
        if ((n.kind() == LayerKind.DENSE || n.kind() == LayerKind.OUTPUT) && inShape.kind() == TensorShape.Kind.CNN
                && !Fans.keras(g.format())) {
            // a dense layer over a flattened map has a weight per position: its gradient is
            // independent from position to position
            return in.uncoupled();
        }
        return inShape.kind() == TensorShape.Kind.FF ? Grad.flat(in.g(), in.gm()) : in;
    }

    /** A flatten turns per-position units into features: their coherent parts average out. */
    private Grad throughShape(Node n, Grad out) {
        String type = n.type().toLowerCase(java.util.Locale.ROOT);
        TensorShape inShape = n.inputs().isEmpty() ? TensorShape.UNKNOWN : g.shape(n.inputs().get(0));
        TensorShape outShape = g.shape(n.name());
        double copies = type.contains("upsampling") ? Math.max(n.kernelArea(), 1)
                : type.contains("repeatvector") && n.timeSteps() > 0 ? n.timeSteps() : 1;
        if (copies > 1) {
            // each input value is copied to other positions: its gradient sums theirs
            double u = copies;
            return new Grad(u * out.g() + u * (u - 1) * out.gs(), u * u * out.gs(),
                    u * out.gm() + u * (u - 1) * out.gc(), u * u * out.gc());
        }
        if (inShape.kind() == TensorShape.Kind.CNN && outShape.kind() == TensorShape.Kind.FF) {
            return out.uncoupled();
        }
        return out;
    }

    /**
     * The share of the loss gradient that is the same for every example: the per-unit offsets
     * of the outputs. Softmax with one-hot labels: su(logits) / classes; sigmoid with 0/1 labels:
     * su(logits) / 4; a regression loss against standard-normal targets: the offsets' share.
     */
    private static double outputMeanFraction(Node n, Moments logits, Moments out) {
        if (logits == null) {
            return 0;
        }
        Activation a = n.activation() == null ? Activation.IDENTITY : n.activation();
        double f = switch (a.kind()) {
            case SOFTMAX -> logits.su() / Math.max(n.nOut(), 2);
            case SIGMOID, HARDSIGMOID -> logits.su() / 4;
            default -> out == null ? 0 : (out.mean() * out.mean() + out.su()) / (out.second() + 1);
        };
        return Math.min(Math.max(f, 0), 0.5);
    }


    /**
     * Through an activation on an element-wise chain: the gradient's second moment conditional on
     * the chain's start times phi'^2 there, so that a unit whose slopes stay large along its own
     * path keeps its gradient (the pre-activation gradient is left in {@code s.inz}). Used when
     * the arriving gradient depends on the start, else the mean-field product is the same.
     */
    private Grad conditional(Node n, State s, Grad pre) {
        if (s.preOrbit == null || s.out2z == null) {
            return pre;
        }
        Activation a = n.activation() == null ? Activation.IDENTITY : n.activation();
        s.inz = Orbit.times(s.out2z, s.preOrbit.slopeSquares(a));
        if (!s.out2zConditional || !(pre.g() > 0)) {
            return pre;
        }
        double exact = Orbit.expect(s.inz);
        return pre.scale(exact / pre.g());
    }

    /** Sends the gradient to the node's inputs; merges split or scale it per input. */
    private void distribute(Node n, State s, Grad in) {
        List<String> ins = n.inputs();
        Grad out = s.out2;
        for (int i = 0; i < ins.size(); i++) {
            Grad gi = in;
            if (n.kind() == LayerKind.ELEMENTWISE) {
                Node.Merge op = n.merge() == null ? Node.Merge.ADD : n.merge();
                gi = switch (op) {
                    case AVERAGE -> out.scale(1 / (ins.size() * (double) ins.size()));
                    case PRODUCT -> {
                        double other = 1;
                        for (int j = 0; j < ins.size(); j++) {
                            if (j != i) {
                                other *= inputOf(n, j).second();
                            }
                        }
                        yield out.scale(other);
                    }
                    case MAX -> out.scale(1.0 / ins.size());
                    default -> out;
                };
            }
            State target = st.get(ins.get(i));
            target.out2 = target.out2.plus(gi);
            if (target.orbit != null) {
                // conditional on the target's chain start when this node carries it on
                boolean carried = s.inz != null && s.orbit != null
                        && s.orbit.root().equals(target.orbit.root());
                double[] zi = carried ? (n.kind() == LayerKind.ELEMENTWISE && in.g() > 0
                        ? Orbit.times(s.inz, gi.g() / in.g()) : s.inz) : Orbit.constant(gi.g());
                target.out2z = target.out2z == null ? zi : plus(target.out2z, zi);
                target.out2zConditional |= carried && (s.exact || s.out2zConditional);
            }
        }
    }

    private static double[] plus(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    private double recurrentBackward(Node outer, Node core, State s, double gOut) {
        Recurrent r = s.rnn;
        int t = r.steps;
        double units = Math.max(core.nOut(), 1);
        double rec = (r.vR + r.mR * r.mR) * r.rfans.connOut();
        r.gPre = new double[t];
        double gInSum = 0;
        double wgSum = 0;
        if (core.kind() == LayerKind.SIMPLE_RNN) {
            double gNext = 0;
            for (int i = t - 1; i >= 0; i--) {
                double inject = outer.returnSequences() || i == t - 1 ? gOut : 0;
                double ga = inject + rec * gNext;
                double gp = r.slope2[i] * ga;
                r.gPre[i] = gp;
                gNext = gp;
                wgSum += gp;
                gInSum += gp * (r.vW + r.mW * r.mW) * r.fans.connOut();
            }
        } else {
            double gateSumNext = 0;
            double gcNext = 0;
            double fNext = 0;
            for (int i = t - 1; i >= 0; i--) {
                double inject = outer.returnSequences() || i == t - 1 ? gOut : 0;
                double gh = inject + (r.vR + r.mR * r.mR) * units * gateSumNext;
                double gc = gh * r.oSecond[i] * r.cellSlope2[i] + gcNext * fNext;
                double go = gh * r.cellOut2[i] * r.gate[2][i];
                double gi = gc * r.gSecond[i] * r.gate[0][i];
                double gf = gc * r.cellSecond[i] * r.gate[1][i];
                double gg = gc * r.iSecond[i] * r.gate[3][i];
                double sum = gi + gf + go + gg;
                r.gPre[i] = sum / 4;
                gateSumNext = sum;
                gcNext = gc;
                fNext = r.fSecond[i];
                wgSum += sum / 4;
                gInSum += (r.vW + r.mW * r.mW) * units * sum;
            }
        }
        double avgPre = wgSum / t;
        s.gPre = avgPre;
        s.wg = s.in.second() * wgSum;
        return gInSum / t;
    }

    /**
     * Where {@link #slopeSpread} passes this many nats (0.2 decades, about the measurement's own
     * noise between seeds), a narrow dense network is simulated.
     */
    static final double SIMULATE_ABOVE = 0.5;

    /**
     * How far a finite network's typical gain may stray from the mean-field one because the
     * activation's slopes differ between units: per layer, 3 Var[phi'^2] / (2 N E[phi'^2]^2) of
     * the squared-gradient factor's log (THEORY section 6), beyond what Gaussian weights alone
     * give. A few tenths for ReLU at width 64 and depth 32; several for thresholded ReLU or cube,
     * where a handful of units carry the gradient.
     */
    private double slopeSpread(Node n, State s) {
        if (!(n.kind() == LayerKind.DENSE || n.kind() == LayerKind.ACTIVATION)
                || g.shape(n.name()).kind() != TensorShape.Kind.FF || !(s.slope2 > 0)) {
            return 0;
        }
        double units = Math.max(g.shape(n.name()).size(), 1);
        double spread = 3 * (s.slope4 / (s.slope2 * s.slope2) - 1) / (2 * units);
        return Double.isFinite(spread) ? Math.max(spread, 0) : 0;
    }

    /**
     * Mean field predicts the mean gain; a finite network shows the typical (log-average) one
     * (THEORY section 6). Per layer the squared-gradient factor sums N terms phi'(h)^2 z^2, so
     * E[log] sits below log E by Var/(2 N mean^2) of one term: apply that as a factor.
     */
    private double typicalGainCorrection(Node n, State s) {
        if (!(n.kind() == LayerKind.DENSE || n.kind() == LayerKind.CONV || n.kind() == LayerKind.ACTIVATION)) {
            return 1;
        }
        if (n.weightInit() != null && (n.weightInit().family() == WeightInit.Family.ORTHOGONAL
                || n.weightInit().family() == WeightInit.Family.IDENTITY)) {
            return 1;
        }
        double units = n.kind() == LayerKind.ACTIVATION ? Double.NaN : Math.max(n.nOut(), 1);
        if (n.kind() == LayerKind.CONV) {
            // the slope masks that make the gain fluctuate are drawn afresh at every position:
            // a feature map averages them over channels times positions, not channels alone
            units *= Math.max(s.positions, 1);
        }
        if (Double.isNaN(units) || s.slope2 <= 0) {
            return 1;
        }
        double rel = 3 * s.slope4 / (s.slope2 * s.slope2) - 1;
        double corr = Math.exp(-rel / (2 * units));
        return Math.max(corr, 1e-3);
    }

    /** Nodes reachable from {@code from} following consumers (for rules). */
    public static Set<String> descendants(ModelGraph g, String from) {
        Set<String> seen = new HashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(g.consumers(from));
        while (!todo.isEmpty()) {
            String s = todo.poll();
            if (seen.add(s)) {
                todo.addAll(g.consumers(s));
            }
        }
        return seen;
    }
}
