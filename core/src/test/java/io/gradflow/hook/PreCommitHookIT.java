package io.gradflow.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook in .pre-commit-hooks.yaml works as pre-commit users get it: {@code pre-commit try-repo}
 * clones this repository, the launcher builds it there on first use, and the hook refuses a model
 * whose gradients vanish (showing the finding) and passes a healthy one. try-repo sees only
 * committed work, so the test commits the working tree as it is (tracked and untracked files git
 * does not ignore) into a scratch repository and points try-repo at that. Needs Debian's
 * pre-commit (scripts/install-test-tools.sh, run by Maven before the integration tests), git and
 * Maven; the clone builds offline from ~/.m2.
 */
@Tag("slow")
class PreCommitHookIT {

    @TempDir
    static Path tmp;

    static Path hookRepo;
    static Path userRepo;

    @BeforeAll
    static void repositories() throws Exception {
        for (String tool : List.of("pre-commit", "git", "mvn")) {
            if (run(Path.of("."), Map.of(), "sh", "-c", "command -v " + tool).code() != 0) {
                fail(tool + " is not on PATH: run scripts/install-test-tools.sh (mvn verify runs it before the "
                        + "integration tests)");
            }
        }
        hookRepo = snapshotOfTheWorkingTree(tmp.resolve("gradflow"));
        userRepo = Files.createDirectories(tmp.resolve("user"));
        git(userRepo, "init", "-q");
        Files.createDirectories(userRepo.resolve("models"));
        Files.copy(Path.of("fixtures/examples/sigmoid-mlp-20.json"), userRepo.resolve("models/vanishing.json"));
        Files.copy(Path.of("fixtures/examples/relu-residual-batchnorm-mlp-33.json"),
                userRepo.resolve("models/healthy.json"));
        Files.writeString(userRepo.resolve("package.json"), "{\"name\": \"not-a-model\"}\n");
        git(userRepo, "add", "-A");
    }

    @Test
    void hookRefusesAModelWhoseGradientsVanishAndShowsTheFinding() throws Exception {
        Result r = tryRepo("models/vanishing.json", "package.json");
        assertThat(r.code()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("gradflow (vanishing and exploding gradients)").contains("Failed")
                .containsPattern("models/vanishing\\.json:\\d+:\\d+: error: .*\\[GF001\\]");
    }

    @Test
    void hookPassesAHealthyModel() throws Exception {
        Result r = tryRepo("models/healthy.json", "package.json");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).containsPattern("gradflow \\(vanishing and exploding gradients\\)\\.+Passed");
    }

    private static Result tryRepo(String... files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("pre-commit", "try-repo", hookRepo.toString(), "gradflow",
                "--verbose", "--files"));
        cmd.addAll(List.of(files));
        // the clone builds with the launcher: offline from the ~/.m2 this build filled; no start-up
        // archive, whose background training could still be writing in tmp when JUnit deletes it
        return run(userRepo, Map.of("PRE_COMMIT_HOME", tmp.resolve("pre-commit-cache").toString(),
                "GRADFLOW_MVN_OPTS", "-o", "PRE_COMMIT_COLOR", "never", "GRADFLOW_ARCHIVE", "off"),
                cmd.toArray(String[]::new));
    }

    /** A fresh repository holding one commit of the working tree's files, executable bits kept. */
    static Path snapshotOfTheWorkingTree(Path dest) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Result listed = run(root, Map.of(), "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard");
        assertThat(listed.code()).as(listed.output()).isZero();
        Files.createDirectories(dest);
        for (String name : listed.output().split("\0")) {
            Path from = root.resolve(name);
            if (name.isEmpty() || !Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
                continue; // deleted in the working tree, or a link
            }
            Path to = dest.resolve(name);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
        git(dest, "init", "-q");
        git(dest, "add", "-A");
        git(dest, "-c", "user.name=gradflow test", "-c", "user.email=test@gradflow.invalid", "-c",
                "commit.gpgsign=false", "commit", "-q", "-m", "working tree under test");
        return dest;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Result r = run(dir, Map.of(), cmd.toArray(String[]::new));
        assertThat(r.code()).as("git %s: %s", String.join(" ", args), r.output()).isZero();
    }

    /** Exit code and stdout and stderr together. */
    record Result(int code, String output) { }

    static Result run(Path dir, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in 10 minutes");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
