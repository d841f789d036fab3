package io.gradflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradflow.cli.Linter;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Baselines: what they record, what they hold back, and that a line number never matters. */
class BaselineTest {

    static final String VANISHING = "fixtures/examples/sigmoid-mlp-20.json";

    @TempDir
    Path tmp;

    @Test
    void recordedFindingsAreHeldBackAndCounted() throws Exception {
        LintReport report = lint(VANISHING);
        Path file = tmp.resolve("baseline.json");
        Baseline.of(report, tmp).write(file);
        LintReport after = Baseline.load(file, "baseline.json").apply(report);
        assertThat(after.models().get(0).findings()).isEmpty();
        // one problem, one finding: GF005 and GF006 are related notes of GF001 there
        assertThat(after.baselined()).isEqualTo(1);
        assertThat(after.models().get(0).analysis()).isSameAs(report.models().get(0).analysis());
    }

    @Test
    void fileIsSortedJsonWithPathsRelativeToItsDirectory() throws Exception {
        Path file = Path.of("").toAbsolutePath().resolve("fixtures/baseline.json");
        String text = write(lint(VANISHING), tmp, file);
        assertThat(text).startsWith("{\n  \"gradflowBaseline\": 1,\n  \"findings\": [\n");
        assertThat(text).contains("\"file\": \"examples/sigmoid-mlp-20.json\"")
                .contains("\"rule\": \"GF001\"").contains("\"name\": \"deep-saturating-stack\"")
                .contains("\"layer\": \"dense_0\"").contains("\"count\": 1");
        assertThat(text).doesNotContain("GF005");
    }

    @Test
    void matchIgnoresLineAndMessageButNotLayerRuleOrFile() throws Exception {
        LintReport report = lint(VANISHING);
        Finding f = report.models().get(0).findings().get(0);
        Finding moved = new Finding(f.rule(), f.name(), f.severity(), f.category(), "other text", f.fix(),
                f.source(), 400, 2, f.layer(), f.pointer());
        Finding otherLayer = new Finding(f.rule(), f.name(), f.severity(), f.category(), f.message(), f.fix(),
                f.source(), f.line(), f.column(), "dense_7", f.pointer());
        Finding otherRule = new Finding("GF002", f.name(), f.severity(), f.category(), f.message(), f.fix(),
                f.source(), f.line(), f.column(), f.layer(), f.pointer());
        Finding otherFile = new Finding(f.rule(), f.name(), f.severity(), f.category(), f.message(), f.fix(),
                "fixtures/examples/relu-he-mlp-20.json", f.line(), f.column(), f.layer(), f.pointer());
        Path file = tmp.resolve("b.json");
        Baseline.of(with(report, List.of(f)), tmp).write(file);
        LintReport after = Baseline.load(file, "b.json").apply(with(report, List.of(moved, otherLayer, otherRule,
                otherFile)));
        assertThat(after.models().get(0).findings()).containsExactly(otherLayer, otherRule, otherFile);
        assertThat(after.baselined()).isEqualTo(1);
    }

    @Test
    void aCountPerKeyHoldsBackOnlyThatManyIdenticalFindings() throws Exception {
        LintReport report = lint(VANISHING);
        Finding f = report.models().get(0).findings().get(0);
        Path file = tmp.resolve("b.json");
        String relative = tmp.relativize(Path.of(VANISHING).toAbsolutePath()).toString();
        Files.writeString(file, "{\"gradflowBaseline\": 1, \"findings\": [{\"file\": \"" + relative
                + "\", \"rule\": \"" + f.rule() + "\", \"layer\": \"" + f.layer() + "\", \"count\": 2}]}");
        LintReport after = Baseline.load(file, "b.json").apply(with(report, List.of(f, f, f)));
        assertThat(after.models().get(0).findings()).hasSize(1);
        assertThat(after.baselined()).isEqualTo(2);
    }

    @Test
    void modelLevelFindingsAreRecordedWithANullLayer() throws Exception {
        LintReport report = lint(VANISHING);
        Finding f = report.models().get(0).findings().get(0);
        Finding modelLevel = new Finding("GF010", "vanishing-gradient", f.severity(), f.category(), "m", null,
                f.source(), 0, 0, null, "");
        LintReport r = with(report, List.of(modelLevel));
        String text = write(r, tmp, tmp.resolve("b.json"));
        assertThat(text).contains("\"layer\": null");
        assertThat(Baseline.load(tmp.resolve("b.json"), "b.json").apply(r).baselined()).isEqualTo(1);
    }

    @Test
    void malformedBaselinesAreLocatedErrors() throws Exception {
        assertLoadError("{\"findings\": []}", "b.json:1:1: error: not a gradflow baseline (no \"gradflowBaseline\": 1; "
                + "write one with --write-baseline)");
        assertLoadError("{\"gradflowBaseline\": 2, \"findings\": []}",
                "b.json:1:22: error: baseline format 2 is not one this gradflow reads (1)");
        assertLoadError("{\"gradflowBaseline\": 1, \"findings\": [{\"file\": \"a\", \"rule\": \"GF001\", \"line\": 3}]}",
                "b.json:1:69: error: findings: unknown key 'line' (expected file, rule, name, layer or count)");
        assertLoadError("{\"gradflowBaseline\": 1, \"findings\": [{\"file\": \"a\", \"rule\": \"GF001\", \"count\": 0}]}",
                "b.json:1:78: error: findings: \"count\" must be a whole number of at least 1");
        assertLoadError("{\"gradflowBaseline\": 1, \"findings\": [{\"rule\": \"GF001\"}]}",
                "b.json:1:38: error: findings: \"file\" must be a string");
        assertThatThrownBy(() -> Baseline.load(tmp.resolve("missing.json"), "missing.json"))
                .hasMessage("missing.json: error: no such baseline file (write one with --write-baseline)");
    }

    private void assertLoadError(String text, String message) throws Exception {
        Path file = tmp.resolve("b.json");
        Files.writeString(file, text);
        assertThatThrownBy(() -> Baseline.load(file, "b.json")).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    private static String write(LintReport report, Path dir, Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Baseline.of(report, file.getParent()).write(file);
        try {
            return Files.readString(file);
        } finally {
            if (!file.startsWith(dir)) {
                Files.delete(file);
            }
        }
    }

    private static LintReport lint(String path) throws Exception {
        return new Linter(RuleConfig.DEFAULT).lint(List.of(path));
    }

    private static LintReport with(LintReport r, List<Finding> findings) {
        ModelResult m = r.models().get(0);
        return new LintReport(new ArrayList<>(List.of(new ModelResult(m.model(), m.analysis(), findings))), r.errors());
    }
}
