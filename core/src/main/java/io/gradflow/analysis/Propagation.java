package io.gradflow.analysis;

import io.gradflow.kinds.ActivationMoments;
import io.gradflow.kinds.Back;
import io.gradflow.kinds.Backward;
import io.gradflow.kinds.Forward;
import io.gradflow.kinds.Grad;
import io.gradflow.kinds.Kind;
import io.gradflow.kinds.Kinds;
import io.gradflow.kinds.LayerState;
import io.gradflow.kinds.MeanField;
import io.gradflow.kinds.Slopes;
import io.gradflow.math.Gaussian;
import io.gradflow.math.Moments;
import io.gradflow.model.Interrupts;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.Precision;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import io.gradflow.model.activation.Activations;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The mean-field passes over one model: forward in topological order, each node's kind computing
 * its state from its inputs', then backward, each kind sending the gradient to its inputs. What
 * applies to every kind is here: the dropout a layer applies to its input, numbers that leave the
 * floating-point range, what opaque layers make uncertain, the finite-width correction of the gain,
 * and the exact element-wise chains. The kinds see this class as their {@link Forward} and
 * {@link Backward} context.
 */
final class Propagation implements Forward, Backward {

    private final ModelGraph g;
    private final SignalPropagation.Options opts;
    private final ActivationMoments math = new ActivationMoments();
    /** What the kinds make once for this analysis ({@link Forward#once}). */
    private final Map<String, Object> once = new HashMap<>();
    private final Map<String, LayerState> states = new HashMap<>();
    private final Map<String, Double> keeps = new HashMap<>();
    private final Map<String, Grad> arriving = new HashMap<>();
    private Map<String, double[]> results = new HashMap<>();
    private final Map<String, Taint> fwdTaint = new HashMap<>();
    private final Map<String, Taint> bwdTaint = new HashMap<>();
    private final Set<String> assumptions = new LinkedHashSet<>();
    private final ExactChains chains;
    private final Map<String, Range> ranges = new HashMap<>();
    /**
     * The gradient arriving at a sequence's steps, summed over the consumers (second moments per
     * step, at the pass's common scale), and the part every step gets alike (a consumer that does
     * not tell steps apart): see {@link #stepShape}.
     */
    private final Map<String, double[]> stepSums = new HashMap<>();
    private final Map<String, Double> stepFlat = new HashMap<>();
    /** Samples of a sequence's gradient by steps, where its one consumer gave them. */
    private final Map<String, double[][]> stepPaths = new HashMap<>();
    /** What each recurrent layer's recurrence did to the gradient through the steps. */
    private final Map<String, Back.Steps> steps = new HashMap<>();
    /** How a sequence's gradient is spread and aligned over its steps, where its one consumer said. */
    private final Map<String, Back.Aligned> stepAlignments = new HashMap<>();
    /** Sum over layers of 3 Var[phi'^2] / (2 N E[phi'^2]^2): see {@link #slopeSpread}. */
    private double slopeSpread;
    /** The first activation to leave its format's range, or null. */
    private NumericRange.@Nullable Event forwardEvent;
    /**
     * The backward pass keeps its numbers near 1 by moving a common power of ten here: every
     * gradient it holds is worth its value times 10^{@code exp10}. The pass is linear in the
     * gradient, so scaling all of it at once changes nothing but keeps a 300-decade gradient
     * inside a double.
     */
    private double exp10;
    private boolean backwardRan;
    private boolean lossOffsets = true;

    /** Where a node's output stands against its format's range. */
    enum Range { NORMAL, OVERFLOW, UNDERFLOW }

    /** The largest of a few thousand Gaussian entries lies about 4 RMS out: log10(4). */
    static final double PEAK_LOG10 = Math.log10(4);

    Propagation(ModelGraph g, SignalPropagation.Options opts) {
        this.g = g;
        this.opts = opts;
        this.chains = new ExactChains(g);
    }

    /** Runs both passes. */
    void run() {
        for (Node n : g.nodes()) {
            Interrupts.check();
            forward(n);
        }
        boolean anyOverflow = false;
        boolean allUnderflow = !g.outputs().isEmpty();
        for (String o : g.outputs()) {
            anyOverflow |= ranges.get(o) == Range.OVERFLOW;
            allUnderflow &= ranges.get(o) == Range.UNDERFLOW;
        }
        if (anyOverflow || allUnderflow) {
            // an infinite loss has NaN gradients; an output that no longer depends on the input
            // has none worth the name: no gradient figures either way
            return;
        }
        backwardRan = true;
        backwardPass();
    }

