package io.gradflow.report;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Writes a report (or a baseline, a converted model) whole or not at all: to a temporary file
 * beside the target, flushed to the disk, then renamed over it. A full disk or a lost directory
 * is an {@link IOException} naming the reason, and the target keeps what it had; a CI gate never
 * reads half a report. A target that is not a regular file (a device, a pipe) is written in place,
 * and every failure still reported.
 */
public final class ReportFile {

    private ReportFile() {
    }

    /** Writes what {@code body} prints to {@code target}, UTF-8. */
    public static void write(Path target, Consumer<PrintWriter> body) throws IOException {
        Path real = Files.isSymbolicLink(target) && Files.exists(target) ? target.toRealPath() : target;
        if (Files.exists(real) && !Files.isRegularFile(real)) {
            try (OutputStream out = Files.newOutputStream(real, StandardOpenOption.WRITE)) {
                print(out, body);
            }
            return;
        }
        Path dir = real.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + real.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                print(out, body);
                ch.force(true);
            }
            try {
                Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, real, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Prints, and turns the PrintWriter's swallowed failure back into an exception. */
    private static void print(OutputStream out, Consumer<PrintWriter> body) throws IOException {
        Failures failures = new Failures(out);
        PrintWriter w = new PrintWriter(new BufferedWriter(new OutputStreamWriter(failures, StandardCharsets.UTF_8)));
        body.accept(w);
        w.flush();
        if (w.checkError()) {
            throw failures.first != null ? failures.first : new IOException("the write failed");
        }
    }

    /** An output stream that remembers the first failure, which a PrintWriter would hide. */
    public static final class Failures extends FilterOutputStream {
        private @Nullable IOException first;

        public Failures(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                first = first == null ? e : first;
                throw e;
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                first = first == null ? e : first;
                throw e;
            }
        }

        /** The first failure's reason, or null. */
        public @Nullable String reason() {
            return first == null ? null : first.getMessage() == null ? first.toString() : first.getMessage();
        }
    }
}
