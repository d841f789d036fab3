package io.gradflow.engine;

import io.gradflow.fix.Edit;
import io.gradflow.fix.Fix;
import io.gradflow.fix.Fixer;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.RuleConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code lint --fix} for one file: read and check it, apply the fixes its findings offer, read and
 * check the result, and again while fixes remain (one fix can make way for another), up to
 * {@link #PASSES} times. JSON and DSL files are rewritten in place; the JSON inside an HDF5 file
 * or a zip is written beside it as {@code NAME.fixed.json}. A file is written only when every
 * fixed text read back as a model, and only if nobody changed it meanwhile.
 */
public final class Fixing {

    /** Most rounds of fixing one file. */
    public static final int PASSES = 5;

    private Fixing() {
    }

    /**
     * What fixing one file did.
     *
     * @param result   the file's lint result: after the fixes when they were made to the file itself, as
     *                 it was for a container (which stays as it is)
     * @param fixes    the fixes applied, in order
     * @param before   the text fixed (the file's, or the JSON inside its container)
     * @param after    the text with the fixes
     * @param target   where {@code after} belongs: the file itself, or the .fixed.json beside a container
     * @param inPlace  whether {@code target} is the file itself
     * @param note     why nothing was (or could be) fixed, or null
     */
    public record Outcome(ModelResult result, List<Fix> fixes, String before, String after, Path target,
                          boolean inPlace, @Nullable String note) {

        public boolean changed() {
            return !before.equals(after);
        }
    }

    /**
     * Fixes a file in memory; {@link #write} puts the result where it belongs.
     *
     * @param unsafe apply the fixes that change the network's structure or functions too
     * @throws ReadException when the file cannot be read (it is then never touched)
     */
    public static Outcome fix(Path path, String display, RuleConfig config, boolean unsafe) throws ReadException {
        ModelLoader.Kind kind = ModelLoader.sniff(path);
        ModelResult result = Pipeline.lint(path, display, config);
        boolean inPlace = kind == ModelLoader.Kind.JSON || kind == ModelLoader.Kind.DSL;
        String text;
        Path target;
        if (inPlace) {
            byte[] bytes = readBytes(path);
            text = new String(bytes, StandardCharsets.UTF_8);
            if (!Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
                return new Outcome(result, List.of(), text, text, path, true,
                        "not valid UTF-8 throughout: not rewritten");
            }
            target = path;
        } else {
            text = ModelLoader.embedded(path).text();
            target = fixedSibling(path);
        }
        String textDisplay = inPlace ? display : target.toString();
        ModelResult original = result;
        List<Fix> applied = new ArrayList<>();
        String before = text;
        String note = null;
        for (int pass = 0; pass < PASSES; pass++) {
            Fixer fixer = Fixer.of(result.model(), text);
            if (fixer == null) {
                note = "its text cannot be edited";
                break;
            }
            List<Fix> chosen = fixer.choose(result.findings(), unsafe);
            if (chosen.isEmpty()) {
                break;
            }
            List<Edit> edits = new ArrayList<>();
            chosen.forEach(f -> edits.addAll(f.edits()));
            String next = Edit.apply(text, edits);
            ModelGraph g;
            try {
                g = ModelLoader.loadText(textDisplay, next);
            } catch (ReadException e) {
                note = "a fix would leave it unreadable (" + e.getMessage() + "); please report it";
                break;
            }
            result = Pipeline.check(g, config);
            applied.addAll(chosen);
            text = next;
        }
        return new Outcome(inPlace ? result : original, applied, before, text, target, inPlace, note);
    }

    /** Writes a fixed text where it belongs; the file is left alone if it changed since it was read. */
    public static void write(Outcome o, Path source) throws IOException {
        if (!o.changed()) {
            return;
        }
        if (o.inPlace()) {
            String now = new String(Files.readAllBytes(source), StandardCharsets.UTF_8);
            if (!now.equals(o.before())) {
                throw new IOException("it changed while gradflow was fixing it; run again");
            }
        }
        // a link stays a link: the file it points to is the one rewritten
        Path target = o.inPlace() ? o.target().toRealPath() : o.target().toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), ".gradflow-fix", ".tmp");
        try {
            Files.writeString(tmp, o.after(), StandardCharsets.UTF_8);
            if (o.inPlace()) {
                try {
                    Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the new file keeps the default permissions
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** model.h5 -> model.fixed.json beside it. */
    public static Path fixedSibling(Path container) {
        String name = container.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return container.resolveSibling(stem + ".fixed.json");
    }

    private static byte[] readBytes(Path path) throws ReadException {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ReadException("cannot read: " + e.getMessage());
        }
    }
}
