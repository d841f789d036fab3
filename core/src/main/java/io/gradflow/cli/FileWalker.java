package io.gradflow.cli;

import io.gradflow.config.ConfigException;
import io.gradflow.config.ConfigResolver;
import io.gradflow.config.Exclusions;
import io.gradflow.config.GitIgnore;
import io.gradflow.ingest.ModelLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Expands the paths on the command line into model files, walking directories: files with a
 * model's extension, leaving out hidden directories, directories that hold a Python virtual
 * environment ({@code pyvenv.cfg}), what the exclude patterns name and, inside a git repository,
 * what git ignores. Paths named on the command line are taken as they are, unless
 * {@code --force-exclude} asks that the exclude patterns apply to them too.
 */
public final class FileWalker {

    /**
     * A file to read, the name reports use for it, whether the user named it, and why the walk
     * could not read it (a directory without permission...), or null.
     */
    public record Input(Path path, String display, boolean explicit, @Nullable String unreadable) {

        public Input(Path path, String display, boolean explicit) {
            this(path, display, explicit, null);
        }

        /** The same file, named by the user or not. */
        public Input withExplicit(boolean named) {
            return new Input(path, display, named, unreadable);
        }
    }

    /**
     * What a walk leaves out.
     *
     * @param exclusions   the exclude patterns (built-in, gradflow.json, command line)
     * @param gitignore    what git ignores, or null to walk ignored files too
     * @param forceExclude apply the exclude patterns to paths named on the command line as well
     */
    public record Filter(Exclusions exclusions, @Nullable GitIgnore gitignore, boolean forceExclude) {

        /** The built-in exclusions and .gitignore: what `gradflow lint DIR` leaves out by default. */
        public static Filter standard() {
            return new Filter(Exclusions.defaults(), new GitIgnore(), false);
        }
    }

    private FileWalker() {
    }

    /** The model files {@code args} name or contain (directories walked as lint walks them), in order. */
    public static List<Input> expand(List<String> args) throws IOException {
        try {
            return expand(args, Filter.standard(), RawPaths.none());
        } catch (ConfigException e) {
            // the built-in exclusions read no configuration file
            throw new IllegalStateException(e);
        }
    }

    /**
     * The files {@code args} name or contain, less what {@code filter} leaves out; {@code raw} finds
     * and names those the locale garbled.
     */
    static List<Input> expand(List<String> args, Filter filter, RawPaths raw) throws IOException, ConfigException {
        List<Input> out = new ArrayList<>();
        for (String given : args) {
            Path p = raw.path(given);
            String a = raw.display(given);
            if (Files.isDirectory(p)) {
                if (filter.forceExclude() && filter.exclusions().excludesDirectory(p)) {
                    continue;
                }
                List<Path> found = new ArrayList<>();
                List<Input> failed = new ArrayList<>();
                try {
                    Files.walkFileTree(p, new Visitor(p, a, filter, found, failed));
                } catch (UncheckedIOException e) {
                    if (e.getCause() != null && e.getCause().getCause() instanceof ConfigException c) {
                        throw c;
                    }
                    throw e;
                }
                found.sort(null);
                for (Path f : found) {
                    out.add(new Input(f, display(a, p, f), false));
                }
                out.addAll(failed);
            } else if (!(filter.forceExclude() && filter.exclusions().excludesFile(p))) {
                out.add(new Input(p, a, true));
            }
        }
        return out;
    }

    /** The walk of one directory named on the command line. */
    private static final class Visitor extends SimpleFileVisitor<Path> {

        private final Path root;
        private final String arg;
        private final Filter filter;
        private final List<Path> found;
        private final List<Input> failed;

        Visitor(Path root, String arg, Filter filter, List<Path> found, List<Input> failed) {
            this.root = root;
            this.arg = arg;
            this.filter = filter;
            this.found = found;
            this.failed = failed;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (dir.equals(root)) {
                return FileVisitResult.CONTINUE;
            }
            String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
            boolean skip = n.startsWith(".") || Files.isRegularFile(dir.resolve("pyvenv.cfg"))
                    || excluded(dir, true);
            return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            // gradflow's own configuration files are JSON, never models
            if (attrs.isRegularFile() && modelName(file) && !file.getFileName().toString().equals(CONFIG)
                    && !excluded(file, false)) {
                found.add(file);
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
            // a directory or file the walk cannot open is an error, never a silent skip
            String why = exc instanceof AccessDeniedException ? "permission denied"
                    : exc.getMessage() == null ? exc.getClass().getSimpleName() : exc.getMessage();
            failed.add(new Input(file, display(arg, root, file), true, "cannot read "
                    + (Files.isDirectory(file) ? "this directory" : "this file") + ": " + why));
            return FileVisitResult.CONTINUE;
        }

        private boolean excluded(Path p, boolean dir) {
            try {
                boolean byPattern = dir ? filter.exclusions().excludesDirectory(p)
                        : filter.exclusions().excludesWalkedFile(p);
                return byPattern || filter.gitignore() != null && filter.gitignore().ignored(p, dir);
            } catch (ConfigException e) {
                // a broken gradflow.json met mid-walk stops the run, as one met before it does
                throw new UncheckedIOException(new IOException(e));
            }
        }
    }

    private static final String CONFIG = ConfigResolver.FILE_NAME;

    private static boolean modelName(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String ext : ModelLoader.MODEL_EXTENSIONS) {
            if (n.endsWith(ext)) {
                return true;
            }
        }
        return false;
    }

    /** The walked file's name as the user would write it: their directory plus the rest. */
    private static String display(String arg, Path root, Path file) {
        String rel = RawPaths.relative(root, file);
        if (arg.equals(".") || arg.equals("./")) {
            return rel;
        }
        return arg.endsWith("/") ? arg + rel : arg + "/" + rel;
    }
}
