package io.gradflow.verify;

import com.google.gson.JsonObject;
import io.gradflow.report.InputError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures the models of one {@code gradflow verify} in a verifying process ({@link Child}), one
 * after another: shows each one's progress, turns each result into a report and each failure into
 * one error line naming the model, and starts a new process when one dies (a native crash) or has
 * to be stopped (a model past its time budget that does not answer), so the models after it go on.
 */
final class Runs {

    /** Seconds past a model's budget before a process that does not answer is stopped. */
    static final double GRACE = 60;
    /** Seconds a fresh process may take to start Deeplearning4j before its first answer. */
    static final double START = 120;

    private final Verifier.Options opts;
    private final Path cwd;
    private final PrintWriter err;

    Runs(Verifier.Options opts, Path cwd, PrintWriter err) {
        this.opts = opts;
        this.cwd = cwd;
        this.err = err;
    }

    void measure(List<VerifyCommand.Job> jobs, List<VerifyReport> reports, List<InputError> errors)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gradflow-verify-");
        Child child = null;
        try (ProgressView view = new ProgressView(err, ProgressView.onTerminal())) {
            for (int i = 0; i < jobs.size(); i++) {
                VerifyCommand.Job job = jobs.get(i);
                String display = job.input().display();
                view.model(display, i + 1, jobs.size());
                if (child == null || !child.alive()) {
                    view.phase("starting Deeplearning4j");
                    child = Child.start(dir, new Protocol.Setup(opts, cwd.toString()));
                }
                child.send(new Protocol.Job(job.input().path().toAbsolutePath().toString(), display));
                long start = System.nanoTime();
                String phase = "starting";
                while (true) {
                    JsonObject e = child.next(200);
                    double waited = (System.nanoTime() - start) / 1e9;
                    if (e == null) {
                        if (!child.alive()) {
                            // drain what it said before it died
                            while ((e = child.next(0)) != null) {
                                phase = e.has("phase") ? e.get("phase").getAsString() : phase;
                            }
                            view.clear();
                            errors.add(error(display, "the verifying process died while " + phase + " ("
                                    + child.death() + "); the other models go on"));
                            debug(child);
                            child = null;
                            break;
                        }
                        if (opts.timeBudget() > 0 && waited > opts.timeBudget() + GRACE + START) {
                            child.kill();
                            view.clear();
                            errors.add(error(display, String.format(Locale.ROOT, "stopped after %.0f s while %s: over "
                                    + "its time budget of %.0f s and not answering; give it more with --time-budget "
                                    + "SECONDS", waited, phase, opts.timeBudget())));
                            child = null;
                            break;
                        }
                        continue;
                    }
                    String kind = e.get("event").getAsString();
                    if (kind.equals("progress")) {
                        phase = e.get("phase").getAsString();
                        if (e.has("step")) {
                            view.step(phase, e.get("step").getAsInt(), e.get("of").getAsInt());
                        } else {
                            view.phase(phase);
                        }
                    } else if (kind.equals("result")) {
                        VerifyReport.Run run = Protocol.GSON.fromJson(e.get("run"), VerifyReport.Run.class);
                        view.clear();
                        reports.add(new VerifyReport(job.lint(), run, Checks.check(job.lint().findings(),
                                job.lint().analysis(), run.atInit(), job.config().thresholds())));
                        break;
                    } else if (kind.equals("error")) {
                        view.clear();
                        errors.add(error(display, e.get("message").getAsString()));
                        break;
                    }
                }
            }
        } finally {
            if (child != null) {
                child.close();
            }
            if (System.getenv("GRADFLOW_DEBUG") == null) {
                delete(dir);
            } else {
                err.println("gradflow verify: the verifying processes' logs are in " + dir);
            }
        }
    }

    private static InputError error(String display, String message) {
        return new InputError(display, 0, 0, "", "cannot verify: " + message);
    }

    private void debug(Child c) {
        if (System.getenv("GRADFLOW_DEBUG") != null) {
            err.println("gradflow verify: the dead process's standard error is " + c.log());
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is the system's to clean
        }
    }
}
