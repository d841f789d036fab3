package io.gradflow.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.cli.CliRunner;
import io.gradflow.cli.FileWalker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * gradflow verify over the whole shared corpus in one command: one result or one error line per
 * model file, no Java exception text, and the README's Keras table says which files verify builds.
 * Left out of {@code mvn verify} (15-40 minutes): {@code -Dgradflow.it.excluded= -Dit.test=CorpusVerifyIT}.
 */
@Tag("slow")
@Tag("corpus-sweep")
class CorpusVerifyIT {

    static final Path CORPUS = Path.of("..", "shared", "corpus");

    @Test
    void oneResultOrOneErrorLinePerFileOfTheWholeCorpusInOneRun() throws Exception {
        assumeTrue(Files.isDirectory(CORPUS), "../shared/corpus is absent: corpus sweep skipped");
        CliRunner.Result r = CliRunner.run("verify", "--steps", "0", "--batch", "2", "--probe-batches", "1",
                "--time-budget", "900", "--format", "json", CORPUS.toString());
        JsonObject root = JsonParser.parseString(r.out()).getAsJsonObject();
        Map<String, Integer> seen = new HashMap<>();
        Map<String, String> outcome = new LinkedHashMap<>();
        for (JsonElement m : root.getAsJsonArray("models")) {
            String f = name(m.getAsJsonObject().get("source").getAsString());
            seen.merge(f, 1, Integer::sum);
            outcome.put(f, "yes");
        }
        for (JsonElement e : root.getAsJsonArray("errors")) {
            String f = name(e.getAsJsonObject().get("source").getAsString());
            seen.merge(f, 1, Integer::sum);
            outcome.put(f, "no: " + e.getAsJsonObject().get("message").getAsString());
        }
        List<FileWalker.Input> files = FileWalker.expand(List.of(CORPUS.toString()));
        assertThat(files).hasSizeGreaterThanOrEqualTo(50);
        for (FileWalker.Input in : files) {
            assertThat(seen.get(name(in.display()))).as("results and error lines for %s", in.display()).isEqualTo(1);
        }
        assertThat(r.out()).doesNotContain("Exception").doesNotContain("\tat ");
        StringBuilder report = new StringBuilder("observed:\n");
        outcome.forEach((k, v) -> report.append("  ").append(k).append(": ").append(v).append('\n'));
        System.out.println(report);
        Map<String, String> readme = readmeVerifyColumn();
        assertThat(readme).as("README rows with a gradflow verify column").isNotEmpty();
        readme.forEach((file, stated) -> assertThat(stated.startsWith("yes") ? "yes" : "no")
                .as("%s: the README says '%s'\n%s", file, stated, report)
                .isEqualTo(outcome.getOrDefault(file, "missing").startsWith("yes") ? "yes" : "no"));
    }

    private static String name(String path) {
        return Path.of(path).getFileName().toString();
    }

    /** The Keras compatibility table's last column, "gradflow verify", by file name. */
    static Map<String, String> readmeVerifyColumn() throws Exception {
        Map<String, String> rows = new LinkedHashMap<>();
        Pattern row = Pattern.compile("^\\| `(keras-[^`]+)` \\|(.*)\\|\\s*$");
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                String[] cells = m.group(2).split("\\|", -1);
                if (cells.length >= 5) {
                    rows.put(m.group(1), cells[4].strip());
                }
            }
        }
        return rows;
    }
}
