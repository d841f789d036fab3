package io.gradflow.cli;

import io.gradflow.config.Baseline;
import io.gradflow.config.ConfigException;
import io.gradflow.config.ConfigFile;
import io.gradflow.config.ConfigResolver;
import io.gradflow.report.CheckstyleReporter;
import io.gradflow.report.GithubReporter;
import io.gradflow.report.JsonReporter;
import io.gradflow.report.LintReport;
import io.gradflow.report.Reporter;
import io.gradflow.report.SarifReporter;
import io.gradflow.report.TextReporter;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.Severity;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gradflow lint}: the static check. Loads no ND4J and no native code. */
public final class LintCommand implements Subcommand {

    static final List<String> FORMATS = List.of("text", "json", "sarif", "github", "checkstyle");

    /** The --fail-on levels, for lint and verify. */
    public static final List<String> FAIL_ON = List.of("error", "warning", "info", "never");
    static final List<String> COLORS = List.of("auto", "always", "never");

    @Override
    public String name() {
        return "lint";
    }

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(name(), "Read model files, predict their gradient flow and report problems.",
                "[OPTIONS] PATH...",
                "Exit codes: 0 no finding at or above --fail-on; 1 a finding at or above --fail-on;\n"
                        + "2 usage error, bad configuration, or an input that could not be read.");
        Specs.choice(spec, "FORMAT", FORMATS, "output format: " + String.join(", ", FORMATS) + " (default: text)",
                "-f", "--format");
        Specs.choice(spec, "LEVEL", FAIL_ON,
                "exit 1 when a finding reaches LEVEL: error, warning, info or never (default: error)", "--fail-on");
        Specs.flag(spec, "show each model's predicted per-layer profile", "--profile");
        Specs.flag(spec, "show a fix suggestion under each finding", "--fixes");
        Specs.choice(spec, "WHEN", COLORS, "colour the text output: auto, always or never (default: auto)", "--color");
        Specs.file(spec, "FILE", "write the report to FILE instead of standard output", "-o", "--output");
        Specs.file(spec, "FILE", "use this configuration for every file instead of looking for\n  "
                + ConfigResolver.FILE_NAME, "--config");
        Specs.flag(spec, "ignore " + ConfigResolver.FILE_NAME + " files: built-in defaults only", "--no-config");
        Specs.file(spec, "FILE", "leave out the findings recorded in FILE: only new ones are reported and fail",
                "--baseline");
        Specs.file(spec, "FILE", "record today's findings in FILE (then they count as baselined)",
                "--write-baseline");
        Specs.flag(spec, "skip JSON files that are not models even when named (for hooks that pass every *.json)",
                "--skip-non-models");
        Specs.arguments(spec, "PATH", "a model file (DL4J JSON or zip, Keras .h5/.json/.keras, gradflow\n"
                + "  .gflow) or a directory to walk; each file's configuration is the\n"
                + "  nearest " + ConfigResolver.FILE_NAME + " above it (or --config FILE)", true);
        return spec;
    }

    @Override
    public int run(Args cl, Io io) throws Exception {
        List<String> paths = cl.arguments();
        if (paths.isEmpty()) {
            throw new UsageException("lint: no PATH given\nTry 'gradflow lint --help' for usage.");
        }
        String format = cl.value("--format", "text").toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new UsageException("lint: unknown --format '" + format + "'" + Suggest.hintOrList(format, FORMATS));
        }
        Severity threshold = failOn("lint", cl.value("--fail-on", "error"));
        String color = cl.value("--color", "auto");
        if (!COLORS.contains(color)) {
            throw new UsageException("lint: --color must be auto, always or never, not '" + color + "'"
                    + Suggest.hint(color, COLORS));
        }
        String output = cl.value("--output");
        if (cl.has("--config") && cl.has("--no-config")) {
            throw new UsageException("lint: give --config or --no-config, not both");
        }
        if (cl.has("--baseline") && cl.has("--write-baseline")) {
            throw new UsageException("lint: give --baseline or --write-baseline, not both (writing a baseline "
                    + "records every finding of the run)");
        }

        Path cwd = Path.of("").toAbsolutePath();
        ConfigResolver configs = configs(cl, cwd);
        Baseline baseline = cl.has("--baseline")
                ? Baseline.load(Path.of(Objects.requireNonNull(cl.value("--baseline"), "--baseline takes a file")),
                cl.value("--baseline")) : null;
        String writeBaseline = cl.value("--write-baseline");

        List<FileWalker.Input> inputs = new ArrayList<>();
        for (FileWalker.Input in : FileWalker.expand(paths)) {
            inputs.add(cl.has("--skip-non-models") ? new FileWalker.Input(in.path(), in.display(), false) : in);
        }
        if (writeBaseline != null) {
            refuseToOverwriteAnInput("--write-baseline", Path.of(writeBaseline), inputs);
        }
        if (output != null) {
            refuseToOverwriteAnInput("--output", Path.of(output), inputs);
        }
        // every file's configuration before any output: a broken gradflow.json stops the run whole
        Map<Path, RuleConfig> perFile = new HashMap<>();
        for (FileWalker.Input in : inputs) {
            perFile.put(in.path(), configs.forFile(in.path()));
        }

        LintReport report = new Linter(file -> perFile.getOrDefault(file, RuleConfig.DEFAULT)).lintInputs(inputs);
        if (writeBaseline != null) {
            Path file = Path.of(writeBaseline);
            baseline = Baseline.of(report,
                    Objects.requireNonNull(file.toAbsolutePath().getParent(), "a file's absolute path has a parent"));
            baseline.write(file);
            io.err().println("gradflow: recorded " + baseline.size() + (baseline.size() == 1 ? " finding" : " findings")
                    + " in " + writeBaseline);
        }
        if (baseline != null) {
            report = baseline.apply(report);
        }

        Reporter reporter = switch (format) {
            case "json" -> new JsonReporter(Version.get());
            case "sarif" -> new SarifReporter(Version.get(), Version.url(), Version.rulesUrl(), cwd);
            case "github" -> new GithubReporter(cwd);
            case "checkstyle" -> new CheckstyleReporter();
            default -> new TextReporter(useColor(color, output), cl.has("--fixes"), cl.has("--profile"));
        };
        if (output != null) {
            try (PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(output),
                    StandardCharsets.UTF_8))) {
                reporter.write(report, out);
            }
        } else {
            reporter.write(report, io.out());
        }
        if (!report.errors().isEmpty()) {
            return Main.USAGE;
        }
        return report.reaches(threshold) ? Main.FINDINGS : Main.CLEAN;
    }

    /** Where each file's configuration comes from: --config, --no-config, or gradflow.json discovery. */
    private static ConfigResolver configs(Args cl, Path cwd) throws ConfigException {
        if (cl.has("--config")) {
            String file = Objects.requireNonNull(cl.value("--config"), "--config takes a file");
            return ConfigResolver.of(ConfigFile.load(Path.of(file), file));
        }
        return cl.has("--no-config") ? ConfigResolver.none() : ConfigResolver.discovering(cwd);
    }

    /** A baseline is never written over a model being linted (nor over a directory). */
    /** Reports and baselines never overwrite a model being linted. */
    public static void refuseToOverwriteAnInput(String option, Path target, List<FileWalker.Input> inputs)
            throws UsageException {
        Path t = target.toAbsolutePath().normalize();
        if (Files.isDirectory(t)) {
            throw new UsageException("lint: " + option + " " + target + " is a directory; name a file");
        }
        for (FileWalker.Input in : inputs) {
            Path p = in.path().toAbsolutePath().normalize();
            boolean same;
            try {
                same = p.equals(t) || Files.exists(t) && Files.isSameFile(p, t);
            } catch (IOException e) {
                same = false;
            }
            if (same) {
                throw new UsageException("lint: " + option + " " + target + " is one of the files being linted; "
                        + "gradflow never writes over a model");
            }
        }
    }

    /** The --fail-on level (null for never), or a usage error of {@code command} naming the closest level. */
    public static @Nullable Severity failOn(String command, String v) throws UsageException {
        if (v.equalsIgnoreCase("never")) {
            return null;
        }
        try {
            return Severity.parse(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": --fail-on must be error, warning, info or never, not '" + v + "'"
                    + Suggest.hint(v, FAIL_ON));
        }
    }

    private static boolean useColor(String mode, @Nullable String output) {
        return switch (mode) {
            case "always" -> true;
            case "never" -> false;
            default -> output == null && System.console() != null && System.getenv("NO_COLOR") == null
                    && !"dumb".equals(System.getenv("TERM"));
        };
    }
}
