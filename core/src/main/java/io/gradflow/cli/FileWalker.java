package io.gradflow.cli;

import io.gradflow.ingest.ModelLoader;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Expands the paths on the command line into model files, walking directories. */
public final class FileWalker {

    /** Directories never worth walking into. */
    private static final Set<String> SKIP_DIRS = Set.of("node_modules", "__pycache__", ".git", ".hg", ".svn");

    /**
     * A file to read, the name reports use for it, whether the user named it, and why the walk
     * could not read it (a directory without permission...), or null.
     */
    public record Input(Path path, String display, boolean explicit, String unreadable) {

        public Input(Path path, String display, boolean explicit) {
            this(path, display, explicit, null);
        }

        /** The same file, named by the user or not. */
        public Input withExplicit(boolean named) {
            return new Input(path, display, named, unreadable);
        }
    }

    private FileWalker() {
    }

    static List<Input> expand(List<String> args) throws IOException {
        return expand(args, RawPaths.none());
    }

    /** The files {@code args} name or contain; {@code raw} finds and names those the locale garbled. */
    static List<Input> expand(List<String> args, RawPaths raw) throws IOException {
        List<Input> out = new ArrayList<>();
        for (String given : args) {
            Path p = raw.path(given);
            String a = raw.display(given);
            if (Files.isDirectory(p)) {
                List<Path> found = new ArrayList<>();
                List<Input> failed = new ArrayList<>();
                Files.walkFileTree(p, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
                        boolean hidden = n.startsWith(".") && !dir.equals(p);
                        return hidden || SKIP_DIRS.contains(n) ? FileVisitResult.SKIP_SUBTREE
                                : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && modelName(file)) {
                            found.add(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        // a directory or file the walk cannot open is an error, never a silent skip
                        String why = exc instanceof AccessDeniedException ? "permission denied"
                                : exc.getMessage() == null ? exc.getClass().getSimpleName() : exc.getMessage();
                        failed.add(new Input(file, display(a, p, file), true, "cannot read "
                                + (Files.isDirectory(file) ? "this directory" : "this file") + ": " + why));
                        return FileVisitResult.CONTINUE;
                    }
                });
                found.sort(null);
                for (Path f : found) {
                    out.add(new Input(f, display(a, p, f), false));
                }
                out.addAll(failed);
            } else {
                out.add(new Input(p, a, true));
            }
        }
        return out;
    }

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
