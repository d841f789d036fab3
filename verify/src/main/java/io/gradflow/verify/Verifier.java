package io.gradflow.verify;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.MemoryEstimate;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.analysis.Thresholds;
import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Precision;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.RuleConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Confirms a prediction with a short real training run: builds the network with Deeplearning4j,
 * measures per-layer gradients and activations on synthetic batches at initialisation, trains a
 * few steps with the model's own updater, measures again. {@link Checks} then says what each
 * finding's claim came to.
 */
public final class Verifier {

    /**
     * @param steps         training steps
     * @param batch         examples per batch
     * @param seed          seed of the initialisation and the synthetic data
     * @param probeBatches  batches averaged per measurement
     * @param timeBudget    seconds one model may take, building, measuring and training (0: no limit)
     * @param fileWeights   use the weights the file stores (DL4J zips, Keras HDF5) instead of drawing fresh ones
     * @param timeSteps     sequence length where the file gives none (the analysis's assumption)
     * @param maxMemory     bytes the network may need to train ({@link MemoryEstimate}); 0: what ND4J
     *                      and the machine allow ({@link MemoryBudget#available})
     */
    public record Options(int steps, int batch, long seed, int probeBatches, double timeBudget, boolean fileWeights,
                          int timeSteps, double maxMemory) {

        /** The default time budget per model, in seconds. */
        public static final double DEFAULT_BUDGET = 300;

        public static final Options DEFAULT = new Options(10, 32, 42, 4, DEFAULT_BUDGET, false,
                SignalPropagation.Options.DEFAULT.assumedTimeSteps());

        public Options(int steps, int batch, long seed, int probeBatches, double timeBudget, boolean fileWeights,
                       int timeSteps) {
            this(steps, batch, seed, probeBatches, timeBudget, fileWeights, timeSteps, 0);
        }
    }

    private final Options opts;
    private final Progress progress;

    public Verifier(Options opts, Progress progress) {
        this.opts = opts;
        this.progress = progress;
    }

    /** Reads, analyses, measures and checks one model in this process. */
    public VerifyReport verify(Path file, String display, RuleConfig config) throws ReadException, VerifyException {
        ModelGraph g = Pipeline.read(file, display);
        ModelResult lint = Pipeline.check(g, config, opts.batch());
        VerifyReport.Run run = run(file, g, lint.analysis(), config.thresholds());
        return new VerifyReport(lint, run, Checks.check(lint.findings(), lint.analysis(), run.atInit(),
                config.thresholds()));
    }

    /**
     * Builds and measures one model already read and analysed.
     *
     * @throws VerifyException in one line: a layer DL4J cannot run, a network that does not fit, the
     *                         time budget reached before a measurement
     */
    public VerifyReport.Run run(Path file, ModelGraph read, GradientAnalysis a, Thresholds thresholds)
            throws VerifyException {
        long t0 = System.nanoTime();
        Budget budget = new Budget(progress, opts.timeBudget(), t0);
        try {
            return measure(file, read, a, thresholds, budget, t0);
        } catch (Progress.OverBudget e) {
            throw new VerifyException(String.format(Locale.ROOT, "time budget of %.0f s reached while %s; give it "
                    + "more with --time-budget SECONDS", opts.timeBudget(), e.phase()));
        } catch (OutOfMemoryError e) {
            throw NetworkBuilder.outOfMemory();
        }
    }

