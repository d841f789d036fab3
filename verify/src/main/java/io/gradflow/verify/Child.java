package io.gradflow.verify;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The verifying process as the command sees it: a JVM of its own running {@link VerifyWorker}, with
 * the command's class path and memory settings, its working directory and its crash logs
 * ({@code -XX:ErrorFile}) in a temporary directory, never the user's; its protocol lines read on a
 * thread of their own, its standard error kept in a log that explains a crash.
 */
final class Child implements AutoCloseable {

    /** JVM options of this process worth passing on: memory, stack, system properties. */
    private static final List<String> INHERITED = List.of("-Xmx", "-Xms", "-Xss", "-XX:MaxDirectMemorySize", "-D");

    private final Process process;
    private final PrintWriter in;
    private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    private final Path log;

    private Child(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonObject e = Protocol.parse(line);
                    if (e != null) {
                        events.add(e);
                    }
                }
            } catch (IOException e) {
                // the process ended: the command sees it die
            }
        }, "gradflow-verify-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a verifying process in {@code dir} and sends it the run's setup. */
    static Child start(Path dir, Protocol.Setup setup) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            for (String p : INHERITED) {
                if (a.startsWith(p)) {
                    cmd.add(a);
                    break;
                }
            }
        }
        // the verifier's own settings, however this process got them (tests set them at run time)
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("gradflow.verify."))
                .sorted().forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        // a native crash writes its report here, not in the user's directory, and dumps no core
        cmd.add("-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"));
        cmd.add("-XX:-CreateCoredumpOnCrash");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(VerifyWorker.class.getName());
        Path log = Files.createTempFile(dir, "verify-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Child c = new Child(pb.start(), log);
        c.in.println(Protocol.GSON.toJson(setup));
        return c;
    }

    /** Asks for one model. */
    void send(Protocol.Job job) {
        in.println(Protocol.GSON.toJson(job));
    }

    /** The next event, or null when none came within {@code millis}. */
    JsonObject next(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Why the process ended, in words: its exit code and what its log says about a crash. */
    String death() {
        int code;
        try {
            code = process.waitFor(2, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        String seen = "";
        try {
            for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                String t = l.strip();
                if (t.contains("SIGSEGV") || t.contains("SIGBUS") || t.contains("SIGILL") || t.contains("SIGFPE")) {
                    seen = "a " + t.replaceAll(".*(SIG[A-Z]+).*", "$1") + " in native code";
                    break;
                }
                if (t.contains("OutOfMemoryError") || t.contains("Cannot allocate")) {
                    seen = "out of memory";
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no log: the exit code has to do
        }
        String what = code == 134 || code == 6 ? "the JVM aborted" : code == 137 || code == 9 ? "it was killed"
                : code >= 0 ? "exit code " + code : "it did not exit";
        return seen.isEmpty() ? what : what + ", " + seen;
    }

    /** The log of the process's standard error (for GRADFLOW_DEBUG). */
    Path log() {
        return log;
    }

    /** Ends the process now. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        in.close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }
}
