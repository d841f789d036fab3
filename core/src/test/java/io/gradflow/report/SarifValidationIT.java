package io.gradflow.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.cli.CliRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * gradflow's SARIF passes Microsoft's SARIF Multitool with the SARIF rules and GitHub code
 * scanning's ingestion rules: no error and no warning, for a healthy model, a vanishing one, an
 * unreadable file and a zipped model whose findings have no line. The GH rules are off by default
 * in the Multitool, so {@code --rule-kind "Sarif;Gh"} alone checks none of them; the policy
 * {@code src/test/resources/sarif/github.config.xml} (after sarif-sdk's policies/github.config.xml)
 * turns them on as errors, and {@link #multitoolRejectsAResultGithubCannotPlace} proves it does.
 * {@code scripts/install-test-tools.sh} installs the Multitool (Maven runs it before the
 * integration tests); without it this fails, it is never skipped.
 */
@Tag("slow")
class SarifValidationIT {

    static final Path OUT = Path.of("target", "sarif-validation");
    static final Path GITHUB_POLICY = Path.of("core", "src", "test", "resources", "sarif", "github.config.xml");

    static Map<String, List<String>> cases() throws IOException {
        Files.createDirectories(OUT);
        Path zip = OUT.resolve("sigmoid mlp 20.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("configuration.json"));
            z.write(Files.readAllBytes(Path.of("fixtures/examples/sigmoid-mlp-20.json")));
            z.closeEntry();
        }
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("healthy", List.of("fixtures/examples/relu-residual-batchnorm-mlp-33.json"));
        m.put("vanishing", List.of("fixtures/examples/sigmoid-mlp-20.json"));
        m.put("exploding", List.of("fixtures/examples/tanh-normal01-mlp-32.json"));
        m.put("unreadable", List.of("fixtures/golden/inputs/truncated.json"));
        m.put("zip-without-lines", List.of(zip.toString()));
        m.put("every-rule", Stream.of("GF001", "GF002", "GF003", "GF004", "GF005", "GF006", "GF007", "GF010",
                "GF011", "GF012", "GF013", "GF014").map(id -> "fixtures/rules/" + id + "/positive.json").toList());
        m.put("unused-suppression", List.of("fixtures/rules/GF015/positive.gflow",
                "fixtures/suppression/dl4j-inline.json"));
        m.put("outside-the-working-directory", List.of(Path.of("fixtures/examples/sigmoid-mlp-20.json")
                .toAbsolutePath().toString(), "/nonexistent/model.json"));
        return m;
    }

    @TestFactory
    Stream<DynamicTest> gradflowSarifHasNoErrorOrWarningUnderSarifAndGithubRules() throws IOException {
        Path multitool = multitool();
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, List<String>> c : cases().entrySet()) {
            tests.add(DynamicTest.dynamicTest(c.getKey(), () -> {
                Path sarif = OUT.resolve(c.getKey() + ".sarif");
                List<String> args = new ArrayList<>(List.of("lint", "--no-config", "--format", "sarif", "-o",
                        sarif.toString()));
                args.addAll(c.getValue());
                CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
                assertThat(r.err()).isEmpty();
                assertThat(problems(multitool, sarif)).as("Multitool errors and warnings for %s", sarif).isEmpty();
            }));
        }
        return tests.stream();
    }

    /** The validator really applies GitHub's rules: a result without a region is an error. */
    @Test
    void multitoolRejectsAResultGithubCannotPlace() throws IOException, InterruptedException {
        Path sarif = OUT.resolve("no-region.sarif");
        Files.createDirectories(OUT);
        CliRunner.run("lint", "--no-config", "--format", "sarif", "-o", sarif.toString(),
                "fixtures/examples/sigmoid-mlp-20.json");
        JsonObject log = JsonParser.parseString(Files.readString(sarif)).getAsJsonObject();
        log.getAsJsonArray("runs").get(0).getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject()
                .getAsJsonArray("locations").get(0).getAsJsonObject().getAsJsonObject("physicalLocation")
                .remove("region");
        Files.writeString(sarif, log.toString());
        assertThat(problems(multitool(), sarif)).anyMatch(p -> p.startsWith("error GH1003"));
    }

    /** "level ruleId: message" for every error or warning the Multitool reports. */
    static List<String> problems(Path multitool, Path sarif) throws IOException, InterruptedException {
        Path report = sarif.resolveSibling(sarif.getFileName() + ".validation.sarif");
        Files.deleteIfExists(report);
        ProcessBuilder pb = new ProcessBuilder(multitool.toString(), "validate", sarif.toString(), "-o",
                report.toString(), "--rule-kind", "Sarif;Gh", "--config", GITHUB_POLICY.toAbsolutePath().toString(),
                "--level", "Error;Warning", "--log", "ForceOverwrite");
        pb.environment().put("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1");
        pb.environment().put("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String console;
        try (var in = p.getInputStream()) {
            p.getOutputStream().close();
            console = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the SARIF Multitool did not finish in 120 s:\n" + console);
        }
        assertThat(report).as("Multitool output (exit %d):%n%s", p.exitValue(), console).exists();
        JsonObject run = JsonParser.parseString(Files.readString(report)).getAsJsonObject().getAsJsonArray("runs")
                .get(0).getAsJsonObject();
        List<String> out = new ArrayList<>();
        for (JsonElement e : run.getAsJsonArray("results")) {
            JsonObject r = e.getAsJsonObject();
            String level = r.has("level") ? r.get("level").getAsString() : "warning";
            if (level.equals("error") || level.equals("warning")) {
                out.add(level + " " + r.get("ruleId").getAsString() + ": " + message(r));
            }
        }
        if (run.has("invocations")) {
            for (JsonElement inv : run.getAsJsonArray("invocations")) {
                JsonObject i = inv.getAsJsonObject();
                if (i.has("executionSuccessful") && !i.get("executionSuccessful").getAsBoolean()) {
                    out.add("error multitool: the validation run failed: " + console);
                }
            }
        }
        return out;
    }

    private static String message(JsonObject r) {
        JsonObject m = r.getAsJsonObject("message");
        if (m.has("text")) {
            return m.get("text").getAsString();
        }
        List<String> args = new ArrayList<>();
        if (m.has("arguments")) {
            m.getAsJsonArray("arguments").forEach(a -> args.add(a.getAsString()));
        }
        return (m.has("id") ? m.get("id").getAsString() : "") + " " + args;
    }

    /** The Multitool the install script put under .tools/; its absence fails the test. */
    static Path multitool() {
        Path tools = Path.of(System.getProperty("gradflow.tools", ".tools"));
        for (String os : List.of("linux", "darwin")) {
            Path p = tools.resolve("node_modules/@microsoft/sarif-multitool-" + os + "/Sarif.Multitool");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail("the SARIF Multitool is not installed under " + tools.toAbsolutePath()
                + ": run scripts/install-test-tools.sh (mvn verify runs it before the integration tests)");
    }

}
