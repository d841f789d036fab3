package io.gradflow.verify;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.Thresholds;
import io.gradflow.analysis.Verdict;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.verify.dl4j.GradientProbe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Measures a network's per-layer weight gradients and activations over a few synthetic batches,
 * and derives the model numbers exactly as the prediction defines them.
 */
public final class Measurer {

    private final ModelGraph graph;
    private final GradientAnalysis analysis;
    private final SyntheticData data;
    private final Thresholds thresholds;

    /** The same network in float32, for a network measured in half precision; null otherwise. */
    private final @Nullable Dl4jNet float32;
    private final String format;

    public Measurer(ModelGraph graph, GradientAnalysis analysis, SyntheticData data, Thresholds thresholds) {
        this(graph, analysis, data, thresholds, null, "float32");
    }

    /**
     * @param float32 the same network with the same weights in float32, whose gradients on the same
     *                batches tell which of the measured network's zero entries were rounded to zero
     *                (measured at initialisation, where the two networks hold the same weights)
     * @param format  what the measured network computes in ("float16")
     */
    public Measurer(ModelGraph graph, GradientAnalysis analysis, SyntheticData data, Thresholds thresholds,
                    @Nullable Dl4jNet float32, String format) {
        this.graph = graph;
        this.analysis = analysis;
        this.data = data;
        this.thresholds = thresholds;
        this.float32 = float32;
        this.format = format;
    }

    /** Sums over batches. */
    private static final class Acc {
        double wg;
        int wgN;
        double a2;
        double a1;
        long aN;
        double sat;
        double dead;
        double inactive;
        int n;
        boolean nonFinite;
        double g2;
        int gN;
        double @Nullable [] steps;
        int stepsN;
        long zeros;
        long zeros32;
        long flushed;
        long entries;
    }

    /** Measures {@code batches} fresh batches of size {@code batch}. */
    public Measurement measure(Dl4jNet net, int batches, int batch, int steps) {
        return measure(net, batches, batch, steps, Progress.NONE, "measuring");
    }

