package io.gradflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.rules.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON report's models rendered ahead, on the threads that linted them, print as the report renders them. */
class JsonReportPartsTest {

    @Test
    void aReportOfPartsRenderedAheadIsTheReportByteForByte() {
        LintReport report = Reports.lint("fixtures/examples", "fixtures/rules");
        assertThat(report.models()).hasSizeGreaterThan(20);
        JsonReporter.Parts parts = new JsonReporter.Parts();
        for (ModelResult m : report.models()) {
            parts.render(m);
            assertThat(parts.get(m)).as(m.model().source()).isNotNull();
        }
        assertThat(Reports.render(new JsonReporter("1", parts), report))
                .isEqualTo(Reports.render(new JsonReporter("1"), report));
    }

    @Test
    void aModelTheReportHoldsInAnotherFormIsRenderedAsTheReportHoldsIt() {
        LintReport linted = Reports.lint(Reports.VANISHING);
        JsonReporter.Parts parts = new JsonReporter.Parts();
        parts.render(linted.models().get(0));
        // what a baseline does: the same model with other findings, a new result
        LintReport changed = Reports.withFindings(List.of(Reports.finding("GF001", Severity.WARNING, "m", "s", 1, 1,
                "dense_1", "/confs/1")));
        String written = Reports.render(new JsonReporter("1", parts), changed);
        assertThat(written).isEqualTo(Reports.render(new JsonReporter("1"), changed));
        assertThat(written).contains("\"message\": \"m\"");
    }
}
