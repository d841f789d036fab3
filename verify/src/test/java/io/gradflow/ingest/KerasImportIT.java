package io.gradflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Which Keras corpus files Deeplearning4j 1.0.0-M2.1's KerasModelImport turns into a trainable
 * network (what the verifier will use), held against the README's compatibility table so the
 * table cannot go stale. Each file is imported by {@link KerasImportProbe} in a JVM of its own,
 * with a time limit: ND4J 1.0.0-M2.1's orthogonal initialiser can spin or crash in native code,
 * and not every time, so a hang satisfies a "yes" or "sometimes" row while an import error must
 * match a "no" row exactly.
 */
@Tag("slow")
class KerasImportIT {

    /**
     * What the import did: "yes" (perhaps without the training config), "no" with why, or "hang"
     * when it did not return in time.
     */
    record Outcome(String verdict, String detail) { }

    @Test
    void readmeTableSaysWhatKerasModelImportReallyImports() throws Exception {
        assumeTrue(KerasCorpus.present(), "../shared/corpus is absent: Keras import suite skipped");
        Map<String, KerasCorpus.Row> table = KerasCorpus.readmeTable();
        Map<String, Outcome> observed = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Map<String, Future<Outcome>> running = new LinkedHashMap<>();
            for (Path f : KerasCorpus.files()) {
                running.put(f.getFileName().toString(), pool.submit(() -> tryImport(f)));
            }
            for (Map.Entry<String, Future<Outcome>> e : running.entrySet()) {
                observed.put(e.getKey(), e.getValue().get());
            }
        } finally {
            pool.shutdownNow();
        }
        StringBuilder report = new StringBuilder("observed DL4J imports:\n");
        observed.forEach((k, v) -> report.append("  ").append(k).append(": ").append(v.verdict()).append(" - ")
                .append(v.detail()).append('\n'));
        System.out.println(report);
        assertThat(table.keySet()).as("README rows").containsExactlyInAnyOrderElementsOf(observed.keySet());
        for (Map.Entry<String, Outcome> e : observed.entrySet()) {
            String stated = KerasCorpus.Row.head(table.get(e.getKey()).dl4j());
            String seen = e.getValue().verdict();
            if (seen.equals("hang")) {
                // the hang is ND4J's and not deterministic: a file may import in one run and spin in the next
                assertThat(stated).as("%s hung; the README must say yes or sometimes\n%s", e.getKey(), report)
                        .isIn("yes", "sometimes");
            } else {
                assertThat(stated).as("%s\n%s", e.getKey(), report)
                        .isEqualTo(stated.equals("sometimes") && seen.equals("yes") ? "sometimes" : seen);
            }
        }
    }

    /** Seconds one import may take; a healthy one takes seconds, a stuck SVD never returns. */
    static final int TIMEOUT_S = 90;

    /** Imports one file in a JVM of its own: native code that spins or crashes cannot take the test with it. */
    static Outcome tryImport(Path f) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // ND4J can crash in native code (a JVM crash log, not a result): keep those logs out of the checkout
        String errorFile = Path.of(System.getProperty("java.io.tmpdir"), "gradflow-keras-import-hs_err_%p.log").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx2g", "-XX:ErrorFile=" + errorFile,
                "-cp", System.getProperty("java.class.path"),
                KerasImportProbe.class.getName(), f.toString());
        pb.redirectErrorStream(true);
        Path log = Files.createTempFile("keras-import", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                // a thread dump (SIGQUIT) says where it is stuck before the process is killed
                new ProcessBuilder("kill", "-3", Long.toString(p.pid())).start().waitFor();
                Thread.sleep(2000);
                p.destroyForcibly().waitFor();
                return new Outcome("hang", "did not return within " + TIMEOUT_S + " s, stuck in " + stuckIn(log));
            }
            List<String> lines = Files.readAllLines(log);
            for (String l : lines) {
                if (l.startsWith("RESULT\t")) {
                    String[] parts = l.split("\t", 3);
                    return new Outcome(parts[1], parts.length > 2 ? parts[2] : "");
                }
            }
            String crash = lines.stream().filter(l -> l.contains("SIGSEGV") || l.contains("Problematic frame")
                    || l.contains("Exception")).findFirst().orElse("exit code " + p.exitValue());
            return new Outcome("no", "the importing JVM died: " + crash.strip());
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Where a stuck import was, from a thread dump taken before it is killed. */
    private static String stuckIn(Path log) throws IOException {
        boolean main = false;
        for (String l : Files.readAllLines(log)) {
            if (l.startsWith("\"main\"")) {
                main = true;
            } else if (main && l.strip().startsWith("at ") && !l.contains("Native Method")
                    && !l.contains("nativecpu") && !l.contains("Nd4j.exec")) {
                return l.strip().substring(3).replaceAll("\\(.*", "");
            }
        }
        return "native code";
    }
}
