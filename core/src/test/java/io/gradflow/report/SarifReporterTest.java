package io.gradflow.report;

import static io.gradflow.report.Reports.finding;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Finding;
import io.gradflow.rules.PageText;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SARIF log's structure; {@code SarifValidationIT} runs Microsoft's validator over it. */
class SarifReporterTest {

    private static final Path BASE = Path.of("").toAbsolutePath();
    private static final String RULES = "https://example.org/gradflow/rules/";

    @Test
    void driverListsEveryRuleWithItsPageAsHelpAndItsDefaultLevel() throws IOException {
        JsonObject run = run(Reports.lint(Reports.VANISHING));
        JsonObject driver = run.getAsJsonObject("tool").getAsJsonObject("driver");
        assertThat(driver.get("name").getAsString()).isEqualTo("gradflow");
        assertThat(driver.get("version").getAsString()).isEqualTo("9.9.9");
        JsonArray rules = driver.getAsJsonArray("rules");
        assertThat(rules).hasSize(BuiltInRules.all().size());
        for (int i = 0; i < rules.size(); i++) {
            RuleInfo info = BuiltInRules.all().get(i).info();
            JsonObject r = rules.get(i).getAsJsonObject();
            String page = PageText.read(Path.of(info.page()));
            assertThat(r.get("id").getAsString()).isEqualTo(info.id());
            assertThat(r.get("name").getAsString()).isEqualTo(info.name());
            assertThat(r.getAsJsonObject("shortDescription").get("text").getAsString()).startsWith(info.summary());
            assertThat(r.getAsJsonObject("fullDescription").get("text").getAsString()).isNotBlank();
            assertThat(r.getAsJsonObject("help").get("markdown").getAsString()).isEqualTo(page);
            assertThat(r.getAsJsonObject("help").get("text").getAsString()).isEqualTo(page);
            assertThat(r.get("helpUri").getAsString()).isEqualTo(RULES + info.page().substring("rules/".length()));
            assertThat(r.getAsJsonObject("defaultConfiguration").get("level").getAsString())
                    .isEqualTo(SarifReporter.level(info.severity()));
        }
    }

    @Test
    void resultPointsAtItsRuleFileLineAndLayer() {
        JsonObject run = run(Reports.lint(Reports.VANISHING));
        JsonObject r = run.getAsJsonArray("results").get(0).getAsJsonObject();
        assertThat(r.get("ruleId").getAsString()).isEqualTo("GF001");
        JsonObject rule = run.getAsJsonObject("tool").getAsJsonObject("driver").getAsJsonArray("rules")
                .get(r.get("ruleIndex").getAsInt()).getAsJsonObject();
        assertThat(rule.get("id").getAsString()).isEqualTo("GF001");
        assertThat(r.get("level").getAsString()).isEqualTo("error");
        assertThat(r.getAsJsonObject("message").get("text").getAsString())
                .startsWith("layers 'dense_0'..'dense_19': 20 stacked sigmoid").endsWith(".");
        JsonObject loc = r.getAsJsonArray("locations").get(0).getAsJsonObject();
        JsonObject physical = loc.getAsJsonObject("physicalLocation");
        assertThat(physical.getAsJsonObject("artifactLocation").get("uri").getAsString()).isEqualTo(Reports.VANISHING);
        assertThat(physical.getAsJsonObject("artifactLocation").get("uriBaseId").getAsString()).isEqualTo("%SRCROOT%");
        assertThat(physical.getAsJsonObject("region").get("startLine").getAsInt()).isEqualTo(10);
        assertThat(physical.getAsJsonObject("region").get("startColumn").getAsInt()).isEqualTo(7);
        JsonObject logical = loc.getAsJsonArray("logicalLocations").get(0).getAsJsonObject();
        assertThat(logical.get("name").getAsString()).isEqualTo("dense_0");
        assertThat(logical.get("kind").getAsString()).isEqualTo("member");
        assertThat(run.getAsJsonObject("originalUriBaseIds").getAsJsonObject("%SRCROOT%").get("uri").getAsString())
                .isEqualTo(BASE.toUri().toString());
    }

    @Test
    void fingerprintFollowsRuleFileAndLayerNotTheLine() {
        String before = fingerprint(finding("GF001", Severity.ERROR, "m", "a.json", 10, 7, "dense_0", ""));
        String moved = fingerprint(finding("GF001", Severity.ERROR, "other words", "./a.json", 42, 3, "dense_0", ""));
        String otherLayer = fingerprint(finding("GF001", Severity.ERROR, "m", "a.json", 10, 7, "dense_1", ""));
        String otherFile = fingerprint(finding("GF001", Severity.ERROR, "m", "b.json", 10, 7, "dense_0", ""));
        assertThat(moved).isEqualTo(before);
        assertThat(otherLayer).isNotEqualTo(before);
        assertThat(otherFile).isNotEqualTo(before);
    }

