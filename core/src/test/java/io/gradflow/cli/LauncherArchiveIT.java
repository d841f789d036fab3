package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the launcher's start-up archive gives a one-file lint on JDK 17 (issue 17): the archived
 * boot module graph, which JDK 17 uses only under G1 (the launcher makes the archive and runs a
 * one-file lint under G1 there), mapped where it was made instead of relocated. Read from the
 * JVM's own CDS log, not from a timing.
 */
class LauncherArchiveIT {

    @Test
    void aOneFileLintOnJdk17UsesTheArchivedModuleGraphUnrelocated() throws Exception {
        assumeTrue(Runtime.version().feature() == 17,
                "the collector choice is JDK 17's; this JVM is " + Runtime.version().feature());
        Map<String, String> env = Map.of("GRADFLOW_JAVA", System.getProperty("java.home"),
                "GRADFLOW_ARCHIVE_WAIT", "1", "GRADFLOW_JAVA_OPTS", "-Xlog:cds=info");
        HostileProcessIT.Result r = HostileProcessIT.run(env, "./gradflow", "lint",
                "fixtures/examples/sigmoid-mlp-20.json");
        assertThat(r.code()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("[GF001]", "full module graph: enabled")
                .doesNotContain("ArchiveRelocationMode == 1");
    }
}
