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
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code gradflow lint}: the static check. Loads no ND4J and no native code. */
public final class LintCommand implements Subcommand {

    static final List<String> FORMATS = List.of("text", "json", "sarif", "github", "checkstyle");

    @Override
    public String name() {
        return "lint";
    }

    @Override
    public String summary() {
        return "Read model files, predict their gradient flow and report problems.";
    }

    @Override
    public String synopsis() {
        return "[OPTIONS] PATH...";
    }

    @Override
    public String footer() {
        return "PATH is a model file (DL4J JSON or zip, Keras .h5/.json/.keras, gradflow .gflow) or a\n"
                + "directory to walk. Each file's configuration is the nearest " + ConfigResolver.FILE_NAME
                + " above it\n(or --config FILE).\n\nExit codes: 0 no finding at or above --fail-on; 1 a finding "
                + "at or above --fail-on;\n2 usage error, bad configuration, or an input that could not be read.";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder("f").longOpt("format").hasArg().argName("FORMAT")
                        .desc("output format: " + String.join(", ", FORMATS) + " (default: text)").get())
                .addOption(Option.builder().longOpt("fail-on").hasArg().argName("LEVEL")
                        .desc("exit 1 when a finding reaches LEVEL: error, warning, info or never (default: error)")
                        .get())
                .addOption(Option.builder().longOpt("profile").desc("show each model's predicted per-layer profile")
                        .get())
                .addOption(Option.builder().longOpt("fixes").desc("show a fix suggestion under each finding").get())
                .addOption(Option.builder().longOpt("color").hasArg().argName("WHEN")
                        .desc("colour the text output: auto, always or never (default: auto)").get())
                .addOption(Option.builder("o").longOpt("output").hasArg().argName("FILE")
                        .desc("write the report to FILE instead of standard output").get())
                .addOption(Option.builder().longOpt("config").hasArg().argName("FILE")
                        .desc("use this configuration for every file instead of looking for "
                                + ConfigResolver.FILE_NAME).get())
                .addOption(Option.builder().longOpt("no-config")
                        .desc("ignore " + ConfigResolver.FILE_NAME + " files: built-in defaults only").get())
                .addOption(Option.builder().longOpt("baseline").hasArg().argName("FILE")
                        .desc("leave out the findings recorded in FILE: only new ones are reported and fail").get())
                .addOption(Option.builder().longOpt("write-baseline").hasArg().argName("FILE")
                        .desc("record today's findings in FILE (then they count as baselined)").get())
                .addOption(Option.builder().longOpt("skip-non-models")
                        .desc("skip JSON files that are not models even when named (for hooks that pass "
                                + "every *.json)").get())
                .addOption(Main.helpOption());
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        List<String> paths = cl.getArgList();
        if (paths.isEmpty()) {
            throw new UsageException("lint: no PATH given\nTry 'gradflow lint --help' for usage.");
        }
        String format = cl.getOptionValue("format", "text").toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new UsageException("lint: unknown --format '" + format + "' (one of " + String.join(", ", FORMATS)
                    + ")");
        }
        Severity threshold = failOn(cl.getOptionValue("fail-on", "error"));
        String color = cl.getOptionValue("color", "auto");
        if (!List.of("auto", "always", "never").contains(color)) {
            throw new UsageException("lint: --color must be auto, always or never, not '" + color + "'");
        }
        String output = cl.getOptionValue("output");
        if (cl.hasOption("config") && cl.hasOption("no-config")) {
            throw new UsageException("lint: give --config or --no-config, not both");
        }
        if (cl.hasOption("baseline") && cl.hasOption("write-baseline")) {
            throw new UsageException("lint: give --baseline or --write-baseline, not both (writing a baseline "
                    + "records every finding of the run)");
        }

        Path cwd = Path.of("").toAbsolutePath();
        ConfigResolver configs = configs(cl, cwd);
        Baseline baseline = cl.hasOption("baseline")
                ? Baseline.load(Path.of(cl.getOptionValue("baseline")), cl.getOptionValue("baseline")) : null;
        String writeBaseline = cl.getOptionValue("write-baseline");

        List<FileWalker.Input> inputs = new ArrayList<>();
        for (FileWalker.Input in : FileWalker.expand(paths)) {
            inputs.add(cl.hasOption("skip-non-models") ? new FileWalker.Input(in.path(), in.display(), false) : in);
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
            baseline = Baseline.of(report, file.toAbsolutePath().getParent());
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
            default -> new TextReporter(useColor(color, output), cl.hasOption("fixes"), cl.hasOption("profile"));
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
    private static ConfigResolver configs(CommandLine cl, Path cwd) throws ConfigException {
        if (cl.hasOption("config")) {
            String file = cl.getOptionValue("config");
            return ConfigResolver.of(ConfigFile.load(Path.of(file), file));
        }
        return cl.hasOption("no-config") ? ConfigResolver.none() : ConfigResolver.discovering(cwd);
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

    public static Severity failOn(String v) throws UsageException {
        if (v.equalsIgnoreCase("never")) {
            return null;
        }
        try {
            return Severity.parse(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException("lint: --fail-on must be error, warning, info or never, not '" + v + "'");
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