    @Test
    void twoIdenticalFindingsGetDistinctFingerprints() {
        Finding f = finding("GF003", Severity.ERROR, "m", "a.json", 10, 7, "dense_0", "");
        JsonArray results = run(Reports.withFindings(List.of(f, f))).getAsJsonArray("results");
        String a = results.get(0).getAsJsonObject().getAsJsonObject("partialFingerprints").get("gradflow/v1").getAsString();
        String b = results.get(1).getAsJsonObject().getAsJsonObject("partialFingerprints").get("gradflow/v1").getAsString();
        assertThat(a).endsWith(":1");
        assertThat(b).endsWith(":2");
        assertThat(a.substring(0, a.indexOf(':'))).isEqualTo(b.substring(0, b.indexOf(':')));
    }

    @Test
    void findingWithoutALineStillHasTheRegionGithubRequires() {
        JsonObject r = run(Reports.withFindings(List.of(finding("GF001", Severity.WARNING, "shrinks", "m.zip", 0, 0,
                "dense_3", "configuration.json#/confs/3/layer")))).getAsJsonArray("results").get(0).getAsJsonObject();
        JsonObject loc = r.getAsJsonArray("locations").get(0).getAsJsonObject();
        JsonObject region = loc.getAsJsonObject("physicalLocation").getAsJsonObject("region");
        assertThat(region.get("startLine").getAsInt()).isEqualTo(1);
        assertThat(region.has("startColumn")).isFalse();
        assertThat(loc.getAsJsonArray("logicalLocations").get(0).getAsJsonObject().get("fullyQualifiedName")
                .getAsString()).isEqualTo("configuration.json#/confs/3/layer");
        assertThat(r.getAsJsonObject("message").get("text").getAsString()).isEqualTo("layer 'dense_3': shrinks. Fix: a fix.");
        assertThat(r.get("level").getAsString()).isEqualTo("warning");
    }

    @Test
    void modelLevelFindingHasNoLogicalLocation() {
        JsonObject loc = run(Reports.withFindings(List.of(finding("GF010", Severity.INFO, "m", "a.json", 0, 0, null,
                "")))).getAsJsonArray("results").get(0).getAsJsonObject().getAsJsonArray("locations").get(0)
                .getAsJsonObject();
        assertThat(loc.has("logicalLocations")).isFalse();
        assertThat(loc.getAsJsonObject("physicalLocation").getAsJsonObject("region").get("startLine").getAsInt())
                .isEqualTo(1);
    }

    @Test
    void uriIsEncodedAndAbsoluteOutsideTheWorkingDirectory() {
        JsonArray results = run(Reports.withFindings(List.of(
                finding("GF001", Severity.ERROR, "m", "my models/a#1.json", 1, 1, "l", ""),
                finding("GF001", Severity.ERROR, "m", "/elsewhere/b.json", 1, 1, "l", "")))).getAsJsonArray("results");
        JsonObject a = artifact(results.get(0).getAsJsonObject());
        JsonObject b = artifact(results.get(1).getAsJsonObject());
        assertThat(a.get("uri").getAsString()).isEqualTo("my%20models/a%231.json");
        assertThat(b.get("uri").getAsString()).isEqualTo("file:///elsewhere/b.json");
        assertThat(b.has("uriBaseId")).isFalse();
    }

    @Test
    void unreadableInputsAreToolExecutionNotifications() {
        JsonObject run = run(Reports.withFindings(List.of(), new InputError("bad.json", 3, 9, "", "invalid JSON")));
        JsonObject invocation = run.getAsJsonArray("invocations").get(0).getAsJsonObject();
        assertThat(invocation.get("executionSuccessful").getAsBoolean()).isFalse();
        JsonObject n = invocation.getAsJsonArray("toolExecutionNotifications").get(0).getAsJsonObject();
        assertThat(n.get("level").getAsString()).isEqualTo("error");
        assertThat(n.getAsJsonObject("message").get("text").getAsString()).isEqualTo("invalid JSON.");
        assertThat(n.getAsJsonArray("locations").get(0).getAsJsonObject().getAsJsonObject("physicalLocation")
                .getAsJsonObject("region").get("startLine").getAsInt()).isEqualTo(3);
        assertThat(run.getAsJsonArray("results")).isEmpty();
    }

    @Test
    void logDeclaresTheFinalSchemaAndVersion() {
        JsonObject log = JsonParser.parseString(Reports.render(reporter(), Reports.lint(Reports.VANISHING)))
                .getAsJsonObject();
        assertThat(log.get("$schema").getAsString()).isEqualTo(
                "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
        assertThat(log.get("version").getAsString()).isEqualTo("2.1.0");
        assertThat(log.getAsJsonArray("runs")).hasSize(1);
    }

    private static String fingerprint(Finding f) {
        return run(Reports.withFindings(List.of(f))).getAsJsonArray("results").get(0).getAsJsonObject()
                .getAsJsonObject("partialFingerprints").get("gradflow/v1").getAsString();
    }

    private static JsonObject artifact(JsonObject result) {
        return result.getAsJsonArray("locations").get(0).getAsJsonObject().getAsJsonObject("physicalLocation")
                .getAsJsonObject("artifactLocation");
    }

    private static SarifReporter reporter() {
        return new SarifReporter("9.9.9", "https://example.org/gradflow", RULES, BASE);
    }

    private static JsonObject run(LintReport report) {
        return reporter().toJson(report).getAsJsonArray("runs").get(0).getAsJsonObject();
    }
}
