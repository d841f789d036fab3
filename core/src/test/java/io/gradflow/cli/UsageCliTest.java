package io.gradflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.rules.PageText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line as a user meets it when they get it wrong: one line saying what is wrong and
 * what was probably meant, exit code 2, never a library's message; help for every command; shell
 * completion.
 */
class UsageCliTest {

    static final String VANISHING = "fixtures/examples/sigmoid-mlp-20.json";
    static final String HEALTHY = "fixtures/examples/relu-residual-batchnorm-mlp-33.json";
    static final List<String> COMMANDS = List.of("lint", "verify", "convert", "rules", "explain", "completion", "help");

    /** A usage error: exit 2, nothing on stdout, exactly {@code err} on stderr. */
    private static void usageError(String err, String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertThat(r.err()).as("stderr of %s", String.join(" ", args)).isEqualTo(err);
        assertThat(r.code()).as("exit code of %s", String.join(" ", args)).isEqualTo(2);
        assertThat(r.out()).as("stdout of %s", String.join(" ", args)).isEmpty();
    }

    @Test
    void anUnknownCommandSuggestsTheClosest() {
        usageError("gradflow: unknown command 'lnt' (did you mean 'lint'?)\nTry 'gradflow --help' for the commands.\n",
                "lnt", VANISHING);
        usageError("gradflow: unknown command 'explian' (did you mean 'explain'?)\n"
                + "Try 'gradflow --help' for the commands.\n", "explian", "GF001");
        usageError("gradflow: unknown command 'verfiy' (did you mean 'verify'?)\n"
                + "Try 'gradflow --help' for the commands.\n", "verfiy", VANISHING);
        usageError("gradflow: unknown command 'frobnicate'\nTry 'gradflow --help' for the commands.\n", "frobnicate");
    }

    @Test
    void anUnknownOptionSuggestsTheClosestOptionOfThatCommand() {
        usageError("gradflow: lint: unrecognized option: --formt (did you mean '--format'?)\n"
                + "Try 'gradflow lint --help' for usage.\n", "lint", "--formt", "json", VANISHING);
        usageError("gradflow: lint: unrecognized option: --formt (did you mean '--format'?)\n"
                + "Try 'gradflow lint --help' for usage.\n", "lint", "--formt=json", VANISHING);
        usageError("gradflow: rules: unrecognized option: --fromat (did you mean '--format'?)\n"
                + "Try 'gradflow rules --help' for usage.\n", "rules", "--fromat", "json");
        usageError("gradflow: convert: unrecognized option: --too (did you mean '--to'?)\n"
                + "Try 'gradflow convert --help' for usage.\n", "convert", "x.gflow", "--too", "dl4j-json");
        usageError("gradflow: lint: unrecognized option: --bogus\nTry 'gradflow lint --help' for usage.\n",
                "lint", "--bogus", VANISHING);
        usageError("gradflow: unrecognized option: --hlep (did you mean '--help'?)\n"
                + "Try 'gradflow --help' for the commands.\n", "--hlep");
    }

    @Test
    void optionsAreNeverAbbreviated() {
        // `--prof` is not --profile: an option is spelled out (--fix was once taken for --fixes this way)
        usageError("gradflow: lint: unrecognized option: --prof (did you mean '--profile'?)\n"
                + "Try 'gradflow lint --help' for usage.\n", "lint", "--prof", VANISHING);
        usageError("gradflow: lint: unrecognized option: --form (did you mean '--format'?)\n"
                + "Try 'gradflow lint --help' for usage.\n", "lint", "--form", "json", VANISHING);
        usageError("gradflow: lint: unrecognized option: --skip (did you mean '--skip-non-models'?)\n"
                + "Try 'gradflow lint --help' for usage.\n", "lint", "--skip", VANISHING);
        // nor are commands
        usageError("gradflow: unknown command 'exp' (did you mean 'explain'?)\n"
                + "Try 'gradflow --help' for the commands.\n", "exp", "GF001");
    }

