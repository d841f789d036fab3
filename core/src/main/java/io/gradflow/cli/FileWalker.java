package io.gradflow.cli;

import io.gradflow.ingest.ModelLoader;
import java.io.IOException;
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

    /** A file to lint: where it is, how reports name it, and whether the user named it. */
    /** A file to read, the name reports use for it, and whether the user named it. */
    public record Input(Path path, String display, boolean explicit) { }

    private FileWalker() {
    }

    /** The model files {@code args} name or contain (directories walked, hidden ones skipped), in order. */
    public static List<Input> expand(List<String> args) throws IOException {
        List<Input> out = new ArrayList<>();
        for (String a : args) {
            Path p = Path.of(a);
            if (Files.isDirectory(p)) {
                List<Path> found = new ArrayList<>();
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
                        return FileVisitResult.CONTINUE;
                    }
                });
                found.sort(null);
                for (Path f : found) {
                    out.add(new Input(f, display(a, p, f), false));
                }
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
        String rel = root.relativize(file).toString().replace('\\', '/');
        if (arg.equals(".") || arg.equals("./")) {
            return rel;
        }
        return arg.endsWith("/") ? arg + rel : arg + "/" + rel;
    }
}
