package io.gradflow.analysis;

import io.gradflow.kinds.Kinds;
import io.gradflow.kinds.SimPass;
import io.gradflow.kinds.Simulation;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.activation.Activations;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * The finite-width model of a narrow feed-forward network: a few copies of the network at its
 * real widths, weights drawn as its initialisers draw them, fed small batches of zero-mean
 * unit-variance inputs, with the per-layer gradient of a loss against random labels sent back.
 *
 * <p>Mean field describes the infinitely wide network and a single typical example. A narrow
 * network differs in two ways it cannot see (docs/theory.md section 9.2): the squared norm of
 * one example's activations is a sum over a layer's few units, a random walk whose drift is not
 * the mean gain where the activation's slopes are heavy-tailed (a thresholded ReLU layer where
 * a handful of units stay on); and batch normalisation couples the examples of a batch, so an
 * example whose norm is above the batch's grows away from the others where the activation is
 * convex (thresholded ReLU, cube). Both are exact here. The result is the median over networks
 * of the same numbers the verifier measures: it is a typical network, not a mean one.
 *
 * <p>Each kind's part of a batch is its {@link Simulation}; kinds without one (convolutions,
 * recurrent layers...) make the model mean field's alone, as does more work than {@link #MAX_WORK}
 * multiply-adds.
 */
final class WidthSimulation {

    /** Multiply-adds one simulation may spend: about 60 ms warm on one core, 150 ms in a fresh JVM. */
    static final long MAX_WORK = 120_000_000L;
    /** Networks drawn: the median of their numbers is the typical network's. */
    static final int NETWORKS = 7;
    /** Batches per network, as the verifier measures. */
    static final int BATCHES = 2;

    /** The simulated model numbers, and per node the activation RMS and weight-gradient RMS. */
    record Result(double firstToLastDecades, double signalDecades, Map<String, Double> activationRms,
                  Map<String, Double> weightGradientRms, Map<String, Double> gradientRms,
                  Map<String, Double> gainDecades) { }

    /**
     * One network's mean squares summed over its batches, per node: weight gradient, activation,
     * gradient at the pre-activation, arriving at the output and leaving to the input.
     */
    private record Sums(Map<String, Double> wg, Map<String, Double> a2, Map<String, Double> gPre,
                        Map<String, Double> gOut, Map<String, Double> gIn) {
        Sums() {
            this(new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>());
        }
    }

    /** A drawn network: weights per weighted node, row-major [in][out], and transposed. */
    private record Net(Map<String, double[]> weights, Map<String, double[]> transposed) { }

    private final ModelGraph g;
    private final int batch;
    private final Moments input;
    private final Map<String, double[]> stats;

    private WidthSimulation(ModelGraph g, int batch, Moments input, Map<String, double[]> stats) {
        this.g = g;
        this.batch = batch;
        this.input = input;
        this.stats = stats;
    }

    private int width(String node) {
        TensorShape s = g.shape(node);
        return s == null ? -1 : (int) s.size();
    }

    private static Simulation sim(Node n) {
        return Kinds.of(n.kind()).simulation();
    }

