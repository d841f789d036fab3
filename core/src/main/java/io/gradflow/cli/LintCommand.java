package io.gradflow.cli;

import io.gradflow.config.Baseline;
import io.gradflow.config.ConfigException;
import io.gradflow.config.ConfigFile;
import io.gradflow.config.ConfigResolver;
import io.gradflow.config.Exclusions;
import io.gradflow.config.GitIgnore;
import io.gradflow.config.RuleSelection;
import io.gradflow.ingest.Limits;
import io.gradflow.report.CheckstyleReporter;
import io.gradflow.report.ConciseReporter;
import io.gradflow.report.GithubReporter;
import io.gradflow.report.GitlabReporter;
import io.gradflow.report.JsonLinesReporter;
import io.gradflow.report.JsonReporter;
import io.gradflow.report.JunitReporter;
import io.gradflow.report.LintReport;
import io.gradflow.report.ModelResult;
import io.gradflow.report.RdjsonReporter;
import io.gradflow.report.ReportFile;
import io.gradflow.report.Reporter;
import io.gradflow.report.SarifReporter;
import io.gradflow.report.Skipped;
import io.gradflow.report.StatisticsReporter;
import io.gradflow.report.TextReporter;
import io.gradflow.report.html.HtmlReporter;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.RuleSelector;
import io.gradflow.rules.Severity;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import org.jspecify.annotations.Nullable;

/** {@code gradflow lint}: the static check. Loads no ND4J and no native code. */
public final class LintCommand implements Subcommand {

    static final List<String> FORMATS = List.of("text", "concise", "full", "json", "json-lines", "sarif", "github",
            "gitlab", "junit", "rdjson", "checkstyle", "html");

    /** The --fail-on levels, for lint and verify. */
    public static final List<String> FAIL_ON = List.of("error", "warning", "info", "never");
    static final List<String> COLORS = List.of("auto", "always", "never");

    /**
     * The rule words shell completion offers for --select and the like, listed only when help or
     * completion asks: building lint's spec on every run need not load every rule's class on the
     * main thread (the worker and the start-up warm-up load them anyway).
     */
    static final Iterable<String> RULE_WORDS = new RuleWords();