    @Test
    void aBadValueSuggestsTheClosestValidOne() {
        usageError("gradflow: lint: unknown --format 'jsn' (did you mean 'json'?)\n", "lint", "--format", "jsn", VANISHING);
        usageError("gradflow: lint: unknown --format 'xml' (one of text, concise, full, json, json-lines, sarif, github, gitlab, "
                + "junit, rdjson, checkstyle, html)\n",
                "lint", "--format", "xml", VANISHING);
        usageError("gradflow: lint: --fail-on must be error, warning, info or never, not 'warn' (did you mean "
                + "'warning'?)\n", "lint", "--fail-on", "warn", VANISHING);
        usageError("gradflow: lint: --color must be auto, always or never, not 'alway' (did you mean 'always'?)\n",
                "lint", "--color", "alway", VANISHING);
        usageError("gradflow: rules: unknown --format 'jsno' (did you mean 'json'?)\n", "rules", "--format", "jsno");
        usageError("gradflow: rules: unknown --format 'xml' (text or json)\n", "rules", "--format", "xml");
        usageError("gradflow: convert: unknown --to 'dl4j' (did you mean 'dl4j-json'?)\n",
                "convert", "fixtures/examples/sigmoid-mlp-20.gflow", "--to", "dl4j");
        usageError("gradflow: completion: unknown shell 'bahs' (did you mean 'bash'?)\n", "completion", "bahs");
        usageError("gradflow: completion: unknown shell 'bsh' (did you mean 'bash' or 'zsh'?)\n", "completion", "bsh");
        usageError("gradflow: help: unknown command 'lnt' (did you mean 'lint'?)\n"
                + "Try 'gradflow --help' for the commands.\n", "help", "lnt");
    }

    @Test
    void anOptionWithoutItsValueOrAFlagWithOneIsAUsageError() {
        usageError("gradflow: lint: option --format needs a value (FORMAT)\nTry 'gradflow lint --help' for usage.\n",
                "lint", VANISHING, "-f");
        usageError("gradflow: lint: option --output needs a value (FILE)\nTry 'gradflow lint --help' for usage.\n",
                "lint", "-o", "--fixes", VANISHING);
        usageError("gradflow: lint: option --fixes takes no value\nTry 'gradflow lint --help' for usage.\n",
                "lint", "--fixes=yes", VANISHING);
    }

    /** Whatever is wrong, stderr is gradflow's: one line and at most a hint, no picocli, no Java. */
    @ParameterizedTest
    @ValueSource(strings = {"lint --formt json x", "lint -f", "lint --fixes=yes x", "lint -o --fixes x",
        "lint --prof x", "--bogus", "lnt", "rules GF001", "rules --format", "explain", "explain a b", "explain zz",
        "convert", "convert a b --to dl4j-json", "convert x --to", "help a b", "completion a b", "-x",
        "lint --format=", "lint ---format json x", "verify --steps 3 x"})
    void noUsageErrorLeaksALibraryMessage(String line) {
        CliRunner.Result r = CliRunner.run(line.split(" "));
        assertThat(r.code()).as(line).isEqualTo(2);
        List<String> err = r.err().lines().toList();
        assertThat(err).as(line).hasSizeBetween(1, 2);
        assertThat(err.get(0)).as(line).startsWith("gradflow: ");
        if (err.size() == 2) {
            assertThat(err.get(1)).as(line).startsWith("Try 'gradflow ");
        }
        assertThat(r.err()).as(line).doesNotContainIgnoringCase("picocli").doesNotContain("Exception")
                .doesNotContain("Unknown option").doesNotContain("Unmatched argument").doesNotContain("Expected parameter")
                .doesNotContain("should be specified").doesNotContain("\tat ");
    }

    @Test
    void explainFindsARuleByIdNameOrTheStartOfItsName() throws IOException {
        // the page as readers see it: the generated blocks' marker comments are left out
        String page = PageText.read(Path.of("rules/GF001-deep-saturating-stack.md"));
        assertThat(page).startsWith("# GF001 deep-saturating-stack");
        for (String name : List.of("GF001", "gf001", "deep-saturating-stack", "Deep-Saturating-Stack", "deep-saturating",
                "deep")) {
            CliRunner.Result r = CliRunner.run("explain", name);
            assertThat(r.out()).as(name).isEqualTo(page);
            assertThat(r.code()).as(name).isZero();
        }
        assertThat(CliRunner.run("explain", "dead").out()).startsWith("# GF007 dead-relu-risk");
    }

