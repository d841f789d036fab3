package io.gradflow.cli;

import io.gradflow.config.ConfigException;
import io.gradflow.engine.Pipeline;
import io.gradflow.engine.Prefetch;
import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.ReadException;
import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonSyntaxException;
import io.gradflow.model.ModelGraph;
import io.gradflow.report.ReportFile;
import io.gradflow.rules.RuleConfig;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.ServiceLoader;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The gradflow command line: picocli parses it into a subcommand and its options; every mistake
 * is answered in gradflow's own words (one line, the closest valid words, exit code 2), never in
 * picocli's.
 */
public final class Main {

    /** Exit code: nothing at or above --fail-on. */
    public static final int CLEAN = 0;
    /** Exit code: a finding reached --fail-on. */
    public static final int FINDINGS = 1;
    /** Exit code: a usage error or an input that could not be read. */
    public static final int USAGE = 2;

    static final String VERIFY_MISSING = "verify needs the verify module (Deeplearning4j) on the class path: run it "
            + "through the ./gradflow launcher, which builds the module on first use";

    /*
     * Every picocli command line registers type converters for java.sql, java.time and
     * java.nio.file types by reflection, initialising those packages: several milliseconds of
     * start-up per run. gradflow's options are strings and files; ".*" leaves all of those out
     * (picocli's documented switch; the simplest pattern, as picocli matches it 17 times a run).
     */
    static {
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", ".*");
        }
    }

    private Main() {
    }

    /**
     * The subcommands, in the order help lists them; their specs are built when a run needs them.
     * {@code plugins}: with those registered through {@link ServiceLoader} (the
     * verify module's), which means opening every jar on the class path (about 3.5 ms of start-up,
     * which `gradflow lint` need not pay). Without them, or when none is found, {@code verify} is
     * a stand-in that says how to get it.
     */
    static List<Subcommand> commands(boolean plugins) {
        List<Subcommand> all = new ArrayList<>();
        all.add(new LintCommand());
        // gradflow verify lives in the verify module, on the path only when the launcher runs it
        boolean verify = false;
        if (plugins) {
            for (Subcommand c : ServiceLoader.load(Subcommand.class)) {
                all.add(c);
                verify |= c.name().equals("verify");
            }
        }
        if (!verify) {
            all.add(new VerifyMissing());
        }
        all.add(new ConvertCommand());
        all.add(new LspCommand());
        all.add(new RulesCommand());
        all.add(new ExplainCommand());
        all.add(new CompletionCommand());
        List<String> names = new ArrayList<>();
        for (Subcommand c : all) {
            names.add(c.name());
        }
        all.add(new HelpCommand(names));
        return all;
    }

    public static void main(String[] args) {
        RawPaths raw = RawPaths.of(args);
        prewarm(args, raw);
        System.exit(run(io(), raw, args));
    }

    /**
     * Start-up work a daemon thread does on the second core while the main thread parses the
     * command line (issue 2: start-up is the product): for {@code lint}, a tiny model read,
     * analysed and checked (see {@link Prewarm#lintTinyModel}); then the first String.format of the
     * JVM (the formatter's classes and its parse of a format: 8-12 ms under {@code Locale.US}, the
     * messages' locale), which every report needs.
     */
    static void prewarm(String[] args) {
        prewarm(args, RawPaths.none());
    }

    private static void prewarm(String[] args, RawPaths raw) {
        boolean lint = args.length > 0 && args[0].equals("lint");
        String file = lint ? likelyFile(args) : null;
        boolean keras = keras(args);
        // announced before the thread starts: the lint then waits for this file rather than reading it too
        Prefetch fetch = file == null ? null
                : Prefetch.announce(raw.path(file), raw.display(file), keras ? new Warm() : null);
        // a named class, not a lambda: the first lambda of a JVM sets up method handles (about
        // 10 ms), which this thread should pay too, not the main one before starting it
        Thread t = new Thread(null, new Prewarm(lint, keras, fetch), "gradflow-prewarm",
                Linter.WORKER_STACK_BYTES);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Lint's flags that take no value: an argument after one of them is a path. Held to lint's
     * options by a test; flags that rewrite files or lint nothing are left out (no guess after them).
     */
    static final Set<String> PLAIN_FLAGS = Set.of("--exit-zero", "--profile", "--fixes", "--statistics", "-q",
            "--quiet", "-v", "--verbose", "--no-config", "--force-exclude", "--no-respect-gitignore",
            "--skip-non-models");

    /**
     * The file {@code gradflow lint ARGS} most likely lints, guessed without parsing the command
     * line (the parse is what the guess runs beside): its last argument, unless that looks like an
     * option or an option's value. A wrong guess only costs the second core's time ({@link Prefetch}).
     */
    static @Nullable String likelyFile(String[] args) {
        if (args.length < 2) {
            return null;
        }
        String last = args[args.length - 1];
        String before = args[args.length - 2];
        if (last.isEmpty() || last.startsWith("-")) {
            return null;
        }
        boolean afterValue = before.startsWith("-") && !before.contains("=") && !PLAIN_FLAGS.contains(before)
                && !before.equals("--");
        return afterValue ? null : last;
    }

    /** Whether the command line names a Keras file (HDF5 or zip; a .json may be either framework's). */
    private static boolean keras(String[] args) {
        for (String a : args) {
            String l = a.toLowerCase(Locale.ROOT);
            if (l.endsWith(".h5") || l.endsWith(".hdf5") || l.endsWith(".keras")) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the lint's thread does when it reaches a fetched Keras file before the fetching thread
     * is done with it: lints the three-layer DL4J model in the jar, whose analysis and rules load,
     * initialise and link the classes the fetched file's analysis and rules are about to need
     * (about 30 ms of CPU, cold). It pays only where the fetch's reading outlasts it: an HDF5 file's
     * reading does (the 20-layer sigmoid example: 127 -> 120 ms wall, A/B), a DL4J JSON file's
     * does not, and there the two threads' analyses and reader set-up ran side by side on two
     * cores and the lint was slower (111 -> 118 ms), so a JSON file's lint just waits.
     */
    static final class Warm implements Runnable {
        @Override
        public void run() {
            Prewarm.lintTinyModel("warmup-dl4j.json");
        }
    }

    static final class Prewarm implements Runnable {
        /** A tiny document with every kind of JSON value, for Jackson's warm-up. */
        private static final byte[] WARM_JSON =
                "{\"layer\": {\"name\": \"d\", \"nOut\": 16, \"rate\": -1.5e-3, \"on\": true, \"x\": [null]}}"
                        .getBytes(StandardCharsets.UTF_8);
        private final boolean lint;
        private final boolean keras;
        private final @Nullable Prefetch fetch;
        /** Whether to parse {@link #WARM_JSON} too: only the formatter's thread beside a prefetch. */
        private final boolean parser;
        /** What the warm-up formatted and found: kept so that the work is a result, not dead code. */
        int length;

        Prewarm(boolean lint, boolean keras, @Nullable Prefetch fetch) {
            this(lint, keras, fetch, false);
        }

        private Prewarm(boolean lint, boolean keras, @Nullable Prefetch fetch, boolean parser) {
            this.lint = lint;
            this.keras = keras;
            this.fetch = fetch;
            this.parser = parser;
        }

        @Override
        public void run() {
            // the file the lint is about to read, read and analysed now (the same classes, and the
            // work itself done beside the parse); else a tiny model to load the classes with
            if (fetch != null) {
                // the fetched file's reading and analysis are now the critical path: the first
                // String.format goes on a thread of its own (the main one idles after the parse)
                Thread format = new Thread(new Prewarm(false, false, null, true), "gradflow-prewarm-format");
                format.setDaemon(true);
                format.start();
                if (fetch.fetch()) {
                    length = 1;
                    return;
                }
            }
            if (lint) {
                length = lintTinyModel(keras ? "warmup-keras.h5" : "warmup-dl4j.json");
            }
            if (fetch != null) {
                // the format thread started above pays for the formatter
                return;
            }
            // Jackson's factory for models' limits and its parser's classes, which the prefetch
            // thread needs as soon as it has the file's bytes (the factory alone was a tenth of a
            // DL4J configuration's cold read); a lint without a prefetch reads the tiny model
            // above, and other commands parse no model
            if (parser) {
                try {
                    length += JsonParser.parse(WARM_JSON, Limits.JSON).isNull() ? 0 : 1;
                } catch (JsonSyntaxException e) {
                    length = -1;
                }
            }
            IntSupplier lambda = () -> 1;
            length += String.format(Locale.US, "%s %d %+.2f %.3g %5s", "a", lambda.getAsInt(), 1.0, 1.0, "b").length()
                    + String.format(Locale.US, "%s %d %+.2f %.3g", "a", 1, 1.0, 1.0).length();
        }

        /**
         * Reads, analyses and checks a small model held in the jar (the 20-layer Keras HDF5
         * example when the command line names a Keras file, else a three-layer DL4J configuration)
         * while the main thread is still parsing the command line (picocli, 40 ms of a one-file
         * lint's critical path): the reader's, the analysis's and the rules' classes are then
         * loaded and initialised, and their lambdas linked, when the real file's worker needs them
         * (issue 17). Nothing it does is seen: any failure, an Error included (a tiny heap), is
         * ignored rather than printed by the thread's default handler, and the caches it fills
         * are the ones files linted side by side share anyway. Returns the findings (none when it
         * failed).
         */
        static int lintTinyModel(String name) {
            try (InputStream in = Main.class.getResourceAsStream(name)) {
                if (in == null) {
                    return 0;
                }
                byte[] bytes = in.readAllBytes();
                ModelGraph g = name.endsWith(".h5") ? ModelLoader.loadHdf5(name, bytes)
                        : Pipeline.readText(name, new String(bytes, StandardCharsets.UTF_8));
                return Pipeline.check(g, RuleConfig.DEFAULT).findings().size();
            } catch (IOException | ReadException | RuntimeException | Error e) {
                return 0;
            }
        }
    }

    /** Runs on the process's standard streams (UTF-8 whatever the locale) and returns the exit code. */
    public static int run(String... args) {
        return run(io(), args);
    }

    /** The process's streams, UTF-8; standard output remembers why a write failed. */
    private static Io io() {
        ReportFile.Failures out = new ReportFile.Failures(new FileOutputStream(FileDescriptor.out));
        return new Io(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), false),
                new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8),
                        false), out);
    }

    /** Runs with the given streams and returns the exit code (tests call this). */
    public static int run(Io io, String... args) {
        return run(io, RawPaths.none(), args);
    }

    private static int run(Io io, RawPaths raw, String... args) {
        try {
            int code = dispatch(io, raw, args);
            // a report that did not reach standard output (a full disk, a closed pipe) fails the run
            String failed = io.outFailure();
            if (failed != null) {
                // a reader that closed the pipe (`| head`) knows; anything else (a full disk) is said
                if (!failed.contains("Broken pipe")) {
                    io.err().println("gradflow: cannot write to standard output: " + failed);
                }
                return USAGE;
            }
            return code;
        } catch (UsageException e) {
            io.err().println("gradflow: " + e.getMessage());
            return USAGE;
        } catch (ConfigException e) {
            // already "path:line:col: error: ...", one line per problem, as editors make clickable
            io.err().println(e.getMessage());
            return USAGE;
        } catch (Exception | StackOverflowError e) {
            io.err().println("gradflow: internal error: " + e + " (please report it; rerun with "
                    + "GRADFLOW_DEBUG=1 for details)");
            if (System.getenv("GRADFLOW_DEBUG") != null) {
                e.printStackTrace(io.err());
            }
            return USAGE;
        } finally {
            io.flush();
        }
    }

    private static int dispatch(Io io, RawPaths raw, String[] args) throws Exception {
        // `gradflow lint ...` parses with lint's spec alone: every command's spec and command line,
        // and the search for plugins, would cost each run milliseconds of start-up. The root
        // command, with every command, answers help, completion, verify and mistakes (which
        // suggest the closest commands). A plain lint command line skips picocli altogether (Args.plain).
        Subcommand named = args.length == 0 ? null : find(commands(false), args[0]);
        if (named instanceof LintCommand || named instanceof ConvertCommand || named instanceof RulesCommand
                || named instanceof ExplainCommand) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            Args plain = named instanceof LintCommand
                    ? Args.plain(named.name(), rest, LintCommand.FLAG_NAMES, LintCommand.ONE_VALUE_NAMES, raw) : null;
            if (plain != null) {
                return named.run(plain, io);
            }
            CommandLine line = new CommandLine(named.spec());
            ParseResult parsed;
            try {
                parsed = line.parseArgs(rest);
            } catch (ParameterException e) {
                throw usageError(e, null, rest);
            }
            if (parsed.isUsageHelpRequested()) {
                usage(line, io.out());
                return CLEAN;
            }
            return named.run(new Args(parsed, line, raw), io);
        }
        List<Subcommand> commands = commands(true);
        List<CommandSpec> specs = new ArrayList<>();
        for (Subcommand c : commands) {
            specs.add(c.spec());
        }
        CommandLine root = commandLine(specs);
        if (args.length == 0) {
            usage(root, io.err());
            return USAGE;
        }
        ParseResult parsed;
        try {
            parsed = root.parseArgs(args);
        } catch (ParameterException e) {
            throw usageError(e, root, args);
        }
        if (parsed.isVersionHelpRequested()) {
            io.out().println("gradflow " + Version.get());
            return CLEAN;
        }
        ParseResult sub = parsed.subcommand();
        if (parsed.isUsageHelpRequested() || sub == null) {
            usage(root, parsed.isUsageHelpRequested() ? io.out() : io.err());
            return parsed.isUsageHelpRequested() ? CLEAN : USAGE;
        }
        if (sub.isUsageHelpRequested()) {
            usage(sub.commandSpec().commandLine(), io.out());
            return CLEAN;
        }
        return commands.get(specs.indexOf(sub.commandSpec())).run(new Args(sub, root, raw), io);
    }

    private static @Nullable Subcommand find(List<Subcommand> commands, String name) {
        for (Subcommand c : commands) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** The command line of the given commands' specs, in that order. */
    static CommandLine commandLine(List<CommandSpec> commands) {
        CommandSpec spec = CommandSpec.create().name("gradflow");
        Specs.usage(spec, "gradflow COMMAND [OPTIONS] [ARGS]",
                "Predicts vanishing and exploding gradients from a model definition, before training.",
                "'gradflow COMMAND --help' (or 'gradflow help COMMAND') shows a command's options.");
        spec.usageMessage().sectionKeys(List.of(UsageMessageSpec.SECTION_KEY_SYNOPSIS_HEADING,
                UsageMessageSpec.SECTION_KEY_SYNOPSIS, UsageMessageSpec.SECTION_KEY_DESCRIPTION_HEADING,
                UsageMessageSpec.SECTION_KEY_DESCRIPTION, UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING,
                UsageMessageSpec.SECTION_KEY_COMMAND_LIST, UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING,
                UsageMessageSpec.SECTION_KEY_OPTION_LIST, UsageMessageSpec.SECTION_KEY_FOOTER_HEADING,
                UsageMessageSpec.SECTION_KEY_FOOTER));
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("show this help ('gradflow COMMAND --help' for a command's)").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).description("print the version")
                .build());
        for (CommandSpec c : commands) {
            spec.addSubcommand(c.name(), c);
        }
        return new CommandLine(spec);
    }

    /** A command's help (the root's: the command list), as plain text. */
    static void usage(CommandLine command, PrintWriter w) {
        command.usage(w, Help.Ansi.OFF);
        w.flush();
    }

    /**
     * What picocli found wrong, in gradflow's words: the command, the mistake, the closest valid
     * words. {@code root} is null when a command was parsed alone.
     */
    static UsageException usageError(ParameterException e, @Nullable CommandLine root, String[] args) {
        CommandLine where = Objects.requireNonNull(e.getCommandLine() == null ? root : e.getCommandLine(),
                "picocli names the command it was parsing");
        boolean top = root != null && where == root;
        String name = where.getCommandSpec().name();
        String prefix = top ? "" : name + ": ";
        String tryHelp = top ? "\nTry 'gradflow --help' for the commands." : "\nTry 'gradflow " + name
                + " --help' for usage.";
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            if (arg.startsWith("-") && arg.length() > 1) {
                String option = arg.startsWith("--") && arg.indexOf('=') > 0 ? arg.substring(0, arg.indexOf('=')) : arg;
                return new UsageException(prefix + "unrecognized option: " + option
                        + Suggest.hint(option, optionNames(where.getCommandSpec())) + tryHelp);
            }
            if (top) {
                return new UsageException("unknown command '" + arg + "'"
                        + Suggest.hint(arg, new ArrayList<>(where.getSubcommands().keySet())) + tryHelp);
            }
            return new UsageException(prefix + "unexpected argument '" + arg + "'" + tryHelp);
        }
        if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec o) {
            return new UsageException(prefix + "option " + name(o) + " needs a value (" + o.paramLabel() + ")"
                    + tryHelp);
        }
        // `--fixes=yes`: picocli does not say which option
        for (OptionSpec o : where.getCommandSpec().options()) {
            for (String n : o.names()) {
                for (String a : args) {
                    if (o.arity().max() == 0 && a.startsWith(n + "=")) {
                        return new UsageException(prefix + "option " + n + " takes no value" + tryHelp);
                    }
                }
            }
        }
        ArgSpec arg = e.getArgSpec();
        // nothing else can go wrong with string-valued options today; should it, say where, not how picocli puts it
        String value = e.getValue();
        return new UsageException(prefix + (arg instanceof OptionSpec o ? "bad use of option " + name(o)
                : value != null ? "cannot use the argument '" + value + "'" : "cannot read the command line") + tryHelp);
    }

    /** How messages name an option: its first long name ({@code --format}, not its alias {@code --output-format}). */
    private static String name(OptionSpec o) {
        for (String n : o.names()) {
            if (n.startsWith("--")) {
                return n;
            }
        }
        return o.longestName();
    }

    /** Every name of every option of a command, for suggestions. */
    private static List<String> optionNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()) {
                names.addAll(List.of(o.names()));
            }
        }
        return names;
    }
}
