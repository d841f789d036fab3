package io.gradflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.rules.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SARIF results rendered ahead, on the threads that linted their models, print as the log renders them. */
class SarifReportPartsTest {

    private static final Path BASE = Path.of("").toAbsolutePath();

    private static SarifReporter reporter(boolean ahead) {
        return new SarifReporter("1", "https://example.org", "https://example.org/rules/", BASE, ahead);
    }

    @Test
    void aLogOfPartsRenderedAheadIsTheLogByteForByte() {
        LintReport report = Reports.lint("fixtures/examples", "fixtures/rules");
        assertThat(report.models()).hasSizeGreaterThan(20);
        SarifReporter ahead = reporter(true);
        for (ModelResult m : report.models()) {
            ahead.parts().render(m);
            assertThat(ahead.parts().get(m)).as(m.model().source()).isNotNull();
        }
        assertThat(Reports.render(ahead, report)).isEqualTo(Reports.render(reporter(false), report));
    }

    @Test
    void theSameFileTwiceKeepsCountingItsFingerprints() {
        LintReport once = Reports.lint(Reports.VANISHING);
        List<ModelResult> twice = new ArrayList<>(once.models());
        // a second lint of the same file: another result whose findings have the first one's keys
        twice.addAll(Reports.lint(Reports.VANISHING).models());
        LintReport report = new LintReport(twice, List.of(), 0, List.of());
        SarifReporter ahead = reporter(true);
        for (ModelResult m : twice) {
            ahead.parts().render(m);
        }
        String written = Reports.render(ahead, report);
        assertThat(written).isEqualTo(Reports.render(reporter(false), report));
        assertThat(written).contains(":2\"");
    }

    @Test
    void aModelTheLogHoldsInAnotherFormIsRenderedAsTheLogHoldsIt() {
        SarifReporter ahead = reporter(true);
        ahead.parts().render(Reports.lint(Reports.VANISHING).models().get(0));
        // what a baseline does: the same model with other findings, a new result
        LintReport changed = Reports.withFindings(List.of(Reports.finding("GF001", Severity.WARNING, "m", "s", 1, 1,
                "dense_1", "/confs/1")));
        String written = Reports.render(ahead, changed);
        assertThat(written).isEqualTo(Reports.render(reporter(false), changed));
        assertThat(written).contains("\"text\": \"m. Fix: a fix.\"");
    }
}
