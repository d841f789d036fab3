package io.gradflow.engine;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.analysis.Thresholds;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.RuleEngine;
import java.nio.file.Path;
import java.util.List;

/**
 * gradflow's one pipeline for a model file: read it (each format's reader, then the shared step
 * that finishes the model), analyse it, run the rules with the file's configuration. Lint,
 * verify and the benchmarks all go through here; reporting is the caller's.
 */
public final class Pipeline {

    private Pipeline() {
    }

    /** Reads and finishes one model file; {@code display} is the name reports use for it. */
    public static ModelGraph read(Path path, String display) throws ReadException {
        return ModelLoader.load(path, display);
    }

    /** Analyses a model read with {@link #read} and applies the rules. */
    public static ModelResult check(ModelGraph g, RuleConfig config) {
        return check(g, config, SignalPropagation.Options.DEFAULT.batch());
    }

    /**
     * The same, with the minibatch the weight gradients are averaged over (the verifier's batch,
     * so that the prediction and the measurement are of the same network).
     */
    public static ModelResult check(ModelGraph g, RuleConfig config, int batch) {
        return check(g, config, batch, 0);
    }

    /** The same, with the finite-width simulation on {@code simulationThreads} threads (0: the cores'). */
    private static ModelResult check(ModelGraph g, RuleConfig config, int batch, int simulationThreads) {
        return rules(g, analyse(g, config.thresholds(), batch, simulationThreads), config);
    }

    /** The analysis alone, with these thresholds and minibatch. */
    static GradientAnalysis analyse(ModelGraph g, Thresholds thresholds, int batch, int simulationThreads) {
        return SignalPropagation.analyse(g, SignalPropagation.Options.DEFAULT
                .withThresholds(thresholds).withBatch(batch).withSimulationThreads(simulationThreads));
    }

    private static ModelResult rules(ModelGraph g, GradientAnalysis a, RuleConfig config) {
        List<Finding> findings = RuleEngine.run(g, a, config, g.suppressions());
        return new ModelResult(g, a, findings);
    }

    /** Reads and finishes a model from text in memory (an editor's buffer): DSL for .gflow names, else JSON. */
    public static ModelGraph readText(String display, String text) throws ReadException {
        return ModelLoader.loadText(display, text);
    }

    /** Reads, analyses and checks one model file. */
    public static ModelResult lint(Path path, String display, RuleConfig config) throws ReadException {
        return lint(path, display, config, 0);
    }

    /**
     * The same, with the finite-width simulation on {@code simulationThreads} threads (0: the
     * cores'); 1 where files are linted side by side. The result does not depend on it.
     */
    public static ModelResult lint(Path path, String display, RuleConfig config, int simulationThreads)
            throws ReadException {
        int batch = SignalPropagation.Options.DEFAULT.batch();
        // the file may have been read and analysed already, while the command line was parsed
        Prefetch.Taken early = Prefetch.take(path, display, config.thresholds(), batch);
        if (early != null) {
            return early.analysis() != null ? rules(early.graph(), early.analysis(), config)
                    : check(early.graph(), config, batch, simulationThreads);
        }
        return check(read(path, display), config, batch, simulationThreads);
    }
}
