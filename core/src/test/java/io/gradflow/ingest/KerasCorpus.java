package io.gradflow.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Keras files of ../shared/corpus and the README's compatibility table, which the corpus
 * test (static lint column) and the DL4J import test (import column) hold to what they observe.
 */
final class KerasCorpus {

    static final Path ROOT = Path.of("..", "shared", "corpus");
    static final List<String> DIRS = List.of("keras-h5", "keras-json", "keras3");

    private KerasCorpus() {
    }

    static boolean present() {
        return DIRS.stream().allMatch(d -> Files.isDirectory(ROOT.resolve(d)));
    }

    /** Every Keras corpus file, sorted by name. */
    static List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String d : DIRS) {
            try (Stream<Path> s = Files.list(ROOT.resolve(d))) {
                s.filter(Files::isRegularFile).forEach(out::add);
            }
        }
        out.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return out;
    }

    /** One row of the README's Keras compatibility table. */
    record Row(String file, String kind, String version, String lint, String dl4j) {

        /** The first word of a cell: "healthy", "error", "yes", "no"... */
        static String head(String cell) {
            Matcher m = Pattern.compile("^\\W*(\\w+)").matcher(cell);
            return m.find() ? m.group(1) : "";
        }
    }

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|(.*)\\|\\s*$");

    /** The README's Keras table, by file name. */
    static Map<String, Row> readmeTable() throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher m = ROW.matcher(line);
            if (!m.matches() || !m.group(1).startsWith("keras-")) {
                continue;
            }
            String[] cells = m.group(2).split("\\|", -1);
            if (cells.length < 4) {
                continue;
            }
            rows.put(m.group(1), new Row(m.group(1), cells[0].strip(), cells[1].strip(), cells[2].strip(),
                    cells[3].strip()));
        }
        return rows;
    }
}
