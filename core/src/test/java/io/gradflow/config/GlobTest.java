package io.gradflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pattern without wildcards is compared as a string; the answers are the JDK glob matcher's. */
class GlobTest {

    private static final List<String> NAMES = List.of("venv", "venv2", ".venv", "build", "Build", "model.json",
            "model.h5", "x", "dist.json", "[a]", "a*b");

    @Test
    void literalPatternsAnswerAsTheGlobMatcherDoes() {
        for (String pattern : List.of("venv", ".venv", "build", "model.json", "dist", "*.json", "model.*",
                "[a]", "a\\*b", "?")) {
            Glob g = Glob.of(pattern);
            boolean wild = pattern.chars().anyMatch(c -> "*?[]{}\\".indexOf(c) >= 0);
            assertThat(g.literal()).as(pattern).isEqualTo(wild ? null : pattern);
            var jdk = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            for (String name : NAMES) {
                assertThat(g.namesName(Path.of(name))).as("%s against %s", pattern, name)
                        .isEqualTo(jdk.matches(Path.of(name)));
            }
        }
    }

    @Test
    void aWalkedFileIsExcludedByItsOwnNameOnlyAtAnyDepth() throws ConfigException {
        Exclusions e = Exclusions.of(ConfigResolver.none(), Path.of("/work/repo"), null, List.of("notes.json", "*.tmp"));
        assertThat(e.excludesWalkedFile(Path.of("/work/repo/a/b/notes.json"))).isTrue();
        assertThat(e.excludesWalkedFile(Path.of("/elsewhere/notes.json"))).isTrue();
        assertThat(e.excludesWalkedFile(Path.of("/work/repo/a/x.tmp"))).isTrue();
        assertThat(e.excludesWalkedFile(Path.of("/work/repo/a/notes.json.bak"))).isFalse();
        // a built-in directory name is not a file's own name here: the walk checks directories on the way down
        assertThat(e.excludesWalkedFile(Path.of("/work/repo/venv/model.json"))).isFalse();
        assertThat(e.excludesWalkedFile(Path.of("/work/repo/venv"))).isTrue();
    }
}
