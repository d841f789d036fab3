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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's pre-commit configuration works as written: the test reads the YAML block under
 * "## pre-commit" in README.md, checks that its {@code rev} is the tag {@code
 * scripts/release-tag.sh} makes for this version, commits the working tree into a scratch
 * repository, tags it with that script, and points the configuration's {@code repo} (the one
 * thing it changes) at that repository. The user's repository is a copy of {@code fixtures/repo}:
 * models, a git-ignored checkpoint, HDF5 and zip data files, a package.json, a virtual environment
 * and node_modules with broken files in them. Staged data files pass; the whole repository fails
 * on its findings only. pre-commit builds gradflow in its cache with the launcher, offline from
 * the ~/.m2 this build filled. Needs Debian's pre-commit (scripts/install-test-tools.sh, which
 * Maven runs before the integration tests), git and Maven.
 */
@Tag("slow")
class PreCommitHookIT {

    static final String UPSTREAM = "https://github.com/gradflow/gradflow";

    @TempDir
    static Path tmp;

    static Path hookRepo;
    static Path userRepo;
    static String config;

    @BeforeAll
    static void repositories() throws Exception {
        for (String tool : List.of("pre-commit", "git", "mvn")) {
            if (run(Path.of("."), Map.of(), "sh", "-c", "command -v " + tool).code() != 0) {
                fail(tool + " is not on PATH: run scripts/install-test-tools.sh (mvn verify runs it before the "
                        + "integration tests)");
            }
        }
        String readme = readmeConfiguration();
        String version = Files.readAllLines(Path.of("pom.xml")).stream().map(String::strip)
                .filter(l -> l.startsWith("<version>")).findFirst().orElseThrow()
                .replaceAll("</?version>", "").replace("-SNAPSHOT", "");
        assertThat(readme).as("the README's rev is the release tag of this version")
                .contains("rev: v" + version + "\n").contains("repo: " + UPSTREAM + "\n");

        hookRepo = snapshotOfTheWorkingTree(tmp.resolve("gradflow"));
        Result tag = run(hookRepo, Map.of(), "bash", "scripts/release-tag.sh");
        assertThat(tag.code()).as(tag.output()).isZero();
        assertThat(tag.output().strip()).isEqualTo("v" + version);
        config = readme.replace("repo: " + UPSTREAM + "\n", "repo: " + hookRepo.toUri() + "\n");

        userRepo = tmp.resolve("user");
        copyTree(Path.of("fixtures/repo"), userRepo);
        Files.writeString(userRepo.resolve(".pre-commit-config.yaml"), config);
        git(userRepo, "init", "-q");
        git(userRepo, "add", "-A");
    }

    /** The first ```yaml block after "## pre-commit" in README.md, as the README shows it. */
    static String readmeConfiguration() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("\n## pre-commit\n");
        assertThat(section).as("README.md has a pre-commit section").isPositive();
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    @Test
    void stagedDataFilesPassTheHook() throws Exception {
        Result r = preCommit("run", "gradflow", "--verbose", "--files", "data/train_images.h5", "data/dataset.zip",
                "data/labels.json", "package.json", "tsconfig.json", "models/classifier.gflow", "models/keras/mlp.h5",
                "venv/lib/python3.11/site-packages/demo/broken.json", "node_modules/left-pad/package.json");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).containsPattern("gradflow \\(vanishing and exploding gradients\\)\\.+Passed")
                .contains("2 models (2 healthy), 5 other files skipped (not models)");
    }

    @Test
    void theWholeRepositoryFailsOnItsFindingsOnly() throws Exception {
        Result r = preCommit("run", "--all-files", "--verbose");
        assertThat(r.code()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("Failed")
                .containsPattern("models/deep-tanh\\.gflow:\\d+:\\d+: error: .*\\[GF004\\]")
                .doesNotContain("not readable").doesNotContain("venv/").doesNotContain("node_modules/")
                .doesNotContain("checkpoints/");
    }

    private static Result preCommit(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("pre-commit"));
        cmd.addAll(List.of(args));
        // the clone builds with the launcher: offline from the ~/.m2 this build filled; no start-up
        // archive, whose background training could still be writing in tmp when JUnit deletes it
        return run(userRepo, Map.of("PRE_COMMIT_HOME", tmp.resolve("pre-commit-cache").toString(),
                "GRADFLOW_MVN_OPTS", "-o", "PRE_COMMIT_COLOR", "never", "GRADFLOW_ARCHIVE", "off"),
                cmd.toArray(String[]::new));
    }

    /** A copy of a directory tree, hidden files included. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
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
