package io.gradflow.cli;

import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.InputError;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.report.Skipped;
import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The lint over a list of paths: each file through the {@link Pipeline} on one of up to
 * {@code jobs} worker threads with its own deadline, errors collected, one report in the order of
 * the inputs whatever order the files finish in. A file that runs past its time budget
 * or out of memory is one error line for that file; the others are still linted.
 */
public final class Linter {

    /** The worker's stack: deep recursion is bounded by the readers' limits; this keeps them far below it. */
    static final long WORKER_STACK_BYTES = 16L * 1024 * 1024;
    /** How long a worker has to stop once its deadline has passed, before the lint goes on without it. */
    private static final long GRACE_MILLIS = 2000;

    private final Function<Path, RuleConfig> configs;
    private final Duration timeout;
    private final int jobs;
    private final @Nullable Consumer<ModelResult> eachModel;

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
     * from reading to its findings; as many files at once as there are processors.
     */
    public Linter(Function<Path, RuleConfig> configs, Duration timeout) {
        this(configs, timeout, defaultJobs());
    }

    /** As above, with at most {@code jobs} (at least 1) files linted at once. */
    public Linter(Function<Path, RuleConfig> configs, Duration timeout, int jobs) {
        this(configs, timeout, jobs, null);
    }

    /**
     * As above; {@code eachModel} is given every model's result on the thread that linted it, as
     * part of the file's work (the report's rendering: {@link io.gradflow.report.JsonReporter.Parts}).
     * What it throws is ignored: the result stands, and the report renders the model itself.
     */
    public Linter(Function<Path, RuleConfig> configs, Duration timeout, int jobs,
                  @Nullable Consumer<ModelResult> eachModel) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1, not " + jobs);
        }
        this.configs = configs;
        this.timeout = timeout;
        this.jobs = jobs;
        this.eachModel = eachModel;
    }

    /** The files linted at once when not told: one per processor the JVM may use. */
    public static int defaultJobs() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Lints every model file the paths name or contain; one bad file never stops the others. */
    public LintReport lint(List<String> paths) throws IOException {
        return lintInputs(FileWalker.expand(paths));
    }

    LintReport lintInputs(List<FileWalker.Input> inputs) {
        Outcome[] outcomes = run(inputs, jobs);
        // a file that ran out of memory beside others may have been starved by them: it gets the
        // heap to itself once, and only what it does alone is reported
        if (jobs > 1) {
            List<FileWalker.Input> again = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i].outOfMemory()) {
                    again.add(inputs.get(i));
                    at.add(i);
                }
            }
            if (!again.isEmpty()) {
                Outcome[] alone = run(again, 1);
                for (int k = 0; k < alone.length; k++) {
                    outcomes[at.get(k)] = alone[k];
                }
            }
        }
        List<ModelResult> models = new ArrayList<>();
        List<InputError> errors = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.model() != null) {
                models.add(o.model());
            }
            if (o.skipped() != null) {
                skipped.add(o.skipped());
            }
            errors.addAll(o.errors());
        }
        return new LintReport(models, errors, 0, skipped);
    }

    /**
     * Lints {@code inputs} with at most {@code width} workers busy (one abandoned past its grace
     * time no longer counts, and a new worker takes its place) and returns each file's outcome at
     * its index. The workers live for the whole run and are handed one file at a time by this
     * thread, which alone decides when a file starts and so when its time runs out: starting a
     * thread per file had cost this thread, the only one that hands out files, a sixth of a
     * millisecond a file (issue 17). Workers share nothing but the queue they report to, which is
     * sized for every file so that reporting never waits or allocates (a worker that has just run
     * out of memory can still report).
     */
    private Outcome[] run(List<FileWalker.Input> inputs, int width) {
        int n = inputs.size();
        Outcome[] outcomes = new Outcome[n];
        // --jobs bounds the threads doing the work: files linted side by side each run their model's
        // simulation on their own thread, and one file alone spreads its simulation's networks over
        // up to --jobs threads (no more than the cores). --jobs 1 is one thread, so that a run on one
        // core and a run on two can be told apart (it had used both cores for the simulation)
        int simulationThreads = n == 1 ? Math.min(width, Runtime.getRuntime().availableProcessors()) : 1;
        BlockingQueue<Job> finished = new ArrayBlockingQueue<>(Math.max(1, n));
        List<Job> running = new ArrayList<>(width);
        List<Worker> idle = new ArrayList<>(width);
        List<Worker> all = new ArrayList<>(width);
        boolean limited = !(timeout.isZero() || timeout.isNegative());
        int[] order = width > 1 && n < 1 << INDEX_BITS ? largestFirst(inputs) : null;
        int next = 0;
        int done = 0;
        try {
            while (done < n) {
                while (running.size() < width && next < n) {
                    int index = order == null ? next : order[next];
                    FileWalker.Input in = inputs.get(index);
                    if (in.unreadable() != null) {
                        outcomes[index] = Outcome.error(new InputError(in.display(), 0, 0, "", in.unreadable()));
                        done++;
                    } else {
                        Worker w;
                        if (idle.isEmpty()) {
                            w = new Worker(all.size(), finished);
                            all.add(w);
                        } else {
                            w = idle.remove(idle.size() - 1);
                        }
                        Job job = new Job(index, in, configs.apply(in.path()), simulationThreads, eachModel, w);
                        job.deadline = limited ? System.nanoTime() + timeout.toNanos() : Long.MAX_VALUE;
                        w.hand(job);
                        running.add(job);
                    }
                    next++;
                }
                if (running.isEmpty()) {
                    continue;
                }
                long wake = Long.MAX_VALUE;
                for (Job j : running) {
                    wake = Math.min(wake, j.deadline);
                }
                Job j;
                try {
                    j = wake == Long.MAX_VALUE ? finished.take()
                            : finished.poll(Math.max(0, wake - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    // the lint itself was interrupted: stop every worker, and every file not done says so
                    Thread.currentThread().interrupt();
                    for (Job r : running) {
                        r.interrupt();
                    }
                    for (int i = 0; i < n; i++) {
                        if (outcomes[i] == null) {
                            outcomes[i] = Outcome.failure(inputs.get(i), "interrupted");
                        }
                    }
                    return outcomes;
                }
                if (j != null) {
                    // a worker abandoned past its grace time may still report; it is no longer running
                    if (running.remove(j)) {
                        outcomes[j.index] = j.stopped ? Outcome.failure(j.in, overBudget()) : j.outcome();
                        idle.add(j.worker);
                        done++;
                    }
                    continue;
                }
                long now = System.nanoTime();
                for (int k = running.size() - 1; k >= 0; k--) {
                    Job r = running.get(k);
                    if (now < r.deadline) {
                        continue;
                    }
                    if (!r.stopped) {
                        r.stopped = true;
                        r.interrupt();
                        r.deadline = now + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
                    } else {
                        // still running after its grace time: the lint goes on without it (a daemon
                        // thread that ends when it is done with the file) and a new worker takes its place
                        running.remove(k);
                        outcomes[r.index] = Outcome.failure(r.in, overBudget());
                        done++;
                    }
                }
            }
            return outcomes;
        } finally {
            // every worker ends once its file is done (an idle one at once); none is reused after the run
            for (Worker w : all) {
                w.retire();
            }
        }
    }

    /**
     * The order to start files in when several run at once: the largest first (by bytes, a
     * model's size being the best guess at its work that costs no reading), so that the run does
     * not end with one worker on a large model while the others have nothing left. The report
     * keeps the inputs' order whatever the order of the work.
     */
    static int[] largestFirst(List<FileWalker.Input> inputs) {
        int n = inputs.size();
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            long size;
            try {
                size = Files.size(inputs.get(i).path());
            } catch (IOException | RuntimeException e) {
                size = 0;
            }
            // size descending, then the inputs' order: one sortable long per file, no comparator
            keys[i] = (MAX_SIZE - Math.min(Math.max(size, 0), MAX_SIZE)) << INDEX_BITS | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) (keys[i] & ((1L << INDEX_BITS) - 1));
        }
        return order;
    }

    /** {@link #largestFirst}'s key: a size (up to 1 TiB) above the file's index. */
    private static final int INDEX_BITS = 22;
    private static final long MAX_SIZE = (1L << 40) - 1;

    private String overBudget() {
        return String.format(Locale.US, "gradflow stopped after %s, this file's time budget "
                + "(--timeout; the default is %d s): the model is larger or slower than gradflow handles",
                seconds(timeout), Limits.DEFAULT_TIMEOUT.toSeconds());
    }

    /**
     * One file handed to a worker; the coordinator alone reads and writes its deadline and flag.
     * The result and the throwable are written by the worker before it offers the job to the
     * queue, and read after the coordinator takes it.
     */
    private static final class Job {
        final int index;
        final FileWalker.Input in;
        final RuleConfig config;
        final int simulationThreads;
        private final @Nullable Consumer<ModelResult> eachModel;
        final Worker worker;
        long deadline;
        boolean stopped;
        /** Set before the worker is interrupted for this file: an interrupt the worker has not started the file under yet. */
        private volatile boolean cancelled;
        private @Nullable ModelResult result;
        private @Nullable Throwable thrown;

        Job(int index, FileWalker.Input in, RuleConfig config, int simulationThreads,
            @Nullable Consumer<ModelResult> eachModel, Worker worker) {
            this.index = index;
            this.in = in;
            this.config = config;
            this.simulationThreads = simulationThreads;
            this.eachModel = eachModel;
            this.worker = worker;
        }

        /** Interrupts the worker on this file, as the file's own thread had been interrupted. */
        void interrupt() {
            cancelled = true;
            worker.thread.interrupt();
        }

        void run() {
            try {
                result = Pipeline.lint(in.path(), in.display(), config, simulationThreads);
            } catch (Throwable t) {
                thrown = t;
                return;
            }
            if (eachModel != null && result != null) {
                try {
                    eachModel.accept(result);
                } catch (Throwable t) {
                    // the result stands; what eachModel would have prepared is done later without it
                }
            }
        }

        Outcome outcome() {
            if (thrown == null) {
                return new Outcome(result, List.of(), false);
            }
            if (thrown instanceof ReadException e) {
                if (e.isNotAModel() && !in.explicit()) {
                    // weights, a data set, a package.json met while walking: counted, listed with -v
                    return new Outcome(null, List.of(), false, new Skipped(in.display(), e.getMessage()));
                }
                List<InputError> errors = new ArrayList<>();
                for (ReadException.Problem p : e.problems()) {
                    errors.add(new InputError(in.display(), p.pos().line(), p.pos().column(), p.pos().pointer(),
                            p.message()));
                }
                return new Outcome(null, errors, false);
            }
            if (thrown instanceof OutOfMemoryError) {
                long max = Runtime.getRuntime().maxMemory() / (1024 * 1024);
                return new Outcome(null, List.of(new InputError(in.display(), 0, 0, "", "gradflow ran out of memory "
                        + "on this file (heap limit " + max + " MiB): the model is larger than this heap holds; "
                        + "give it more with GRADFLOW_JAVA_OPTS=-Xmx2g")), true);
            }
            if (thrown instanceof InterruptedException || thrown instanceof CancellationException) {
                return Outcome.failure(in, "gradflow stopped: " + thrown.getMessage());
            }
            if (System.getenv("GRADFLOW_DEBUG") != null) {
                thrown.printStackTrace();
            }
            return Outcome.failure(in, "gradflow could not analyse this file (internal error: " + thrown
                    + "); please report it");
        }
    }

    /**
     * A long-lived lint thread with the deep stack, handed one file at a time. An interrupt meant
     * for a file it has finished (the coordinator may stop a file just as it reports) is cleared
     * before its next file; one meant for a file not yet started is kept for it.
     */
    private static final class Worker implements Runnable {
        /** Ends the worker: handed instead of a file. */
        private static final Object RETIRE = new Object();

        final Thread thread;
        // two places: a file just handed that the worker has not taken yet, and the order to retire
        private final BlockingQueue<Object> hand = new ArrayBlockingQueue<>(2);
        private final BlockingQueue<Job> finished;

        Worker(int number, BlockingQueue<Job> finished) {
            this.finished = finished;
            this.thread = new Thread(null, this, "gradflow-lint-" + number, WORKER_STACK_BYTES);
            // a worker that never answers its interrupt must not keep the JVM alive after the report
            thread.setDaemon(true);
            thread.start();
        }

        /** Gives the worker its next file; it is idle, so there is room. */
        void hand(Job job) {
            hand.add(job);
        }

        /** The worker ends when it is done with what it has been handed. */
        void retire() {
            hand.offer(RETIRE);
        }

        @Override
        public void run() {
            while (true) {
                Object next;
                try {
                    next = hand.take();
                } catch (InterruptedException e) {
                    // meant for a file this worker has reported already
                    continue;
                }
                if (next == RETIRE) {
                    return;
                }
                Job job = (Job) next;
                Thread.interrupted();
                if (job.cancelled) {
                    Thread.currentThread().interrupt();
                }
                try {
                    job.run();
                } finally {
                    finished.offer(job);
                }
            }
        }
    }

    /** What one file gave: its result, or its errors (none: a file skipped as not a model). */
    private record Outcome(@Nullable ModelResult model, List<InputError> errors, boolean outOfMemory,
                           @Nullable Skipped skipped) {

        Outcome(@Nullable ModelResult model, List<InputError> errors, boolean outOfMemory) {
            this(model, errors, outOfMemory, null);
        }

        static Outcome error(InputError e) {
            return new Outcome(null, List.of(e), false);
        }

        static Outcome failure(FileWalker.Input in, String message) {
            return error(new InputError(in.display(), 0, 0, "", message));
        }
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.US, "%.1f s", ms / 1000.0);
    }

    /** Analysis and rules for one model already read, with the configuration for its source. */
    public ModelResult analyse(ModelGraph g) {
        return Pipeline.check(g, configs.apply(Path.of(g.source())));
    }
}
