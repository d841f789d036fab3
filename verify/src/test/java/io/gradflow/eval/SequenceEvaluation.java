package io.gradflow.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.analysis.Thresholds;
import io.gradflow.analysis.Verdict;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.verify.LayerMeasurement;
import io.gradflow.verify.Measurement;
import io.gradflow.verify.Progress;
import io.gradflow.verify.Verifier;
import io.gradflow.verify.VerifyReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The accuracy evaluation of issue 19 item 3: seeded families of recurrent stacks (SimpleRNN, LSTM,
 * GRU over depth, sequence length, initialisers and forget biases) and transformer encoders
 * (pre-LN and post-LN, depth, width, heads), written as tf.keras {@code model.to_json()} files,
 * predicted by the normal reader and analysis, and measured at initialisation with the verifier
 * (the network gradflow builds from the graph, drawn as Keras draws it).
 *
 * <p>Run it with {@code scripts/accuracy-seq.sh} (writes target/accuracy-seq.csv, whose rows are
 * stored in fixtures/accuracy/measured-seq.csv); {@code Replay} re-predicts the stored rows.
 */
public final class SequenceEvaluation {

    /** The family's seed: the same seed writes the same models. */
    static final long SEED = 19;
    /**
     * How many networks the stored measurement (fixtures/accuracy/measured-seq.csv) averaged: the
     * {@code gradflow.eval.seeds} it was run with, not this run's.
     */
    static final int STORED_NETWORKS = 16;
    /**
     * Measurement protocol: networks per case (the mean of their decades; by default the stored
     * run's), probe batches, batch size.
     */
    static final int SEEDS = Integer.getInteger("gradflow.eval.seeds", STORED_NETWORKS);
    static final int BATCHES = 2;
    static final int BATCH = 16;
    /** Input features of the recurrent cases. */
    static final int FEATURES = 16;
    static final int CLASSES = 5;
    private static final double NO_MEMORY_LIMIT = 1e12;

    /** The families, as the README's table names them. */
    enum Family {
        SIMPLE_RNN("SimpleRNN", 0), LSTM("LSTM", 1), GRU("GRU", 2), PRE_LN("transformer pre-LN", 3),
        POST_LN("transformer post-LN", 4);

        final String label;
        /** The family's random stream, fixed: the stored measurements are keyed by the ids it draws. */
        final int stream;

        Family(String label, int stream) {
            this.label = label;
            this.stream = stream;
        }

        /** The recurrent families, in the table's order. */
        static final List<Family> RECURRENT = List.of(SIMPLE_RNN, LSTM, GRU);

        boolean recurrent() {
            return RECURRENT.contains(this);
        }
    }

    /** One generated model: its id says what it is; {@code cost} orders the measurement (cheap first). */
    record Case(String id, Family family, int depth, int steps, int width, String json, double cost) { }

    /** Predicted and measured numbers of one case; {@code time} is through the first recurrent layer's steps. */
    record Row(Case c, int layers, double predRatio, double predSignal, Verdict pred, double predTime,
               double measRatio, double measSignal, Verdict meas, double measTime, double measTimeLow,
               double measTimeHigh, long millis, @Nullable String error, double weightScale) {

        boolean measured() {
            return error == null && Double.isFinite(measRatio) && Double.isFinite(measSignal);
        }

        /** As {@code Evaluation.Row.clear}: the measured numbers are far from every threshold. */
        boolean clear(Thresholds t) {
            double behind = Math.max(measRatio, measRatio - weightScale);
            return measured() && far(behind, -t.vanishingDecades()) && far(measRatio, t.explodingDecades())
                    && far(measSignal, -t.signalDecades()) && far(measSignal, t.signalDecades())
                    && (Double.isNaN(measTimeLow) || far(measTimeLow, -t.vanishingDecades()))
                    && (Double.isNaN(measTimeHigh) || far(measTimeHigh, t.explodingDecades()));
        }

        double ratioError() {
            return Math.abs(predRatio - measRatio);
        }

        /** A finite through-time figure both ways (a gradient that underflows to zero has none). */
        boolean timeMeasured() {
            return error == null && Double.isFinite(measTime) && Double.isFinite(predTime);
        }

        /** The through-time verdicts can be compared: measured, and far from GF017's thresholds. */
        boolean timeClear(Thresholds t) {
            return error == null && !Double.isNaN(measTime) && !Double.isNaN(predTime)
                    && far(measTime, -t.vanishingDecades()) && far(measTime, t.explodingDecades());
        }

        double timeError() {
            return Math.abs(predTime - measTime);
        }
    }

    private static boolean far(double v, double threshold) {
        return Math.abs(v - threshold) > Evaluation.CLEAR_MARGIN;
    }