    private VerifyReport.Run measure(Path file, ModelGraph read, GradientAnalysis a, Thresholds thresholds,
                                     Budget budget, long t0) throws VerifyException {
        List<String> notes = new ArrayList<>();
        ModelGraph g = InputShapes.completed(read, opts.timeSteps());
        if (g != read) {
            notes.addAll(g.assumptions().subList(read.assumptions().size(), g.assumptions().size()));
        }
        // before anything is built: a network that cannot fit is refused in one line
        MemoryBudget.check(g, opts.batch(), opts.maxMemory());
        Precision wanted = opts.fileWeights() ? Precision.FLOAT32 : halfFormat(g, notes);
        Measuring run = null;
        if (wanted != Precision.FLOAT32) {
            try {
                // the same draws in float32 beside it: which gradient entries the format rounds to zero
                NetworkBuilder.Built reference = NetworkBuilder.fromGraph(g, opts.seed(), budget);
                Dl4jNet float32 = reference.net() != null ? reference.net() : Dl4jNet.of(reference.network(), g);
                run = measureAtInit(NetworkBuilder.fromGraph(g, opts.seed(), budget, wanted), g, a, thresholds,
                        budget, float32, wanted.id());
            } catch (Progress.OverBudget e) {
                throw e;
            } catch (VerifyException | RuntimeException e) {
                notes.add(wanted.id() + ": ND4J could not run this network in " + wanted.id() + " ("
                        + oneLine(e) + "); measured in float32");
            }
        }
        if (run == null) {
            NetworkBuilder.Built built = opts.fileWeights()
                    ? NetworkBuilder.withFileWeights(file, g, opts.seed(), budget)
                    : NetworkBuilder.fromGraph(g, opts.seed(), budget);
            run = measureAtInit(built, g, a, thresholds, budget, null, "float32");
        }
        NetworkBuilder.Built built = run.built();
        Dl4jNet net = run.net();
        SyntheticData data = run.data();
        Measurer measurer = run.measurer();
        Measurement atInit = run.atInit();

        Map<String, Double> ratioSum = new HashMap<>();
        long[][] outShapes = null;
        int done = 0;
        String cut = null;
        long trainStart = System.nanoTime();
        if (opts.steps() > 0) {
            budget.phase("training");
        }
        for (int s = 1; s <= opts.steps(); s++) {
            try {
                budget.step("training", s, opts.steps());
            } catch (Progress.OverBudget e) {
                cut = String.format(Locale.ROOT, "time budget of %.0f s reached: trained %d of %d steps",
                        opts.timeBudget(), done, opts.steps());
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
        }
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        Measurement after = null;
        if (done > 0) {
            Measurement m = measurer.measure(net, opts.probeBatches(), opts.batch(), done, budget.unlimited(),
                    "measuring after " + done + (done == 1 ? " step" : " steps"));
            List<LayerMeasurement> layers = new ArrayList<>();
            for (LayerMeasurement l : m.layers()) {
                Double r = ratioSum.get(l.layer());
                layers.add(r == null ? l : l.withUpdateRatio(r / done));
            }
            after = new Measurement(m.verdict(), m.firstToLastDecades(), m.signalDecades(), done, layers,
                    m.nonFiniteAt());
        }
        notes.addAll(built.notes());
        return new VerifyReport.Run(atInit, after, Environment.current(), built.weights(), cut,
                (System.nanoTime() - t0) / 1e9, trainSeconds, notes, dataTypeName(net.params().dataType()));
    }

    /** A network built and measured at initialisation, with what the training steps go on with. */
    private record Measuring(NetworkBuilder.Built built, Dl4jNet net, SyntheticData data, Measurer measurer,
                             Measurement atInit) { }

    private Measuring measureAtInit(NetworkBuilder.Built built, ModelGraph g, GradientAnalysis a,
                                    Thresholds thresholds, Budget budget, @Nullable Dl4jNet float32, String format)
            throws VerifyException {
        Dl4jNet net = built.net() != null ? built.net() : Dl4jNet.of(built.network(), g);
        DataType dtype = net.params().dataType();
        Nd4j.getRandom().setSeed(opts.seed());
        List<String> layouts = new ArrayList<>();
        for (int i = 0; i < g.inputs().size(); i++) {
            layouts.add(net.inputLayout(i));
        }
        SyntheticData data = new SyntheticData(g, dtype, layouts);
        Measurer measurer = new Measurer(g, a, data, thresholds, float32, format);
        try {
            Measurement atInit = measurer.measure(net, opts.probeBatches(), opts.batch(), 0, budget,
                    "measuring at initialisation");
            return new Measuring(built, net, data, measurer, atInit);
        } catch (Progress.OverBudget | OutOfMemoryError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new VerifyException("Deeplearning4j could not run this network on synthetic inputs shaped "
                    + inputShapes(g) + ": " + NetworkBuilder.oneLine(e), e);
        }
    }

    /**
     * The half-precision format to measure a model in, or float32: float16 where the model computes
     * in it (DL4J's HALF, Keras's float16 and mixed_float16); bfloat16 models are measured in float32
     * (DL4J 1.0.0-M2.1's layers refuse BFLOAT16), and a note says so.
     */
    static Precision halfFormat(ModelGraph g, List<String> notes) {
        Precision p = g.numberFormat().compute();
        if (p == Precision.BFLOAT16) {
            notes.add("bfloat16: Deeplearning4j 1.0.0-M2.1 runs layers in double, float and half only (it refuses "
                    + "BFLOAT16); measured in float32, so no gradient entry is flushed here");
            return Precision.FLOAT32;
        }
        return p == Precision.FLOAT16 ? p : Precision.FLOAT32;
    }

    private static String dataTypeName(DataType t) {
        return switch (t) {
            case HALF -> Precision.FLOAT16.id();
            case BFLOAT16 -> Precision.BFLOAT16.id();
            case DOUBLE -> Precision.FLOAT64.id();
            default -> Precision.FLOAT32.id();
        };
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage();
        return e instanceof VerifyException && m != null ? m : NetworkBuilder.oneLine(e);
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

    /** Passes progress on and ends the run once the model's time is up. */
    static final class Budget implements Progress {
        private final Progress to;
        private final double seconds;
        private final long start;
        private final boolean enforced;

        Budget(Progress to, double seconds, long start) {
            this(to, seconds, start, true);
        }

        private Budget(Progress to, double seconds, long start, boolean enforced) {
            this.to = to;
            this.seconds = seconds;
            this.start = start;
            this.enforced = enforced;
        }

        /** The same progress without the limit: the measurement after training always completes. */
        Budget unlimited() {
            return new Budget(to, seconds, start, false);
        }

        private void check(String what) {
            if (enforced && seconds > 0 && (System.nanoTime() - start) / 1e9 > seconds) {
                throw new Progress.OverBudget(what);
            }
        }

        @Override
        public void phase(String what) {
            check(what);
            to.phase(what);
        }

        @Override
        public void step(String what, int i, int n) {
            check(what);
            to.step(what, i, n);
        }
    }
}
