package io.gradflow.cli;

import io.gradflow.report.ReportFile;
import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;

/**
 * The streams a command writes to. A PrintWriter hides its write failures; where gradflow made
 * the stream itself it keeps the reason ({@link #outFailure}), so that a report lost to a full
 * disk is an error, not a silent exit 0.
 */
public final class Io {

    private final PrintWriter out;
    private final PrintWriter err;
    private final ReportFile.@Nullable Failures outFailures;

    public Io(PrintWriter out, PrintWriter err) {
        this(out, err, null);
    }

    Io(PrintWriter out, PrintWriter err, ReportFile.@Nullable Failures outFailures) {
        this.out = out;
        this.err = err;
        this.outFailures = outFailures;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public void flush() {
        out.flush();
        err.flush();
    }

    /** Why writing to standard output failed (flushing first), or null when it did not. */
    @Nullable String outFailure() {
        out.flush();
        if (!out.checkError()) {
            return null;
        }
        String why = outFailures == null ? null : outFailures.reason();
        return why == null ? "the write failed" : why;
    }
}