    /** GF017's reading of a through-time figure. */
    static Verdict timeVerdict(double decades, Thresholds t) {
        return decades < -t.vanishingDecades() ? Verdict.VANISHING
                : decades > t.explodingDecades() ? Verdict.EXPLODING : Verdict.HEALTHY;
    }

    private SequenceEvaluation() {
    }

    // ---------------------------------------------------------------- the family

    /**
     * The cases: {@code recurrent} per recurrent kind and {@code transformers} per layer-norm
     * placement, drawn from {@code seed}, plus {@code large} deep/wide transformers per placement;
     * cheapest first.
     */
    static List<Case> family(long seed, int recurrent, int transformers, int large) {
        List<Case> out = new ArrayList<>();
        int[] depths = {1, 2, 3, 4, 6};
        int[] lengths = {10, 25, 50, 100, 200};
        int[] widths = {32, 64};
        for (Family f : Family.RECURRENT) {
            // a stream per family: more cases of one family leave the others' cases as they are
            Random r = new Random(seed * 31 + f.stream);
            for (int i = 0; i < recurrent; i++) {
                int depth = depths[r.nextInt(depths.length)];
                int steps = lengths[r.nextInt(lengths.length)];
                int width = widths[r.nextInt(widths.length)];
                String kernel = pick(r, "glorot_uniform", "he_normal", "lecun_normal");
                String rec = f == Family.SIMPLE_RNN
                        ? pick(r, "orthogonal", "identity", "glorot_uniform", "normal0.01", "normal0.1", "orthogonal0.5")
                        : pick(r, "orthogonal", "glorot_uniform", "normal0.01", "normal0.1");
                String act = f == Family.SIMPLE_RNN && rec.equals("identity") && r.nextBoolean() ? "relu" : "tanh";
                boolean unitForget = f != Family.LSTM || r.nextInt(3) != 0;
                String id = String.format(Locale.ROOT, "%s-%s-d%d-t%d-w%d-%s-%s%s-%d",
                        f.name().toLowerCase(Locale.ROOT).replace("_", ""), act, depth, steps, width, kernel, rec,
                        f == Family.LSTM ? unitForget ? "-fb1" : "-fb0" : "", i);
                out.add(new Case(id, f, depth, steps, width, recurrentJson(id, f, depth, steps, width, kernel, rec,
                        act, unitForget), (double) depth * steps * width * width * (f == Family.SIMPLE_RNN ? 1 : 4)));
            }
        }
        int[] tDepths = {2, 3, 4, 6, 8, 12};
        int[] tWidths = {64, 128, 256};
        int[] heads = {1, 2, 4, 8};
        int[] tLengths = {8, 12, 16};
        for (Family f : new Family[] {Family.PRE_LN, Family.POST_LN}) {
            Random r = new Random(seed * 31 + f.stream);
            Random rl = new Random(seed * 37 + f.stream);
            for (int i = 0; i < transformers + large; i++) {
                boolean big = i >= transformers;
                if (big) {
                    // the deep and wide ones from a stream of their own, numbered apart
                    r = rl;
                }
                int depth = big ? 24 : tDepths[r.nextInt(tDepths.length)];
                int width = big ? ((i - transformers) % 2 == 0 ? 512 : 256) : tWidths[r.nextInt(tWidths.length)];
                int index = big ? 100 + i - transformers : i;
                int h = heads[r.nextInt(heads.length)];
                int steps = tLengths[r.nextInt(tLengths.length)];
                int ff = (r.nextBoolean() ? 2 : 4) * width;
                String act = pick(r, "relu", "gelu");
                String init = pick(r, "glorot_uniform", "truncated0.02");
                String id = String.format(Locale.ROOT, "%s-d%d-t%d-w%d-h%d-ff%d-%s-%s-%d",
                        f == Family.PRE_LN ? "preln" : "postln", depth, steps, width, h, ff, act, init, index);
                out.add(new Case(id, f, depth, steps, width, transformerJson(id, f == Family.PRE_LN, depth, steps, width,
                        h, ff, act, init), (double) depth * steps * (4.0 * width * width + 2.0 * width * ff)));
            }
        }
        out.sort(Comparator.comparingDouble(Case::cost));
        return out;
    }

