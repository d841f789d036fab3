package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The models a lint's start-up thread reads, analyses and checks while the command line is parsed
 * (Main.Prewarm) are in the jar and lint with findings: a warm-up that silently failed would leave
 * the worker to load the reader, analysis and rules itself, and nothing else would notice.
 */
class StartupWarmupTest {

    @Test
    void theDl4jWarmupModelLintsWithAFinding() {
        assertThat(Main.Prewarm.lintTinyModel("warmup-dl4j.json")).isPositive();
    }

    @Test
    void theKerasHdf5WarmupModelLintsWithAFinding() {
        assertThat(Main.Prewarm.lintTinyModel("warmup-keras.h5")).isPositive();
    }

    @Test
    void aMissingWarmupModelIsNoFindingAndNoFailure() {
        assertThat(Main.Prewarm.lintTinyModel("no-such-model.json")).isZero();
    }

    @Test
    void theFileToFetchIsTheLastArgumentWhenItCannotBeAnOptionsValue() {
        assertThat(Main.likelyFile(new String[] {"lint", "m.json"})).isEqualTo("m.json");
        assertThat(Main.likelyFile(new String[] {"lint", "a.json", "b.h5"})).isEqualTo("b.h5");
        assertThat(Main.likelyFile(new String[] {"lint", "--skip-non-models", "--force-exclude", "m.json"}))
                .isEqualTo("m.json");
        assertThat(Main.likelyFile(new String[] {"lint", "--format", "json", "m.json"})).isEqualTo("m.json");
        assertThat(Main.likelyFile(new String[] {"lint", "--format=json", "m.json"})).isEqualTo("m.json");
        assertThat(Main.likelyFile(new String[] {"lint", "--", "m.json"})).isEqualTo("m.json");
        // the value of an option, an option, nothing
        assertThat(Main.likelyFile(new String[] {"lint", "m.json", "--output", "report.json"})).isNull();
        assertThat(Main.likelyFile(new String[] {"lint", "m.json", "--profile"})).isNull();
        assertThat(Main.likelyFile(new String[] {"lint", "-"})).isNull();
        assertThat(Main.likelyFile(new String[] {"lint"})).isNull();
        // files that --fix or --add-noqa rewrite are read when their turn comes
        assertThat(Main.likelyFile(new String[] {"lint", "--fix", "m.json"})).isNull();
    }

    @Test
    void theFlagsAFileMayFollowAreLintsFlagsThatTakeNoValue() {
        Set<String> plain = new LintCommand().spec().options().stream().filter(o -> o.arity().max() == 0)
                .flatMap(o -> Set.of(o.names()).stream()).collect(Collectors.toSet());
        assertThat(plain).containsAll(Main.PLAIN_FLAGS);
        assertThat(Main.PLAIN_FLAGS).doesNotContain("--fix", "--unsafe-fixes", "--add-noqa", "--diff", "--show-settings");
        OptionSpec output = new LintCommand().spec().findOption("--output");
        assertThat(output.arity().max()).isPositive();
    }
}
