package io.gradflow.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which paths a directory walk leaves out, as ruff decides it: a built-in list of directories
 * that never hold a project's own models (virtual environments, package caches, build output of
 * other tools), replaced by a gradflow.json's {@code exclude} and added to by its {@code
 * extend-exclude} (nested files in turn replace or extend their parent's), and on top of those
 * the command line's {@code --exclude} (which replaces them all) and {@code --extend-exclude}.
 * Patterns are relative to the file that wrote them (the working directory for the command line).
 */
public final class Exclusions {

    /**
     * Directories no walk enters unless an {@code exclude} says otherwise: ruff's default list
     * (where models do not live), and Python's own caches.
     */
    public static final List<String> DEFAULTS = List.of(".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg",
            ".ipynb_checkpoints", ".mypy_cache", ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype",
            ".ruff_cache", ".svn", ".tox", ".venv", ".vscode", "__pycache__", "__pypackages__", "_build",
            "buck-out", "build", "dist", "node_modules", "site-packages", "venv");

    /** A pattern and the directory it is relative to. */
    record Anchored(Path dir, Glob glob) {

        /**
         * The path as the pattern sees it: relative to the pattern's directory. Outside that
         * directory a name pattern ({@code venv}) still sees the name itself, never the
         * directories above (a checkout under /srv/build/ is not excluded by "build").
         */
        private @Nullable Path relative(Path abs) {
            if (abs.startsWith(dir) && !abs.equals(dir)) {
                return dir.relativize(abs);
            }
            return glob.named() ? abs.getFileName() : null;
        }

        boolean matchesDirectory(Path abs) {
            Path rel = relative(abs);
            return rel != null && glob.matchesDirectory(rel);
        }

        /** The file, or a directory above it. */
        boolean matchesFile(Path abs) {
            Path rel = relative(abs);
            return rel != null && glob.matches(rel);
        }

        /** The file itself (a walk looked at the directories above it on the way down). */
        boolean matchesItself(Path abs) {
            if (glob.named()) {
                // relative or not, a named pattern sees the last name alone: no need to relativize
                Path name = abs.getFileName();
                return name != null && !glob.dirOnly() && glob.namesName(name);
            }
            Path rel = relative(abs);
            return rel != null && glob.matchesItself(rel);
        }
    }

    private final ConfigResolver configs;
    private final @Nullable List<Anchored> cliExclude;
    private final List<Anchored> cliExtend;

    private Exclusions(ConfigResolver configs, @Nullable List<Anchored> cliExclude, List<Anchored> cliExtend) {
        this.configs = configs;
        this.cliExclude = cliExclude;
        this.cliExtend = List.copyOf(cliExtend);
    }

    /**
     * The exclusions the configurations give, with the command line's patterns (relative to
     * {@code cwd}) over them.
     *
     * @param exclude replaces every other exclude pattern when not null
     * @param extend  added to the others
     * @throws IllegalArgumentException naming a pattern that is not a valid glob
     */
    public static Exclusions of(ConfigResolver configs, Path cwd, @Nullable List<String> exclude, List<String> extend) {
        Path base = cwd.toAbsolutePath().normalize();
        return new Exclusions(configs, exclude == null ? null : anchored(base, exclude), anchored(base, extend));
    }

    /** The built-in list alone (no configuration, nothing on the command line). */
    public static Exclusions defaults() {
        return of(ConfigResolver.none(), Path.of(""), null, List.of());
    }

    private static List<Anchored> anchored(Path base, List<String> patterns) {
        List<Anchored> out = new ArrayList<>();
        for (String p : patterns) {
            out.add(new Anchored(base, Glob.of(p)));
        }
        return out;
    }

    /** The built-in patterns, compiled once. */
    private static final List<Glob> BUILT_IN = compileDefaults();

    private static List<Glob> compileDefaults() {
        List<Glob> out = new ArrayList<>();
        for (String d : DEFAULTS) {
            out.add(Glob.of(d));
        }
        return List.copyOf(out);
    }

    /** The built-in patterns as names below {@code dir} (the working directory). */
    static List<Anchored> builtIn(Path dir) {
        List<Anchored> out = new ArrayList<>();
        for (Glob g : BUILT_IN) {
            out.add(new Anchored(dir, g));
        }
        return out;
    }

    /** Whether a walk leaves out this directory and everything below it. */
    public boolean excludesDirectory(Path dir) throws ConfigException {
        Path abs = dir.toAbsolutePath().normalize();
        for (Anchored a : effective(abs.getParent() == null ? abs : abs.getParent())) {
            if (a.matchesDirectory(abs)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a walk (or --force-exclude) leaves out this file: it, or a directory above it, matches. */
    public boolean excludesFile(Path file) throws ConfigException {
        Path abs = file.toAbsolutePath().normalize();
        for (Anchored a : effective(directoryOf(abs))) {
            if (a.matchesFile(abs)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a walk leaves out a file it met: the file itself matches (the directories above it
     * were looked at on the way down).
     */
    public boolean excludesWalkedFile(Path file) throws ConfigException {
        Path abs = file.toAbsolutePath().normalize();
        for (Anchored a : effective(directoryOf(abs))) {
            if (a.matchesItself(abs)) {
                return true;
            }
        }
        return false;
    }

    /** The directory a file is in: the root names itself, having none above. */
    private static Path directoryOf(Path abs) {
        Path parent = abs.getParent();
        return parent != null ? parent : abs;
    }

    /** The patterns in force in a directory. */
    private List<Anchored> effective(Path dir) throws ConfigException {
        List<Anchored> out = new ArrayList<>(cliExclude != null ? cliExclude : configs.excludes(dir));
        out.addAll(cliExtend);
        return out;
    }
}
