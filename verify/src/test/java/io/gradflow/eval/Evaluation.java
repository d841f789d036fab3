package io.gradflow.eval;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.analysis.Thresholds;
import io.gradflow.analysis.Verdict;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.ModelGraph;
import io.gradflow.testing.Dl4jConfigs;
import io.gradflow.testing.Dl4jConfigs.Spec;
import io.gradflow.verify.Dl4jNet;
import io.gradflow.verify.Measurement;
import io.gradflow.verify.Measurer;
import io.gradflow.verify.NetworkBuilder;
import io.gradflow.verify.SyntheticData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Predicate;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.distribution.TruncatedNormalDistribution;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The accuracy evaluation of issue 7: a family of DL4J configurations (MLPs and CNNs at several
 * depths, every activation, every initialiser, with and without batch norm, residual variants),
 * their predicted and their measured gradient numbers at initialisation, and the agreement.
 *
 * <p>Run the whole family with {@code scripts/accuracy.sh} (prints the table); {@code AccuracyIT}
 * runs a small slice in CI.
 */
public final class Evaluation {

    /** Measurement protocol: probe batches per network and their size. */
    static final int BATCHES = 4;
    /** Networks measured per case: a finite network's numbers move between seeds, the mean of their logs is the typical. */
    static final int SEEDS = Integer.getInteger("gradflow.eval.seeds", 2);
    static final int BATCH = Integer.getInteger("gradflow.eval.batch", 24);
    /** A case is clear when its measured numbers are this far from every threshold. */
    static final double CLEAR_MARGIN = 0.3;

    static final Activation[] ACTIVATIONS = {Activation.SIGMOID, Activation.TANH, Activation.RELU,
        Activation.LEAKYRELU, Activation.ELU, Activation.SELU, Activation.SOFTSIGN, Activation.HARDTANH,
        Activation.HARDSIGMOID, Activation.SOFTPLUS, Activation.SWISH, Activation.GELU, Activation.MISH,
        Activation.RATIONALTANH, Activation.RECTIFIEDTANH, Activation.RELU6, Activation.RRELU,
        Activation.THRESHOLDEDRELU, Activation.IDENTITY, Activation.CUBE};

    /** Every DL4J initialiser (but the constant ones, whose ratio is undefined) and some distributions. */
    static List<Named> inits() {
        List<Named> out = new ArrayList<>();
        for (WeightInit w : WeightInit.values()) {
            switch (w) {
                case DISTRIBUTION, ZERO, ONES -> { }
                default -> out.add(new Named(w.name(), w.getWeightInitFunction()));
            }
        }
        // names without commas: they are CSV keys
        out.add(new Named("N(0;1)", Dl4jConfigs.init(new NormalDistribution(0, 1))));
        out.add(new Named("N(0;0.1)", Dl4jConfigs.init(new NormalDistribution(0, 0.1))));
        out.add(new Named("U(-1;1)", Dl4jConfigs.init(new UniformDistribution(-1, 1))));
        out.add(new Named("TN(0;0.5)", Dl4jConfigs.init(new TruncatedNormalDistribution(0, 0.5))));
        // no OrthogonalDistribution: ND4J 1.0.0-M2.1's sampler hangs or crashes the JVM natively
        return out;
    }

    /** An initialiser with a printable name. */
    record Named(String name, IWeightInit init) { }

    /** One configuration of the family. */
    record Case(String id, Spec spec, String init) { }

    /**
     * Predicted and measured numbers of one case; {@code weightScale} turns a weight-gradient
     * ratio into the relative updates' the verdict compares (docs/theory.md section 10).
     */
    record Row(Case c, int layers, double predRatio, double predSignal, Verdict pred, double measRatio,
               double measSignal, Verdict meas, long millis, String error, double weightScale) {

        boolean measured() {
            return error == null && Double.isFinite(measRatio) && Double.isFinite(measSignal);
        }

        boolean clear(Thresholds t) {
            double behind = Math.max(measRatio, measRatio - weightScale);
            return measured() && far(behind, -t.vanishingDecades()) && far(measRatio, t.explodingDecades())
                    && far(measSignal, -t.signalDecades()) && far(measSignal, t.signalDecades());
        }

        double ratioError() {
            return Math.abs(predRatio - measRatio);
        }
    }

    private static boolean far(double v, double threshold) {
        return Math.abs(v - threshold) > CLEAR_MARGIN;
    }

    private Evaluation() {
    }

