package io.gradflow.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.cli.CliRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every CI format as its consumer reads it, on the same mixed run (findings with and without
 * lines, related notes, an unreadable input, a healthy model): GitLab Code Quality against the
 * schema GitLab's own parser validates each issue with, JUnit XML against Jenkins' xUnit schema
 * (xmllint), reviewdog's rdjson against reviewdog's published schema, and JSON Lines through jq,
 * one document a line. The consumers' schemas are in src/test/resources/schemas (sources and
 * licences in its README); the tools come from scripts/install-test-tools.sh, which Maven runs
 * before the integration tests. A missing tool fails the test: it is never skipped.
 */
@Tag("slow")
class CiFormatsIT {

    static final Path OUT = Path.of("target", "ci-formats");
    static final Path SCHEMAS = Path.of("core", "src", "test", "resources", "schemas");
    static final List<String> MIXED = List.of("fixtures/examples/sigmoid-mlp-20.json",
            "fixtures/examples/relu-residual-batchnorm-mlp-33.json", "fixtures/examples/tanh-normal01-mlp-32.json",
            "fixtures/golden/inputs/truncated.json", "fixtures/golden/inputs/sigmoid-mlp-20.zip",
            "fixtures/rules/GF015/positive.gflow", "fixtures/suppression/dl4j-inline.json");

    @BeforeAll
    static void tools() throws Exception {
        Files.createDirectories(OUT);
        for (String tool : List.of("xmllint", "jq", "python3")) {
            if (run("sh", "-c", "command -v " + tool).code() != 0) {
                fail(tool + " is not on PATH: run scripts/install-test-tools.sh (mvn verify runs it first)");
            }
        }
        if (run("python3", "-c", "import jsonschema").code() != 0) {
            fail("python3's jsonschema is missing: run scripts/install-test-tools.sh (Debian python3-jsonschema)");
        }
    }

    @Test
    void gitlabCodeQualityPassesTheSchemaGitlabValidatesIssuesWith() throws Exception {
        Path report = lint("gitlab", "gl-code-quality-report.json");
        Result r = validate("gitlab-codeclimate.json", report, "--each");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("documents, 0 problems");
        // and what GitLab's documentation asks beyond the schema: a check name, a known severity, a location
        JsonArray issues = JsonParser.parseString(Files.readString(report)).getAsJsonArray();
        assertThat(issues).hasSizeGreaterThan(4);
        for (JsonElement e : issues) {
            JsonObject i = e.getAsJsonObject();
            assertThat(i.get("check_name").getAsString()).isNotBlank();
            assertThat(Set.of("info", "minor", "major", "critical", "blocker")).contains(i.get("severity").getAsString());
            assertThat(i.getAsJsonObject("location").get("path").getAsString()).doesNotStartWith("/");
            assertThat(i.getAsJsonObject("location").getAsJsonObject("lines").get("begin").getAsInt()).isPositive();
        }
        assertThat(issues.asList().stream().map(i -> i.getAsJsonObject().get("fingerprint").getAsString()).distinct())
                .as("fingerprints are unique").hasSize(issues.size());
    }

    @Test
    void gitlabSchemaRejectsWhatItShould() throws Exception {
        Path bad = OUT.resolve("bad-gitlab.json");
        Files.writeString(bad, "[{\"description\": \"x\", \"severity\": \"major\", \"location\": {\"path\": \"a\"}}]");
        assertThat(validate("gitlab-codeclimate.json", bad, "--each").code()).as("no fingerprint").isEqualTo(1);
    }

    @Test
    void junitXmlPassesJenkinsXunitSchema() throws Exception {
        Path report = lint("junit", "junit.xml");
        Result r = run("xmllint", "--noout", "--schema", SCHEMAS.resolve("junit-10.xsd").toString(), report.toString());
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("validates");
        Path bad = OUT.resolve("bad-junit.xml");
        Files.writeString(bad, "<testsuites><testsuite name=\"x\"><testcase/></testsuite></testsuites>");
        assertThat(run("xmllint", "--noout", "--schema", SCHEMAS.resolve("junit-10.xsd").toString(), bad.toString())
                .code()).as("the schema is strict enough to refuse a testcase without a name").isNotZero();
    }

    @Test
    void rdjsonPassesReviewdogsSchema() throws Exception {
        Path report = lint("rdjson", "gradflow.rdjson");
        Result r = validate("rdjson-DiagnosticResult.json", report);
        assertThat(r.code()).as(r.output()).isZero();
        Path bad = OUT.resolve("bad.rdjson");
        Files.writeString(bad, "{\"diagnostics\": [{\"message\": \"m\", \"severity\": \"FATAL\"}]}");
        assertThat(validate("rdjson-DiagnosticResult.json", bad).code()).as("an unknown severity").isEqualTo(1);
    }

    @Test
    void jsonLinesIsOneDocumentALineAsJqReadsIt() throws Exception {
        Path report = lint("json-lines", "gradflow.jsonl");
        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        // jq -c re-emits each document it reads on a line of its own: the same count, the same order
        Result r = run("jq", "-c", ".", report.toString());
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output().strip().split("\n")).hasSize(lines.size());
        Result rules = run("jq", "-r", "select(.rule != null) | .rule", report.toString());
        assertThat(rules.output().lines().toList()).contains("GF001", "GF004", "GF015");
        Result unreadable = run("jq", "-r", "select(.rule == null) | .source", report.toString());
        assertThat(unreadable.output().strip()).isEqualTo("fixtures/golden/inputs/truncated.json");
    }

    private static Path lint(String format, String file) throws IOException {
        Path out = OUT.resolve(file);
        List<String> args = new ArrayList<>(List.of("lint", "--no-config", "--format", format, "-o", out.toString()));
        args.addAll(MIXED);
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isEmpty();
        return out;
    }

    private static Result validate(String schema, Path data, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "scripts/validate-json-schema.py",
                SCHEMAS.resolve(schema).toString(), data.toString()));
        cmd.addAll(List.of(flags));
        return run(cmd.toArray(String[]::new));
    }

    /** Exit code and stdout and stderr together. */
    record Result(int code, String output) { }

    static Result run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in 2 minutes");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
