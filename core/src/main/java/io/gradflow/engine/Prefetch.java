package io.gradflow.engine;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.SignalPropagation;
import io.gradflow.analysis.Thresholds;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.ModelGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One model file read and analysed ahead of its turn (issue 17): while the main thread of a
 * one-file {@code gradflow lint} is still parsing its command line, a second thread reads the
 * file the command line most likely names and analyses it with the default options. When the
 * lint reaches that file (the same path, named the same way, unchanged since: size, modification
 * time and file key), it takes the model and its analysis instead of doing the work again, or
 * waits for them when they are not ready yet. Anything else (another file, other thresholds, a
 * changed file, a failure other than the file's own reading error) is done again as if nothing
 * had been fetched, so a wrong guess costs the second core's time and never changes a result.
 * There is at most one such file per process, and it is handed out once.
 */
public final class Prefetch {

    private static final AtomicReference<@Nullable Prefetch> PENDING = new AtomicReference<>();

    private final Path path;
    private final String display;
    private final @Nullable Runnable whileWaiting;
    private final CountDownLatch done = new CountDownLatch(1);
    // written by the fetching thread before done counts down, read by the taker after it
    private @Nullable Thread thread;
    private @Nullable Stamp stamp;
    private @Nullable ModelGraph graph;
    private @Nullable GradientAnalysis analysis;
    private @Nullable Throwable thrown;

    private Prefetch(Path path, String display, @Nullable Runnable whileWaiting) {
        this.path = path;
        this.display = display;
        this.whileWaiting = whileWaiting;
    }

    /**
     * Announces that {@code path} (named {@code display} in reports) is to be fetched; call on the
     * thread that will lint, before starting the fetching thread, so that the lint finds it
     * announced and waits rather than reading the file a second time. Replaces an earlier one.
     */
    public static Prefetch announce(Path path, String display) {
        return announce(path, display, null);
    }

    /**
     * As above; {@code whileWaiting} is run once by the lint's thread when it comes for the file
     * before the fetch is done, before it waits (what it throws is the caller's to ignore). The
     * lint's thread would otherwise idle there while the fetching thread has the analysis and the
     * rules still ahead of it: a warm-up that loads and links their classes first (the tiny model
     * {@code Main} lints) takes that work off the fetching thread's path.
     */
    public static Prefetch announce(Path path, String display, @Nullable Runnable whileWaiting) {
        Prefetch p = new Prefetch(path, display, whileWaiting);
        PENDING.set(p);
        return p;
    }

    /**
     * Reads and analyses the announced file on the calling thread. Returns whether it was a
     * regular file to fetch (false: nothing was done, and the lint will read it itself).
     */
    public boolean fetch() {
        thread = Thread.currentThread();
        try {
            stamp = Stamp.of(path);
            if (stamp == null) {
                PENDING.compareAndSet(this, null);
                return false;
            }
            ModelGraph g = Pipeline.read(path, display);
            graph = g;
            analysis = Pipeline.analyse(g, Thresholds.DEFAULT, SignalPropagation.Options.DEFAULT.batch(), 0);
        } catch (Throwable t) {
            // the lint decides what a failure means: a reading error is passed on, anything else redone
            thrown = t;
        } finally {
            done.countDown();
        }
        return true;
    }

    /** What the lint gets for its file: the model and, when its options matched, the analysis. */
    record Taken(ModelGraph graph, @Nullable GradientAnalysis analysis) {
    }

    /**
     * The fetched model for {@code path}, when it was announced under the same name and has not
     * changed since, waiting for it if need be; null when the caller is to read the file itself.
     * The analysis comes with it only for the default {@code thresholds} and {@code batch}. A
     * file that could not be read throws the reading error the read gave. An interrupt while
     * waiting (the file's time budget) stops the fetching thread too and throws {@link
     * CancellationException}, as the reading itself would.
     */
    static @Nullable Taken take(Path path, String display, Thresholds thresholds, int batch) throws ReadException {
        Prefetch p = PENDING.get();
        if (p == null || !p.path.equals(path) || !p.display.equals(display) || !PENDING.compareAndSet(p, null)) {
            return null;
        }
        Runnable warm = p.whileWaiting;
        if (warm != null && p.done.getCount() > 0) {
            warm.run();
        }
        try {
            p.done.await();
        } catch (InterruptedException e) {
            Thread t = p.thread;
            if (t != null) {
                t.interrupt();
            }
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted: the file's time budget ran out");
        }
        Stamp before = p.stamp;
        if (before == null || !before.same(Stamp.of(path))) {
            return null;
        }
        if (p.thrown instanceof ReadException e) {
            throw e;
        }
        if (p.thrown != null || p.graph == null) {
            return null;
        }
        boolean sameOptions = thresholds.isDefault() && batch == SignalPropagation.Options.DEFAULT.batch();
        return new Taken(p.graph, sameOptions ? p.analysis : null);
    }

    /** Forgets an announced file (tests). */
    static void clear() {
        PENDING.set(null);
    }

    /**
     * What says a file is the one that was read: its size, modification time and identity. A
     * class, not a record: a record's first equals links a method handle, milliseconds of start-up.
     */
    private static final class Stamp {
        private final long size;
        private final FileTime modified;
        private final @Nullable Object key;

        private Stamp(long size, FileTime modified, @Nullable Object key) {
            this.size = size;
            this.modified = modified;
            this.key = key;
        }

        static @Nullable Stamp of(Path p) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                return a.isRegularFile() ? new Stamp(a.size(), a.lastModifiedTime(), a.fileKey()) : null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        boolean same(@Nullable Stamp o) {
            return o != null && size == o.size && modified.equals(o.modified)
                    && (key == null ? o.key == null : key.equals(o.key));
        }
    }
}