    /** Measures {@code batches} fresh batches of size {@code batch}, each a step of {@code phase}. */
    public Measurement measure(Dl4jNet net, int batches, int batch, int steps, Progress progress, String phase) {
        Map<String, Acc> acc = new HashMap<>();
        String origin = null;
        progress.phase(phase);
        for (int b = 0; b < batches; b++) {
            progress.step(phase, b + 1, batches);
            INDArray[] x = data.features(batch);
            INDArray[] y = data.labels(net.outputs(x));
            net.resetProbes();
            net.watch(true);
            Map<String, INDArray> grads = net.weightGradients(x, y);
            net.watch(false);
            Map<String, Double> wg = Dl4jNet.meanSquares(grads);
            if (float32 != null && steps == 0) {
                countZeros(grads, float32.weightGradients(toFloat(x), toFloat(y)), acc);
            }
            Map<String, INDArray> act = net.activations(x, true);
            String firstForward = null;
            String deepestBackward = null;
            for (Node n : graph.nodes()) {
                Acc a = acc.computeIfAbsent(n.name(), k -> new Acc());
                GradientProbe probe = net.probe(n.name());
                // a probe that met a NaN leaves the gradient reaching this layer unmeasured in this batch;
                // what decides "not finite", and where, is what DL4J computes: the weight gradients and
                // the activations below (a NaN in the backward pass reaches them too)
                if (probe != null && !probe.nonFinite() && Double.isFinite(probe.rms())) {
                    a.g2 += probe.rms() * probe.rms();
                    a.gN++;
                }
                GradientProbe time = net.timeProbe(n.name());
                double[] perStep = time == null ? null : time.stepRms();
                if (perStep != null && perStep.length > 1) {
                    if (a.steps == null || a.steps.length != perStep.length) {
                        a.steps = new double[perStep.length];
                    }
                    for (int t = 0; t < perStep.length; t++) {
                        a.steps[t] += perStep[t] * perStep[t];
                    }
                    a.stepsN++;
                }
                Double g = wg.get(n.name());
                if (g != null) {
                    if (Double.isFinite(g)) {
                        a.wg += g;
                        a.wgN++;
                    } else {
                        a.nonFinite = true;
                        deepestBackward = n.name();
                    }
                }
                INDArray out = act.get(n.name());
                if (out != null) {
                    INDArray d = out.castTo(DataType.DOUBLE);
                    if (d.isInfinite().any() || d.isNaN().any()) {
                        a.nonFinite = true;
                        if (firstForward == null) {
                            firstForward = n.name();
                        }
                        continue;
                    }
                    a.a2 += d.mul(d).sumNumber().doubleValue();
                    a.a1 += d.sumNumber().doubleValue();
                    a.aN += d.length();
                    Activation fn = effectiveActivation(n);
                    if (fn != null && fn.saturating()) {
                        a.sat += saturatedFraction(fn, d);
                    }
                    if (fn != null && fn.rectifying()) {
                        a.dead += deadFraction(d);
                        a.inactive += (double) count(d.cond(Conditions.lessThanOrEqual(0))) / d.length();
                    }
                    a.n++;
                }
            }
            if (origin == null) {
                // a NaN in the forward pass flows toward the output, one in the backward pass toward
                // the input: it appeared at the first layer whose output is not finite, else at the
                // deepest whose weight gradient is not
                origin = firstForward != null ? firstForward : deepestBackward;
            }
        }
        List<LayerMeasurement> layers = new ArrayList<>();
        for (Node n : graph.nodes()) {
            Acc a = Objects.requireNonNull(acc.get(n.name()), "every node has its sums");
            Activation fn = effectiveActivation(n);
            double through = Double.NaN;
            if (a.steps != null && a.stepsN > 0 && a.steps[a.steps.length - 1] > 0) {
                through = 0.5 * Math.log10(a.steps[0] / a.steps[a.steps.length - 1]);
            }
            layers.add(new LayerMeasurement(n.name(),
                    a.wgN > 0 ? Math.sqrt(a.wg / a.wgN) : Double.NaN,
                    a.aN > 0 ? Math.sqrt(a.a2 / a.aN) : Double.NaN,
                    a.aN > 0 ? a.a1 / a.aN : Double.NaN,
                    fn != null && fn.saturating() && a.n > 0 ? a.sat / a.n : Double.NaN,
                    fn != null && fn.rectifying() && a.n > 0 ? a.dead / a.n : Double.NaN,
                    fn != null && fn.rectifying() && a.n > 0 ? a.inactive / a.n : Double.NaN,
                    Double.NaN, a.nonFinite, a.gN > 0 ? Math.sqrt(a.g2 / a.gN) : Double.NaN, through,
                    a.entries > 0 ? new LayerMeasurement.Zeros(format, (double) a.zeros / a.entries,
                            (double) a.zeros32 / a.entries, (double) a.flushed / a.entries) : null));
        }
        return summarize(layers, steps, origin);
    }

    /**
     * Counts, per layer, the weight-gradient entries that are exactly zero in the measured network,
     * in the float32 one, and in the first only: rounded to zero.
     */
    private static void countZeros(Map<String, INDArray> measured, Map<String, INDArray> reference,
                                   Map<String, Acc> acc) {
        for (Map.Entry<String, INDArray> e : measured.entrySet()) {
            INDArray ref = reference.get(e.getKey());
            if (ref == null || ref.length() != e.getValue().length()) {
                continue;
            }
            INDArray zero = e.getValue().eq(0).castTo(DataType.DOUBLE);
            INDArray zero32 = ref.eq(0).castTo(DataType.DOUBLE);
            Acc a = acc.computeIfAbsent(e.getKey(), k -> new Acc());
            a.zeros += zero.sumNumber().longValue();
            a.zeros32 += zero32.sumNumber().longValue();
            a.flushed += zero.mul(zero32.rsub(1)).sumNumber().longValue();
            a.entries += zero.length();
        }
    }

