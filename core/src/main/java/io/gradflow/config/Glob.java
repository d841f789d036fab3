package io.gradflow.config;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A file pattern of gradflow.json (overrides, per-file ignores, excludes) or of the command line,
 * relative to the configuration file's directory (the working directory), with the conventions
 * of .gitignore and ruff: a pattern without a slash matches a file or directory name at any depth
 * ({@code *.h5}, {@code venv}); one with a slash at its start or in its middle matches the path
 * from the directory ({@code legacy/**}, {@code /data}); {@code **}{@code /} also matches no
 * directory at all; a trailing slash names directories, and so everything below them
 * ({@code checkpoints/} at any depth, {@code models/old/} from the directory).
 *
 * @param dirOnly a trailing slash: the pattern names directories only
 * @param named   the pattern without a slash: it matches one name, at any depth
 * @param literal a named pattern without wildcards (ruff's default excludes, {@code venv}): the
 *                name itself, compared as a string; a directory walk asks every built-in
 *                pattern about every file, and the JDK's glob matcher is a regular expression
 */
record Glob(String pattern, @Nullable PathMatcher matcher, @Nullable PathMatcher rootless, boolean dirOnly, boolean named,
            @Nullable String literal) {

    /** @throws IllegalArgumentException when the pattern is not a valid glob */
    static Glob of(String pattern) {
        String p = pattern.startsWith("./") ? pattern.substring(2) : pattern;
        p = p.startsWith("/") ? p.substring(1) : p;
        boolean dirOnly = p.endsWith("/") && p.length() > 1;
        if (dirOnly) {
            p = p.substring(0, p.length() - 1);
        }
        var fs = FileSystems.getDefault();
        // "/data" and "./data" are anchored to the directory; "data" matches at any depth
        boolean named = !p.contains("/") && !pattern.startsWith("/") && !pattern.startsWith("./");
        boolean plain = named && !p.isEmpty();
        for (int i = 0; i < p.length() && plain; i++) {
            plain = "*?[]{}\\".indexOf(p.charAt(i)) < 0;
        }
        // a literal name needs no matcher: compiling ruff's 27 built-in names cost every lint's
        // start about a millisecond
        return new Glob(pattern, plain ? null : fs.getPathMatcher("glob:" + p),
                p.startsWith("**/") ? fs.getPathMatcher("glob:" + p.substring(3)) : null, dirOnly, named,
                plain ? p : null);
    }

    /** Whether a named pattern matches this one name. */
    boolean namesName(Path name) {
        return literal != null ? name.toString().equals(literal)
                : Objects.requireNonNull(matcher, "a pattern with wildcards has its matcher").matches(name);
    }

    /** Whether a path, relative to the configuration's directory, is what the pattern names (not what is below it). */
    private boolean names(Path relative) {
        if (named) {
            Path name = relative.getFileName();
            return name != null && namesName(name);
        }
        return Objects.requireNonNull(matcher, "a pattern with a slash has its matcher").matches(relative)
                || rootless != null && rootless.matches(relative);
    }

    /**
     * Whether the file, given relative to the configuration's directory, matches: the pattern names
     * it, or names a directory above it ({@code legacy/} and {@code legacy/**} cover legacy/a/b.json).
     */
    boolean matches(Path relative) {
        if (!dirOnly && names(relative)) {
            return true;
        }
        for (int i = 1; i < relative.getNameCount(); i++) {
            if (names(relative.subpath(0, i))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the pattern names this file itself (the directories above it were looked at on the way down). */
    boolean matchesItself(Path relative) {
        return !dirOnly && names(relative);
    }

    /** Whether a directory, relative to the configuration's directory, matches: then nothing below it is walked. */
    boolean matchesDirectory(Path relative) {
        return names(relative);
    }
}