    /** The default family: what scripts/accuracy-seq.sh measures and the replay reads. */
    static List<Case> family() {
        return family(SEED, 20, 12, 1);
    }

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }

    // ---------------------------------------------------------------- tf.keras model.to_json()

    private static final Gson GSON = new GsonBuilder().serializeNulls().create();

    /** A tf.keras functional model under construction, written as {@code model.to_json()} writes it. */
    private static final class Keras {
        final String name;
        final List<Map<String, Object>> layers = new ArrayList<>();
        String input = "";
        String output = "";

        Keras(String name) {
            this.name = name;
        }

        Map<String, Object> layer(String cls, String layerName, Map<String, Object> cfg, Map<String, Object> kwargs,
                                  String... inbound) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("name", layerName);
            config.put("trainable", true);
            config.put("dtype", "float32");
            config.putAll(cfg);
            List<Object> call = new ArrayList<>();
            for (String in : inbound) {
                call.add(Arrays.asList(in, 0, 0, call.isEmpty() ? kwargs : Map.of()));
            }
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("class_name", cls);
            l.put("config", config);
            l.put("name", layerName);
            l.put("inbound_nodes", call.isEmpty() ? List.of() : List.of(call));
            layers.add(l);
            return config;
        }

        String input(String layerName, int... shape) {
            List<Object> s = new ArrayList<>();
            s.add(null);
            for (int d : shape) {
                s.add(d);
            }
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("batch_input_shape", s);
            cfg.put("sparse", false);
            cfg.put("ragged", false);
            layer("InputLayer", layerName, cfg, Map.of());
            input = layerName;
            return layerName;
        }

        String dense(String x, int units, String activation, Map<String, Object> init, String layerName) {
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("units", units);
            cfg.put("activation", activation);
            cfg.put("use_bias", true);
            cfg.put("kernel_initializer", init);
            cfg.put("bias_initializer", initializer("Zeros", Map.of()));
            layer("Dense", layerName, cfg, Map.of(), x);
            return layerName;
        }

        String layerNorm(String x, String layerName) {
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("axis", List.of(2));
            cfg.put("epsilon", 1e-6);
            cfg.put("center", true);
            cfg.put("scale", true);
            cfg.put("beta_initializer", initializer("Zeros", Map.of()));
            cfg.put("gamma_initializer", initializer("Ones", Map.of()));
            layer("LayerNormalization", layerName, cfg, Map.of(), x);
            return layerName;
        }

        String add(String a, String b, String layerName) {
            layer("Add", layerName, Map.of(), Map.of(), a, b);
            return layerName;
        }

        String attention(String x, int heads, int keyDim, Map<String, Object> init, String layerName) {
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("num_heads", heads);
            cfg.put("key_dim", keyDim);
            cfg.put("value_dim", keyDim);
            cfg.put("dropout", 0.0);
            cfg.put("use_bias", true);
            cfg.put("output_shape", null);
            cfg.put("attention_axes", List.of(1));
            cfg.put("kernel_initializer", init);
            cfg.put("bias_initializer", initializer("Zeros", Map.of()));
            layer("MultiHeadAttention", layerName, cfg, Map.of("value", Arrays.asList(x, 0, 0)), x);
            return layerName;
        }

        String json() {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("name", name);
            config.put("trainable", true);
            config.put("layers", layers);
            config.put("input_layers", List.of(Arrays.asList(input, 0, 0)));
            config.put("output_layers", List.of(Arrays.asList(output, 0, 0)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class_name", "Functional");
            m.put("config", config);
            m.put("keras_version", "2.12.0");
            m.put("backend", "tensorflow");
            return GSON.toJson(m);
        }
    }

    private static Map<String, Object> initializer(String cls, Map<String, Object> cfg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class_name", cls);
        m.put("config", cfg);
        return m;
    }

    /** A Keras initialiser from the family's short names. */
    static Map<String, Object> init(String name) {
        Map<String, Object> seedless = new LinkedHashMap<>();
        seedless.put("seed", null);
        return switch (name) {
            case "glorot_uniform" -> initializer("GlorotUniform", seedless);
            case "he_normal" -> initializer("HeNormal", seedless);
            case "lecun_normal" -> initializer("LecunNormal", seedless);
            case "orthogonal" -> initializer("Orthogonal", Map.of("gain", 1.0));
            case "orthogonal0.5" -> initializer("Orthogonal", Map.of("gain", 0.5));
            case "identity" -> initializer("Identity", Map.of("gain", 1.0));
            case "normal0.01" -> initializer("RandomNormal", Map.of("mean", 0.0, "stddev", 0.01));
            case "normal0.1" -> initializer("RandomNormal", Map.of("mean", 0.0, "stddev", 0.1));
            case "truncated0.02" -> initializer("TruncatedNormal", Map.of("mean", 0.0, "stddev", 0.02));
            default -> throw new IllegalArgumentException("no initialiser " + name);
        };
    }

    /**
     * {@code depth} stacked recurrent layers over {@code steps} steps of {@link #FEATURES} features,
     * every one returning its sequence but the last, then a softmax classifier.
     */
    static String recurrentJson(String id, Family f, int depth, int steps, int width, String kernel, String rec,
                                String act, boolean unitForget) {
        Keras m = new Keras(id);
        String x = m.input("sequence", steps, FEATURES);
        String cls = switch (f) {
            case SIMPLE_RNN -> "SimpleRNN";
            case LSTM -> "LSTM";
            default -> "GRU";
        };
        for (int i = 0; i < depth; i++) {
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("return_sequences", i + 1 < depth);
            cfg.put("return_state", false);
            cfg.put("go_backwards", false);
            cfg.put("stateful", false);
            cfg.put("unroll", false);
            cfg.put("time_major", false);
            cfg.put("units", width);
            cfg.put("activation", act);
            if (f != Family.SIMPLE_RNN) {
                cfg.put("recurrent_activation", "sigmoid");
            }
            cfg.put("use_bias", true);
            cfg.put("kernel_initializer", init(kernel));
            cfg.put("recurrent_initializer", init(rec));
            cfg.put("bias_initializer", initializer("Zeros", Map.of()));
            if (f == Family.LSTM) {
                cfg.put("unit_forget_bias", unitForget);
            }
            cfg.put("dropout", 0.0);
            cfg.put("recurrent_dropout", 0.0);
            if (f == Family.GRU) {
                cfg.put("reset_after", true);
            }
            String layerName = cls.toLowerCase(Locale.ROOT) + "_" + i;
            m.layer(cls, layerName, cfg, Map.of(), x);
            x = layerName;
        }
        m.output = m.dense(x, CLASSES, "softmax", init("glorot_uniform"), "predictions");
        return m.json();
    }

    /**
     * A transformer encoder over {@code steps} tokens of width {@code width}: {@code depth} blocks
     * of self-attention and a two-layer feed-forward network, each with its residual connection and
     * layer norm, before the branch (pre-LN, with a final layer norm) or after the sum (post-LN);
     * the tokens averaged into a softmax classifier.
     */
    static String transformerJson(String id, boolean preLn, int depth, int steps, int width, int heads, int ff,
                                  String act, String initName) {
        Keras m = new Keras(id);
        Map<String, Object> init = init(initName);
        String x = m.input("tokens", steps, width);
        for (int i = 0; i < depth; i++) {
            String p = "block" + i;
            if (preLn) {
                String h = m.layerNorm(x, p + "_norm1");
                h = m.attention(h, heads, width / heads, init, p + "_attention");
                x = m.add(x, h, p + "_add1");
                h = m.layerNorm(x, p + "_norm2");
                h = m.dense(h, ff, act, init, p + "_ff1");
                h = m.dense(h, width, "linear", init, p + "_ff2");
                x = m.add(x, h, p + "_add2");
            } else {
                String h = m.attention(x, heads, width / heads, init, p + "_attention");
                x = m.layerNorm(m.add(x, h, p + "_add1"), p + "_norm1");
                h = m.dense(x, ff, act, init, p + "_ff1");
                h = m.dense(h, width, "linear", init, p + "_ff2");
                x = m.layerNorm(m.add(x, h, p + "_add2"), p + "_norm2");
            }
        }
        if (preLn) {
            x = m.layerNorm(x, "final_norm");
        }
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("data_format", "channels_last");
        pool.put("keepdims", false);
        m.layer("GlobalAveragePooling1D", "token_pool", pool, Map.of(), x);
        m.output = m.dense("token_pool", CLASSES, "softmax", init("glorot_uniform"), "predictions");
        return m.json();
    }

    // ---------------------------------------------------------------- predicting and measuring

    /** The normal reader and analysis on a case's file. */
    static GradientAnalysis predict(Case c) throws Exception {
        ModelGraph g = ModelLoader.loadJson(c.id() + ".json", c.json().getBytes(StandardCharsets.UTF_8));
        return SignalPropagation.analyse(g, SignalPropagation.Options.DEFAULT.withBatch(BATCH));
    }

    /** The first recurrent layer's profile, whose through-time figure the family reports. */
    static @Nullable LayerProfile firstRecurrent(GradientAnalysis a) {
        for (LayerProfile p : a.layers()) {
            if (p.time() != null && isRecurrent(p.node().kind())) {
                return p;
            }
        }
        return null;
    }

    private static boolean isRecurrent(LayerKind k) {
        return k == LayerKind.SIMPLE_RNN || k == LayerKind.LSTM || k == LayerKind.GRU;
    }

    private static double predTime(GradientAnalysis a) {
        LayerProfile p = firstRecurrent(a);
        return p == null ? Double.NaN : p.time().decades();
    }

    /** Predicts one case and measures it on {@link #SEEDS} networks the verifier builds (the mean of the decades). */
    static Row evaluate(Case c, long seed) {
        long t0 = System.nanoTime();
        GradientAnalysis a = null;
        try {
            a = predict(c);
            LayerProfile rec = firstRecurrent(a);
            double ratio = 0;
            double signal = 0;
            Map<String, Double> times = new LinkedHashMap<>();
            boolean broken = false;
            // a transformer's layer norms leave little to move between networks: one each (the
            // verifier's attention layers take most of the hour the family measures in)
            int seeds = c.family().recurrent() ? SEEDS : 1;
            for (int k = 0; k < seeds; k++) {
                // no training step: the verifier's memory estimate (gradients, updater state) does not apply
                Verifier.Options o = new Verifier.Options(0, BATCH, seed + 1000L * k, BATCHES, 0, false, c.steps(),
                        NO_MEMORY_LIMIT);
                VerifyReport.Run run = new Verifier(o, Progress.NONE).run(Path.of(c.id() + ".json"), a.model(), a,
                        Thresholds.DEFAULT);
                Measurement m = run.atInit();
                broken |= Evaluation.overflowed(m);
                ratio += m.firstToLastDecades() / seeds;
                signal += m.signalDecades() / seeds;
                for (LayerMeasurement lm : m.layers()) {
                    if (Double.isFinite(lm.throughTime()) || lm.throughTime() == Double.NEGATIVE_INFINITY) {
                        times.merge(lm.layer(), lm.throughTime() / seeds, Double::sum);
                    }
                }
            }
            double time = rec == null ? Double.NaN : times.getOrDefault(rec.name(), Double.NaN);
            double low = times.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            double high = times.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            Verdict mv = broken ? Verdict.EXPLODING : measuredVerdict(ratio, signal, low, high, a);
            return new Row(c, a.model().layerCount(), a.firstToLastDecades(), a.signalDecades(), a.verdict(),
                    predTime(a), ratio, signal, mv, time, low, high, (System.nanoTime() - t0) / 1_000_000, null,
                    -a.trainability().update(0));
        } catch (Exception | Error e) {
            return new Row(c, 0, a == null ? Double.NaN : a.firstToLastDecades(),
                    a == null ? Double.NaN : a.signalDecades(), a == null ? Verdict.UNKNOWN : a.verdict(),
                    a == null ? Double.NaN : predTime(a), Double.NaN, Double.NaN, Verdict.UNKNOWN, Double.NaN,
                    Double.NaN, Double.NaN, (System.nanoTime() - t0) / 1_000_000, oneLine(e), 0);
        }
    }

    /**
     * The measured numbers judged as the prediction is: the layers' verdict, then the gradient
     * through the recurrent layers' steps (the lowest and highest over them), as GF017 counts it.
     */
    static Verdict measuredVerdict(double ratio, double signal, double timeLow, double timeHigh,
                                   GradientAnalysis a) {
        Verdict v = Thresholds.DEFAULT.verdict(clampInf(ratio), clampInf(signal), a.trainability());
        return Double.isNaN(timeLow) ? v : Thresholds.DEFAULT.withTime(v, timeLow, timeHigh);
    }

    private static String oneLine(Throwable e) {
        String s = e.toString();
        int nl = s.indexOf('\n');
        return (nl > 0 ? s.substring(0, nl) : s).replace('"', '\'').replace(',', ';');
    }

    private static double clampInf(double d) {
        return Double.isInfinite(d) && d > 0 ? 1e9 : d;
    }

    // ---------------------------------------------------------------- figures

    static Evaluation.Summary summarize(List<Row> rows, Predicate<Row> filter) {
        List<Row> sel = rows.stream().filter(filter).toList();
        List<Row> measured = sel.stream().filter(Row::measured).toList();
        List<Row> clear = measured.stream().filter(r -> r.clear(Thresholds.DEFAULT)).toList();
        int agree = (int) clear.stream().filter(r -> r.pred() == r.meas()).count();
        double[] err = measured.stream().mapToDouble(Row::ratioError).sorted().toArray();
        return new Evaluation.Summary(sel.size(), measured.size(), clear.size(), agree, Evaluation.quantile(err, 0.5),
                Evaluation.quantile(err, 0.9), err.length == 0 ? Double.NaN : err[err.length - 1]);
    }

    /** The through-time figures: GF017's verdict agreement and the error of the first recurrent layer's decades. */
    static Evaluation.Summary summarizeTime(List<Row> rows, Predicate<Row> filter) {
        List<Row> sel = rows.stream().filter(r -> r.c().family().recurrent()).filter(filter).toList();
        List<Row> measured = sel.stream().filter(Row::timeMeasured).toList();
        List<Row> clear = measured.stream().filter(r -> r.timeClear(Thresholds.DEFAULT)).toList();
        int agree = (int) clear.stream().filter(r -> timeVerdict(r.predTime(), Thresholds.DEFAULT)
                == timeVerdict(r.measTime(), Thresholds.DEFAULT)).count();
        double[] err = measured.stream().mapToDouble(Row::timeError).sorted().toArray();
        return new Evaluation.Summary(sel.size(), measured.size(), clear.size(), agree, Evaluation.quantile(err, 0.5),
                Evaluation.quantile(err, 0.9), err.length == 0 ? Double.NaN : err[err.length - 1]);
    }

    /** The rows of README's accuracy table for these families, in its columns. */
    static void printTable(List<Row> rows, PrintStream out) {
        for (Family f : Family.values()) {
            Evaluation.line(out, f.label, summarize(rows, r -> r.c().family() == f));
        }
        for (Family f : Family.RECURRENT) {
            Evaluation.line(out, f.label + " through time", summarizeTime(rows, r -> r.c().family() == f));
        }
    }

    /** The worst errors and the clear cases whose verdicts differ. */
    static void report(List<Row> rows, PrintStream out) {
        out.printf(Locale.ROOT, "%nworst first-to-last errors (sequence families):%n");
        rows.stream().filter(Row::measured).sorted(Comparator.comparingDouble(Row::ratioError).reversed()).limit(10)
                .forEach(r -> out.printf(Locale.ROOT, "  %-58s predicted %+7.2f measured %+7.2f (signal %+.2f vs %+.2f)%n",
                        r.c().id(), r.predRatio(), r.measRatio(), r.predSignal(), r.measSignal()));
        out.printf(Locale.ROOT, "%nworst through-time errors:%n");
        rows.stream().filter(Row::timeMeasured).sorted(Comparator.comparingDouble(Row::timeError).reversed()).limit(10)
                .forEach(r -> out.printf(Locale.ROOT, "  %-58s predicted %+7.2f measured %+7.2f%n",
                        r.c().id(), r.predTime(), r.measTime()));
        List<Row> disagree = rows.stream().filter(r -> r.clear(Thresholds.DEFAULT) && r.pred() != r.meas()).toList();
        out.printf(Locale.ROOT, "%nclear sequence cases where the verdicts differ: %d%n", disagree.size());
        disagree.forEach(r -> out.printf(Locale.ROOT, "  %-58s predicted %s (%+.2f, %+.2f) measured %s (%+.2f, %+.2f)%n",
                r.c().id(), r.pred(), r.predRatio(), r.predSignal(), r.meas(), r.measRatio(), r.measSignal()));
        List<Row> timeDisagree = rows.stream().filter(r -> r.timeClear(Thresholds.DEFAULT)
                && timeVerdict(r.predTime(), Thresholds.DEFAULT) != timeVerdict(r.measTime(), Thresholds.DEFAULT)).toList();
        out.printf(Locale.ROOT, "%nclear cases where the through-time verdicts differ: %d%n", timeDisagree.size());
        timeDisagree.forEach(r -> out.printf(Locale.ROOT, "  %-58s predicted %+.2f measured %+.2f%n",
                r.c().id(), r.predTime(), r.measTime()));
        rows.stream().filter(r -> r.error() != null).forEach(r -> out.println("  not measured: " + r.c().id()
                + ": " + r.error()));
        if (Files.exists(SPREAD)) {
            try {
                noise(rows, spread(SPREAD), out);
            } catch (IOException | RuntimeException e) {
                out.println("  " + SPREAD + " not read: " + e);
            }
        }
    }

    // ---------------------------------------------------------------- the measurement's own noise

    /** Per-case NumPy runs of the recurrent cases (scripts/seq-spread.py), where the replay finds them. */
    static final Path SPREAD = Path.of("fixtures", "accuracy", "seq-spread.csv");

    /**
     * One case's through-time figure over {@code networks} NumPy networks of the same Keras stack:
     * their mean and standard deviation (finite figures only; {@code nonFinite} left out).
     */
    record Spread(int networks, double mean, double sd, int nonFinite) {

        /** The standard error of a measurement that averages {@code n} networks' decades. */
        double se(int n) {
            return sd / Math.sqrt(n);
        }
    }

    static Map<String, Spread> spread(Path csv) throws IOException {
        Map<String, Spread> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", -1);
            out.put(f[0], new Spread(Integer.parseInt(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                    Integer.parseInt(f[5])));
        }
        return out;
    }

    /**
     * The through-time rows read with the stored measurement's own noise, per recurrent family: the
     * median standard error of the stored figure (a network's SD over the NumPy networks / sqrt of
     * the networks it averages), how many cases the prediction misses by more than two of
     * them, and, as a second reference beside the DL4J one (not in README's table), the
     * prediction's error against the NumPy mean; then whether DL4J and NumPy agree within their
     * joint standard error, and the misses beyond the noise.
     */
    static void noise(List<Row> rows, Map<String, Spread> spread, PrintStream out) {
        out.printf(Locale.ROOT, "%nthrough time against the measurement's own noise (%s, NumPy networks; the "
                + "stored figure is the mean of %d networks, SE = SD / sqrt(%d)):%n", SPREAD, STORED_NETWORKS,
                STORED_NETWORKS);
        List<Row> beyond = new ArrayList<>();
        for (Family f : Family.RECURRENT) {
            List<Row> sel = rows.stream().filter(r -> r.c().family() == f && r.timeMeasured()
                    && spread.containsKey(r.c().id()) && Double.isFinite(spread.get(r.c().id()).mean())).toList();
            if (sel.isEmpty()) {
                continue;
            }
            // each case's standard error in the cases' order (the noise floor's draws follow it), and sorted
            double[] caseSe = sel.stream().mapToDouble(r -> spread.get(r.c().id()).se(STORED_NETWORKS)).toArray();
            double[] se = caseSe.clone();
            Arrays.sort(se);
            List<Row> far = sel.stream().filter(r -> r.timeError() > 2 * spread.get(r.c().id()).se(STORED_NETWORKS))
                    .toList();
            beyond.addAll(far);
            double[] dl4j = sel.stream().mapToDouble(Row::timeError).sorted().toArray();
            double[] numpy = sel.stream().mapToDouble(r -> Math.abs(r.predTime() - spread.get(r.c().id()).mean()))
                    .sorted().toArray();
            // DL4J's networks against NumPy's: the difference's SE is both means' together
            int agree = (int) sel.stream().filter(r -> {
                Spread s = spread.get(r.c().id());
                return Math.abs(r.measTime() - s.mean()) <= 2 * Math.hypot(s.se(STORED_NETWORKS), s.se(s.networks()));
            }).count();
            int networks = sel.stream().mapToInt(r -> spread.get(r.c().id()).networks()).min().orElse(0);
            double[] floor = floor(caseSe);
            out.printf(Locale.ROOT, "  %-22s %2d cases: stored figure's SE median %.3f (max %.2f); error > 2 SE in %d, "
                            + "<= 2 SE in %d; vs DL4J median %.3f p90 %.3f | second reference, vs NumPy mean of %d "
                            + "networks: median %.3f p90 %.3f; DL4J within 2 joint SE of NumPy in %d of %d%n",
                    f.label + " through time", sel.size(), Evaluation.quantile(se, 0.5), se[se.length - 1], far.size(),
                    sel.size() - far.size(), Evaluation.quantile(dl4j, 0.5), Evaluation.quantile(dl4j, 0.9), networks,
                    Evaluation.quantile(numpy, 0.5), Evaluation.quantile(numpy, 0.9), agree, sel.size());
            out.printf(Locale.ROOT, "  %-22s the noise floor: a prediction equal to each case's mean over all networks "
                            + "would score p90 %.2f (5-95%%: %.2f-%.2f) against the stored figures, <= %.1f in %.0f%% "
                            + "of draws%n", "", floor[0], floor[1], floor[2], Evaluation.P90_TARGET, 100 * floor[3]);
        }
        out.printf(Locale.ROOT, "%nthrough-time errors beyond two of the stored figure's standard errors: %d%n",
                beyond.size());
        beyond.stream().sorted(Comparator.comparingDouble((Row r) -> r.timeError()
                        / spread.get(r.c().id()).se(STORED_NETWORKS)).reversed())
                .forEach(r -> {
                    Spread s = spread.get(r.c().id());
                    out.printf(Locale.ROOT, "  %-58s predicted %+7.2f DL4J %+7.2f (SE %.2f, %4.1f SE) NumPy %+7.2f%n",
                            r.c().id(), r.predTime(), r.measTime(), s.se(STORED_NETWORKS),
                            r.timeError() / s.se(STORED_NETWORKS), s.mean());
                });
        List<Row> underflow = rows.stream().filter(r -> r.c().family().recurrent() && r.error() == null
                && !Double.isFinite(r.measTime()) && spread.containsKey(r.c().id())).toList();
        out.printf(Locale.ROOT, "%nno finite DL4J figure (float32 underflow), NumPy's instead: %d%n", underflow.size());
        underflow.forEach(r -> out.printf(Locale.ROOT, "  %-58s predicted %+7.2f NumPy %+7.2f (SD %.2f)%n",
                r.c().id(), r.predTime(), spread.get(r.c().id()).mean(), spread.get(r.c().id()).sd()));
    }

    /**
     * What the stored figures' own noise allows: the 90th percentile of |error| that a prediction
     * equal to each case's true mean would score, when each stored figure is off that mean by a
     * normal error of its standard error {@code se[i]}. Over 4,000 seeded draws: the median p90,
     * its 5th and 95th percentiles, and the share of draws at or below {@link Evaluation#P90_TARGET}.
     */
    static double[] floor(double[] se) {
        Random r = new Random(19);
        int draws = 4000;
        double[] p90 = new double[draws];
        double[] err = new double[se.length];
        int within = 0;
        for (int k = 0; k < draws; k++) {
            for (int i = 0; i < se.length; i++) {
                err[i] = Math.abs(r.nextGaussian() * se[i]);
            }
            Arrays.sort(err);
            p90[k] = Evaluation.quantile(err, 0.9);
            within += p90[k] <= Evaluation.P90_TARGET ? 1 : 0;
        }
        Arrays.sort(p90);
        return new double[] {Evaluation.quantile(p90, 0.5), Evaluation.quantile(p90, 0.05),
            Evaluation.quantile(p90, 0.95), within / (double) draws};
    }

    // ---------------------------------------------------------------- the stored rows

    static final String HEADER = "id,family,layers,pred_ratio,pred_signal,pred_verdict,pred_time,meas_ratio,"
            + "meas_signal,meas_verdict,meas_time,meas_time_low,meas_time_high,millis,error";

    static String csv(Row r) {
        return String.join(",", r.c().id(), r.c().family().name(), Integer.toString(r.layers()), d(r.predRatio()),
                d(r.predSignal()), r.pred().id(), d(r.predTime()), d(r.measRatio()), d(r.measSignal()), r.meas().id(),
                d(r.measTime()), d(r.measTimeLow()), d(r.measTimeHigh()), Long.toString(r.millis()),
                r.error() == null ? "" : r.error());
    }

    private static String d(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static List<String> ids(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().map(l -> l.split(",", 2)[0]).toList();
    }

    /**
     * The family's cases found in a stored run, re-predicted with the current analysis against the
     * stored measurements (what {@code Replay} prints and {@code AccuracyIT} holds README to).
     */
    static List<Row> replay(Path csv) throws IOException {
        Map<String, String[]> stored = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", -1);
            stored.put(f[0], f);
        }
        List<Row> rows = new ArrayList<>();
        for (Case c : family()) {
            String[] m = stored.get(c.id());
            if (m == null) {
                continue;
            }
            try {
                GradientAnalysis a = predict(c);
                double measRatio = Double.parseDouble(m[7]);
                double measSignal = Double.parseDouble(m[8]);
                // the saved verdict is the one of its day: judge the measurement as the prediction is judged
                Verdict saved = Verdict.valueOf(m[9].toUpperCase(Locale.ROOT));
                double low = Double.parseDouble(m[11]);
                double high = Double.parseDouble(m[12]);
                Verdict meas = Double.isFinite(measRatio) && Double.isFinite(measSignal)
                        ? measuredVerdict(measRatio, measSignal, low, high, a) : saved;
                rows.add(new Row(c, a.model().layerCount(), a.firstToLastDecades(), a.signalDecades(), a.verdict(),
                        predTime(a), measRatio, measSignal, meas, Double.parseDouble(m[10]), low, high,
                        Long.parseLong(m[13]), m[14].isEmpty() ? null : m[14], -a.trainability().update(0)));
            } catch (Exception e) {
                System.err.println(c.id() + ": " + e);
            }
        }
        return rows;
    }

    /**
     * Measures the family (or the cases whose id contains one of {@code args[0]}'s |-separated
     * parts), appending each row to
     * target/accuracy-seq.csv as it is measured, so that a stopped run keeps what it measured.
     */
    public static void main(String[] args) throws IOException {
        String filter = args.length > 0 ? args[0] : "";
        Path csv = Path.of(args.length > 1 ? args[1] : "target/accuracy-seq.csv");
        List<String> any = List.of(filter.split("\\|"));
        List<Case> cases = new ArrayList<>(family().stream()
                .filter(c -> any.stream().anyMatch(f -> c.id().contains(f))).toList());
        // a second run from the other end (-Dgradflow.seq.reverse=true, its own csv, the first's
        // named by -Dgradflow.seq.other) meets the first in the middle: each skips what either measured
        if (Boolean.getBoolean("gradflow.seq.reverse")) {
            Collections.reverse(cases);
        }
        String other = System.getProperty("gradflow.seq.other");
        Files.createDirectories(csv.toAbsolutePath().getParent());
        if (!Files.exists(csv)) {
            Files.writeString(csv, HEADER + "\n");
        }
        List<Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        for (Case c : cases) {
            List<String> done = new ArrayList<>(ids(csv));
            if (other != null && Files.exists(Path.of(other))) {
                done.addAll(ids(Path.of(other)));
            }
            if (done.contains(c.id())) {
                continue;
            }
            Row r = evaluate(c, SEED);
            rows.add(r);
            Files.writeString(csv, csv(r) + "\n", StandardOpenOption.APPEND);
            System.err.printf(Locale.ROOT, "[%d/%d] %-58s pred %+6.2f/%+6.2f/%+6.2f %-9s meas %+6.2f/%+6.2f/%+6.2f "
                            + "%-9s %6d ms%s%n", rows.size(), cases.size(), c.id(), r.predRatio(), r.predSignal(),
                    r.predTime(), r.pred(), r.measRatio(), r.measSignal(), r.measTime(), r.meas(), r.millis(),
                    r.error() == null ? "" : "  " + r.error());
        }
        printTable(rows, System.out);
        report(rows, System.out);
        System.out.printf(Locale.ROOT, "%n%d cases in %.0f s%n", rows.size(), (System.nanoTime() - t0) / 1e9);
    }
}