    /**
     * Simulates {@code g} (sizes known) or returns null where it cannot: a node it does not
     * model, an unknown width or initialiser, or more work than {@link #MAX_WORK}.
     *
     * @param weights per weighted node: {mean, variance} of one weight as the analysis derived them
     */
    static @Nullable Result run(ModelGraph g, Map<String, double[]> weights, int batch, Moments input,
                      @Nullable String first,
                      @Nullable String last, @Nullable String signalLayer, long seed, int threads) {
        WidthSimulation sim = new WidthSimulation(g, batch, input, weights);
        if (first == null || last == null || signalLayer == null || batch < 2 || !sim.supported()) {
            return null;
        }
        double perBatch = 0;
        for (Node n : g.nodes()) {
            perBatch += sim(n).work(n, sim.view(null, null), batch);
            if (perBatch > MAX_WORK) {
                return null;
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
        Sums[] sums = new Sums[networks];
        for (int k = 0; k < networks; k++) {
            sums[k] = new Sums();
        }
        if (!sim.runAll(sums, seed, threads)) {
            return null;
        }
        return sim.collect(sums, first, last, signalLayer);
    }

    /** Whether every node's kind can be simulated here. */
    private boolean supported() {
        for (Node n : g.nodes()) {
            TensorShape s = g.shape(n.name());
            if (s == null || s.kind() != TensorShape.Kind.FF || s.size() <= 0) {
                return false;
            }
            Activation a = n.activation();
            if (a != null && a.is(Activations.UNKNOWN) || n.dropRate() > 0 && n.kind() != LayerKind.INPUT) {
                return false;
            }
            if (sim(n).refuse(n, view(null, null)) != null) {
                return false;
            }
        }
        return !g.inputs().isEmpty();
    }

    /**
     * The networks are independent: one thread per core (or {@code wanted} when above 0). Each
     * network has its own seed, so the result does not depend on the threads.
     */
    private boolean runAll(Sums[] sums, long seed, int wanted) {
        int networks = sums.length;
        int cores = wanted > 0 ? wanted : Math.min(Runtime.getRuntime().availableProcessors(), 4);
        int threads = Math.max(1, Math.min(networks, cores));
        Thread[] pool = new Thread[threads];
        RuntimeException[] failure = new RuntimeException[1];
        for (int t = 0; t < threads; t++) {
            int first = t;
            pool[t] = new Thread(() -> {
                try {
                    Pool arrays = new Pool();
                    for (int k = first; k < networks; k += threads) {
                        SplittableRandom r = new SplittableRandom(seed + 7919L * k);
                        Net net = network(r, arrays);
                        for (int b = 0; b < BATCHES; b++) {
                            pass(net, r, sums[k], arrays);
                        }
                        arrays.release(List.of(net.weights().values(), net.transposed().values()));
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
                return false;
            }
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return true;
    }

    private Net network(SplittableRandom r, Pool pool) {
        Map<String, double[]> w = new HashMap<>();
        Map<String, double[]> t = new HashMap<>();
        for (Node n : g.nodes()) {
            double[] x = sim(n).draw(n, view(null, null), r);
            if (x != null) {
                int in = width(n.inputs().get(0));
                int out = (int) n.nOut();
                w.put(n.name(), x);
                t.put(n.name(), transpose(x, in, out, pool.take(x.length)));
            }
        }
        return new Net(w, t);
    }

    private static double[] transpose(double[] w, int in, int out, double[] t) {
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                t[o * in + i] = w[i * out + o];
            }
        }
        return t;
    }

    /** Forward and backward on one batch; adds the mean squares to {@code sums}. */
    private void pass(Net net, SplittableRandom r, Sums sums, Pool pool) {
        Batch b = view(net, r);
        b.sums = sums;
        b.pool = pool;
        List<Node> nodes = g.nodes();
        for (Node n : nodes) {
            double[] y = sim(n).forward(n, b);
            b.outs.put(n.name(), y);
            double s2 = 0;
            for (double v : y) {
                s2 += v * v;
            }
            sums.a2().merge(n.name(), s2 / y.length, Double::sum);
        }
        for (int idx = nodes.size() - 1; idx >= 0; idx--) {
            Node n = nodes.get(idx);
            Simulation s = sim(n);
            double[] gy = b.grad.get(n.name());
            if (s.lossSource() || gy != null && n.kind() != LayerKind.INPUT) {
                // a loss source makes its own gradient: nothing arrives at it
                s.backward(n, gy != null ? gy : new double[0], b);
            }
        }
        // the pass's arrays serve the next pass: the same shapes again, without a collection
        pool.release(List.of(b.given, b.outs.values(), b.grad.values(), b.kept.values()));
    }

    /**
     * Arrays one simulation thread is done with, by length. Every pass of a model allocates the
     * same arrays again, most of a simulated lint's allocation (1.4 of 1.6 GB over the accuracy
     * family's 440 files before it); reused, they stay in the cache and the collector has little
     * to do, which is what lets two files' simulations run side by side at full speed.
     */
    private static final class Pool {
        private final Map<Integer, ArrayDeque<double[]>> free = new HashMap<>();

        /** A zeroed array of {@code length}. */
        double[] take(int length) {
            ArrayDeque<double[]> q = free.get(length);
            double[] a = q == null ? null : q.poll();
            if (a == null) {
                return new double[length];
            }
            Arrays.fill(a, 0);
            return a;
        }

        /** Gives back arrays nothing reads any more; one array listed twice (an alias) goes back once. */
        void release(List<Collection<double[]>> groups) {
            Set<double[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Collection<double[]> arrays : groups) {
                for (double[] a : arrays) {
                    if (a.length > 0 && seen.add(a)) {
                        free.computeIfAbsent(a.length, x -> new ArrayDeque<>()).add(a);
                    }
                }
            }
        }
    }

    private Batch view(@Nullable Net net, @Nullable SplittableRandom r) {
        return new Batch(net, r);
    }

    /** One batch through one network, as the kinds see it. */
    private final class Batch implements SimPass {
        // null in the view that only answers SimGraph's questions (widths, weight statistics)
        private final @Nullable Net net;
        private final @Nullable SplittableRandom random;
        private final Map<String, double[]> outs = new HashMap<>();
        private final Map<String, double[]> grad = new HashMap<>();
        private final Map<String, double[]> kept = new HashMap<>();
        private @Nullable Sums sums;
        private @Nullable Pool pool;
        /** The arrays {@link #array} handed out: none outlives the pass. */
        private final List<double[]> given = new ArrayList<>();

        Batch(@Nullable Net net, @Nullable SplittableRandom random) {
            this.net = net;
            this.random = random;
        }

        @Override
        public ModelGraph graph() {
            return g;
        }

        @Override
        public int width(String node) {
            return WidthSimulation.this.width(node);
        }

        @Override
        public double @Nullable [] weightStats(String node) {
            return stats.get(node);
        }

        @Override
        public int batch() {
            return batch;
        }

        @Override
        public Moments input() {
            return input;
        }

        @Override
        public SplittableRandom random() {
            return Objects.requireNonNull(random, "a pass has its random numbers");
        }

        @Override
        public double[] out(String node) {
            return Objects.requireNonNull(outs.get(node), "a node's inputs run before it");
        }

        @Override
        public double[] weights(String node) {
            return Objects.requireNonNull(network().weights().get(node), "a weighted node's weights are drawn");
        }

        @Override
        public double[] transposed(String node) {
            return Objects.requireNonNull(network().transposed().get(node), "a weighted node's weights are drawn");
        }

        @Override
        public void keep(Node n, String key, double[] values) {
            kept.put(n.name() + '\u0000' + key, values);
        }

        @Override
        public double[] kept(Node n, String key) {
            return Objects.requireNonNull(kept.get(n.name() + '\u0000' + key), "the forward step kept it");
        }

        @Override
        public void send(String node, double[] d) {
            double[] cur = grad.get(node);
            if (cur == null) {
                grad.put(node, d);
            } else {
                for (int i = 0; i < cur.length; i++) {
                    cur[i] += d[i];
                }
            }
        }

        private Net network() {
            return Objects.requireNonNull(net, "a pass has its network");
        }

        @Override
        public void record(Node n, double[] out, double[] pre, double[] in) {
            Sums sums = Objects.requireNonNull(this.sums, "a pass has its sums");
            sums.gPre().merge(n.name(), meanSquare(pre), Double::sum);
            sums.gOut().merge(n.name(), meanSquare(out), Double::sum);
            sums.gIn().merge(n.name(), meanSquare(in), Double::sum);
        }

        @Override
        public double[] array(int length) {
            double[] a = pool == null ? new double[length] : pool.take(length);
            given.add(a);
            return a;
        }

        @Override
        public void recordWeightGradient(Node n, double meanSquare) {
            Objects.requireNonNull(sums, "a pass has its sums").wg().merge(n.name(), meanSquare, Double::sum);
        }
    }

    private static double meanSquare(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s / v.length;
    }

    // ------------------------------------------------------------------ the median network

    private Result collect(Sums[] sums, String first, String last, String signalLayer) {
        int networks = sums.length;
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
                ref = Objects.requireNonNull(gradRms.get(n.name()), "checked above");
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
}
