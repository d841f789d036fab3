package io.gradflow.cli;

import io.gradflow.config.Baseline;
import io.gradflow.config.ConfigException;
import io.gradflow.config.ConfigFile;
import io.gradflow.config.ConfigResolver;
import io.gradflow.ingest.Limits;
import io.gradflow.report.CheckstyleReporter;
import io.gradflow.report.GithubReporter;
import io.gradflow.report.JsonReporter;
import io.gradflow.report.LintReport;
import io.gradflow.report.ReportFile;
import io.gradflow.report.Reporter;
import io.gradflow.report.SarifReporter;
import io.gradflow.report.TextReporter;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
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
        Specs.value(spec, "SECONDS", "stop a file that takes longer, with an error for it (default: "
                + Limits.DEFAULT_TIMEOUT.toSeconds() + "; 0: no limit)", "--timeout");
        Specs.value(spec, "N", "lint up to N files at once (default: one per processor); the report's\n"
                + "  order does not change", "-j", "--jobs");
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
        Duration timeout = timeout("lint", cl.value("--timeout"));
        int jobs = jobs("lint", cl.value("--jobs"));
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
                ? Baseline.load(cl.path(cl.value("--baseline")), cl.display(cl.value("--baseline"))) : null;
        String writeBaseline = cl.value("--write-baseline");

        List<FileWalker.Input> inputs = new ArrayList<>();
        for (FileWalker.Input in : FileWalker.expand(paths, cl.raw())) {
            inputs.add(cl.has("--skip-non-models") && in.unreadable() == null ? in.withExplicit(false) : in);
        }
        if (writeBaseline != null) {
            refuseToOverwriteAnInput("--write-baseline", cl.path(writeBaseline), inputs);
        }
        if (output != null) {
            refuseToOverwriteAnInput("--output", cl.path(output), inputs);
        }
        // every file's configuration before any output: a broken gradflow.json stops the run whole
        Map<Path, RuleConfig> perFile = new HashMap<>();
        for (FileWalker.Input in : inputs) {
            perFile.put(in.path(), configs.forFile(in.path()));
        }

        LintReport report = new Linter(file -> perFile.getOrDefault(file, RuleConfig.DEFAULT), timeout, jobs)
                .lintInputs(inputs);
        if (writeBaseline != null) {
            Path file = cl.path(writeBaseline);
            baseline = Baseline.of(report, file.toAbsolutePath().getParent());
            Baseline b = baseline;
            writeFile("lint", "the baseline", file, cl.display(writeBaseline), b::write);
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
            LintReport written = report;
            writeFile("lint", "the report", cl.path(output), cl.display(output), out -> reporter.write(written, out));
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
            String file = cl.value("--config");
            return ConfigResolver.of(ConfigFile.load(cl.path(file), cl.display(file)));
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

    /**
     * Writes a file whole or not at all ({@link ReportFile}); a failure is a usage-class error
     * (exit 2) that names the file and the reason, and the file keeps what it had.
     */
    public static void writeFile(String command, String what, Path file, String display, Consumer<PrintWriter> body)
            throws UsageException {
        try {
            ReportFile.write(file, body);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof NoSuchFileException) {
                why = "no such directory";
            } else if (e instanceof AccessDeniedException) {
                why = "permission denied";
            }
            throw new UsageException(command + ": cannot write " + what + " to " + display + ": " + why);
        }
    }

    /** The --timeout in seconds (fractions allowed; 0 for none), or the default when not given. */
    public static Duration timeout(String command, String v) throws UsageException {
        if (v == null) {
            return Limits.DEFAULT_TIMEOUT;
        }
        double s;
        try {
            s = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            s = Double.NaN;
        }
        if (!(s >= 0) || s > 86_400) {
            throw new UsageException(command + ": --timeout must be a number of seconds from 0 (no limit) to 86400, "
                    + "not '" + v + "'");
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }

    /** The --jobs count, from 1 to 1024, or one per processor when not given. */
    static int jobs(String command, String v) throws UsageException {
        if (v == null) {
            return Linter.defaultJobs();
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > 1024) {
            throw new UsageException(command + ": --jobs must be a whole number of files from 1 to 1024, not '"
                    + v + "'");
        }
        return n;
    }

    /** The --fail-on level (null for never), or a usage error of {@code command} naming the closest level. */
    public static Severity failOn(String command, String v) throws UsageException {
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

    private static boolean useColor(String mode, String output) {
        return switch (mode) {
            case "always" -> true;
            case "never" -> false;
            default -> output == null && System.console() != null && System.getenv("NO_COLOR") == null
                    && !"dumb".equals(System.getenv("TERM"));
        };
    }
}
