package io.gradflow.report;

import io.gradflow.rules.Finding;
import java.io.PrintWriter;

/**
 * One line per finding and nothing else ({@code --format concise}, after ruff's): {@code
 * path:line:col: severity: message [rule]}, the rules that said the same folded into the line
 * ("(also GF005 missing-normalization)"), no notes, no fixes; then the summary unless quiet. The
 * shape compilers use, which editors' and CI's error matchers read (GNU's file:line:column).
 */
public final class ConciseReporter implements Reporter {

    private final TextReporter text;
    private final boolean quiet;

    public ConciseReporter(boolean color, boolean quiet) {
        this.text = new TextReporter(color, false, false, quiet, false);
        this.quiet = quiet;
    }

    @Override
    public void write(LintReport report, PrintWriter out) {
        for (InputError e : report.errors()) {
            out.println(text.line(e));
        }
        for (ModelResult m : report.models()) {
            for (Finding f : m.findings()) {
                out.println(text.line(f, f.message() + Locations.also(f)));
            }
        }
        if (!quiet) {
            out.println(TextReporter.summary(report));
        }
    }
}
