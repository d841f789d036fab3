package io.gradflow.cli;

import java.io.PrintWriter;

/** The streams a command writes to. */
public record Io(PrintWriter out, PrintWriter err) {

    public void flush() {
        out.flush();
        err.flush();
    }
}
