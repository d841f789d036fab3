package io.gradflow.config;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A file pattern of an override, relative to the configuration file's directory, with the
 * conventions of .gitignore and ESLint: a pattern without a slash matches the file name at any
 * depth ({@code *.h5}); one with a slash matches the path from the directory ({@code legacy/**});
 * {@code **}{@code /} also matches no directory at all; a trailing slash means everything below.
 */
record Glob(String pattern, @Nullable PathMatcher whole, @Nullable PathMatcher name, @Nullable PathMatcher rootless) {

    /** @throws IllegalArgumentException when the pattern is not a valid glob */
    static Glob of(String pattern) {
        String p = pattern.startsWith("./") ? pattern.substring(2) : pattern;
        p = p.startsWith("/") ? p.substring(1) : p;
        p = p.endsWith("/") ? p + "**" : p;
        var fs = FileSystems.getDefault();
        if (!p.contains("/")) {
            return new Glob(pattern, null, fs.getPathMatcher("glob:" + p), null);
        }
        return new Glob(pattern, fs.getPathMatcher("glob:" + p), null,
                p.startsWith("**/") ? fs.getPathMatcher("glob:" + p.substring(3)) : null);
    }

    /** Whether the file, given relative to the configuration's directory, matches. */
    boolean matches(Path relative) {
        if (name != null) {
            Path fileName = relative.getFileName();
            return fileName != null && name.matches(fileName);
        }
        return Objects.requireNonNull(whole, "a glob with a slash matches whole paths").matches(relative)
                || rootless != null && rootless.matches(relative);
    }
}
