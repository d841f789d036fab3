package io.gradflow.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.sun.management.OperatingSystemMXBean;
import io.gradflow.config.Baseline;
import io.gradflow.config.ConfigException;
import io.gradflow.config.ConfigFile;
import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.ReadException;
import io.gradflow.ingest.dl4j.Dl4jReader;
import io.gradflow.ingest.dsl.DslReader;
import io.gradflow.ingest.keras.KerasReader;
import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonSyntaxException;
import io.gradflow.json.JsonValue;
import io.gradflow.model.Format;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.CheckstyleReporter;
import io.gradflow.report.GithubReporter;
import io.gradflow.report.JsonReporter;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.report.Reporter;
import io.gradflow.report.SarifReporter;
import io.gradflow.report.TextReporter;
import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of every reader with Jazzer: each target takes arbitrary bytes and
 * must end in a result or the reader's own error ({@link ReadException}, {@link ConfigException}
 * for the configuration and baseline files) within {@link #BUDGET_MILLIS}. Any other exception,
 * a stack overflow, running out of memory or time is a finding. The reader targets read (and
 * finish) only; {@link #pipeline} takes small models on through the analysis, rules and reports.
 *
 * <p>A plain test run (CI) replays the committed inputs under
 * {@code src/test/resources/io/gradflow/fuzz/ReaderFuzzTestInputs/<target>/}, each a crash the
 * fuzzer once found, in seconds. {@code mvn -Pfuzz} (scripts/fuzz.sh) fuzzes each target for a set
 * time, seeded from ../shared/corpus and fixtures/, and reports the executions.
 */
@Timeout(300)
class ReaderFuzzTest {

    /** One input may take as long as gradflow gives one file (--timeout's default). */
    static final long BUDGET_MILLIS = Limits.DEFAULT_TIMEOUT.toMillis();
    /** Models of at most this many nodes are analysed, checked and reported by {@link #pipeline}. */
    static final int ANALYSED = 12;
    /** Inputs per target before the budget applies. */
    static final long WARM_UP = 200;

    private static final Map<String, LongAdder> EXECUTIONS = new ConcurrentHashMap<>();
    /** Per target, when its first input and its latest one began (System.nanoTime). */
    private static final Map<String, long[]> SPAN = new ConcurrentHashMap<>();
    private static final Map<String, Path> SCRATCH = new ConcurrentHashMap<>();
    /**
     * Where the scratch files go: memory (/dev/shm) where there is one. On ext4 a file cut to
     * nothing and written again has its data flushed to the disk when it is closed
     * (auto_da_alloc), about 5 ms a write on this machine's disk against 50 us in memory.
     */
    private static final Path SCRATCH_DIR = scratchDir();
    /** Per target, the fuzzing JVM's CPU time (user and system, ns) when its first input began. */
    private static final Map<String, Long> CPU_AT_START = new ConcurrentHashMap<>();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    /** Per target, the executions in its first minute: the README's executions-a-second figure. */
    private static final Map<String, Long> FIRST_MINUTE = new ConcurrentHashMap<>();
    /**
     * One of each reporter for the whole run, as one lint run has: a reporter's per-run set-up
     * (SARIF's rule descriptors, from the rule pages in the jar) is not what is fuzzed, and made
     * per input it was most of a small model's time.
     */
    private static final Path BASE = Path.of("").toAbsolutePath();
    private static final List<Reporter> REPORTERS = List.of(new TextReporter(false, true, true),
            new JsonReporter("fuzz"), new SarifReporter("fuzz", "https://example.org", "https://example.org/rules/", BASE),
            new GithubReporter(BASE), new CheckstyleReporter());
    private static final PrintWriter SINK = new PrintWriter(Writer.nullWriter());

    @FuzzTest
    void dl4jJson(byte[] data) throws Exception {
        run("dl4jJson", () -> {
            JsonValue root = json(data);
            return root == null ? null : Dl4jReader.read("fuzz.json", root);
        });
    }

    @FuzzTest
    void kerasJson(byte[] data) throws Exception {
        run("kerasJson", () -> {
            JsonValue root = json(data);
            return root == null ? null : KerasReader.read("fuzz.json", Format.KERAS_JSON, root, KerasReader.Facts.NONE);
        });
    }

    /** The HDF5 path: jhdf reads the root attributes, then the model_config goes to the Keras reader. */
    @FuzzTest
    void hdf5(byte[] data) throws Exception {
        Path f = scratch("hdf5", ".h5", data);
        run("hdf5", () -> ModelLoader.load(f, "fuzz.h5"));
    }

    /** Zips: a Keras 3 .keras archive or a DL4J model zip. */
    @FuzzTest
    void zip(byte[] data) throws Exception {
        Path f = scratch("zip", ".keras", data);
        run("zip", () -> ModelLoader.load(f, "fuzz.keras"));
    }

    @FuzzTest
    void dsl(byte[] data) throws Exception {
        run("dsl", () -> DslReader.read("fuzz.gflow", new String(data, StandardCharsets.UTF_8)));
    }

    @FuzzTest
    void config(byte[] data) throws Exception {
        count("config");
        long t0 = System.nanoTime();
        try {
            ConfigFile.parse(data, Path.of("").toAbsolutePath(), "gradflow.json");
        } catch (ConfigException expected) {
            // a configuration error, with its message, is the reader's answer
        }
        inBudget(t0);
    }

    @FuzzTest
    void baseline(byte[] data) throws Exception {
        count("baseline");
        Path f = scratch("baseline", ".json", data);
        long t0 = System.nanoTime();
        try {
            Baseline.load(f, "baseline.json");
        } catch (ConfigException expected) {
            // a baseline error, with its message, is the reader's answer
        }
        inBudget(t0);
    }

    /**
     * The rest of the pipeline on what the readers make: JSON (DL4J or Keras, told apart as lint
     * tells them) when the text starts with a brace, else the DSL; a small model is analysed,
     * checked and written in every report format. Its own target, because the analysis and the
     * five reports take milliseconds where reading a small model takes a tenth of one: inside
     * the reader targets they held every reader to tens of executions a second.
     */
    @FuzzTest
    void pipeline(byte[] data) throws Exception {
        String text = new String(data, StandardCharsets.UTF_8);
        String name = text.stripLeading().startsWith("{") ? "fuzz.json" : "fuzz.gflow";
        run("pipeline", () -> Pipeline.readText(name, text), true);
    }

    /** One model read: a graph or a ReadException. */
    private interface Read {
        ModelGraph get() throws ReadException;
    }

    private static void run(String target, Read read) {
        run(target, read, false);
    }

    private static void run(String target, Read read, boolean analyse) {
        count(target);
        long t0 = System.nanoTime();
        ModelGraph g;
        try {
            g = read.get();
        } catch (ReadException expected) {
            inBudget(t0);
            return;
        }
        // a small model goes on through the analysis, the rules and every report: the readers'
        // output must be something the rest can take (a large one would slow the fuzzer down tenfold)
        if (analyse && g != null && g.nodes().size() <= ANALYSED) {
            ModelResult r = Pipeline.check(g, RuleConfig.DEFAULT);
            LintReport report = new LintReport(List.of(r), List.of());
            for (Reporter reporter : REPORTERS) {
                reporter.write(report, SINK);
            }
        }
        inBudget(t0);
    }

    private static JsonValue json(byte[] data) throws ReadException {
        try {
            return JsonParser.parse(data, Limits.JSON);
        } catch (JsonSyntaxException e) {
            throw new ReadException(e.getMessage());
        }
    }

    private static void inBudget(long t0) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // the first inputs load (and, fuzzing, instrument) every class they reach: many seconds, once
        if (ms > BUDGET_MILLIS && warm()) {
            throw new AssertionError("one input took " + ms + " ms, over the " + BUDGET_MILLIS + " ms budget");
        }
    }

    private static void count(String target) {
        LongAdder n = EXECUTIONS.computeIfAbsent(target, k -> new LongAdder());
        n.increment();
        long now = System.nanoTime();
        long[] span = SPAN.computeIfAbsent(target, k -> {
            CPU_AT_START.put(k, OS.getProcessCpuTime());
            return new long[] {now, now};
        });
        span[1] = now;
        if (now - span[0] >= 60_000_000_000L && !FIRST_MINUTE.containsKey(target)) {
            FIRST_MINUTE.put(target, n.sum());
        }
        CURRENT.set(target);
    }

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private static boolean warm() {
        LongAdder n = EXECUTIONS.get(CURRENT.get());
        return n != null && n.sum() > WARM_UP;
    }

    /**
     * The target's scratch file with this input (readers of containers read files): a new file
     * each time, the last input's removed first, never the old one cut and rewritten. The HDF5
     * reader maps the file and the mapping lasts until the collector frees its buffer; cutting a
     * file the kernel must first unmap from every mapping still alive, so that open(O_TRUNC)
     * took most of the hdf5 and zip targets' time (JFR: the fuzzing thread in open0 in 665 of
     * its 919 native samples), longer the longer since the last collection.
     */
    private static Path scratch(String target, String suffix, byte[] data) {
        try {
            Path f = SCRATCH.computeIfAbsent(target, k -> {
                try {
                    Path p = SCRATCH_DIR == null ? Files.createTempFile("gradflow-fuzz-" + k, suffix)
                            : Files.createTempFile(SCRATCH_DIR, "gradflow-fuzz-" + k, suffix);
                    p.toFile().deleteOnExit();
                    return p;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Files.deleteIfExists(f);
            Files.write(f, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static @Nullable Path scratchDir() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : null;
    }

    /** Executions per target, for scripts/fuzz.sh and the README's table. */
    @AfterAll
    static void report() throws IOException {
        StringBuilder b = new StringBuilder();
        // from the target's first input to its last: the time its inputs ran, class loading and
        // instrumentation on the way included, the JVM's start and the other targets' time not;
        // and the CPU time the JVM had meanwhile (all its threads: the JIT and the collector too),
        // the figure that does not depend on how many others share the machine (one target a JVM)
        long cpuNow = OS.getProcessCpuTime();
        EXECUTIONS.forEach((t, n) -> {
            long[] span = SPAN.get(t);
            double secs = span == null ? 0 : (span[1] - span[0]) / 1e9;
            Long minute = FIRST_MINUTE.get(t);
            Long cpu0 = CPU_AT_START.get(t);
            double cpuSecs = cpu0 == null || cpu0 < 0 || cpuNow < 0 ? 0 : (cpuNow - cpu0) / 1e9;
            b.append(String.format(Locale.ROOT, "fuzz target %s: %d executions in %.0f s (%.0f a second)%s%s%n",
                    t, n.sum(), secs, secs > 0 ? n.sum() / secs : 0,
                    cpuSecs > 0 ? String.format(Locale.ROOT, ", %.0f CPU s (%.0f a CPU second)", cpuSecs,
                            n.sum() / cpuSecs) : "",
                    minute == null ? "" : ", " + minute + " in its first 60 s"));
        });
        System.err.print(b);
        Path out = Path.of("core/target/fuzz-executions.txt");
        if (Files.isDirectory(out.getParent())) {
            Files.writeString(out, b.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }
}
