package io.gradflow.verify;

import io.gradflow.cli.Args;
import io.gradflow.cli.FileWalker;
import io.gradflow.cli.Io;
import io.gradflow.cli.LintCommand;
import io.gradflow.cli.Main;
import io.gradflow.cli.Specs;
import io.gradflow.cli.Subcommand;
import io.gradflow.cli.Suggest;
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
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gradflow verify}: a short real training run with Deeplearning4j to confirm the
 * prediction. The core's command line finds it through {@link java.util.ServiceLoader} when the
 * launcher puts this module on the class path.
 */
public final class VerifyCommand implements Subcommand {

    static final List<String> FORMATS = List.of("text", "json", "html");

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(name(),
                "Build the network with Deeplearning4j, train a few steps and compare measured with predicted gradients.",
                "[OPTIONS] MODEL...",
                "Inputs are synthetic: zero-mean, unit-variance Gaussian features shaped from the model's inputs,\n"
                        + "labels that fit each output's loss. ND4J's CPU backend by default; build with -Pcuda for CUDA.\n\n"
                        + "Exit codes: as for lint (0, 1 when a finding reaches --fail-on, 2 for usage errors and\n"
                        + "models that cannot be read or built).");
        Specs.value(spec, "N", "training steps after the measurement at initialisation (default: 10)", "--steps");
        Specs.value(spec, "B", "examples per synthetic batch (default: 32)", "--batch");
        Specs.value(spec, "S", "seed of the initialisation and the synthetic data (default: 42)", "--seed");
        Specs.value(spec, "K", "batches averaged per measurement (default: 4)", "--probe-batches");
        Specs.value(spec, "SECONDS", "stop training after this many seconds and say what was cut", "--time-budget");
        Specs.flag(spec, "initialise fresh weights even when the file has some", "--reinit");
        Specs.value(spec, "SIZE", "refuse a network whose training needs more (512m, 8g; default: what ND4J\n"
                + "  and the machine allow)", "--max-memory");
        Specs.choice(spec, "FORMAT", FORMATS, "text (default), json or html", "-f", "--format");
        Specs.choice(spec, "LEVEL", LintCommand.FAIL_ON,
                "exit 1 when a finding reaches LEVEL (default: error)", "--fail-on");
        Specs.file(spec, "FILE", "write the report to FILE", "-o", "--output");
        Specs.arguments(spec, "MODEL", "a model file, as for lint (DL4J JSON or zip, Keras, gradflow DSL)", true);
        return spec;
    }

    @Override
    public int run(Args cl, Io io) throws Exception {
        List<String> files = cl.arguments();
        if (files.isEmpty()) {
            throw new UsageException("verify: no MODEL given\nTry 'gradflow verify --help' for usage.");
        }
        String format = cl.value("--format", "text").toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new UsageException("verify: --format must be text, json or html, not '" + format + "'"
                    + Suggest.hint(format, FORMATS));
        }
        Severity threshold = LintCommand.failOn("verify", cl.value("--fail-on", "error"));
        double maxMemory = 0;
        if (cl.has("--max-memory")) {
            try {
                maxMemory = MemoryBudget.parse(cl.value("--max-memory"));
            } catch (NumberFormatException e) {
                throw new UsageException("verify: --max-memory must be a size such as 512m or 8g, not '"
                        + cl.value("--max-memory") + "'");
            }
        }
        if (cl.has("--output")) {
            List<FileWalker.Input> inputs = new ArrayList<>();
            files.forEach(f -> inputs.add(new FileWalker.Input(Path.of(f), f, true)));
            LintCommand.refuseToOverwriteAnInput("--output", Path.of(cl.value("--output")), inputs);
        }
        ConfigResolver configs = ConfigResolver.discovering(Path.of("").toAbsolutePath());
        List<VerifyReport> reports = new ArrayList<>();
        List<InputError> errors = new ArrayList<>();
        for (String f : files) {
            try {
                RuleConfig config = configs.forFile(Path.of(f));
                Verifier.Options o = new Verifier.Options(positive(cl, "steps", 10, 0), positive(cl, "batch", 32, 1),
                        longOpt(cl, "seed", 42), positive(cl, "probe-batches", 4, 1),
                        cl.has("--time-budget") ? number(cl, "time-budget") : 0, cl.has("--reinit"), config, maxMemory);
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
        PrintWriter out = cl.has("--output") ? new PrintWriter(new OutputStreamWriter(
                new FileOutputStream(cl.value("--output")), StandardCharsets.UTF_8)) : io.out();
        if (format.equals("json")) {
            VerifyReporter.json(reports, errors, Version.get(), out);
        } else if (format.equals("html")) {
            VerifyReporter.html(reports, errors, Version.get(), out);
        } else {
            VerifyReporter.text(reports, errors, out);
        }
        out.flush();
        if (cl.has("--output")) {
            out.close();
        }
        if (!errors.isEmpty()) {
            return Main.USAGE;
        }
        boolean reached = threshold != null && reports.stream().flatMap(r -> r.lint().findings().stream())
                .anyMatch(x -> x.severity().atLeast(threshold));
        return reached ? Main.FINDINGS : Main.CLEAN;
    }

    private static int positive(Args cl, String opt, int dflt, int min) throws UsageException {
        if (!cl.has("--" + opt)) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(cl.value("--" + opt));
            if (v < min) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException("verify: --" + opt + " must be a whole number of at least " + min + ", not '"
                    + cl.value("--" + opt) + "'");
        }
    }

    private static long longOpt(Args cl, String opt, long dflt) throws UsageException {
        try {
            return cl.has("--" + opt) ? Long.parseLong(cl.value("--" + opt)) : dflt;
        } catch (NumberFormatException e) {
            throw new UsageException("verify: --" + opt + " must be a whole number, not '" + cl.value("--" + opt) + "'");
        }
    }

    private static double number(Args cl, String opt) throws UsageException {
        try {
            double d = Double.parseDouble(cl.value("--" + opt));
            if (!(d > 0)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException("verify: --" + opt + " must be a positive number of seconds, not '"
                    + cl.value("--" + opt) + "'");
        }
    }
}
