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
import io.gradflow.engine.Pipeline;
import io.gradflow.ingest.ReadException;
import io.gradflow.report.InputError;
import io.gradflow.report.ModelResult;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.Severity;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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

    /** Where a model's weights come from. */
    static final List<String> WEIGHTS = List.of("fresh", "file");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(name(),
                "Build the network with Deeplearning4j, train a few steps and compare measured with predicted gradients.",
                "[OPTIONS] MODEL...",
                "The network is built from gradflow's own reading of the file, whatever its format, and its weights\n"
                        + "drawn as the file's framework draws them. Inputs are synthetic: zero-mean, unit-variance Gaussian\n"
                        + "features shaped from the model's inputs, labels that fit each output's loss. Deeplearning4j runs\n"
                        + "in a process of its own: a crash there loses one model, never the run. ND4J's CPU backend by\n"
                        + "default; build with -Pcuda for CUDA.\n\n"
                        + "Exit codes: as for lint (0, 1 when a finding reaches --fail-on, 2 for usage errors and\n"
                        + "models that cannot be read or verified).");
        Specs.value(spec, "N", "training steps after the measurement at initialisation (default: 10)", "--steps");
        Specs.value(spec, "B", "examples per synthetic batch (default: 32)", "--batch");
        Specs.value(spec, "S", "seed of the initialisation and the synthetic data (default: 42)", "--seed");
        Specs.value(spec, "K", "batches averaged per measurement (default: 4)", "--probe-batches");
        Specs.value(spec, "SECONDS", "time one model may take before it is stopped and the next begins (default: "
                + (int) Verifier.Options.DEFAULT_BUDGET + "; 0: no limit)", "--time-budget");
        Specs.choice(spec, "FROM", WEIGHTS, "fresh (default): drawn as the file's framework would; file: the weights "
                + "a DL4J zip or Keras HDF5 file stores", "--weights");
        Specs.flag(spec, "draw fresh weights (the default; kept for older scripts)", "--reinit");
        Specs.value(spec, "SIZE", "refuse a network whose training needs more (512m, 8g; default: what ND4J\n"
                + "  and the machine allow)", "--max-memory");
        Specs.choice(spec, "FORMAT", FORMATS, "text (default), json or html", "-f", "--format");
        Specs.choice(spec, "LEVEL", LintCommand.FAIL_ON,
                "exit 1 when a finding reaches LEVEL (default: error)", "--fail-on");
        Specs.file(spec, "FILE", "write the report to FILE", "-o", "--output");
        Specs.arguments(spec, "MODEL", "a model file or a directory of them, as for lint (DL4J JSON or zip, Keras, "
                + "gradflow DSL)", true);
        return spec;
    }

    @Override
    public int run(Args cl, Io io) throws Exception {
        List<String> paths = cl.arguments();
        if (paths.isEmpty()) {
            throw new UsageException("verify: no MODEL given\nTry 'gradflow verify --help' for usage.");
        }
        String format = cl.value("--format", "text").toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new UsageException("verify: --format must be text, json or html, not '" + format + "'"
                    + Suggest.hint(format, FORMATS));
        }
        String weights = cl.value("--weights", "fresh");
        if (!WEIGHTS.contains(weights)) {
            throw new UsageException("verify: --weights must be fresh or file, not '" + weights + "'"
                    + Suggest.hint(weights, WEIGHTS));
        }
        if (cl.has("--reinit") && weights.equals("file")) {
            throw new UsageException("verify: --reinit and --weights file contradict each other: choose one");
        }
        Severity threshold = LintCommand.failOn("verify", cl.value("--fail-on", "error"));
        double maxMemory = 0;
        String maxMemoryArg = cl.value("--max-memory");
        if (maxMemoryArg != null) {
            try {
                maxMemory = MemoryBudget.parse(maxMemoryArg);
            } catch (NumberFormatException e) {
                throw new UsageException("verify: --max-memory must be a size such as 512m or 8g, not '"
                        + maxMemoryArg + "'");
            }
        }
        Verifier.Options opts = new Verifier.Options(positive(cl, "steps", 10, 0), positive(cl, "batch", 32, 1),
                longOpt(cl, "seed", 42), positive(cl, "probe-batches", 4, 1),
                cl.has("--time-budget") ? number(cl, "time-budget") : Verifier.Options.DEFAULT_BUDGET,
                weights.equals("file"), Verifier.Options.DEFAULT.timeSteps(), maxMemory);
        List<FileWalker.Input> inputs = FileWalker.expand(paths);
        if (cl.has("--output")) {
            LintCommand.refuseToOverwriteAnInput("--output", Path.of(cl.value("--output")), inputs);
        }
        Path cwd = Path.of("").toAbsolutePath();
        ConfigResolver configs = ConfigResolver.discovering(cwd);
        Map<Path, RuleConfig> perFile = new HashMap<>();
        for (FileWalker.Input in : inputs) {
            perFile.put(in.path(), configs.forFile(in.path()));
        }

        // the prediction, here and in pure Java: only the measurement runs in the other process
        List<Job> jobs = new ArrayList<>();
        List<InputError> errors = new ArrayList<>();
        for (FileWalker.Input in : inputs) {
            try {
                RuleConfig config = Objects.requireNonNull(perFile.get(in.path()), "every input has its configuration");
                ModelResult lint = Pipeline.check(Pipeline.read(in.path(), in.display()), config, opts.batch());
                jobs.add(new Job(in, lint, config));
            } catch (ReadException e) {
                if (e.isNotAModel() && !in.explicit()) {
                    continue;
                }
                for (ReadException.Problem p : e.problems()) {
                    errors.add(new InputError(in.display(), p.pos().line(), p.pos().column(), p.pos().pointer(),
                            p.message()));
                }
            } catch (RuntimeException | StackOverflowError e) {
                errors.add(new InputError(in.display(), 0, 0, "", "gradflow could not analyse this file "
                        + "(internal error: " + e + "); please report it"));
            }
        }
        List<VerifyReport> reports = new ArrayList<>();
        if (!jobs.isEmpty()) {
            new Runs(opts, cwd, io.err()).measure(jobs, reports, errors);
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

    /** A model to measure: the file, its prediction and its configuration. */
    record Job(FileWalker.Input input, ModelResult lint, RuleConfig config) { }

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
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException("verify: --" + opt + " must be a number of seconds (0 for no limit), not '"
                    + cl.value("--" + opt) + "'");
        }
    }
}
