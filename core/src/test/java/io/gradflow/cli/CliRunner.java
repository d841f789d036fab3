package io.gradflow.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures what it prints. */
public final class CliRunner {

    /** Exit code, standard output and standard error of one run. */
    public record Result(int code, String out, String err) { }

    private CliRunner() {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new Io(new PrintWriter(out), new PrintWriter(err)), args);
        return new Result(code, out.toString(), err.toString());
    }
}
