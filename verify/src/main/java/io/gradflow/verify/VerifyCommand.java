package io.gradflow.verify;

import io.gradflow.cli.FileWalker;
import io.gradflow.cli.Io;
import io.gradflow.cli.LintCommand;
import io.gradflow.cli.Main;
import io.gradflow.cli.Subcommand;
import io.gradflow.cli.UsageException;
import io.gradflow.cli.Version;
import io.gradflow.config.ConfigResolver;
import io.gradflow.ingest.ReadException;
import io.gradflow.report.InputError;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.Severity;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code gradflow verify}: a short real training run with Deeplearning4j to confirm the
 * prediction. The core's command line finds it through {@link java.util.ServiceLoader} when the
 * launcher puts this module on the class path.
 */
public final class VerifyCommand implements Subcommand {

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String summary() {
        return "Build the network with Deeplearning4j, train a few steps and compare measured with predicted gradients.";
    }

    @Override
    public String synopsis() {
        return "[OPTIONS] MODEL...";
    }

    @Override
    public String footer() {
        return "Inputs are synthetic: zero-mean, unit-variance Gaussian features shaped from the model's inputs,\n"
                + "labels that fit each output's loss. ND4J's CPU backend by default; build with -Pcuda for CUDA.\n\n"
                + "Exit codes: as for lint (0, 1 when a finding reaches --fail-on, 2 for usage errors and\n"
                + "models that cannot be read or built).";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("steps").hasArg().argName("N")
                        .desc("training steps after the measurement at initialisation (default: 10)").get())
                .addOption(Option.builder().longOpt("batch").hasArg().argName("B")
                        .desc("examples per synthetic batch (default: 32)").get())
                .addOption(Option.builder().longOpt("seed").hasArg().argName("S")
                        .desc("seed of the initialisation and the synthetic data (default: 42)").get())
                .addOption(Option.builder().longOpt("probe-batches").hasArg().argName("K")
                        .desc("batches averaged per measurement (default: 4)").get())
                .addOption(Option.builder().longOpt("time-budget").hasArg().argName("SECONDS")
                        .desc("stop training after this many seconds and say what was cut").get())
                .addOption(Option.builder().longOpt("reinit")
                        .desc("initialise fresh weights even when the file has some").get())
                .addOption(Option.builder("f").longOpt("format").hasArg().argName("FORMAT")
                        .desc("text (default) or json").get())
                .addOption(Option.builder().longOpt("fail-on").hasArg().argName("LEVEL")
                        .desc("exit 1 when a finding reaches LEVEL (default: error)").get())
                .addOption(Option.builder("o").longOpt("output").hasArg().argName("FILE")
                        .desc("write the report to FILE").get())
                .addOption(Main.helpOption());
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        List<String> files = cl.getArgList();
        if (files.isEmpty()) {
            throw new UsageException("verify: no MODEL given\nTry 'gradflow verify --help' for usage.");
        }
        String format = cl.getOptionValue("format", "text").toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new UsageException("verify: --format must be text or json, not '" + format + "'");
        }
        Severity threshold = LintCommand.failOn(cl.getOptionValue("fail-on", "error"));
        if (cl.hasOption("output")) {
            List<FileWalker.Input> inputs = new ArrayList<>();
            files.forEach(f -> inputs.add(new FileWalker.Input(Path.of(f), f, true)));
            LintCommand.refuseToOverwriteAnInput("--output", Path.of(cl.getOptionValue("output")), inputs);
        }
        ConfigResolver configs = ConfigResolver.discovering(Path.of("").toAbsolutePath());
        List<VerifyReport> reports = new ArrayList<>();
        List<InputError> errors = new ArrayList<>();
        for (String f : files) {
            try {
                RuleConfig config = configs.forFile(Path.of(f));
                Verifier.Options o = new Verifier.Options(positive(cl, "steps", 10, 0), positive(cl, "batch", 32, 1),
                        longOpt(cl, "seed", 42), positive(cl, "probe-batches", 4, 1),
                        cl.hasOption("time-budget") ? number(cl, "time-budget") : 0, cl.hasOption("reinit"), config);
                reports.add(new Verifier(o, io.err()).verify(Path.of(f), f));
            } catch (ReadException e) {
                errors.add(new InputError(f, e.pos().line(), e.pos().column(), e.pos().pointer(), e.getMessage()));
            } catch (VerifyException e) {
                if (System.getenv("GRADFLOW_DEBUG") != null && e.getCause() != null) {
                    e.getCause().printStackTrace();
                }
                errors.add(new InputError(f, 0, 0, "", "cannot verify: " + e.getMessage()));
            }
        }
        PrintWriter out = cl.hasOption("output") ? new PrintWriter(new OutputStreamWriter(
                new FileOutputStream(cl.getOptionValue("output")), StandardCharsets.UTF_8)) : io.out();
        if (format.equals("json")) {
            VerifyReporter.json(reports, errors, Version.get(), out);
        } else {
            VerifyReporter.text(reports, errors, out);
        }
        out.flush();
        if (cl.hasOption("output")) {
            out.close();
        }
        if (!errors.isEmpty()) {
            return Main.USAGE;
        }
        boolean reached = threshold != null && reports.stream().flatMap(r -> r.lint().findings().stream())
                .anyMatch(x -> x.severity().atLeast(threshold));
        return reached ? Main.FINDINGS : Main.CLEAN;
    }

    private static int positive(CommandLine cl, String opt, int dflt, int min) throws UsageException {
        if (!cl.hasOption(opt)) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(cl.getOptionValue(opt));
            if (v < min) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException("verify: --" + opt + " must be a whole number of at least " + min + ", not '"
                    + cl.getOptionValue(opt) + "'");
        }
    }

    private static long longOpt(CommandLine cl, String opt, long dflt) throws UsageException {
        try {
            return cl.hasOption(opt) ? Long.parseLong(cl.getOptionValue(opt)) : dflt;
        } catch (NumberFormatException e) {
            throw new UsageException("verify: --" + opt + " must be a whole number, not '" + cl.getOptionValue(opt) + "'");
        }
    }

    private static double number(CommandLine cl, String opt) throws UsageException {
        try {
            double d = Double.parseDouble(cl.getOptionValue(opt));
            if (!(d > 0)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException("verify: --" + opt + " must be a positive number of seconds, not '"
                    + cl.getOptionValue(opt) + "'");
        }
    }
}