    /**
     * The family: every activation x initialiser pair once, with depth, layer kind, batch norm and
     * residual blocks drawn from {@code seed}; {@code limit} keeps an evenly spread subset.
     */
    static List<Case> family(long seed, int limit) {
        Random r = new Random(seed);
        List<Case> all = new ArrayList<>();
        int[] depths = {4, 8, 16, 32};
        for (Activation a : ACTIVATIONS) {
            for (Named init : inits()) {
                int depth = depths[r.nextInt(depths.length)];
                boolean cnn = r.nextInt(3) == 0;
                boolean bn = r.nextInt(3) == 0;
                boolean res = r.nextInt(4) == 0;
                if (cnn && init.name().equals("IDENTITY")) {
                    cnn = false;
                }
                // DL4J's RReLU breaks in double precision (it draws its slopes in float)
                boolean doubles = a != Activation.RRELU;
                Spec s = cnn ? new Spec(true, depth, 16, a, init.init(), bn, res, 0, 8, doubles)
                        : new Spec(false, depth, 64, a, init.init(), bn, res, 0, 64, doubles);
                String id = String.format(Locale.ROOT, "%s-%s-%s-d%d%s%s", cnn ? "cnn" : "mlp",
                        a.name().toLowerCase(Locale.ROOT), init.name(), depth, bn ? "-bn" : "", res ? "-res" : "");
                all.add(new Case(id, s, init.name()));
            }
        }
        if (limit >= all.size()) {
            return all;
        }
        List<Case> out = new ArrayList<>();
        double step = (double) all.size() / limit;
        for (int i = 0; i < limit; i++) {
            out.add(all.get((int) (i * step)));
        }
        return out;
    }

    /** Predicts one case and measures it on {@link #SEEDS} networks (the mean of the decades). */
    static Row evaluate(Case c, long seed) {
        long t0 = System.nanoTime();
        try {
            String json = Dl4jConfigs.json(c.spec());
            ModelGraph g = ModelLoader.loadJson(c.id() + ".json", json.getBytes(StandardCharsets.UTF_8));
            GradientAnalysis a = SignalPropagation.analyse(g, SignalPropagation.Options.DEFAULT.withBatch(BATCH));
            ModelGraph sized = g;
            DataType dtype = c.spec().doubles() ? DataType.DOUBLE : DataType.FLOAT;
            double ratio = 0;
            double signal = 0;
            boolean broken = false;
            for (int k = 0; k < SEEDS; k++) {
                long s = seed + 1000L * k;
                Measurement meas = measure(c, json, g, sized, a, dtype, s);
                broken |= overflowed(meas);
                ratio += meas.firstToLastDecades() / SEEDS;
                signal += meas.signalDecades() / SEEDS;
            }
            Verdict mv = broken ? Verdict.EXPLODING
                    : Thresholds.DEFAULT.verdict(clampInf(ratio), clampInf(signal), a.trainability());
            return new Row(c, g.layerCount(), a.firstToLastDecades(), a.signalDecades(), a.verdict(), ratio, signal,
                    mv, (System.nanoTime() - t0) / 1_000_000, null, -a.trainability().update(0));
        } catch (Exception | Error e) {
            return new Row(c, 0, Double.NaN, Double.NaN, Verdict.UNKNOWN, Double.NaN, Double.NaN, Verdict.UNKNOWN,
                    (System.nanoTime() - t0) / 1_000_000, e.toString(), 0);
        }
    }

    /**
     * Whether a measurement met a NaN or infinity, which the evaluation counts as exploding in any
     * batch: the verifier's activations stay finite wherever their mathematics does
     * (StableActivations), so only a network whose numbers really overflow gets one.
     */
    static boolean overflowed(Measurement m) {
        return m.verdict() == Verdict.UNKNOWN && m.nonFiniteAt() != null;
    }

    private static double clampInf(double d) {
        return Double.isInfinite(d) && d > 0 ? 1e9 : d;
    }

    private static Measurement measure(Case c, String json, ModelGraph g, ModelGraph sized, GradientAnalysis a,
                                       DataType dtype, long seed) {
        Object net = NetworkBuilder.fromJson(json, seed);
        Nd4j.getRandom().setSeed(seed);
        Measurer m = new Measurer(sized, a, new SyntheticData(sized, dtype), Thresholds.DEFAULT);
        return m.measure(Dl4jNet.of(net, g), BATCHES, BATCH, 0);
    }

    /** Figures over a set of rows. */
    record Summary(int cases, int measured, int clear, int agree, double median, double p90, double max) {

        double agreement() {
            return clear == 0 ? 1 : (double) agree / clear;
        }
    }

    static Summary summarize(List<Row> rows, Predicate<Row> filter) {
        List<Row> sel = rows.stream().filter(filter).toList();
        List<Row> measured = sel.stream().filter(Row::measured).toList();
        List<Row> clear = measured.stream().filter(r -> r.clear(Thresholds.DEFAULT)).toList();
        int agree = (int) clear.stream().filter(r -> r.pred() == r.meas()).count();
        double[] err = measured.stream().mapToDouble(Row::ratioError).sorted().toArray();
        return new Summary(sel.size(), measured.size(), clear.size(), agree, quantile(err, 0.5), quantile(err, 0.9),
                err.length == 0 ? Double.NaN : err[err.length - 1]);
    }