    private static final class RuleWords implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return RuleSelector.words().iterator();
        }
    }

    /**
     * lint's flags, each as the alias group its spec gives it, for {@link Args#plain}: a command
     * line of these, {@link #ONE_VALUE_NAMES} and paths is read without building the spec. -h is
     * not here (picocli prints the help), nor are the list options. Held to {@link #spec} by a test.
     */
    static final List<List<String>> FLAG_NAMES = List.of(List.of("--exit-zero"), List.of("--profile"),
            List.of("--fixes"), List.of("--statistics"), List.of("-q", "--quiet"), List.of("-v", "--verbose"),
            List.of("--no-config"), List.of("--show-settings"), List.of("--force-exclude"),
            List.of("--no-respect-gitignore"), List.of("--add-noqa"), List.of("--skip-non-models"), List.of("--fix"),
            List.of("--unsafe-fixes"), List.of("--diff"));

    /** lint's options that take one value, as {@link #FLAG_NAMES} lists its flags. */
    static final List<List<String>> ONE_VALUE_NAMES = List.of(List.of("-f", "--format", "--output-format"),
            List.of("--fail-on"), List.of("--color"), List.of("-o", "--output"), List.of("--config"),
            List.of("--baseline"), List.of("--write-baseline"), List.of("--timeout"), List.of("-j", "--jobs"));

    @Override
    public String name() {
        return "lint";
    }

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(name(), "Read model files, predict their gradient flow and report problems.",
                "[OPTIONS] PATH...",
                "Rules (RULES): ids (GF001), id prefixes (GF00), names (deep-saturating-stack) or ALL,\n"
                        + "comma-separated; the options may be repeated.\n"
                        + "Exit codes: 0 no finding at or above --fail-on; 1 a finding at or above --fail-on;\n"
                        + "2 usage error, bad configuration, or an input that could not be read.");
        Specs.choice(spec, "FORMAT", FORMATS, "output format: " + String.join(", ", FORMATS.subList(0, 6)) + ",\n  "
                + String.join(", ", FORMATS.subList(6, FORMATS.size())) + " (default: text)",
                "-f", "--format", "--output-format");
        Specs.choice(spec, "LEVEL", FAIL_ON,
                "exit 1 when a finding reaches LEVEL: error, warning, info or never (default: error)", "--fail-on");
        Specs.flag(spec, "exit 0 whatever the findings (unreadable inputs still exit 2)", "--exit-zero");
        Specs.list(spec, "RULES", RULE_WORDS, "run only these rules (replaces gradflow.json's selection)",
                "--select");
        Specs.list(spec, "RULES", RULE_WORDS, "run these rules as well", "--extend-select");
        Specs.list(spec, "RULES", RULE_WORDS, "do not run these rules", "--ignore");
        Specs.flag(spec, "show each model's predicted per-layer profile", "--profile");
        Specs.flag(spec, "show a fix suggestion under each finding", "--fixes");
        Specs.flag(spec, "print how many times each rule fired instead of the findings", "--statistics");
        Specs.flag(spec, "print the findings only: no summary line", "-q", "--quiet");
        Specs.flag(spec, "say which files were skipped as not models, and why (on standard error)", "-v",
                "--verbose");
        Specs.choice(spec, "WHEN", COLORS, "colour the text output: auto, always or never (default: auto;\n"
                + "  NO_COLOR turns it off, FORCE_COLOR on)", "--color");
        Specs.file(spec, "FILE", "write the report to FILE instead of standard output", "-o", "--output");
        Specs.file(spec, "FILE", "use this configuration for every file instead of looking for\n  "
                + ConfigResolver.FILE_NAME, "--config");
        Specs.flag(spec, "ignore " + ConfigResolver.FILE_NAME + " files: built-in defaults only", "--no-config");
        Specs.flag(spec, "print the settings each PATH gets (configuration files, rules, thresholds); lint nothing",
                "--show-settings");
        Specs.list(spec, "PATTERNS", null, "leave these out of directory walks (replaces every exclude list)",
                "--exclude");
        Specs.list(spec, "PATTERNS", null, "leave these out as well", "--extend-exclude");
        Specs.flag(spec, "apply the exclude patterns to files named on the command line too", "--force-exclude");
        Specs.flag(spec, "walk into what .gitignore ignores too", "--no-respect-gitignore");
        Specs.file(spec, "FILE", "leave out the findings recorded in FILE: only new ones are reported and fail",
                "--baseline");
        Specs.file(spec, "FILE", "record today's findings in FILE (then they count as baselined)",
                "--write-baseline");
        Specs.flag(spec, "suppress today's findings with comments in the DSL files (written in place)",
                "--add-noqa");
        Specs.flag(spec, "skip files that are not models even when named (for hooks that pass every JSON, HDF5 and "
                + "zip file)", "--skip-non-models");
        Specs.flag(spec, "apply the safe fixes (initialisers, gains, biases, an LSTM's forget gate, "
                + "float16 to float32) to JSON and DSL files in place; for an HDF5 or zip model, write "
                + "NAME.fixed.json beside it", "--fix");
        Specs.flag(spec, "--fix with the structural fixes too: batch normalisation, ReLU for a\n"
                + "  saturating activation, residual blocks (DSL)", "--unsafe-fixes");
        Specs.flag(spec, "show the fixes as a unified diff and write nothing (exit 1 if any)", "--diff");
        Specs.value(spec, "SECONDS", "stop a file that takes longer, with an error for it (default: "
                + Limits.DEFAULT_TIMEOUT.toSeconds() + "; 0: no limit)", "--timeout");
        Specs.value(spec, "N", "work on up to N threads (default: one per processor): N files at\n"
                + "  once, or one file's simulation on N; the report's order does not change", "-j", "--jobs");
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
        if (cl.has("--quiet") && cl.has("--verbose")) {
            throw new UsageException("lint: give --quiet or --verbose, not both");
        }
        if (cl.has("--exit-zero") && cl.has("--fail-on")) {
            throw new UsageException("lint: give --exit-zero or --fail-on, not both (--exit-zero is --fail-on never)");
        }
        RuleSelection selection = new RuleSelection(selectors(cl, "--select"),
                orEmpty(selectors(cl, "--extend-select")), orEmpty(selectors(cl, "--ignore")));

        Path cwd = Path.of("").toAbsolutePath();
        ConfigResolver configs = configs(cl, cwd).withSelection(selection);
        Exclusions exclusions;
        try {
            exclusions = Exclusions.of(configs, cwd, cl.values("--exclude"), orEmpty(cl.values("--extend-exclude")));
        } catch (IllegalArgumentException e) {
            throw new UsageException("lint: --exclude and --extend-exclude take file patterns (*.h5, data/, "
                    + "legacy/**); one of them is not valid");
        }
        if (cl.has("--show-settings")) {
            return Settings.show(paths, configs, exclusions, io);
        }
        String baselineFile = cl.value("--baseline");
        Baseline baseline = baselineFile != null
                ? Baseline.load(cl.path(baselineFile), cl.display(baselineFile)) : null;
        String writeBaseline = cl.value("--write-baseline");

        FileWalker.Filter filter = new FileWalker.Filter(exclusions,
                cl.has("--no-respect-gitignore") ? null : new GitIgnore(), cl.has("--force-exclude"));
        List<FileWalker.Input> inputs = new ArrayList<>();
        for (FileWalker.Input in : FileWalker.expand(paths, filter, cl.raw())) {
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

        boolean unsafe = cl.has("--unsafe-fixes");
        boolean diff = cl.has("--diff");
        if (diff && (writeBaseline != null || cl.has("--baseline"))) {
            throw new UsageException("lint: --diff shows the fixes and writes nothing; give it without "
                    + (writeBaseline != null ? "--write-baseline" : "--baseline"));
        }
        boolean fixing = cl.has("--fix") || unsafe || diff;
        if (fixing && cl.has("--add-noqa")) {
            throw new UsageException("lint: --add-noqa suppresses today's findings and --fix removes them; give one");
        }
        // the JSON report's models rendered beside the lint when files are linted side by side; not
        // under a baseline, which would take findings from them afterwards
        boolean ahead = !cl.has("--statistics") && baselineFile == null && writeBaseline == null
                && !cl.has("--add-noqa") && jobs > 1 && inputs.size() > 1;
        JsonReporter.Parts parts = ahead && format.equals("json") ? new JsonReporter.Parts() : null;
        // SARIF's results likewise (and its rules' descriptors, made once)
        SarifReporter sarif = format.equals("sarif")
                ? new SarifReporter(Version.get(), Version.url(), Version.rulesUrl(), cwd, ahead) : null;
        SarifReporter.Parts sarifParts = sarif == null ? null : sarif.parts();
        Consumer<ModelResult> eachModel = parts != null ? parts::render : sarifParts != null ? sarifParts::render : null;
        LintReport report;
        if (fixing) {
            PrintWriter diffOut = output != null && diff ? new PrintWriter(new OutputStreamWriter(
                    new FileOutputStream(output), StandardCharsets.UTF_8)) : io.out();
            FixRun.Result fixed = FixRun.run(inputs, file -> perFile.getOrDefault(file, RuleConfig.DEFAULT), unsafe,
                    diff, diffOut, io.err());
            if (diff) {
                diffOut.flush();
                if (output != null) {
                    diffOut.close();
                }
                for (var e : fixed.report().errors()) {
                    io.err().println(e.source() + (e.line() > 0 ? ":" + e.line() + ":" + Math.max(e.column(), 1) : "")
                            + ": error: " + e.message());
                }
                return !fixed.report().errors().isEmpty() ? Main.USAGE : fixed.changed() ? Main.FINDINGS : Main.CLEAN;
            }
            report = fixed.report();
        } else {
            report = new Linter(file -> perFile.getOrDefault(file, RuleConfig.DEFAULT), timeout, jobs,
                    eachModel).lintInputs(inputs);
        }
        if (cl.has("--verbose")) {
            for (Skipped s : report.skipped()) {
                io.err().println("gradflow: skipped " + s.source() + ": " + s.reason());
            }
        }
        if (cl.has("--add-noqa")) {
            return AddNoqa.run(report, inputs, io);
        }
        if (writeBaseline != null) {
            Path file = cl.path(writeBaseline);
            baseline = Baseline.of(report, Objects.requireNonNull(file.toAbsolutePath().getParent(),
                    "a file's absolute path has a directory"));
            Baseline b = baseline;
            writeFile("lint", "the baseline", file, cl.display(writeBaseline), b::write);
            io.err().println("gradflow: recorded " + baseline.size() + (baseline.size() == 1 ? " finding" : " findings")
                    + " in " + writeBaseline);
        }
        if (baseline != null) {
            report = baseline.apply(report);
        }

        boolean colored = useColor(color, output);
        boolean quiet = cl.has("--quiet");
        // the profile's bars only where a person reads them: a terminal, not a file or a pipe
        boolean bars = output == null && System.console() != null;
        Map<String, RuleConfig> perSource = new HashMap<>();
        for (FileWalker.Input in : inputs) {
            perSource.put(in.display(), perFile.getOrDefault(in.path(), RuleConfig.DEFAULT));
        }
        Reporter reporter = cl.has("--statistics") ? new StatisticsReporter(format.equals("json"), quiet)
                : switch (format) {
                    case "json" -> new JsonReporter(Version.get(), parts);
                    case "json-lines" -> new JsonLinesReporter();
                    case "sarif" -> Objects.requireNonNull(sarif, "made before the lint");
                    case "github" -> new GithubReporter(cwd, stepSummary());
                    case "gitlab" -> new GitlabReporter(cwd);
                    case "junit" -> new JunitReporter(cwd);
                    case "rdjson" -> new RdjsonReporter(Version.url(), Version.rulesUrl());
                    case "checkstyle" -> new CheckstyleReporter();
                    case "html" -> new HtmlReporter(Version.get(), m -> perSource.getOrDefault(m.model().source(),
                            RuleConfig.DEFAULT).thresholds());
                    case "concise" -> new ConciseReporter(colored, quiet);
                    case "full" -> new TextReporter(colored, true, cl.has("--profile"), quiet, bars);
                    default -> new TextReporter(colored, cl.has("--fixes"), cl.has("--profile"), quiet, bars);
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
        if (cl.has("--exit-zero")) {
            return Main.CLEAN;
        }
        return report.reaches(threshold) ? Main.FINDINGS : Main.CLEAN;
    }

    /**
     * Where the GitHub format puts what does not fit in annotations: the job's step summary
     * ({@code $GITHUB_STEP_SUMMARY}, a file the runner renders as Markdown), or nowhere outside
     * GitHub Actions.
     */
    private static @Nullable Path stepSummary() {
        String s = System.getenv("GITHUB_STEP_SUMMARY");
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    /** A list option's rule selectors, each checked; null when the option was not given. */
    private static @Nullable List<String> selectors(Args cl, String option) throws UsageException {
        List<String> values = cl.values(option);
        if (values == null) {
            return null;
        }
        for (String v : values) {
            if (RuleSelector.resolve(v).isEmpty()) {
                String hint = v.toUpperCase(Locale.ROOT).matches("GF\\d*") ? "" : Suggest.hint(v, RuleSelector.words());
                throw new UsageException("lint: " + option + ": unknown rule '" + v + "'"
                        + (hint.isEmpty() ? " ('gradflow rules' lists them)" : hint));
            }
        }
        return values;
    }

    private static List<String> orEmpty(@Nullable List<String> l) {
        return l == null ? List.of() : l;
    }

    /** Where each file's configuration comes from: --config, --no-config, or gradflow.json discovery. */
    private static ConfigResolver configs(Args cl, Path cwd) throws ConfigException {
        String file = cl.value("--config");
        if (file != null) {
            return ConfigResolver.of(ConfigFile.load(cl.path(file), cl.display(file)));
        }
        return cl.has("--no-config") ? ConfigResolver.none() : ConfigResolver.discovering(cwd);
    }

    /** Reports and baselines are never written over a model being linted, nor over a directory. */
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
    public static Duration timeout(String command, @Nullable String v) throws UsageException {
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
    static int jobs(String command, @Nullable String v) throws UsageException {
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

    /**
     * Colour: --color always or never decides; otherwise NO_COLOR (set and not empty) turns it off,
     * FORCE_COLOR (set, not empty and not "0") turns it on where output is not a terminal (CI logs
     * that render colour), and else a terminal gets colour.
     */
    private static boolean useColor(String mode, @Nullable String output) {
        return switch (mode) {
            case "always" -> true;
            case "never" -> false;
            default -> colorByEnvironment(output, System.getenv("NO_COLOR"), System.getenv("FORCE_COLOR"),
                    System.console() != null && !"dumb".equals(System.getenv("TERM")));
        };
    }

    static boolean colorByEnvironment(@Nullable String output, @Nullable String noColor, @Nullable String forceColor,
                                      boolean terminal) {
        if (output != null || noColor != null && !noColor.isEmpty()) {
            return false;
        }
        if (forceColor != null && !forceColor.isEmpty() && !forceColor.equals("0")) {
            return true;
        }
        return terminal;
    }
}
