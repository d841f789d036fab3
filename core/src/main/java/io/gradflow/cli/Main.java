package io.gradflow.cli;

import io.gradflow.config.ConfigException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.function.IntSupplier;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.ParseException;

/** The gradflow command line: dispatches to a subcommand. */
public final class Main {

    /** Exit code: nothing at or above --fail-on. */
    public static final int CLEAN = 0;
    /** Exit code: a finding reached --fail-on. */
    public static final int FINDINGS = 1;
    /** Exit code: a usage error or an input that could not be read. */
    public static final int USAGE = 2;

    private Main() {
    }

    /** The subcommands, in the order help lists them. */
    static List<Subcommand> commands() {
        List<Subcommand> all = new ArrayList<>(List.of(new LintCommand(), new ConvertCommand(),
                new RulesCommand(), new ExplainCommand()));
        // gradflow verify lives in the verify module, on the path only when the launcher runs it
        for (Subcommand c : ServiceLoader.load(Subcommand.class)) {
            all.add(1, c);
        }
        return all;
    }

    public static void main(String[] args) {
        prewarm();
        System.exit(run(args));
    }

    /**
     * The first String.format of a JVM costs about 25 ms (the formatter and the locale's number
     * symbols), and every report needs one. A daemon thread pays it on the second core while the
     * main thread reads and analyses the models (issue 2: start-up is the product).
     */
    private static void prewarm() {
        // a named class, not a lambda: the first lambda of a JVM sets up method handles (about
        // 10 ms), which this thread should pay too, not the main one before starting it
        Thread t = new Thread(new Prewarm(), "gradflow-prewarm");
        t.setDaemon(true);
        t.start();
    }

    private static final class Prewarm implements Runnable {
        @Override
        public void run() {
            IntSupplier lambda = () -> 1;
            String.format("%s %d %+.2f %.3g %5s", "a", lambda.getAsInt(), 1.0, 1.0, "b");
            String.format(Locale.ROOT, "%s %d %+.2f %.3g", "a", 1, 1.0, 1.0);
        }
    }

    /** Runs on the process's standard streams (UTF-8 whatever the locale) and returns the exit code. */
    public static int run(String... args) {
        return run(new Io(utf8(FileDescriptor.out), utf8(FileDescriptor.err)), args);
    }

    private static PrintWriter utf8(FileDescriptor fd) {
        return new PrintWriter(new OutputStreamWriter(new FileOutputStream(fd), StandardCharsets.UTF_8), false);
    }

    /** Runs with the given streams and returns the exit code (tests call this). */
    public static int run(Io io, String... args) {
        try {
            return dispatch(io, args);
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

    private static int dispatch(Io io, String[] args) throws Exception {
        if (args.length == 0) {
            usage(io.err());
            return USAGE;
        }
        String first = args[0];
        switch (first) {
            case "-h", "--help" -> {
                usage(io.out());
                return CLEAN;
            }
            case "-V", "--version" -> {
                io.out().println("gradflow " + Version.get());
                return CLEAN;
            }
            case "help" -> {
                if (args.length > 1) {
                    help(find(args[1]), io.out());
                } else {
                    usage(io.out());
                }
                return CLEAN;
            }
            default -> { }
        }
        Subcommand cmd = find(first);
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        CommandLine cl;
        try {
            cl = new DefaultParser().parse(cmd.options(), rest);
        } catch (ParseException e) {
            throw new UsageException(cmd.name() + ": " + lowerFirst(e.getMessage())
                    + "\nTry 'gradflow " + cmd.name() + " --help' for usage.");
        }
        if (cl.hasOption("help")) {
            help(cmd, io.out());
            return CLEAN;
        }
        return cmd.run(cl, io);
    }

    private static String lowerFirst(String s) {
        return s == null || s.isEmpty() ? "" : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static Subcommand find(String name) throws UsageException {
        for (Subcommand c : commands()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        if (name.equals("verify")) {
            throw new UsageException("verify needs the verify module (Deeplearning4j) on the class path: run it "
                    + "through the ./gradflow launcher, which builds the module on first use");
        }
        throw new UsageException("unknown command '" + name + "'\nTry 'gradflow --help' for the commands.");
    }

    static void usage(PrintWriter w) {
        w.println("Usage: gradflow COMMAND [OPTIONS] [ARGS]");
        w.println("Predicts vanishing and exploding gradients from a model definition, before training.");
        w.println();
        w.println("Commands:");
        for (Subcommand c : commands()) {
            w.printf("  %-9s %s%n", c.name(), c.summary());
        }
        w.println();
        w.println("Options:");
        w.println("  -h, --help     show this help ('gradflow COMMAND --help' for a command's)");
        w.println("  -V, --version  print the version");
        w.flush();
    }

    static void help(Subcommand c, PrintWriter w) {
        HelpFormatter f = HelpFormatter.builder().setShowSince(false).get();
        f.setWidth(100);
        f.setOptionComparator(null);
        f.printHelp(w, 100, "gradflow " + c.name() + " " + c.synopsis(), c.summary() + "\n\nOptions:",
                c.options(), 2, 2, c.footer().isEmpty() ? "" : "\n" + c.footer(), false);
        w.flush();
    }

    /** The --help option every command has. */
    public static Option helpOption() {
        return Option.builder("h").longOpt("help").desc("show this help").get();
    }
}
