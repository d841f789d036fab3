package io.gradflow.verify;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.Verdict;
import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Confirms a prediction with a short real training run: builds the network with Deeplearning4j,
 * measures per-layer gradients and activations on synthetic batches at initialisation, trains a
 * few steps with the model's own updater, measures again, and checks each finding.
 */
public final class Verifier {

    /**
     * @param steps         training steps
     * @param batch         examples per batch
     * @param seed          seed of the initialisation and the synthetic data
     * @param probeBatches  batches averaged per measurement
     * @param timeBudget    seconds after which training stops (0: no limit)
     * @param reinitialise  ignore weights stored in the file
     * @param config        rule configuration
     */
    public record Options(int steps, int batch, long seed, int probeBatches, double timeBudget, boolean reinitialise,
                          RuleConfig config) {

        public static final Options DEFAULT = new Options(10, 32, 42, 4, 0, false, RuleConfig.DEFAULT);
    }

    private final Options opts;
    private final PrintWriter progress;

    public Verifier(Options opts, PrintWriter progress) {
        this.opts = opts;
        this.progress = progress;
    }

    public VerifyReport verify(Path file, String display) throws ReadException, VerifyException {
        ModelGraph g = Pipeline.read(file, display);
        ModelResult lint = Pipeline.check(g, opts.config(), opts.batch());
        GradientAnalysis a = lint.analysis();
        List<Finding> findings = lint.findings();
        if (!a.cuts().isEmpty()) {
            progress.println("gradflow verify: " + display + ": layers gradflow cannot model ("
                    + String.join(", ", a.cuts()) + "); measuring anyway");
        }
        long t0 = System.nanoTime();
        NetworkBuilder.Built built = NetworkBuilder.build(file, g, opts.seed(), opts.reinitialise());
        Dl4jNet net = Dl4jNet.of(built.network(), g);
        DataType dtype = net.params().dataType();
        Nd4j.getRandom().setSeed(opts.seed());
        List<String> layouts = new ArrayList<>();
        for (int i = 0; i < g.inputs().size(); i++) {
            layouts.add(net.inputLayout(i));
        }
        SyntheticData data = new SyntheticData(g, dtype, layouts);
        Measurer measurer = new Measurer(g, a, data, opts.config().thresholds());
        Measurement atInit;
        try {
            atInit = measurer.measure(net, opts.probeBatches(), opts.batch(), 0);
        } catch (RuntimeException e) {
            throw new VerifyException("Deeplearning4j could not run this network on synthetic inputs shaped "
                    + inputShapes(g) + ": " + NetworkBuilder.oneLine(e), e);
        }

        Map<String, Double> ratioSum = new HashMap<>();
        long[][] outShapes = null;
        int done = 0;
        String cut = null;
        long lastProgress = System.nanoTime();
        long trainStart = System.nanoTime();
        for (int s = 1; s <= opts.steps(); s++) {
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (opts.timeBudget() > 0 && elapsed > opts.timeBudget()) {
                cut = String.format(Locale.ROOT, "--time-budget %.0f s reached: trained %d of %d steps",
                        opts.timeBudget(), done, opts.steps());
                progress.printf(Locale.ROOT, "gradflow verify: %s: step %d/%d, time budget reached%n", display, done,
                        opts.steps());
                progress.flush();
                break;
            }
            INDArray[] x = data.features(opts.batch());
            if (outShapes == null) {
                INDArray[] o = net.outputs(x);
                outShapes = new long[o.length][];
                for (int i = 0; i < o.length; i++) {
                    outShapes[i] = o[i].shape();
                }
            }
            INDArray[] y = data.labels(outShapes);
            Map<String, INDArray> before = copy(net.weights());
            net.fit(x, y);
            for (Map.Entry<String, INDArray> w : net.weights().entrySet()) {
                INDArray old = Objects.requireNonNull(before.get(w.getKey()), "copied above");
                double norm = old.norm2Number().doubleValue();
                double delta = w.getValue().sub(old).norm2Number().doubleValue();
                ratioSum.merge(w.getKey(), norm > 0 ? delta / norm : Double.NaN, Double::sum);
            }
            done = s;
            if ((System.nanoTime() - t0) / 1e9 > 1 && (System.nanoTime() - lastProgress) / 1e9 > 1) {
                progress.printf(Locale.ROOT, "gradflow verify: %s: step %d/%d, score %.4g%n", display, s,
                        opts.steps(), net.score());
                progress.flush();
                lastProgress = System.nanoTime();
            }
        }
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        Measurement after = null;
        if (done > 0) {
            Measurement m = measurer.measure(net, opts.probeBatches(), opts.batch(), done);
            List<LayerMeasurement> layers = new ArrayList<>();
            for (LayerMeasurement l : m.layers()) {
                Double r = ratioSum.get(l.layer());
                layers.add(r == null ? l : l.withUpdateRatio(r / done));
            }
            after = new Measurement(m.verdict(), m.firstToLastDecades(), m.signalDecades(), done, layers);
        }
        List<VerifyReport.Check> checks = new ArrayList<>();
        for (Finding f : findings) {
            checks.add(check(f, atInit));
        }
        return new VerifyReport(lint, atInit, after, Environment.current(), built.weights(), checks, cut,
                (System.nanoTime() - t0) / 1e9, trainSeconds);
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> m) {
        Map<String, INDArray> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    private static String inputShapes(ModelGraph g) {
        List<String> s = new ArrayList<>();
        g.inputs().forEach(n -> s.add(g.shape(n.name()).toString()));
        return String.join(", ", s);
    }

    /** Whether the measurement shows what a finding claims (see the README for the criteria). */
    static VerifyReport.Check check(Finding f, Measurement m) {
        String numbers = String.format(Locale.ROOT, "measured first-to-last %+.2f decades, signal %+.2f decades",
                m.firstToLastDecades(), m.signalDecades());
        return switch (f.category()) {
            case VANISHING_GRADIENT -> new VerifyReport.Check(f, m.verdict() == Verdict.VANISHING
                    || f.severity() != io.gradflow.rules.Severity.ERROR && m.firstToLastDecades() <= -1, numbers);
            case EXPLODING_GRADIENT -> new VerifyReport.Check(f, m.verdict() == Verdict.EXPLODING
                    || f.severity() != io.gradflow.rules.Severity.ERROR && m.firstToLastDecades() >= 1, numbers);
            case INITIALIZATION, NORMALIZATION, SKIP_CONNECTION -> {
                boolean drift = m.verdict() == Verdict.VANISHING || m.verdict() == Verdict.EXPLODING
                        || Math.abs(m.firstToLastDecades()) >= 1 || Math.abs(m.signalDecades()) >= 1;
                yield new VerifyReport.Check(f, f.severity() == io.gradflow.rules.Severity.ERROR
                        ? m.verdict() != Verdict.HEALTHY : drift, numbers);
            }
            case DEAD_UNITS -> {
                LayerMeasurement l = f.layer() == null ? null : m.layer(f.layer());
                double inactive = l == null ? Double.NaN : l.inactive();
                yield new VerifyReport.Check(f, Double.isNaN(inactive) ? null : inactive >= 0.5,
                        String.format(Locale.ROOT, "measured %.0f%% of outputs inactive, %.0f%% of units dead",
                                100 * inactive, 100 * (l == null ? Double.NaN : l.dead())));
            }
            case SATURATION -> {
                LayerMeasurement l = f.layer() == null ? null : m.layer(f.layer());
                double sat = l == null ? Double.NaN : l.saturated();
                yield new VerifyReport.Check(f, Double.isNaN(sat) ? null : sat >= 0.5,
                        String.format(Locale.ROOT, "measured %.0f%% saturated outputs", 100 * sat));
            }
            default -> new VerifyReport.Check(f, null, "not checked by a training run");
        };
    }
}
