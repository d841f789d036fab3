package io.gradflow.report;

import io.gradflow.cli.Linter;
import io.gradflow.rules.Category;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** Reports for reporter tests: real lint results, or a real model carrying made-up findings. */
final class Reports {

    static final String VANISHING = "fixtures/examples/sigmoid-mlp-20.json";

    private Reports() {
    }

    static LintReport lint(String... paths) {
        try {
            return new Linter(RuleConfig.DEFAULT).lint(List.of(paths));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The vanishing example's model and analysis with these findings instead of its own. */
    static LintReport withFindings(List<Finding> findings, InputError... errors) {
        ModelResult m = lint(VANISHING).models().get(0);
        return new LintReport(List.of(new ModelResult(m.model(), m.analysis(), findings)), List.of(errors));
    }

    static Finding finding(String rule, Severity s, String message, String source, int line, int column,
                           String layer, String pointer) {
        return new Finding(rule, "deep-saturating-stack", s, Category.VANISHING_GRADIENT, message, "a fix",
                source, line, column, layer, pointer);
    }

    static String render(Reporter r, LintReport report) {
        StringWriter w = new StringWriter();
        try (PrintWriter out = new PrintWriter(w)) {
            r.write(report, out);
        }
        return w.toString();
    }
}
