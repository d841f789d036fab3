package io.gradflow.report;

import static io.gradflow.report.Reports.finding;
import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.rules.Finding;
import io.gradflow.rules.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workflow commands as the Actions runner parses them. */
class GithubReporterTest {

    private static final Path BASE = Path.of("").toAbsolutePath();

    @Test
    void eachFindingIsAnAnnotationAtItsLineWithRuleAsTitleThenTheSummary() {
        String out = Reports.render(new GithubReporter(BASE), Reports.lint(Reports.VANISHING));
        assertThat(out.lines().toList()).first().asString().startsWith(
                "::error file=fixtures/examples/sigmoid-mlp-20.json,line=10,col=7,title=GF001 deep-saturating-stack::"
                        + "layers 'dense_0'..'dense_19': 20 stacked sigmoid layers");
        // the rules that said the same about the same layers ride along, not as annotations of their own
        assertThat(out).contains("(also GF005 missing-normalization, GF006 missing-skip-connections)")
                .doesNotContain("title=GF005");
        assertThat(out.strip()).endsWith("gradflow: 1 model (1 vanishing): 1 error, 0 warnings, 0 info");
    }

    @Test
    void severitiesMapToErrorWarningAndNotice() {
        String out = Reports.render(new GithubReporter(BASE), Reports.withFindings(List.of(
                finding("GF001", Severity.ERROR, "e", "m.json", 1, 1, "a", ""),
                finding("GF001", Severity.WARNING, "w", "m.json", 2, 1, "b", ""),
                finding("GF001", Severity.INFO, "i", "m.json", 3, 1, "c", ""))));
        assertThat(out).contains("::error file=m.json,line=1,").contains("::warning file=m.json,line=2,")
                .contains("::notice file=m.json,line=3,");
    }

    @Test
    void messagesAndPropertiesAreEscapedAsTheRunnerUnescapesThem() {
        String out = Reports.render(new GithubReporter(BASE), Reports.withFindings(List.of(
                finding("GF001", Severity.ERROR, "100% lost:\r\nsee, here", "dir,x/a:b.json", 4, 2, "l", ""))));
        assertThat(out.lines().findFirst().orElseThrow()).isEqualTo(
                "::error file=dir%2Cx/a%3Ab.json,line=4,col=2,title=GF001 deep-saturating-stack::"
                        + "100%25 lost:%0D%0Asee, here%0AFix: a fix");
    }

    @Test
    void findingWithoutALineNamesItsLayerAndTheFileOnly() {
        String out = Reports.render(new GithubReporter(BASE), Reports.withFindings(List.of(
                finding("GF001", Severity.ERROR, "shrinks", "m.zip", 0, 0, "dense_3",
                        "configuration.json#/confs/3/layer"))));
        assertThat(out.lines().findFirst().orElseThrow()).isEqualTo(
                "::error file=m.zip,title=GF001 deep-saturating-stack::layer 'dense_3': shrinks%0AFix: a fix");
    }

    @Test
    void unreadableInputIsAnError() {
        String out = Reports.render(new GithubReporter(BASE), Reports.withFindings(List.of(),
                new InputError("./bad.json", 3, 9, "", "invalid JSON: unexpected end of file")));
        assertThat(out).startsWith("::error file=bad.json,line=3,col=9,title=gradflow%3A unreadable input::"
                + "invalid JSON: unexpected end of file\n");
    }

    @Test
    void pathsAreMadeRelativeToTheWorkspace() {
        String abs = BASE.resolve("models/m.json").toString();
        String out = Reports.render(new GithubReporter(BASE), Reports.withFindings(List.of(
                finding("GF001", Severity.ERROR, "x", abs, 1, 1, "l", ""))));
        assertThat(out).startsWith("::error file=models/m.json,");
    }

    @Test
    void theFixRidesInTheAnnotationUnderTheMessage() {
        String out = Reports.render(new GithubReporter(BASE), Reports.lint(Reports.VANISHING));
        assertThat(out.lines().findFirst().orElseThrow()).contains("%0AFix: use ReLU (or leaky ReLU) with He");
    }

    @Test
    void pastGithubsCapTheMostSevereComeFirstAndTheRestGoToTheLogAndTheStepSummary(@TempDir Path tmp)
            throws Exception {
        List<Finding> many = new ArrayList<>();
        for (int i = 1; i <= 14; i++) {
            many.add(finding("GF001", Severity.INFO, "info " + i, "m.json", i, 1, "i" + i, ""));
            many.add(finding("GF001", Severity.WARNING, "warning " + i, "m.json", 100 + i, 1, "w" + i, ""));
            many.add(finding("GF001", Severity.ERROR, "error " + i, "m.json", 200 + i, 1, "e" + i, ""));
        }
        Path summary = tmp.resolve("step-summary.md");
        Files.writeString(summary, "earlier step\n");
        List<String> lines = Reports.render(new GithubReporter(BASE, summary), Reports.withFindings(many)).lines()
                .toList();
        List<String> commands = lines.stream().filter(l -> l.startsWith("::")).toList();
        assertThat(commands).hasSize(30);
        assertThat(commands.subList(0, 10)).allMatch(l -> l.startsWith("::error "));
        assertThat(commands.subList(10, 20)).allMatch(l -> l.startsWith("::warning "));
        assertThat(commands.subList(20, 30)).allMatch(l -> l.startsWith("::notice "));
        // the first ten of each level in report order; the other twelve as plain lines in the log
        assertThat(commands.get(0)).contains("line=201,");
        assertThat(lines).contains("m.json:211:1: error: error 11%0AFix: a fix [GF001 deep-saturating-stack]"
                .replace("%0A", " "));
        assertThat(lines.get(lines.size() - 1)).endsWith("(12 beyond GitHub's 10 annotations per level are listed "
                + "above and in the step summary)");
        String md = Files.readString(summary);
        assertThat(md).startsWith("earlier step\n### gradflow\n");
        assertThat(md).contains("| error | `m.json:214` | GF001 deep-saturating-stack | error 14<br>Fix: a fix |")
                .contains("| notice | `m.json:11` |").doesNotContain("error 10<br>");
    }

    @Test
    void withinTheCapNothingGoesToTheStepSummary(@TempDir Path tmp) {
        Path summary = tmp.resolve("step-summary.md");
        Reports.render(new GithubReporter(BASE, summary), Reports.lint(Reports.VANISHING));
        assertThat(summary).doesNotExist();
    }
}