    private static INDArray[] toFloat(INDArray[] a) {
        INDArray[] out = new INDArray[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].dataType() == DataType.HALF || a[i].dataType() == DataType.BFLOAT16
                    ? a[i].castTo(DataType.FLOAT) : a[i];
        }
        return out;
    }

    /** The model numbers from per-layer measurements. */
    Measurement summarize(List<LayerMeasurement> layers, int steps) {
        return summarize(layers, steps, null);
    }

    /**
     * The model numbers from per-layer measurements; {@code origin} is the layer where a NaN or
     * infinity appeared, when the measurement knows it (else the first non-finite layer is named).
     */
    Measurement summarize(List<LayerMeasurement> layers, int steps, @Nullable String origin) {
        Map<String, LayerMeasurement> by = new HashMap<>();
        layers.forEach(l -> by.put(l.layer(), l));
        double ratio = 0;
        double signal = 0;
        boolean broken = false;
        if (analysis.firstHidden() != null) {
            LayerMeasurement f = Objects.requireNonNull(by.get(analysis.firstHidden()), "every layer is measured");
            LayerMeasurement l = Objects.requireNonNull(by.get(analysis.lastHidden()), "every layer is measured");
            ratio = Math.log10(f.weightGradientRms() / l.weightGradientRms());
            double in = 0;
            int k = 0;
            for (Node n : graph.inputs()) {
                // an embedding's input is indices, whose size says nothing about the signal: the
                // analysis starts the signal at unit scale there
                if (readByEmbedding(n)) {
                    continue;
                }
                in += sq(Objects.requireNonNull(by.get(n.name()), "every input was measured").activationRms());
                k++;
            }
            double inRms = k > 0 ? Math.sqrt(in / k) : 1;
            LayerMeasurement s = Objects.requireNonNull(
                    by.get(analysis.signalLayer() != null ? analysis.signalLayer() : analysis.lastHidden()),
                    "every layer is measured");
            signal = Math.log10(s.activationRms() / inRms);
            broken = f.nonFinite() || l.nonFinite() || s.nonFinite();
        }
        String nonFiniteAt = null;
        for (LayerMeasurement l : layers) {
            if (l.nonFinite() && (nonFiniteAt == null || l.layer().equals(origin))) {
                nonFiniteAt = l.layer();
            }
        }
        Verdict v;
        if (broken) {
            // a NaN or infinity is reported where it appeared, not read as a verdict
            v = Verdict.UNKNOWN;
        } else {
            // a dead signal (-infinity) is vanishing even when the ratio is 0/0
            v = thresholds.verdict(clamp(ratio), clamp(signal), analysis.trainability());
        }
        return new Measurement(v, ratio, signal, steps, layers, nonFiniteAt);
    }

    private boolean readByEmbedding(Node input) {
        for (String c : graph.consumers(input.name())) {
            Node user = Objects.requireNonNull(graph.node(c), "a consumer is a layer of the graph");
            if (user.kind() == LayerKind.EMBEDDING) {
                return true;
            }
        }
        return false;
    }

    private static double clamp(double d) {
        return Double.isInfinite(d) && d > 0 ? 1e9 : d;
    }

    private static double sq(double d) {
        return d * d;
    }

    /** The nonlinearity whose output this node's activations are. */
    private static @Nullable Activation effectiveActivation(Node n) {
        if (n.kind() == LayerKind.INPUT || n.kind() == LayerKind.OUTPUT) {
            return null;
        }
        return n.activation();
    }

    /** Fraction of outputs where the slope is under 10% of the activation's maximum slope. */
    static double saturatedFraction(Activation a, INDArray out) {
        double[] bounds = a.fn().saturatedOutputs(a.alpha(), a.beta());
        if (bounds == null) {
            return Double.NaN;
        }
        double lo = bounds[0];
        double hi = bounds[1];
        long outside = count(out.cond(Conditions.lessThanOrEqual(lo)))
                + count(out.cond(Conditions.greaterThanOrEqual(hi)));
        return (double) outside / out.length();
    }

    /** Fraction of units (dimension 1) that are not positive for any example or position. */
    static double deadFraction(INDArray out) {
        long units = out.size(1);
        INDArray perm = out.rank() == 2 ? out : out.swapAxes(0, 1).reshape(units, -1).transpose();
        INDArray max = perm.max(0);
        long dead = count(max.cond(Conditions.lessThanOrEqual(0)));
        return (double) dead / units;
    }

    /** Number of true values in a boolean array. */
    private static long count(INDArray bool) {
        return bool.castTo(DataType.INT32).sumNumber().longValue();
    }
}
