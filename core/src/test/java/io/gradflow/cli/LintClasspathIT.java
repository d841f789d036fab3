package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What `./gradflow lint` runs on: the core module's jar and the jars in core/target/lib, which the
 * package phase fills with the module's runtime dependencies. None of them is Deeplearning4j,
 * ND4J or JavaCPP, so a first lint after a clone downloads none of them either.
 */
class LintClasspathIT {

    private static final List<String> HEAVY = List.of("deeplearning4j", "nd4j", "javacpp", "openblas", "bytedeco");

    @Test
    void theLintClasspathHoldsNoDeeplearning4jNd4jOrNativeJar() throws IOException {
        Path lib = Path.of("core", "target", "lib");
        assertThat(lib).isDirectory();
        List<String> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
        assertThat(jars).isNotEmpty().anyMatch(n -> n.startsWith("antlr4-runtime"));
        assertThat(jars).noneMatch(n -> HEAVY.stream().anyMatch(n::contains));
        long bytes = 0;
        for (String j : jars) {
            bytes += Files.size(lib.resolve(j));
        }
        // the lint path is small: a few megabytes, where Deeplearning4j and ND4J are about 150
        assertThat(bytes).isLessThan(10L * 1024 * 1024);
    }
}
