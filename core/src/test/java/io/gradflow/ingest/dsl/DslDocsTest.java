package io.gradflow.ingest.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.ingest.ReadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The language reference's examples are real: every ```gflow block in docs/dsl.md reads. */
class DslDocsTest {

    @Test
    void everyExampleInTheLanguageReferenceReads() throws IOException {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : Files.readAllLines(Path.of("docs/dsl.md"))) {
            if (current == null && line.equals("```gflow")) {
                current = new StringBuilder();
            } else if (current != null && line.equals("```")) {
                blocks.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(12);
        for (String b : blocks) {
            try {
                DslReader.read("docs/dsl.md", b);
            } catch (ReadException e) {
                throw new AssertionError("docs/dsl.md example does not read: " + e.problems() + "\n" + b, e);
            }
        }
    }
}
