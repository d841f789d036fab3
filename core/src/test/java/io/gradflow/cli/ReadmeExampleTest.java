package io.gradflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's first example shows what {@code ./gradflow lint} prints on a bundled model: it must
 * be what the lint prints today (it once kept a wording two rounds old).
 */
class ReadmeExampleTest {

    private static final String PROMPT = "$ ./gradflow lint ";

    @Test
    void theReadmesExampleOutputIsWhatTheLintPrints() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf(PROMPT);
        assertTrue(start >= 0, "the README shows a lint run");
        int lineEnd = readme.indexOf('\n', start);
        String file = readme.substring(start + PROMPT.length(), lineEnd).trim();
        String shown = readme.substring(lineEnd + 1, readme.indexOf("```", lineEnd));

        // the tests run in the repository's root, as the README's command does
        CliRunner.Result r = CliRunner.run("lint", file);
        assertEquals(shown, r.out());
        assertEquals(1, r.code(), "the example has an error finding");
    }
}
