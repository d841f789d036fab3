package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
