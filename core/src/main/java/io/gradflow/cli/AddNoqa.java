package io.gradflow.cli;

import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.dsl.DslSuppressions;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.configuration.UnusedSuppression;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code gradflow lint --add-noqa} (ruff's {@code --add-noqa}): puts today's findings under inline
 * suppressions, so that a project adopting gradflow starts clean and each suppression marks a
 * place to revisit. Only DSL files have comments to hold them; findings in other formats are
 * counted and left (per-file ignores or a baseline accept those). A file is rewritten only if it
 * is unchanged since it was read, through a temporary file moved into place, so an interrupted
 * run never leaves half a model.
 */
final class AddNoqa {

    private AddNoqa() {
    }

    static int run(LintReport report, List<FileWalker.Input> inputs, Io io) throws IOException {
        Map<String, Path> byDisplay = new HashMap<>();
        for (FileWalker.Input in : inputs) {
            byDisplay.put(in.display(), in.path());
        }
        int added = 0;
        int files = 0;
        int left = 0;
        boolean failed = false;
        for (ModelResult m : report.models()) {
            Path path = byDisplay.get(m.model().source());
            boolean dsl = path != null && path.getFileName().toString().endsWith(ModelLoader.DSL_EXTENSION);
            Map<Integer, Set<String>> byLine = new TreeMap<>();
            for (Finding f : m.findings()) {
                // an unused suppression is fixed by removing it, never by another one
                if (f.rule().equals(UnusedSuppression.INFO.id())) {
                    left++;
                    continue;
                }
                if (!dsl || f.layer() == null) {
                    left++;
                    continue;
                }
                int line = Objects.requireNonNull(m.model().node(f.layer()), "a finding's layer is in its model")
                        .pos().line();
                if (line <= 0) {
                    left++;
                    continue;
                }
                byLine.computeIfAbsent(line, k -> new LinkedHashSet<>()).add(f.rule());
                f.related().forEach(r -> byLine.get(line).add(r.rule()));
            }
            if (byLine.isEmpty() || path == null) {
                continue;
            }
            byte[] before = Files.readAllBytes(path);
            String text = new String(before, StandardCharsets.UTF_8);
            boolean bom = text.startsWith("\uFEFF");
            DslSuppressions.Result r = DslSuppressions.add(bom ? text.substring(1) : text, byLine);
            if (r.added() == 0) {
                continue;
            }
            try {
                write(path, before, (bom ? "\uFEFF" : "") + r.text());
            } catch (IOException e) {
                // the file is as it was: the move into place is the only write
                io.err().println(m.model().source() + ": error: cannot write the suppressions: "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                failed = true;
                continue;
            }
            added += r.added();
            files++;
        }
        io.err().println("gradflow: added " + added + (added == 1 ? " suppression" : " suppressions") + " to "
                + files + (files == 1 ? " file" : " files")
                + (left == 0 ? "" : "; " + left + (left == 1 ? " finding" : " findings") + " left (in formats "
                + "without comments, about a whole model, or unused suppressions: use per-file-ignores in "
                + "gradflow.json or a baseline)"));
        return report.errors().isEmpty() && !failed ? Main.CLEAN : Main.USAGE;
    }

    private static void write(Path path, byte[] before, String text) throws IOException {
        if (!Arrays.equals(Files.readAllBytes(path), before)) {
            throw new IOException("it changed while gradflow read it; run --add-noqa again");
        }
        Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), ".gradflow-", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
