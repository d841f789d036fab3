package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's cases that need a process of their own: a heap too small for one file, standard
 * output on a full disk, a directory the walk cannot open. Each is one line for that file or that
 * stream, exit 2, and the other files are still linted.
 */
class HostileProcessIT {

    @TempDir
    Path tmp;

    @Test
    void runningOutOfMemoryOnOneFileIsOneErrorAndTheNextFileIsLinted() throws Exception {
        // nine million values, under the value limit, need about 225 MB parsed: more than a 96 MB heap
        Path big = tmp.resolve("big.json");
        try (Writer w = Files.newBufferedWriter(big)) {
            w.write("{\"confs\":[0");
            for (int i = 0; i < 9_000_000; i++) {
                w.write(",0");
            }
            w.write("]}");
        }
        Result r = run(Map.of("GRADFLOW_JAVA_OPTS", "-Xmx96m"), "./gradflow", "lint", big.toString(),
                HostileInputTest.GOOD);
        assertThat(r.code).as(r.out).isEqualTo(2);
        assertThat(r.out).contains(big + ": error: gradflow ran out of memory on this file (heap limit ");
        assertThat(r.out).doesNotContain("Exception", "\tat ", "OutOfMemoryError");
        assertThat(r.out).contains("1 model (1 healthy)");
    }

    @Test
    void aReportThatCannotReachStandardOutputIsExitTwo() throws Exception {
        Result r = run(Map.of(), "bash", "-c", "./gradflow lint --format json " + HostileInputTest.GOOD
                + " > /dev/full");
        assertThat(r.code).as(r.out).isEqualTo(2);
        assertThat(r.out).contains("gradflow: cannot write to standard output");
        assertThat(r.out.lines().count()).isEqualTo(1);
    }

    @Test
    void aDirectoryTheWalkCannotOpenIsReported() throws Exception {
        // root reads any directory whatever its permissions: only another user can see this error
        assumeTrue(!"root".equals(System.getProperty("user.name")),
                "running as root, which can read a directory with no permissions: not checked here");
        Path dir = Files.createDirectory(tmp.resolve("models"));
        Files.copy(Path.of(HostileInputTest.GOOD), dir.resolve("good.json"));
        Path closed = Files.createDirectory(dir.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("---------"));
        try {
            Result r = run(Map.of(), "./gradflow", "lint", dir.toString());
            assertThat(r.code).as(r.out).isEqualTo(2);
            assertThat(r.out).contains("closed: error: cannot read this directory: permission denied");
            assertThat(r.out).contains("1 model (1 healthy)");
        } finally {
            Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        }
    }

    record Result(int code, String out) { }

    static Result run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in 5 minutes");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
