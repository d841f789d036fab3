package io.gradflow.cli;

import io.gradflow.report.JsonReporter;
import io.gradflow.report.LintReport;
import io.gradflow.report.Reporter;
import io.gradflow.report.TextReporter;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.Severity;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code gradflow lint}: the static check. Loads no ND4J and no native code. */
final class LintCommand implements Subcommand {

    static final List<String> FORMATS = List.of("text", "json");

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
                + "directory to walk.\n\nExit codes: 0 no finding at or above --fail-on; 1 a finding at or above "
                + "--fail-on;\n2 usage error, or an input that could not be read.";
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

        LintReport report = new Linter(RuleConfig.DEFAULT).lint(paths);
        Reporter reporter = switch (format) {
            case "json" -> new JsonReporter(Version.get());
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

    static Severity failOn(String v) throws UsageException {
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
