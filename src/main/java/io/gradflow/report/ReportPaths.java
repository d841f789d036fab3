package io.gradflow.report;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** How CI formats name a file: relative to the directory gradflow ran in, with forward slashes. */
final class ReportPaths {

    private ReportPaths() {
    }

    /**
     * The source relative to {@code base} ("models/a.json" for "./models/a.json" or an absolute
     * path below {@code base}); the absolute path when it lies outside; the name as given when it
     * is not a path at all.
     */
    static String relative(String source, Path base) {
        try {
            Path abs = base.resolve(source).toAbsolutePath().normalize();
            Path b = base.toAbsolutePath().normalize();
            Path out = abs.startsWith(b) ? b.relativize(abs) : abs;
            return out.toString().replace('\\', '/');
        } catch (InvalidPathException e) {
            return source;
        }
    }

    /** Whether {@link #relative} gave a path outside {@code base}. */
    static boolean isAbsolute(String relative) {
        return relative.startsWith("/") || relative.matches("^[A-Za-z]:/.*");
    }
}