    private void backwardPass() {
        List<Node> nodes = g.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Interrupts.check();
            backward(nodes.get(i));
        }
    }

    /**
     * log10 of the second moments of the weight gradients of {@code first} and {@code last}
     * once the output's bias is corrected: a second backward pass over the same forward pass,
     * with no offsets in the loss gradient ({@link Backward#lossOffsets()}). The first pass's
     * results stay what {@link #result} gives.
     */
    double[] withoutLossOffsets(String first, String last) {
        if (!backwardRan) {
            return new double[] {Double.NaN, Double.NaN};
        }
        Map<String, double[]> kept = results;
        double keptSpread = slopeSpread;
        results = new HashMap<>();
        arriving.clear();
        chains.resetBackward();
        exp10 = 0;
        lossOffsets = false;
        backwardPass();
        double[] out = {Objects.requireNonNull(results.get(first), "a hidden layer")[2],
                Objects.requireNonNull(results.get(last), "a hidden layer")[2]};
        results = kept;
        slopeSpread = keptSpread;
        lossOffsets = true;
        return out;
    }

    // ================================================================ what the driver reads

    @Nullable LayerState stateOf(String node) {
        return states.get(node);
    }

    /**
     * {gOut, gPre, wg, gain}: log10 of the second moments of the gradient arriving, at the
     * pre-activation and of the weight gradient (NaN where there is none, -infinity where it is
     * exactly zero), and the gain in decades; all NaN where the backward pass did not run.
     */
    double[] result(String node) {
        double[] r = results.get(node);
        return r != null ? r : new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    }

    /** Whether the backward pass ran (it does not when the forward pass leaves the range). */
    boolean backwardRan() {
        return backwardRan;
    }

    Range range(String node) {
        return ranges.getOrDefault(node, Range.NORMAL);
    }

    NumericRange.@Nullable Event forwardEvent() {
        return forwardEvent;
    }

    /** The opaque layers (or unknown activations) upstream of the nodes, in order. */
    Set<String> forwardTaint(List<String> nodes) {
        List<Taint> cells = new ArrayList<>(nodes.size());
        for (String n : nodes) {
            cells.add(fwdTaint.get(n));
        }
        return Taint.names(cells);
    }

    Set<String> forwardTaint(String node) {
        return forwardTaint(List.of(node));
    }

    /** The opaque layers (or unknown activations) the node's gradient passes on its way back. */
    Set<String> backwardTaint(String node) {
        return Taint.names(Collections.singletonList(bwdTaint.get(node)));
    }

    /** Whether neither the node's value nor its gradient passes an opaque layer. */
    boolean certain(String node) {
        return fwdTaint.get(node) == null && bwdTaint.get(node) == null;
    }

    Set<String> assumptions() {
        return assumptions;
    }

    /** A recurrent layer's figures through its steps, or null. */
    Back.@Nullable Steps steps(String node) {
        return steps.get(node);
    }

    double slopeSpread() {
        return slopeSpread;
    }

    // ================================================================ forward

    private static boolean unknownActivation(Node n) {
        return n.activation() != null && n.activation().is(Activations.UNKNOWN);
    }

    private void taintForward(Node n, boolean self) {
        List<Taint> parts = new ArrayList<>(n.inputs().size());
        for (String i : n.inputs()) {
            parts.add(fwdTaint.get(i));
        }
        Taint t = Taint.join(parts, self ? n.name() : null);
        if (t != null) {
            fwdTaint.put(n.name(), t);
        }
    }

    private void forward(Node n) {
        Kind kind = Kinds.of(n.kind());
        taintForward(n, n.kind() == LayerKind.OPAQUE || unknownActivation(n));
        double keep = 1;
        Moments x = n.kind() == LayerKind.INPUT ? null : input(n, 0);
        // DL4J applies a layer's dropout to that layer's input (inverted dropout: scale 1/keep)
        if (x != null && kind.dropoutOnInput() && n.dropRate() > 0 && n.dropRate() < 1) {
            keep = 1 - n.dropRate();
            x = MeanField.dropout(x, keep);
        }
        // an input node reads the network's input: nothing arrives from a producer
        Moments seen = x != null ? x : networkInput();
        LayerState s = kind.forward(n, seen, this);
        double logRms = log10Rms(n, s);
        if (s.out() == null || !s.out().finite()) {
            s = s.withOut(s.out() == null ? seen : new Moments(clamp(s.out().mean()), clamp(s.out().su()),
                    clamp(s.out().sx()), clamp(s.out().sp())));
        }
        keeps.put(n.name(), keep);
        states.put(n.name(), s);
        LayerState exact = chains.forward(n, s, keep, this);
        states.put(n.name(), exact);
        if (exact != s && exact.out().finite() && exact.out().second() > 0) {
            logRms = 0.5 * Math.log10(exact.out().second());
        }
        ranges.put(n.name(), rangeOf(n, logRms));
    }

    /**
     * log10 of the RMS of the node's output: from its moments where a double holds them, else
     * from the second moment of its activation in log space; -infinity for an exact zero.
     */
    private static double log10Rms(Node n, LayerState s) {
        Moments o = s.out();
        if (o != null && o.finite()) {
            return o.second() > 0 ? 0.5 * Math.log10(o.second()) : Double.NEGATIVE_INFINITY;
        }
        Moments pre = s.pre();
        if (pre != null && pre.finite()) {
            double ln = MeanField.activation(n).logSecondMoment(pre.mean(), pre.q());
            if (!Double.isNaN(ln)) {
                return Math.min(0.5 * ln / Math.log(10), Double.MAX_VALUE);
            }
        }
        // past what a double holds: at least that
        return Math.log10(Double.MAX_VALUE);
    }

    /** The node's place against its format, recording the first activation that leaves it. */
    private Range rangeOf(Node n, double logRms) {
        boolean anyIn = false;
        boolean allUnder = !n.inputs().isEmpty();
        for (String i : n.inputs()) {
            Range r = ranges.getOrDefault(i, Range.NORMAL);
            if (r == Range.OVERFLOW) {
                return Range.OVERFLOW;
            }
            anyIn = true;
            allUnder &= r == Range.UNDERFLOW;
        }
        Precision p = g.precision(n);
        if (logRms + PEAK_LOG10 > p.log10Max()) {
            record(n, NumericRange.Direction.OVERFLOW, p, logRms, p.log10Max(), 0);
            return Range.OVERFLOW;
        }
        if (anyIn && allUnder) {
            return Range.UNDERFLOW;
        }
        double flushed = flushed(logRms, p);
        if (flushed >= 0.5) {
            record(n, NumericRange.Direction.UNDERFLOW, p, logRms, p.log10MinSubnormal(), flushed);
            return Range.UNDERFLOW;
        }
        return Range.NORMAL;
    }

    private void record(Node n, NumericRange.Direction d, Precision p, double logRms, double limit, double flushed) {
        if (forwardEvent == null) {
            forwardEvent = new NumericRange.Event(n.name(), NumericRange.Quantity.ACTIVATION, d, p, logRms, limit,
                    flushed);
        }
    }

    /**
     * The fraction of a zero-mean Gaussian tensor's entries of RMS 10^{@code logRms} that round
     * to zero in {@code p}: those under half its smallest subnormal. 0 for an exact zero (no
     * rounding: it is zero in any format).
     */
    static double flushed(double logRms, Precision p) {
        if (logRms == Double.NEGATIVE_INFINITY || Double.isNaN(logRms)) {
            return 0;
        }
        double t = p.log10MinSubnormal() - Math.log10(2) - logRms;
        if (t > 3) {
            return 1;
        }
        return Math.max(0, 2 * Gaussian.cdf(Math.pow(10, t)) - 1);
    }

    private static double clamp(double d) {
        return Double.isNaN(d) ? 0 : Math.max(-1e300, Math.min(1e300, d));
    }

    // ================================================================ backward

    private void backward(Node n) {
        List<String> users = g.consumers(n.name());
        List<Taint> parts = new ArrayList<>(users.size());
        for (String u : users) {
            Node un = Objects.requireNonNull(g.node(u), "a consumer is a layer of the graph");
            parts.add(Taint.join(Collections.singletonList(bwdTaint.get(u)),
                    un.kind() == LayerKind.OPAQUE || unknownActivation(un) ? u : null));
        }
        Taint t = Taint.join(parts, null);
        if (t != null) {
            bwdTaint.put(n.name(), t);
        }
        if (g.consumers(n.name()).isEmpty() && n.kind() != LayerKind.INPUT) {
            arriving.put(n.name(), Grad.flat(unit(), 0));
        }
        renormalise(arriving.getOrDefault(n.name(), Grad.ZERO).g());
        // taken out: every consumer came before it, so nothing adds to it again, and each
        // renormalisation rescales only the gradients still waiting (all of them were 100,000 at a
        // time in a deep stack, rescaled hundreds of times)
        Grad out = Objects.requireNonNullElse(arriving.remove(n.name()), Grad.ZERO);
        if (n.kind() == LayerKind.INPUT) {
            results.put(n.name(), new double[] {log(out.g()), Double.NaN, Double.NaN, 0});
            return;
        }
        Kind kind = Kinds.of(n.kind());
        LayerState s = Objects.requireNonNull(states.get(n.name()), "the forward pass ran first");
        Back back = kind.backward(n, s, out, this);
        Grad in = back.through();
        double keep = Objects.requireNonNull(keeps.get(n.name()), "the forward pass ran first");
        if (keep < 1) {
            in = in.scale(1 / keep, 1);
        }
        slopeSpread += slopeSpread(kind, n, s);
        if (opts.finiteWidth()) {
            in = in.scale(typicalGainCorrection(kind, n, s));
        }
        double gain = out.g() > 0 && in.g() > 0 ? 0.5 * Math.log10(in.g() / out.g()) : 0;
        results.put(n.name(), new double[] {log(out.g()), log(back.gPre()), log(back.wg()), gain});
        chains.backward(n, s, out, in);
        Back.Steps spread = back.steps();
        if (spread != null && spread.recurrent()) {
            steps.put(n.name(), spread);
        }
        double[] shape = spread == null ? stepShape(n) : spread.shape();
        List<String> ins = n.inputs();
        // a recurrence's steps' alignment and sampled paths reach the layer below when it is the
        // layer's one input and feeds nothing else
        if (spread != null && ins.size() == 1 && g.consumers(ins.get(0)).size() == 1) {
            if (spread.aligned() != null) {
                stepAlignments.put(ins.get(0), spread.aligned());
            }
            if (spread.paths() != null) {
                stepPaths.put(ins.get(0), spread.paths());
            }
        }
        for (int i = 0; i < ins.size(); i++) {
            Grad gi = back.perInput() != null ? back.perInput().get(i) : in;
            arriving.merge(ins.get(i), gi, Grad::plus);
            chains.distribute(n, ins.get(i), gi, in);
            spreadTo(ins.get(i), shape, gi.g());
        }
    }

    /** Adds a consumer's gradient {@code g}, spread over the steps as {@code shape} says, to a sequence's. */
    private void spreadTo(String input, double @Nullable [] shape, double second) {
        TensorShape t = g.shape(input);
        if (t.kind() != TensorShape.Kind.RNN || !(second > 0) || !Double.isFinite(second)) {
            return;
        }
        if (shape == null || t.time() > 0 && shape.length != Math.min(t.time(), 10_000)) {
            stepFlat.merge(input, second, Double::sum);
            return;
        }
        double[] sum = stepSums.computeIfAbsent(input, k -> new double[shape.length]);
        if (sum.length != shape.length) {
            stepFlat.merge(input, second, Double::sum);
            return;
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] += second * shape[i];
        }
    }

    /** log10 of a second moment held at the pass's common scale; NaN stays NaN, zero is -infinity. */
    private double log(double v) {
        if (Double.isNaN(v)) {
            return Double.NaN;
        }
        return v > 0 ? Math.log10(v) + exp10 : Double.NEGATIVE_INFINITY;
    }

    /**
     * Moves the common scale when the gradient about to be used strays more than 100 decades
     * from 1, so that no product in the kinds' backward steps leaves a double's range.
     */
    private void renormalise(double g) {
        if (!(g > 0) || Double.isInfinite(g) || g > 1e-100 && g < 1e100) {
            return;
        }
        double shift = Math.floor(Math.log10(g));
        double f = Math.pow(10, -shift);
        arriving.replaceAll((k, v) -> v.scale(f));
        stepFlat.replaceAll((k, v) -> v * f);
        for (double[] sum : stepSums.values()) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] *= f;
            }
        }
        chains.rescale(f);
        exp10 += shift;
    }

    /**
     * How far a finite network's typical gain may stray from the mean-field one because the
     * activation's slopes differ between units: per layer, 3 Var[phi'^2] / (2 N E[phi'^2]^2) of
     * the squared-gradient factor's log (docs/theory.md section 9.1), beyond what Gaussian weights
     * alone give. A few tenths for ReLU at width 64 and depth 32; several for thresholded ReLU or
     * cube, where a handful of units carry the gradient.
     */
    private double slopeSpread(Kind kind, Node n, LayerState s) {
        Slopes sl = s.slopes();
        double units = kind.slopeSpreadUnits(n, s, g.shape(n.name()));
        if (Double.isNaN(units) || !(sl.s2() > 0)) {
            return 0;
        }
        double spread = 3 * (sl.s4() / (sl.s2() * sl.s2()) - 1) / (2 * units);
        return Double.isFinite(spread) ? Math.max(spread, 0) : 0;
    }

    /**
     * Mean field predicts the mean gain; a finite network shows the typical (log-average) one.
     * Per layer the squared-gradient factor sums N terms phi'(h)^2 z^2, so E[log] sits below log E
     * by Var/(2 N mean^2) of one term: apply that as a factor.
     */
    private double typicalGainCorrection(Kind kind, Node n, LayerState s) {
        double units = kind.typicalGainUnits(n, s);
        WeightInit w = n.weightInit();
        if (w != null && (w.family() == WeightInit.Family.ORTHOGONAL || w.family() == WeightInit.Family.IDENTITY)) {
            return 1;
        }
        Slopes sl = s.slopes();
        if (Double.isNaN(units) || sl.s2() <= 0) {
            return 1;
        }
        double rel = 3 * sl.s4() / (sl.s2() * sl.s2()) - 1;
        double corr = Math.exp(-rel / (2 * units));
        return Math.max(corr, 1e-3);
    }

    // ================================================================ the kinds' context

    @Override
    public ModelGraph graph() {
        return g;
    }

    @Override
    public Moments networkInput() {
        return opts.input();
    }

    @Override
    public Moments input(Node n, int i) {
        if (n.inputs().size() <= i) {
            return opts.input();
        }
        return Objects.requireNonNull(states.get(n.inputs().get(i)), "inputs run first").out();
    }

    @Override
    public @Nullable LayerState state(String node) {
        return states.get(node);
    }

    @Override
    public TensorShape shape(String node) {
        return g.shape(node);
    }

    @Override
    public TensorShape inShape(Node n) {
        return n.inputs().isEmpty() ? TensorShape.UNKNOWN : g.shape(n.inputs().get(0));
    }

    @Override
    public boolean lossOffsets() {
        return lossOffsets;
    }

    @Override
    public double unit() {
        return Math.pow(10, Math.max(-300, Math.min(300, -exp10)));
    }

    @Override
    public int batch() {
        return opts.batch();
    }

    @Override
    public Back.@Nullable Aligned stepAlignment(Node n) {
        return stepAlignments.get(n.name());
    }

    @Override
    public double @Nullable [] stepShape(Node n) {
        double[] sum = stepSums.get(n.name());
        if (sum == null) {
            return null;
        }
        double flat = stepFlat.getOrDefault(n.name(), 0.0);
        double mean = 0;
        for (double v : sum) {
            mean += (v + flat) / sum.length;
        }
        if (!(mean > 0)) {
            return null;
        }
        double[] shape = new double[sum.length];
        for (int i = 0; i < sum.length; i++) {
            shape[i] = (sum[i] + flat) / mean;
        }
        return shape;
    }

    @Override
    public double @Nullable [][] stepPaths(Node n) {
        return stepPaths.get(n.name());
    }

    @Override
    public int assumedSpatial() {
        return opts.assumedSpatial();
    }

    @Override
    public int assumedTimeSteps() {
        return opts.assumedTimeSteps();
    }

    @Override
    public ActivationMoments math() {
        return math;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T once(String key, Supplier<T> make) {
        return (T) once.computeIfAbsent(key, k -> make.get());
    }

    @Override
    public void assume(String note) {
        assumptions.add(note);
    }

    @Override
    public int consumers(String node) {
        return g.consumers(node).size();
    }

    @Override
    public boolean exact(String node) {
        return chains.exact(node);
    }

    @Override
    public void routeSlopes(String producer, Slopes slopes) {
        states.put(producer, Objects.requireNonNull(states.get(producer), "producers run first").withSlopes(slopes));
    }

    @Override
    public Grad conditional(Node n, Grad pre) {
        return chains.conditional(n, pre);
    }
}
