package io.gradflow.analysis;

import io.gradflow.model.Activation;
import io.gradflow.model.Distribution;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The finite-width model of a narrow feed-forward network: a few copies of the network at its
 * real widths, weights drawn as its initialisers draw them, fed small batches of zero-mean
 * unit-variance inputs, with the per-layer gradient of a loss against random labels sent back.
 *
 * <p>Mean field describes the infinitely wide network and a single typical example. A narrow
 * network differs in two ways it cannot see (THEORY section 6): the squared norm of one
 * example's activations is a sum over a layer's few units, a random walk whose drift is not
 * the mean gain where the activation's slopes are heavy-tailed (a thresholded ReLU layer where
 * a handful of units stay on); and batch normalisation couples the examples of a batch, so an
 * example whose norm is above the batch's grows away from the others where the activation is
 * convex (thresholded ReLU, cube). Both are exact here. The result is the median over networks
 * of the same numbers the verifier measures: it is a typical network, not a mean one.
 *
 * <p>Pure Java and small: only plain dense graphs (dense, batch norm, activation, element-wise
 * merges, a dense output layer), and only when their total work fits {@link #MAX_WORK}
 * multiply-adds; anything else returns null and mean field stands alone.
 */
final class WidthSimulation {

    /** Multiply-adds one simulation may spend: about 60 ms warm on one core, 150 ms in a fresh JVM. */
    static final long MAX_WORK = 120_000_000L;
    /** Networks drawn: the median of their numbers is the typical network's. */
    static final int NETWORKS = 7;
    /** Batches per network, as the verifier measures. */
    static final int BATCHES = 2;
    private static final double BN_EPS = 1e-5;

    /** The simulated model numbers, and per node the activation RMS and weight-gradient RMS. */
    record Result(double firstToLastDecades, double signalDecades, Map<String, Double> activationRms,
                  Map<String, Double> weightGradientRms, Map<String, Double> gradientRms,
                  Map<String, Double> gainDecades) { }

    private final ModelGraph g;
    private final int batch;
    private final Moments input;
    private final Map<String, double[]> draw;

    private WidthSimulation(ModelGraph g, int batch, Moments input, Map<String, double[]> draw) {
        this.g = g;
        this.batch = batch;
        this.input = input;
        this.draw = draw;
    }

    /**
     * Simulates {@code g} (sizes known) or returns null where it cannot: a node it does not
     * model, an unknown width or initialiser, or more work than {@link #MAX_WORK}.
     *
     * @param weights per weighted node: {mean, variance} of one weight as the analysis derived them
     */
    static Result run(ModelGraph g, Map<String, double[]> weights, int batch, Moments input, String first,
                      String last, String signalLayer, long seed) {
        if (first == null || last == null || signalLayer == null || batch < 2 || !supported(g, weights)) {
            return null;
        }
        long perBatch = 0;
        for (Node n : g.nodes()) {
            if (n.hasWeights()) {
                perBatch += 3L * width(g, n.inputs().get(0)) * n.nOut() * batch;
            }
        }
        int networks = NETWORKS;
        if (perBatch * BATCHES * networks > MAX_WORK) {
            networks = (int) (MAX_WORK / Math.max(perBatch * BATCHES, 1));
            networks -= 1 - networks % 2;
            if (networks < 3) {
                return null;
            }
        }
        WidthSimulation sim = new WidthSimulation(g, batch, input, weights);
        Sums[] sums = new Sums[networks];
        for (int k = 0; k < networks; k++) {
            sums[k] = new Sums(new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>());
        }
        // the networks are independent: one thread per core
        int threads = Math.max(1, Math.min(networks, Math.min(Runtime.getRuntime().availableProcessors(), 4)));
        Thread[] pool = new Thread[threads];
        RuntimeException[] failure = new RuntimeException[1];
        for (int t = 0; t < threads; t++) {
            int first0 = t;
            int count = networks;
            int stride = threads;
            pool[t] = new Thread(() -> {
                try {
                    for (int k = first0; k < count; k += stride) {
                        SplittableRandom r = new SplittableRandom(seed + 7919L * k);
                        Net net = sim.network(r);
                        for (int b = 0; b < BATCHES; b++) {
                            sim.pass(net, r, sums[k]);
                        }
                    }
                } catch (RuntimeException e) {
                    failure[0] = e;
                }
            }, "gradflow-width-simulation");
            pool[t].setDaemon(true);
            pool[t].start();
        }
        for (Thread t : pool) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        double[] ratios = new double[networks];
        double[] signals = new double[networks];
        Map<String, double[]> act = new HashMap<>();
        Map<String, double[]> wgs = new HashMap<>();
        Map<String, double[]> gPre = new HashMap<>();
        Map<String, double[]> gOut = new HashMap<>();
        Map<String, double[]> gIn = new HashMap<>();
        for (int k = 0; k < networks; k++) {
            Sums sk = sums[k];
            collect(act, sk.a2(), k);
            collect(wgs, sk.wg(), k);
            collect(gPre, sk.gPre(), k);
            collect(gOut, sk.gOut(), k);
            collect(gIn, sk.gIn(), k);
            double f = sk.wg().getOrDefault(first, 0.0);
            double l = sk.wg().getOrDefault(last, 0.0);
            ratios[k] = 0.5 * Math.log10(f / l);
            double in = 0;
            for (Node n : g.inputs()) {
                in += sk.a2().getOrDefault(n.name(), 0.0);
            }
            in /= Math.max(g.inputs().size(), 1);
            signals[k] = 0.5 * Math.log10(sk.a2().getOrDefault(signalLayer, 0.0) / in);
        }
        Map<String, Double> gradRms = rms(gPre, networks);
        Map<String, Double> outRms = rms(gOut, networks);
        Map<String, Double> inRms = rms(gIn, networks);
        Map<String, Double> gains = new HashMap<>();
        for (Map.Entry<String, Double> e : inRms.entrySet()) {
            Double o = outRms.get(e.getKey());
            if (o != null && o > 0 && e.getValue() > 0) {
                gains.put(e.getKey(), Math.log10(e.getValue() / o));
            }
        }
        // gradients relative to the output layer's pre-activation gradient, as mean field gives them
        double ref = 1;
        for (Node n : g.nodes()) {
            if (n.kind() == LayerKind.OUTPUT && gradRms.getOrDefault(n.name(), 0.0) > 0) {
                ref = gradRms.get(n.name());
            }
        }
        Map<String, Double> relGrad = new HashMap<>();
        for (Map.Entry<String, Double> e : gradRms.entrySet()) {
            relGrad.put(e.getKey(), e.getValue() / ref);
        }
        return new Result(median(ratios), median(signals), rms(act, networks), rms(wgs, networks), relGrad, gains);
    }

    private static void collect(Map<String, double[]> into, Map<String, Double> from, int k) {
        for (Map.Entry<String, Double> e : from.entrySet()) {
            into.computeIfAbsent(e.getKey(), x -> new double[NETWORKS])[k] = e.getValue() / BATCHES;
        }
    }

    private static Map<String, Double> rms(Map<String, double[]> squares, int networks) {
        Map<String, Double> out = new HashMap<>();
        for (Map.Entry<String, double[]> e : squares.entrySet()) {
            out.put(e.getKey(), Math.sqrt(median(Arrays.copyOf(e.getValue(), networks))));
        }
        return out;
    }

    /** Median; a NaN (a dead network's 0/0) counts as lowest, as a dead network vanishes. */
    static double median(double[] v) {
        double[] s = v.clone();
        for (int i = 0; i < s.length; i++) {
            if (Double.isNaN(s[i])) {
                s[i] = Double.NEGATIVE_INFINITY;
            }
        }
        Arrays.sort(s);
        int n = s.length;
        if (n % 2 == 1) {
            return s[n / 2];
        }
        double a = s[n / 2 - 1];
        double b = s[n / 2];
        return a == b ? a : (a + b) / 2;
    }

    private static long width(ModelGraph g, String node) {
        TensorShape s = g.shape(node);
        return s == null ? -1 : s.size();
    }

    private static boolean supported(ModelGraph g, Map<String, double[]> weights) {
        for (Node n : g.nodes()) {
            TensorShape s = g.shape(n.name());
            if (s == null || s.kind() != TensorShape.Kind.FF || s.size() <= 0) {
                return false;
            }
            Activation a = n.activation();
            if (a != null && (a.kind() == Activation.Kind.UNKNOWN
                    || a.kind() == Activation.Kind.SOFTMAX && n.kind() != LayerKind.OUTPUT)) {
                return false;
            }
            if (n.dropRate() > 0 && n.kind() != LayerKind.INPUT) {
                return false;
            }
            switch (n.kind()) {
                case INPUT, ACTIVATION -> { }
                case BATCH_NORM -> {
                    if (n.inputs().size() != 1) {
                        return false;
                    }
                }
                case ELEMENTWISE -> {
                    Node.Merge m = n.merge() == null ? Node.Merge.ADD : n.merge();
                    if (m != Node.Merge.ADD && m != Node.Merge.AVERAGE && m != Node.Merge.SUBTRACT) {
                        return false;
                    }
                    for (String in : n.inputs()) {
                        if (width(g, in) != s.size()) {
                            return false;
                        }
                    }
                }
                case DENSE, OUTPUT -> {
                    if (n.layerNorm() || n.inputs().size() != 1 || n.nOut() <= 0
                            || width(g, n.inputs().get(0)) <= 0 || !drawable(n, weights.get(n.name()))) {
                        return false;
                    }
                    if (n.kind() == LayerKind.OUTPUT && a != null && a.kind() != Activation.Kind.SOFTMAX
                            && a.kind() != Activation.Kind.SIGMOID && a.kind() != Activation.Kind.IDENTITY) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return !g.inputs().isEmpty();
    }

    private static boolean drawable(Node n, double[] mv) {
        WeightInit w = n.weightInit();
        if (w == null || mv == null || !Double.isFinite(mv[0]) || !Double.isFinite(mv[1]) || mv[1] < 0) {
            return false;
        }
        return switch (w.family()) {
            case FAN_SCALED, CONSTANT, ORTHOGONAL -> true;
            case IDENTITY -> n.nIn() == n.nOut();
            case DISTRIBUTION -> w.dist().kind() != Distribution.Kind.BINOMIAL;
            case UNKNOWN -> false;
        };
    }

    // ------------------------------------------------------------------ one network

    /** A drawn network: weights per weighted node, row-major [in][out], and transposed. */
    private record Net(Map<String, double[]> weights, Map<String, double[]> transposed) { }

    private Net network(SplittableRandom r) {
        Map<String, double[]> w = new HashMap<>();
        Map<String, double[]> t = new HashMap<>();
        for (Node n : g.nodes()) {
            if (n.hasWeights()) {
                int in = (int) width(g, n.inputs().get(0));
                int out = (int) n.nOut();
                double[] x = weights(n, in, out, draw.get(n.name()), r);
                w.put(n.name(), x);
                t.put(n.name(), transpose(x, in, out));
            }
        }
        return new Net(w, t);
    }

    private static double[] weights(Node n, int in, int out, double[] mv, SplittableRandom r) {
        WeightInit w = n.weightInit();
        double[] x = new double[in * out];
        double mean = mv[0];
        double sd = Math.sqrt(mv[1]);
        switch (w.family()) {
            case CONSTANT -> Arrays.fill(x, w.c());
            case IDENTITY -> {
                for (int i = 0; i < in; i++) {
                    x[i * out + i] = w.gain();
                }
            }
            case ORTHOGONAL -> orthogonal(x, in, out, w.gain(), r);
            case FAN_SCALED -> {
                for (int i = 0; i < x.length; i++) {
                    x[i] = switch (w.shape()) {
                        case NORMAL -> sd * r.nextGaussian();
                        case UNIFORM -> sd * Math.sqrt(3) * (2 * r.nextDouble() - 1);
                        case TRUNCATED -> sd / Math.sqrt(Distribution.TRUNCATION_FACTOR_2SD) * truncated(r);
                    };
                }
            }
            case DISTRIBUTION -> {
                Distribution d = w.dist();
                for (int i = 0; i < x.length; i++) {
                    x[i] = switch (d.kind()) {
                        case NORMAL -> d.a() + d.b() * r.nextGaussian();
                        case TRUNCATED_NORMAL -> d.a() + d.b() * truncated(r);
                        case UNIFORM -> d.a() + (d.b() - d.a()) * r.nextDouble();
                        case LOG_NORMAL -> Math.exp(d.a() + d.b() * r.nextGaussian());
                        default -> mean + sd * r.nextGaussian();
                    };
                }
            }
            default -> throw new IllegalStateException("not drawable: " + w.family());
        }
        return x;
    }

    /** A standard normal cut at two standard deviations (ND4J's and TensorFlow's truncation). */
    private static double truncated(SplittableRandom r) {
        while (true) {
            double z = r.nextGaussian();
            if (Math.abs(z) <= 2) {
                return z;
            }
        }
    }

    /** gain times a random matrix with orthonormal rows or columns (Gram-Schmidt of a Gaussian draw). */
    private static void orthogonal(double[] x, int in, int out, double gain, SplittableRandom r) {
        boolean cols = in >= out;
        int k = cols ? out : in;
        int len = cols ? in : out;
        double[][] v = new double[k][len];
        for (int a = 0; a < k; a++) {
            for (int i = 0; i < len; i++) {
                v[a][i] = r.nextGaussian();
            }
            for (int b = 0; b < a; b++) {
                double dot = 0;
                for (int i = 0; i < len; i++) {
                    dot += v[a][i] * v[b][i];
                }
                for (int i = 0; i < len; i++) {
                    v[a][i] -= dot * v[b][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < len; i++) {
                norm += v[a][i] * v[a][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < len; i++) {
                v[a][i] /= norm;
            }
        }
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                x[i * out + o] = gain * (cols ? v[o][i] : v[i][o]);
            }
        }
    }

    // ------------------------------------------------------------------ one batch

    /** Forward and backward on one batch; adds weight-gradient and activation mean squares. */
    /**
     * One network's mean squares summed over its batches, per node: weight gradient, activation,
     * gradient at the pre-activation, arriving at the output and leaving to the input.
     */
    private record Sums(Map<String, Double> wg, Map<String, Double> a2, Map<String, Double> gPre,
                        Map<String, Double> gOut, Map<String, Double> gIn) { }

    private void pass(Net net, SplittableRandom r, Sums sums) {
        Map<String, Double> wg = sums.wg();
        Map<String, Double> a2 = sums.a2();
        Map<String, Double> gPre = sums.gPre();
        Map<String, Double> gOut = sums.gOut();
        Map<String, Double> gIn = sums.gIn();
        List<Node> nodes = g.nodes();
        Map<String, double[]> out = new HashMap<>();
        Map<String, double[]> pre = new HashMap<>();
        Map<String, double[]> bnHat = new HashMap<>();
        Map<String, double[]> bnSd = new HashMap<>();
        int bsz = batch;
        double sd = Math.sqrt(Math.max(input.q(), 0));
        for (Node n : nodes) {
            int w = (int) width(g, n.name());
            double[] y;
            switch (n.kind()) {
                case INPUT -> {
                    y = new double[bsz * w];
                    for (int i = 0; i < y.length; i++) {
                        y[i] = input.mean() + sd * r.nextGaussian();
                    }
                }
                case DENSE, OUTPUT -> {
                    double[] x = out.get(n.inputs().get(0));
                    int in = (int) width(g, n.inputs().get(0));
                    double[] z = matmul(x, net.weights().get(n.name()), bsz, in, w);
                    double bias = n.hasBias() ? n.biasInit() : 0;
                    if (bias != 0) {
                        for (int i = 0; i < z.length; i++) {
                            z[i] += bias;
                        }
                    }
                    pre.put(n.name(), z);
                    y = n.kind() == LayerKind.OUTPUT ? outputActivation(n, z, bsz, w) : apply(n.activation(), z);
                }
                case ACTIVATION -> {
                    double[] x = out.get(n.inputs().get(0));
                    pre.put(n.name(), x);
                    y = apply(n.activation(), x);
                }
                case BATCH_NORM -> {
                    double[] x = out.get(n.inputs().get(0));
                    double[] hat = new double[x.length];
                    double[] sds = new double[w];
                    y = new double[x.length];
                    for (int j = 0; j < w; j++) {
                        double m = 0;
                        for (int b = 0; b < bsz; b++) {
                            m += x[b * w + j];
                        }
                        m /= bsz;
                        double v = 0;
                        for (int b = 0; b < bsz; b++) {
                            double d = x[b * w + j] - m;
                            v += d * d;
                        }
                        double s = Math.sqrt(v / bsz + BN_EPS);
                        sds[j] = s;
                        for (int b = 0; b < bsz; b++) {
                            double h = (x[b * w + j] - m) / s;
                            hat[b * w + j] = h;
                            y[b * w + j] = n.gamma() * h + n.beta();
                        }
                    }
                    bnHat.put(n.name(), hat);
                    bnSd.put(n.name(), sds);
                }
                case ELEMENTWISE -> {
                    y = new double[bsz * w];
                    Node.Merge m = n.merge() == null ? Node.Merge.ADD : n.merge();
                    for (int k = 0; k < n.inputs().size(); k++) {
                        double[] x = out.get(n.inputs().get(k));
                        double sign = m == Node.Merge.SUBTRACT && k > 0 ? -1 : 1;
                        for (int i = 0; i < y.length; i++) {
                            y[i] += sign * x[i];
                        }
                    }
                    if (m == Node.Merge.AVERAGE) {
                        for (int i = 0; i < y.length; i++) {
                            y[i] /= n.inputs().size();
                        }
                    }
                }
                default -> throw new IllegalStateException("unsupported " + n.kind());
            }
            out.put(n.name(), y);
            double s2 = 0;
            for (double v : y) {
                s2 += v * v;
            }
            a2.merge(n.name(), s2 / y.length, Double::sum);
        }

        // backward: the gradient at each node's output, accumulated over its consumers
        Map<String, double[]> grad = new HashMap<>();
        for (int idx = nodes.size() - 1; idx >= 0; idx--) {
            Node n = nodes.get(idx);
            int w = (int) width(g, n.name());
            double[] gy = grad.get(n.name());
            if (n.kind() == LayerKind.OUTPUT) {
                gy = lossGradient(n, out.get(n.name()), bsz, w, r);
            }
            if (gy == null || n.kind() == LayerKind.INPUT) {
                continue;
            }
            switch (n.kind()) {
                case DENSE, OUTPUT -> {
                    double[] z = pre.get(n.name());
                    double[] d = new double[gy.length];
                    if (n.kind() == LayerKind.OUTPUT) {
                        System.arraycopy(gy, 0, d, 0, d.length);
                    } else {
                        Activation a = n.activation() == null ? Activation.IDENTITY : n.activation();
                        for (int i = 0; i < d.length; i++) {
                            d[i] = gy[i] * ActivationMath.slope(a, z[i]);
                        }
                    }
                    String src = n.inputs().get(0);
                    int in = (int) width(g, src);
                    double[] x = out.get(src);
                    double[] wgt = net.transposed().get(n.name());
                    double ms = weightGradientMeanSquare(x, d, bsz, in, w);
                    wg.merge(n.name(), ms, Double::sum);
                    double[] back = matmulT(d, wgt, bsz, in, w);
                    gPre.merge(n.name(), meanSquare(d), Double::sum);
                    gOut.merge(n.name(), meanSquare(n.kind() == LayerKind.OUTPUT ? d : gy), Double::sum);
                    gIn.merge(n.name(), meanSquare(back), Double::sum);
                    add(grad, src, back);
                }
                case ACTIVATION -> {
                    double[] z = pre.get(n.name());
                    double[] d = new double[gy.length];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = gy[i] * ActivationMath.slope(n.activation(), z[i]);
                    }
                    recordWeightless(n, gy, d, gPre, gOut, gIn);
                    add(grad, n.inputs().get(0), d);
                }
                case BATCH_NORM -> {
                    double[] hat = bnHat.get(n.name());
                    double[] sds = bnSd.get(n.name());
                    double[] d = new double[gy.length];
                    for (int j = 0; j < w; j++) {
                        double m1 = 0;
                        double m2 = 0;
                        for (int b = 0; b < bsz; b++) {
                            double gh = gy[b * w + j] * n.gamma();
                            m1 += gh;
                            m2 += gh * hat[b * w + j];
                        }
                        m1 /= bsz;
                        m2 /= bsz;
                        for (int b = 0; b < bsz; b++) {
                            double gh = gy[b * w + j] * n.gamma();
                            d[b * w + j] = (gh - m1 - hat[b * w + j] * m2) / sds[j];
                        }
                    }
                    recordWeightless(n, gy, d, gPre, gOut, gIn);
                    add(grad, n.inputs().get(0), d);
                }
                case ELEMENTWISE -> {
                    Node.Merge m = n.merge() == null ? Node.Merge.ADD : n.merge();
                    for (int k = 0; k < n.inputs().size(); k++) {
                        double f = (m == Node.Merge.SUBTRACT && k > 0 ? -1 : 1)
                                / (m == Node.Merge.AVERAGE ? (double) n.inputs().size() : 1);
                        double[] d = new double[gy.length];
                        for (int i = 0; i < d.length; i++) {
                            d[i] = f * gy[i];
                        }
                        if (k == 0) {
                            recordWeightless(n, gy, d, gPre, gOut, gIn);
                        }
                        add(grad, n.inputs().get(k), d);
                    }
                }
                default -> { }
            }
        }
    }

    /** A weightless node's gradient "at its pre-activation" is the one it passes to its input. */
    private static void recordWeightless(Node n, double[] out, double[] in, Map<String, Double> gPre,
                                         Map<String, Double> gOut, Map<String, Double> gIn) {
        double msIn = meanSquare(in);
        gPre.merge(n.name(), msIn, Double::sum);
        gOut.merge(n.name(), meanSquare(out), Double::sum);
        gIn.merge(n.name(), msIn, Double::sum);
    }

    private static double meanSquare(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s / v.length;
    }

    private static void add(Map<String, double[]> grad, String node, double[] d) {
        double[] cur = grad.get(node);
        if (cur == null) {
            grad.put(node, d);
        } else {
            for (int i = 0; i < cur.length; i++) {
                cur[i] += d[i];
            }
        }
    }

    private static double[] apply(Activation a, double[] z) {
        double[] y = new double[z.length];
        if (a == null || a.kind() == Activation.Kind.IDENTITY) {
            System.arraycopy(z, 0, y, 0, z.length);
            return y;
        }
        for (int i = 0; i < z.length; i++) {
            y[i] = ActivationMath.phi(a, z[i]);
        }
        return y;
    }

    private static double[] outputActivation(Node n, double[] z, int bsz, int w) {
        Activation a = n.activation();
        if (a != null && a.kind() == Activation.Kind.SOFTMAX) {
            double[] y = new double[z.length];
            for (int b = 0; b < bsz; b++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < w; j++) {
                    max = Math.max(max, z[b * w + j]);
                }
                double sum = 0;
                for (int j = 0; j < w; j++) {
                    y[b * w + j] = Math.exp(z[b * w + j] - max);
                    sum += y[b * w + j];
                }
                for (int j = 0; j < w; j++) {
                    y[b * w + j] /= sum;
                }
            }
            return y;
        }
        return apply(a, z);
    }

    /**
     * The loss gradient at the output's pre-activation, averaged over the batch: softmax with
     * cross-entropy against one-hot labels, sigmoid with cross-entropy against 0/1 labels, and
     * a squared error against standard-normal targets otherwise (all p - y up to a constant).
     */
    private static double[] lossGradient(Node n, double[] y, int bsz, int w, SplittableRandom r) {
        Activation a = n.activation() == null ? Activation.IDENTITY : n.activation();
        double[] d = new double[y.length];
        for (int b = 0; b < bsz; b++) {
            int label = r.nextInt(w);
            for (int j = 0; j < w; j++) {
                double t = switch (a.kind()) {
                    case SOFTMAX -> j == label ? 1 : 0;
                    case SIGMOID -> r.nextBoolean() ? 1 : 0;
                    default -> r.nextGaussian();
                };
                d[b * w + j] = (y[b * w + j] - t) / bsz;
            }
        }
        return d;
    }

    /** [bsz x in] times [in x out]. */
    private static double[] matmul(double[] x, double[] w, int bsz, int in, int out) {
        double[] z = new double[bsz * out];
        for (int b = 0; b < bsz; b++) {
            int zo = b * out;
            for (int i = 0; i < in; i++) {
                double xv = x[b * in + i];
                if (xv == 0) {
                    continue;
                }
                int wo = i * out;
                for (int o = 0; o < out; o++) {
                    z[zo + o] += xv * w[wo + o];
                }
            }
        }
        return z;
    }

    /** [bsz x out] times [out x in], the transposed weights (rows the inner loop can vectorise). */
    private static double[] matmulT(double[] d, double[] wt, int bsz, int in, int out) {
        double[] x = new double[bsz * in];
        for (int b = 0; b < bsz; b++) {
            int xo = b * in;
            for (int o = 0; o < out; o++) {
                double dv = d[b * out + o];
                if (dv == 0) {
                    continue;
                }
                int wo = o * in;
                for (int i = 0; i < in; i++) {
                    x[xo + i] += dv * wt[wo + i];
                }
            }
        }
        return x;
    }

    private static double[] transpose(double[] w, int in, int out) {
        double[] t = new double[w.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                t[o * in + i] = w[i * out + o];
            }
        }
        return t;
    }

    /** Mean square of the weight gradient x^T d ([in x out]). */
    private static double weightGradientMeanSquare(double[] x, double[] d, int bsz, int in, int out) {
        double[] row = new double[out];
        double s2 = 0;
        for (int i = 0; i < in; i++) {
            Arrays.fill(row, 0);
            for (int b = 0; b < bsz; b++) {
                double xv = x[b * in + i];
                if (xv == 0) {
                    continue;
                }
                int dof = b * out;
                for (int o = 0; o < out; o++) {
                    row[o] += xv * d[dof + o];
                }
            }
            for (int o = 0; o < out; o++) {
                s2 += row[o] * row[o];
            }
        }
        return s2 / ((double) in * out);
    }
}