    @Test
    void anAmbiguousStartListsTheRulesItFits() {
        usageError("gradflow: explain: 'missing' starts the names of several rules: GF005 missing-normalization and "
                + "GF006 missing-skip-connections; give more of the name or the id\n", "explain", "missing");
        usageError("gradflow: explain: 'un' starts the names of several rules: GF004 unscaled-init, "
                + "GF017 unstable-through-time, GF012 unsupported-layer, GF013 unknown-activation and GF015 "
                + "unused-suppression; give more of the name or the id\n",
                "explain", "un");
    }

    @Test
    void anUnknownRuleSuggestsTheClosestIdsAndNames() {
        usageError("gradflow: explain: unknown rule 'deep-saturation-stack' (did you mean 'deep-saturating-stack'?)\n",
                "explain", "deep-saturation-stack");
        usageError("gradflow: explain: unknown rule 'GF0001' (did you mean 'GF001'?)\n", "explain", "GF0001");
        // a word inside a name
        usageError("gradflow: explain: unknown rule 'relu' (did you mean 'dead-relu-risk'?)\n", "explain", "relu");
        usageError("gradflow: explain: unknown rule 'GF999' ('gradflow rules' lists them)\n", "explain", "GF999");
    }

    @Test
    void everyCommandHasHelpThreeWays() {
        for (String command : COMMANDS) {
            if (command.equals("verify")) {
                continue;   // without the verify module: below
            }
            CliRunner.Result help = CliRunner.run(command, "--help");
            assertThat(help.code()).as(command).isZero();
            assertThat(help.err()).as(command).isEmpty();
            assertThat(help.out()).as(command).startsWith("Usage: gradflow " + command).contains("-h, --help");
            assertThat(CliRunner.run(command, "-h").out()).as(command).isEqualTo(help.out());
            assertThat(CliRunner.run("help", command).out()).as(command).isEqualTo(help.out());
        }
        assertThat(CliRunner.run("lint", "--help").out()).contains("--fail-on=LEVEL").contains("--skip-non-models")
                .contains("Exit codes: 0 no finding");
        assertThat(CliRunner.run("explain", "--help").out()).contains("deep-saturating");
    }