    /** Every family's accuracy targets: the absolute error's median and 90th percentile, in decades. */
    static final double MEDIAN_TARGET = 0.15;
    static final double P90_TARGET = 0.5;

    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    static void printTable(List<Row> rows, PrintStream out) {
        out.println("| slice | cases | measured | clear | verdict agreement | median error | p90 error | max error |");
        out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        line(out, "all", summarize(rows, r -> true));
        line(out, "MLP", summarize(rows, r -> !r.c().spec().cnn()));
        line(out, "CNN", summarize(rows, r -> r.c().spec().cnn()));
        line(out, "batch norm", summarize(rows, r -> r.c().spec().batchNorm()));
        line(out, "residual", summarize(rows, r -> r.c().spec().residual()));
        for (int d : new int[] {4, 8, 16, 32}) {
            line(out, "depth " + d, summarize(rows, r -> r.c().spec().depth() == d));
        }
        for (Activation a : ACTIVATIONS) {
            line(out, a.name().toLowerCase(Locale.ROOT), summarize(rows, r -> r.c().spec().activation() == a));
        }
    }

    static void line(PrintStream out, String name, Summary s) {
        // a prediction of a dead signal has no finite first-to-last ratio: its error is unbounded
        String max = Double.isNaN(s.max()) ? "∞ (dead)" : String.format(Locale.ROOT, "%.2f", s.max());
        out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.1f%% | %.3f | %.3f | %s |%n", name, s.cases(), s.measured(),
                s.clear(), 100 * s.agreement(), s.median(), s.p90(), max);
    }

    public static void main(String[] args) throws IOException {
        int limit = args.length > 0 ? Integer.parseInt(args[0]) : Integer.MAX_VALUE;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 7;
        List<Case> cases = family(seed, limit);
        List<Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        for (Case c : cases) {
            Row r = evaluate(c, seed);
            rows.add(r);
            System.err.printf(Locale.ROOT, "[%d/%d] %-48s pred %+7.2f/%+6.2f %-9s meas %+7.2f/%+6.2f %-9s %5d ms%s%n",
                    rows.size(), cases.size(), c.id(), r.predRatio(), r.predSignal(), r.pred(), r.measRatio(),
                    r.measSignal(), r.meas(), r.millis(), r.error() == null ? "" : "  " + r.error());
        }
        printTable(rows, System.out);
        report(rows, System.out);
        System.out.printf(Locale.ROOT, "%n%d cases in %.0f s%n", rows.size(), (System.nanoTime() - t0) / 1e9);
        writeCsv(rows);
    }

    /** The worst errors and the clear cases whose verdicts differ. */
    static void report(List<Row> rows, PrintStream out) {
        out.printf(Locale.ROOT, "%nworst first-to-last errors:%n");
        rows.stream().filter(Row::measured).sorted(Comparator.comparingDouble(Row::ratioError).reversed()).limit(15)
                .forEach(r -> out.printf(Locale.ROOT, "  %-48s predicted %+7.2f measured %+7.2f (signal %+.2f vs %+.2f)%n",
                        r.c().id(), r.predRatio(), r.measRatio(), r.predSignal(), r.measSignal()));
        List<Row> disagree = rows.stream().filter(r -> r.clear(Thresholds.DEFAULT) && r.pred() != r.meas()).toList();
        out.printf(Locale.ROOT, "%nclear cases where the verdicts differ: %d%n", disagree.size());
        disagree.forEach(r -> out.printf(Locale.ROOT, "  %-48s predicted %s (%+.2f, %+.2f) measured %s (%+.2f, %+.2f)%n",
                r.c().id(), r.pred(), r.predRatio(), r.predSignal(), r.meas(), r.measRatio(), r.measSignal()));
    }

    static void writeCsv(List<Row> rows) throws IOException {
        Path csv = Path.of("target", "accuracy.csv");
        Files.createDirectories(csv.getParent());
        List<String> lines = new ArrayList<>();
        lines.add("id,layers,pred_ratio,pred_signal,pred_verdict,meas_ratio,meas_signal,meas_verdict,millis,error");
        for (Row r : rows) {
            lines.add(String.join(",", Arrays.asList(r.c().id(), Integer.toString(r.layers()), d(r.predRatio()),
                    d(r.predSignal()), r.pred().id(), d(r.measRatio()), d(r.measSignal()), r.meas().id(),
                    Long.toString(r.millis()), r.error() == null ? "" : '"' + r.error().replace('"', '\'') + '"')));
        }
        Files.write(csv, lines);
    }

    private static String d(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
