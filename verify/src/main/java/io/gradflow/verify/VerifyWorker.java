package io.gradflow.verify;

import com.google.gson.JsonObject;
import io.gradflow.config.ConfigException;
import io.gradflow.config.ConfigResolver;
import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.RuleConfig;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The process that runs Deeplearning4j for {@code gradflow verify}: started by the command, it
 * reads the run's options and then one job per line on standard input, and answers on standard
 * output with {@link Protocol} lines (progress, a result or an error per job). ND4J starts once
 * for all its jobs. Native code that crashes takes only this process down; the command reports
 * the model it was on and starts another for the rest.
 */
public final class VerifyWorker {

    private final PrintStream out;
    private long lastStep;

    private VerifyWorker(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        // the protocol owns standard output; anything else a library prints goes to standard error
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        new VerifyWorker(protocol).serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }

    private void serve(BufferedReader in) throws Exception {
        Protocol.Setup setup = Protocol.GSON.fromJson(in.readLine(), Protocol.Setup.class);
        ConfigResolver configs = ConfigResolver.discovering(Path.of(setup.cwd()));
        send(event("ready"));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            Protocol.Job job = Protocol.GSON.fromJson(line, Protocol.Job.class);
            run(job, setup.options(), configs);
        }
    }

    private void run(Protocol.Job job, Verifier.Options opts, ConfigResolver configs) {
        Path path = Path.of(job.path());
        try {
            RuleConfig config = configs.forFile(path);
            phase("reading");
            crashIfAsked(path);
            ModelGraph g = Pipeline.read(path, job.display());
            ModelResult lint = Pipeline.check(g, config, opts.batch());
            VerifyReport.Run run = new Verifier(opts, progress()).run(path, g, lint.analysis(), config.thresholds());
            JsonObject e = event("result");
            e.add("run", Protocol.GSON.toJsonTree(run));
            send(e);
        } catch (ReadException | ConfigException e) {
            error(e.getMessage());
        } catch (VerifyException e) {
            if (System.getenv("GRADFLOW_DEBUG") != null && e.getCause() != null) {
                e.getCause().printStackTrace();
            }
            error(e.getMessage());
        } catch (OutOfMemoryError e) {
            error(NetworkBuilder.outOfMemory().getMessage());
        } catch (RuntimeException | Error e) {
            if (System.getenv("GRADFLOW_DEBUG") != null) {
                e.printStackTrace();
            }
            error("gradflow could not verify this model (internal error: " + NetworkBuilder.oneLine(e)
                    + "); please report it");
        }
    }

    /**
     * For the tests of crash isolation: a native crash (a SIGSEGV the JVM cannot recover from, as
     * ND4J's are) on the file that the system property {@code gradflow.verify.crashOn} names.
     */
    private static void crashIfAsked(Path path) {
        String on = System.getProperty("gradflow.verify.crashOn");
        if (on == null || !path.getFileName().toString().equals(on)) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-SEGV", Long.toString(ProcessHandle.current().pid())).start().waitFor();
            Thread.sleep(10_000);
        } catch (IOException | InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(134);
    }

    private Progress progress() {
        return new Progress() {
            @Override
            public void phase(String what) {
                VerifyWorker.this.phase(what);
            }

            @Override
            public void step(String what, int i, int n) {
                long now = System.nanoTime();
                // a few lines a second are plenty, and the last step always shows
                if (i == n || (now - lastStep) / 1e6 >= 250) {
                    lastStep = now;
                    JsonObject e = event("progress");
                    e.addProperty("phase", what);
                    e.addProperty("step", i);
                    e.addProperty("of", n);
                    send(e);
                }
            }
        };
    }

    private void phase(String what) {
        JsonObject e = event("progress");
        e.addProperty("phase", what);
        send(e);
    }

    private void error(@Nullable String message) {
        JsonObject e = event("error");
        e.addProperty("message", message);
        send(e);
    }

    private static JsonObject event(String kind) {
        JsonObject e = new JsonObject();
        e.addProperty("event", kind);
        return e;
    }

    private synchronized void send(JsonObject e) {
        out.println(Protocol.line(e));
        out.flush();
    }
}