    @Test
    void theCommandListAndVersion() {
        CliRunner.Result help = CliRunner.run("--help");
        assertThat(help.code()).isZero();
        for (String command : COMMANDS) {
            assertThat(help.out()).contains("\n  " + command + " ");
        }
        assertThat(CliRunner.run("help").out()).isEqualTo(help.out());
        assertThat(CliRunner.run("-h").out()).isEqualTo(help.out());
        CliRunner.Result none = CliRunner.run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).isEqualTo(help.out());
        for (String v : List.of("--version", "-V")) {
            CliRunner.Result r = CliRunner.run(v);
            assertThat(r.code()).isZero();
            assertThat(r.out()).matches("gradflow \\S+\n");
        }
    }

    @Test
    void withoutTheVerifyModuleVerifyIsListedAndSaysWhatToDo() {
        // the core's tests run without the verify module, as `gradflow lint` does
        assertThat(CliRunner.run("--help").out()).containsPattern("(?s)\n  verify +Train with Deeplearning4j.*"
                + "needs the\\s+verify\\s+module, which ./gradflow builds on first use");
        String missing = "gradflow: verify needs the verify module (Deeplearning4j) on the class path: run it through "
                + "the ./gradflow launcher, which builds the module on first use\n";
        usageError(missing, "verify", "--steps", "3", VANISHING);
        usageError(missing, "verify", "--help");
        CliRunner.Result help = CliRunner.run("help", "verify");
        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("Usage: gradflow verify [OPTIONS] MODEL...").contains("not on this class path");
    }

    @Test
    void exitCodesAreUnchanged() {
        assertThat(CliRunner.run("lint", HEALTHY).code()).isEqualTo(Main.CLEAN);
        assertThat(CliRunner.run("lint", VANISHING).code()).isEqualTo(Main.FINDINGS);
        assertThat(CliRunner.run("lint", "--fail-on", "never", VANISHING).code()).isEqualTo(Main.CLEAN);
        assertThat(CliRunner.run("lint", "nope.json").code()).isEqualTo(Main.USAGE);
        assertThat(CliRunner.run("lint").code()).isEqualTo(Main.USAGE);
        assertThat(CliRunner.run("lint", "--prof", VANISHING).code()).isEqualTo(Main.USAGE);
        assertThat(CliRunner.run("rules").code()).isEqualTo(Main.CLEAN);
        assertThat(CliRunner.run("completion").code()).isEqualTo(Main.CLEAN);
    }

    @Test
    void theCommandLineReadsAsItAlwaysDid() {
        // --opt=value, clustered short options, `--` before a path that starts with a dash
        assertThat(CliRunner.run("lint", "--format=json", VANISHING).out()).startsWith("{");
        assertThat(CliRunner.run("lint", "-fjson", VANISHING).out()).startsWith("{");
        CliRunner.Result dash = CliRunner.run("lint", "--", "-nope.json");
        assertThat(dash.out()).contains("-nope.json: error: no such file");
        // a repeated option keeps its first value, as commons-cli did
        assertThat(CliRunner.run("lint", "--format", "json", "--format", "text", VANISHING).out()).startsWith("{");
        // an @-argument is a path, not a file of arguments
        assertThat(CliRunner.run("lint", "@args.txt").out()).contains("@args.txt: error: no such file");
        // options after the arguments
        assertThat(CliRunner.run("lint", VANISHING, "--format", "json").out()).startsWith("{");
    }

    @Test
    void completionPrintsAScriptForEveryCommandAndOption() {
        CliRunner.Result bash = CliRunner.run("completion");
        assertThat(bash.code()).isZero();
        assertThat(bash.err()).isEmpty();
        assertThat(bash.out()).contains("complete -F _complete_gradflow")
                .contains("local commands=\"lint verify convert lsp rules explain completion help\"")
                .contains("function _picocli_gradflow_lint()").contains("'--fail-on'").contains("'--skip-non-models'")
                .contains("(\"text\" \"concise\" \"full\" \"json\" \"json-lines\" \"sarif\" \"github\" \"gitlab\" \"junit\" "
                        + "\"rdjson\" \"checkstyle\" \"html\")")
                .contains("function _picocli_gradflow_explain()").contains("\"deep-saturating-stack\"");
        // one script serves both shells: it enables bash completion inside zsh
        CliRunner.Result zsh = CliRunner.run("completion", "zsh");
        assertThat(zsh.out()).isEqualTo(bash.out()).contains("ZSH_VERSION").contains("bashcompinit");
        assertThat(CliRunner.run("completion", "bash").out()).isEqualTo(bash.out());
    }

    /** The script really completes, in a real bash. */
    @Test
    void theCompletionScriptCompletesInBash(@TempDir Path tmp) throws IOException, InterruptedException {
        Path script = Files.writeString(tmp.resolve("gradflow.bash"), CliRunner.run("completion").out());
        String probe = "source " + script + "\n"
                + "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMP_LINE=\"${COMP_WORDS[*]}\";"
                + " COMPREPLY=(); _complete_gradflow; echo \"$*|${COMPREPLY[*]}\"; }\n"
                + "t gradflow li\nt gradflow lint --fo\nt gradflow lint --format ''\nt gradflow lint --fail-on w\n"
                + "t gradflow explain deep\nt gradflow completion ''\n";
        Process p = new ProcessBuilder("bash", "-c", probe).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out.lines()).containsExactly(
                "gradflow li|lint",
                "gradflow lint --fo|--force-exclude --format",
                "gradflow lint --format |text concise full json json-lines sarif github gitlab junit rdjson checkstyle html",
                "gradflow lint --fail-on w|warning",
                "gradflow explain deep|deep-saturating-stack",
                "gradflow completion |bash zsh");
    }
}
