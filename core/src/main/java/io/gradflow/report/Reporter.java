package io.gradflow.report;

import java.io.PrintWriter;

/** Writes a lint report in one output format. */
public interface Reporter {

    void write(LintReport report, PrintWriter out);
}
