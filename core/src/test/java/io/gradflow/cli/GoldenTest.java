package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * CLI snapshots, one file per invocation under {@code fixtures/golden/}: the arguments, the exit
 * code, stdout and stderr, with what changes between machines and releases normalised (the
 * version, the working directory, the rule pages inside SARIF). They pin every output format.
 * After a deliberate change (a message, a calibrated number) regenerate them all with
 * {@code mvn -o test -Dtest=GoldenTest -Dgradflow.regenerate=true} and read the diff.
 */
class GoldenTest {

    static final Path DIR = Path.of("fixtures", "golden");
    static final String IN = "fixtures/golden/inputs/";
    static final String VANISHING = "fixtures/examples/sigmoid-mlp-20.json";
    static final String HEALTHY = "fixtures/examples/relu-residual-batchnorm-mlp-33.json";
    static final String EXPLODING = "fixtures/examples/tanh-normal01-mlp-32.json";
    /** Every kind of input a report meets: vanishing, healthy, exploding, unreadable, a container without lines. */
    static final List<String> MIXED = List.of(VANISHING, HEALTHY, EXPLODING, IN + "truncated.json",
            IN + "sigmoid-mlp-20.zip");

    static Map<String, List<String>> cases() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("lint-text-vanishing", List.of("lint", "--no-config", VANISHING));
        m.put("lint-text-healthy", List.of("lint", "--no-config", HEALTHY));
        m.put("lint-text-fixes-mixed", args(List.of("lint", "--no-config", "--fixes"), MIXED));
        m.put("lint-json", List.of("lint", "--no-config", "--format", "json", VANISHING, IN + "truncated.json"));
        m.put("lint-sarif-mixed", args(List.of("lint", "--no-config", "--format", "sarif"), MIXED));
        m.put("lint-github-mixed", args(List.of("lint", "--no-config", "--format", "github"), MIXED));
        m.put("lint-checkstyle-mixed", args(List.of("lint", "--no-config", "--format", "checkstyle"), MIXED));
        m.put("lint-concise-mixed", args(List.of("lint", "--no-config", "--format", "concise"), MIXED));
        m.put("lint-full-vanishing", List.of("lint", "--no-config", "--format", "full", VANISHING));
        m.put("lint-json-lines-mixed", args(List.of("lint", "--no-config", "--format", "json-lines"), MIXED));
        m.put("lint-gitlab-mixed", args(List.of("lint", "--no-config", "--format", "gitlab"), MIXED));
        m.put("lint-junit-mixed", args(List.of("lint", "--no-config", "--format", "junit"), MIXED));
        m.put("lint-rdjson-mixed", args(List.of("lint", "--no-config", "--format", "rdjson"), MIXED));
        m.put("lint-statistics", List.of("lint", "--no-config", "--statistics", "fixtures/examples"));
        m.put("lint-quiet", List.of("lint", "--no-config", "-q", VANISHING));
        m.put("lint-select-ignore", List.of("lint", "--no-config", "--select", "GF00", "--ignore", "deep-saturating-stack",
                VANISHING));
        m.put("lint-repo", List.of("lint", "-v", "fixtures/repo"));
        m.put("lint-show-settings", List.of("lint", "--show-settings", "fixtures/repo/models/legacy/sigmoid-mlp.json"));
        m.put("lint-unused-suppression", List.of("lint", "--no-config", "fixtures/rules/GF015/positive.gflow"));
        m.put("usage-unknown-rule", List.of("lint", "--select", "GF0O1", VANISHING));
        m.put("lint-config-jsonc-error", List.of("lint", "--config", IN + "typo-config.json", VANISHING));
        m.put("lint-config", List.of("lint", "--config", IN + "strict-config.json", VANISHING, EXPLODING));
        m.put("lint-config-broken", List.of("lint", "--config", IN + "broken-config.json", VANISHING));
        m.put("lint-baseline", List.of("lint", "--no-config", "--baseline", IN + "baseline.json", VANISHING, EXPLODING));
        m.put("lint-unknown-format", List.of("lint", "--format", "xml", VANISHING));
        m.put("rules", List.of("rules"));
        m.put("rules-json", List.of("rules", "--format", "json"));
        m.put("explain-unknown", List.of("explain", "GF999"));
        // the command line itself: help layout, and mistakes answered with the closest valid words
        m.put("help", List.of("--help"));
        m.put("lint-help", List.of("lint", "--help"));
        m.put("usage-unknown-command", List.of("lnt", VANISHING));
        m.put("usage-unknown-option", List.of("lint", "--formt", "github", VANISHING));
        m.put("usage-no-abbreviation", List.of("lint", "--prof", VANISHING));
        m.put("usage-bad-value", List.of("lint", "--fail-on", "warn", VANISHING));
        m.put("explain-ambiguous", List.of("explain", "missing"));
        m.put("verify-without-module", List.of("verify", VANISHING));
        return m;
    }

    @TestFactory
    Stream<DynamicTest> outputMatchesItsSnapshot() {
        boolean regenerate = Boolean.getBoolean("gradflow.regenerate");
        return cases().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Path file = DIR.resolve(e.getKey() + ".txt");
            String got = snapshot(e.getValue());
            if (regenerate) {
                Files.writeString(file, got, StandardCharsets.UTF_8);
            }
            assertThat(file).as("snapshot %s (regenerate with -Dgradflow.regenerate=true)", file).exists();
            assertThat(got).as("%s (regenerate with -Dgradflow.regenerate=true and read the diff)", file)
                    .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
        }));
    }

    @Test
    void everySnapshotBelongsToACase() throws IOException {
        Set<String> names = cases().keySet().stream().map(n -> n + ".txt").collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(DIR)) {
            files.filter(Files::isRegularFile).forEach(f ->
                    assertThat(names).as("%s belongs to no case in GoldenTest", f).contains(f.getFileName().toString()));
        }
    }

    private static List<String> args(List<String> head, List<String> tail) {
        return Stream.concat(head.stream(), tail.stream()).toList();
    }

    static String snapshot(List<String> args) {
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        return "$ gradflow " + String.join(" ", args) + "\nexit: " + r.code() + "\n--- stdout\n"
                + normalise(r.out(), args) + "--- stderr\n" + normalise(r.err(), args);
    }

    /** Replaces what differs between machines and releases by placeholders. */
    static String normalise(String text, List<String> args) {
        String cwd = Path.of("").toAbsolutePath().toString();
        String out = text;
        if (args.contains("sarif") && !text.isEmpty()) {
            out = sarif(JsonParser.parseString(text).getAsJsonObject());
        } else if (args.contains("json") && args.get(0).equals("lint") && !text.isEmpty()) {
            JsonObject root = JsonParser.parseString(text).getAsJsonObject();
            root.getAsJsonObject("tool").addProperty("version", "{version}");
            out = pretty(root);
        }
        return out.replace(Path.of(cwd).toUri().toString(), "file://{cwd}/").replace(cwd, "{cwd}");
    }

    /** SARIF without the version and with each rule's page (tested in SarifReporterTest) as a placeholder. */
    private static String sarif(JsonObject log) {
        JsonObject run = log.getAsJsonArray("runs").get(0).getAsJsonObject();
        JsonObject driver = run.getAsJsonObject("tool").getAsJsonObject("driver");
        driver.addProperty("version", "{version}");
        driver.addProperty("semanticVersion", "{version}");
        for (JsonElement rule : driver.getAsJsonArray("rules")) {
            JsonObject help = rule.getAsJsonObject().getAsJsonObject("help");
            String page = "{page of " + rule.getAsJsonObject().get("id").getAsString() + "}";
            help.addProperty("text", page);
            help.addProperty("markdown", page);
            rule.getAsJsonObject().getAsJsonObject("fullDescription").addProperty("text", page);
        }
        return pretty(log);
    }

    private static String pretty(JsonElement e) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(e) + "\n";
    }
}
