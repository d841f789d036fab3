package io.gradflow.cli;

import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.InputError;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The lint over a list of paths: each file through the {@link Pipeline} on a worker thread of its
 * own with its own deadline, errors collected, one report. A file that runs past its time budget
 * or out of memory is one error line for that file; the others are still linted.
 */
public final class Linter {

    /** The worker's stack: deep recursion is bounded by the readers' limits; this keeps them far below it. */
    static final long WORKER_STACK_BYTES = 16L * 1024 * 1024;
    /** How long a worker has to stop once its deadline has passed, before the lint goes on without it. */
    private static final long GRACE_MILLIS = 2000;

    private final Function<Path, RuleConfig> configs;
    private final Duration timeout;

    /** Every file gets {@code config}. */
    public Linter(RuleConfig config) {
        this(file -> config);
    }

    /** Each file gets its own configuration (gradflow.json discovery, per-path overrides). */
    public Linter(Function<Path, RuleConfig> configs) {
        this(configs, Limits.DEFAULT_TIMEOUT);
    }

    /**
     * Each file gets its own configuration and at most {@code timeout} (zero or negative: no limit)
     * from reading to its findings.
     */
    public Linter(Function<Path, RuleConfig> configs, Duration timeout) {
        this.configs = configs;
        this.timeout = timeout;
    }

    /** Lints every model file the paths name or contain; one bad file never stops the others. */
    public LintReport lint(List<String> paths) throws IOException {
        return lintInputs(FileWalker.expand(paths));
    }

    LintReport lintInputs(List<FileWalker.Input> inputs) {
        List<ModelResult> models = new ArrayList<>();
        List<InputError> errors = new ArrayList<>();
        for (FileWalker.Input in : inputs) {
            if (in.unreadable() != null) {
                errors.add(new InputError(in.display(), 0, 0, "", in.unreadable()));
                continue;
            }
            try {
                models.add(lintOne(in));
            } catch (ReadException e) {
                if (e.isNotAModel() && !in.explicit()) {
                    continue;
                }
                for (ReadException.Problem p : e.problems()) {
                    errors.add(new InputError(in.display(), p.pos().line(), p.pos().column(), p.pos().pointer(),
                            p.message()));
                }
            } catch (Failure f) {
                errors.add(new InputError(in.display(), 0, 0, "", f.getMessage()));
            }
        }
        return new LintReport(models, errors);
    }

    /** One file on a worker thread, within its time budget. */
    private ModelResult lintOne(FileWalker.Input in) throws ReadException, Failure {
        RuleConfig config = configs.apply(in.path());
        FutureTask<ModelResult> task = new FutureTask<>(() -> Pipeline.lint(in.path(), in.display(), config));
        Thread worker = new Thread(null, task, "gradflow-lint", WORKER_STACK_BYTES);
        // a worker that never answers its interrupt must not keep the JVM alive after the report
        worker.setDaemon(true);
        worker.start();
        try {
            return timeout.isZero() || timeout.isNegative() ? task.get()
                    : task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.interrupt();
            try {
                task.get(GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (Exception | Error ignored) {
                // stopped (cancelled, failed) or still running: the file is over its budget either way
            }
            throw new Failure(String.format(Locale.ROOT, "gradflow stopped after %s, this file's time budget "
                    + "(--timeout; the default is %d s): the model is larger or slower than gradflow handles",
                    seconds(timeout), Limits.DEFAULT_TIMEOUT.toSeconds()));
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
    }

    private static ReadException failure(Throwable cause) throws Failure {
        if (cause instanceof ReadException r) {
            return r;
        }
        if (cause instanceof OutOfMemoryError) {
            long max = Runtime.getRuntime().maxMemory() / (1024 * 1024);
            throw new Failure("gradflow ran out of memory on this file (heap limit " + max + " MiB): the model is "
                    + "larger than this heap holds; give it more with GRADFLOW_JAVA_OPTS=-Xmx2g");
        }
        if (cause instanceof CancellationException) {
            throw new Failure("gradflow stopped: " + cause.getMessage());
        }
        if (System.getenv("GRADFLOW_DEBUG") != null) {
            cause.printStackTrace();
        }
        throw new Failure("gradflow could not analyse this file (internal error: " + cause + "); please report it");
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** A file that produced neither a result nor a reader's error: one line, no position. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    /** Analysis and rules for one model already read, with the configuration for its source. */
    public ModelResult analyse(ModelGraph g) {
        return Pipeline.check(g, configs.apply(Path.of(g.source())));
    }
}
