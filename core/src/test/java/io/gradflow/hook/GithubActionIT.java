package io.gradflow.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's GitHub Actions workflow and the action it uses ({@code action.yml}) fit together
 * and work: the workflow names a release tag of this version and only inputs the action declares;
 * no step sets up Maven's cache before a pom.xml is in the workspace; and the action's shell steps,
 * run as the runner runs them (its inputs and defaults substituted, {@code GITHUB_ACTION_PATH}
 * this checkout, a step summary file), lint a copy of {@code fixtures/repo}: the SARIF step
 * writes a report and passes, the lint step annotates the finding and fails the job. The YAML is
 * read with Python's yaml (Debian python3-yaml, which pre-commit brings).
 */
@Tag("slow")
class GithubActionIT {

    static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*([^}]*?)\\s*\\}\\}");

    @TempDir
    static Path tmp;

    static JsonObject action;
    static JsonObject workflow;
    static String version;

    @BeforeAll
    static void read() throws Exception {
        if (PreCommitHookIT.run(Path.of("."), Map.of(), "python3", "-c", "import yaml").code() != 0) {
            fail("python3's yaml is missing: run scripts/install-test-tools.sh (Debian python3-yaml)");
        }
        action = yaml(Path.of("action.yml"));
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("\n## GitHub Actions\n");
        assertThat(section).as("README.md has a GitHub Actions section").isPositive();
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        Path wf = tmp.resolve("workflow.yml");
        Files.writeString(wf, readme.substring(start, readme.indexOf("```", start)));
        workflow = yaml(wf);
        version = Files.readAllLines(Path.of("pom.xml")).stream().map(String::strip)
                .filter(l -> l.startsWith("<version>")).findFirst().orElseThrow()
                .replaceAll("</?version>", "").replace("-SNAPSHOT", "");
    }

    @Test
    void theReadmeWorkflowUsesTheActionAtAReleaseTagWithInputsItHas() {
        List<JsonElement> steps = workflow.getAsJsonObject("jobs").getAsJsonObject("gradflow").getAsJsonArray("steps")
                .asList();
        assertThat(steps.get(0).getAsJsonObject().get("uses").getAsString()).startsWith("actions/checkout@");
        JsonObject gradflow = steps.stream().map(JsonElement::getAsJsonObject)
                .filter(s -> s.has("uses") && s.get("uses").getAsString().startsWith("gradflow/gradflow@"))
                .findFirst().orElseThrow();
        assertThat(gradflow.get("uses").getAsString()).isEqualTo("gradflow/gradflow@v" + version);
        assertThat(action.getAsJsonObject("inputs").keySet())
                .containsAll(gradflow.getAsJsonObject("with").keySet());
        for (JsonElement s : steps) {
            JsonObject step = s.getAsJsonObject();
            assertThat(step.has("uses") && step.get("uses").getAsString().startsWith("actions/setup-java")
                    && step.has("with") && step.getAsJsonObject("with").has("cache"))
                    .as("no setup-java Maven cache in the user's workspace: %s", step).isFalse();
        }
    }

    @Test
    void theActionIsACompositeWhoseStepsUseOnlyItsInputs() {
        assertThat(action.getAsJsonObject("runs").get("using").getAsString()).isEqualTo("composite");
        for (JsonElement s : action.getAsJsonObject("runs").getAsJsonArray("steps")) {
            JsonObject step = s.getAsJsonObject();
            if (step.has("run")) {
                assertThat(step.get("shell").getAsString()).isEqualTo("bash");
                assertThat(step.get("run").getAsString()).as("inputs reach the shell through env, never spliced")
                        .doesNotContain("${{");
            }
            if (step.has("uses") && step.get("uses").getAsString().startsWith("actions/setup-java")) {
                assertThat(step.getAsJsonObject("with").has("cache")).isFalse();
            }
            Matcher m = EXPRESSION.matcher(step.toString());
            while (m.find()) {
                String e = m.group(1);
                if (e.startsWith("inputs.")) {
                    assertThat(action.getAsJsonObject("inputs").keySet()).contains(e.substring("inputs.".length()));
                }
            }
        }
    }

    @Test
    void theActionsStepsLintTheWorkspaceAnnotateAndFailOnTheFinding() throws Exception {
        Path workspace = tmp.resolve("workspace");
        PreCommitHookIT.copyTree(Path.of("fixtures/repo"), workspace);
        Path summary = tmp.resolve("step-summary.md");
        JsonObject with = workflow.getAsJsonObject("jobs").getAsJsonObject("gradflow").getAsJsonArray("steps")
                .asList().stream().map(JsonElement::getAsJsonObject)
                .filter(s -> s.has("uses") && s.get("uses").getAsString().startsWith("gradflow/gradflow@"))
                .findFirst().orElseThrow().getAsJsonObject("with");
        Map<String, String> inputs = new HashMap<>();
        action.getAsJsonObject("inputs").entrySet().forEach(e -> inputs.put(e.getKey(),
                e.getValue().getAsJsonObject().get("default").getAsString()));
        with.entrySet().forEach(e -> inputs.put(e.getKey(), e.getValue().getAsString()));
        Path actionPath = Path.of("").toAbsolutePath();

        Map<String, PreCommitHookIT.Result> results = new LinkedHashMap<>();
        for (JsonElement s : action.getAsJsonObject("runs").getAsJsonArray("steps")) {
            JsonObject step = s.getAsJsonObject();
            if (!step.has("run") || step.has("if") && !condition(step.get("if").getAsString(), inputs)) {
                continue;
            }
            Map<String, String> env = new HashMap<>(Map.of("GITHUB_ACTION_PATH", actionPath.toString(),
                    "GITHUB_STEP_SUMMARY", summary.toString(), "GITHUB_WORKSPACE", workspace.toString(),
                    "GRADFLOW_MVN_OPTS", "-o"));
            if (step.has("env")) {
                step.getAsJsonObject("env").entrySet().forEach(e -> env.put(e.getKey(),
                        substitute(e.getValue().getAsString(), inputs, actionPath)));
            }
            results.put(step.get("name").getAsString(), PreCommitHookIT.run(workspace, env, "bash", "--noprofile",
                    "--norc", "-eo", "pipefail", "-c", step.get("run").getAsString()));
        }
        assertThat(results).containsOnlyKeys("gradflow SARIF report", "gradflow lint");
        PreCommitHookIT.Result sarif = results.get("gradflow SARIF report");
        assertThat(sarif.code()).as(sarif.output()).isZero();
        assertThat(workspace.resolve(inputs.get("sarif"))).content(StandardCharsets.UTF_8)
                .contains("\"ruleId\": \"GF004\"").contains("\"uri\": \"models/deep-tanh.gflow\"");
        PreCommitHookIT.Result lint = results.get("gradflow lint");
        assertThat(lint.code()).as(lint.output()).isEqualTo(1);
        assertThat(lint.output()).contains("::error file=models/deep-tanh.gflow,line=6,col=3,title=GF004 unscaled-init::")
                .contains("%0AFix: ");
        // within GitHub's cap nothing needs the step summary
        assertThat(summary).doesNotExist();
    }

    /** The one kind of condition the action uses: {@code inputs.NAME != ''}. */
    private static boolean condition(String expression, Map<String, String> inputs) {
        Matcher m = Pattern.compile("^inputs\\.([\\w-]+) != ''$").matcher(expression.strip());
        if (!m.matches()) {
            fail("the test does not evaluate the condition '" + expression + "': teach it, or keep the action simple");
        }
        return !inputs.getOrDefault(m.group(1), "").isEmpty();
    }

    private static String substitute(String value, Map<String, String> inputs, Path actionPath) {
        Matcher m = EXPRESSION.matcher(value);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String v = e.startsWith("inputs.") ? inputs.get(e.substring("inputs.".length()))
                    : e.equals("github.action_path") ? actionPath.toString() : null;
            if (v == null) {
                fail("the test does not know the expression ${{ " + e + " }}");
            }
            m.appendReplacement(b, Matcher.quoteReplacement(v));
        }
        return m.appendTail(b).toString();
    }

    private static JsonObject yaml(Path file) throws IOException, InterruptedException {
        PreCommitHookIT.Result r = PreCommitHookIT.run(Path.of("."), Map.of(), "python3", "-c",
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding='utf-8'))))",
                file.toString());
        assertThat(r.code()).as(r.output()).isZero();
        return JsonParser.parseString(r.output()).getAsJsonObject();
    }
}
