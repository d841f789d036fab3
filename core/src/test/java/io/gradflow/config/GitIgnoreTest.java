package io.gradflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gradflow ignores what git ignores: checked against git itself on a tree of awkward patterns. */
class GitIgnoreTest {

    @TempDir
    Path repo;

    @Test
    void theFilesAWalkSeesAreTheFilesGitDoesNotIgnore() throws Exception {
        assumeTrue(git("--version") == 0, "git is not installed: the comparison with git is skipped");
        assertThat(git("init", "-q")).isZero();
        write(".gitignore", """
                # a comment, then a blank line

                *.log
                !keep.log
                /root-only.h5
                build/
                docs/**/*.tmp
                **/cache
                a?c.json
                [bc]at.json
                [!x]y.json
                data/raw
                \\#hash.json
                spaced.json\s\s
                deep/**
                !deep/allowed.json
                """);
        write(".git/info/exclude", "local-only.json\n");
        write("nested/.gitignore", "*.h5\n!important.h5\n/anchored.json\n");
        for (String f : List.of("m.json", "x.log", "keep.log", "sub/y.log", "root-only.h5", "sub/root-only.h5",
                "build/a.json", "sub/build/b.json", "build.json", "docs/a.tmp", "docs/x/y/b.tmp", "docs/c.json",
                "cache/d.json", "sub/cache/e.json", "abc.json", "ac.json", "bat.json", "cat.json", "dat.json",
                "zy.json", "xy.json", "data/raw/f.json", "data/rawer/g.json", "#hash.json", "spaced.json",
                "deep/h.json", "deep/allowed.json", "local-only.json", "nested/w.h5", "nested/important.h5",
                "nested/anchored.json", "nested/inner/anchored.json", "nested/inner/v.h5")) {
            write(f, "{}");
        }
        Set<String> expected = new TreeSet<>(List.of(run("ls-files", "--others", "--exclude-standard").split("\n")));
        expected.remove("");
        expected.remove(".gitignore");
        expected.remove("nested/.gitignore");

        GitIgnore g = new GitIgnore();
        Set<String> seen = new TreeSet<>();
        walk(repo, g, seen);
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void outsideARepositoryNothingIsIgnored() throws IOException {
        write(".gitignore", "*.json\n");
        write("m.json", "{}");
        assertThat(new GitIgnore().ignored(repo.resolve("m.json"), false)).isFalse();
    }

    /** What a directory walk keeps: an ignored directory is not entered (git cannot re-include inside it). */
    private void walk(Path dir, GitIgnore g, Set<String> seen) throws IOException {
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.sorted().toList();
        }
        for (Path c : children) {
            String n = c.getFileName().toString();
            if (n.equals(".git") || n.equals(".gitignore")) {
                continue;
            }
            boolean d = Files.isDirectory(c);
            if (g.ignored(c, d)) {
                continue;
            }
            if (d) {
                walk(c, g, seen);
            } else {
                seen.add(repo.relativize(c).toString().replace('\\', '/'));
            }
        }
    }

    private void write(String rel, String text) throws IOException {
        Path p = repo.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private int git(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private String run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(repo.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}
