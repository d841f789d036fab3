package io.gradflow.model;

import java.util.concurrent.CancellationException;

/**
 * The one way a file's time budget stops work in progress: the lint runs each file on a worker
 * thread and interrupts it at the deadline, and the loops whose length a file decides (parsing,
 * expanding, shape inference, the passes over the graph) call {@link #check} as they go.
 */
public final class Interrupts {

    private Interrupts() {
    }

    /** Throws {@link CancellationException} when this thread has been interrupted (its file ran out of time). */
    public static void check() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("interrupted: the file's time budget ran out");
        }
    }
}
