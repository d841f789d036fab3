package io.gradflow.cli;

import io.gradflow.convert.ConvertException;
import io.gradflow.convert.Dl4jJsonWriter;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.Format;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.SourcePos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gradflow convert}: writes a DSL model as a framework configuration. Loads no DL4J. */
final class ConvertCommand implements Subcommand {

    static final List<String> TARGETS = List.of("dl4j-json");

    @Override
    public String name() {
        return "convert";
    }

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(name(), "Convert a gradflow DSL model to a framework configuration.",
                "FILE --to dl4j-json [-o OUT]",
                "dl4j-json is a " + Dl4jJsonWriter.TARGET + " configuration, as MultiLayerConfiguration.fromJson or\n"
                        + "ComputationGraphConfiguration.fromJson read it. Inline suppressions are not carried over.\n\n"
                        + "Exit codes: 0 written; 2 usage error, or a model that cannot be read or converted.");
        Specs.choice(spec, "FORMAT", TARGETS, "target format: " + String.join(", ", TARGETS), "--to");
        Specs.file(spec, "OUT", "write to OUT instead of standard output (never the input file)", "-o", "--output");
        Specs.arguments(spec, "FILE", "a gradflow DSL model (" + ModelLoader.DSL_EXTENSION + ")", true);
        return spec;
    }

    @Override
    public int run(Args cl, Io io) throws Exception {
        List<String> args = cl.arguments();
        if (args.size() != 1) {
            throw new UsageException("convert: " + (args.isEmpty() ? "no FILE given" : "one FILE at a time, got "
                    + args.size()) + "\nTry 'gradflow convert --help' for usage.");
        }
        String to = cl.value("--to");
        if (to == null) {
            throw new UsageException("convert: --to is required (one of " + String.join(", ", TARGETS) + ")");
        }
        if (!TARGETS.contains(to)) {
            throw new UsageException("convert: unknown --to '" + to + "'" + Suggest.hintOrList(to, TARGETS));
        }
        String given = args.get(0);
        Path in = cl.path(given);
        String file = cl.display(given);
        String output = cl.value("--output");
        if (output != null && same(in, cl.path(output))) {
            throw new UsageException("convert: refusing to write over the input file " + file + "; choose another -o");
        }

        ModelGraph g;
        try {
            g = ModelLoader.load(in, file);
        } catch (ReadException e) {
            for (ReadException.Problem p : e.problems()) {
                io.err().println(location(file, p.pos()) + "error: " + p.message());
            }
            return Main.USAGE;
        }
        if (g.format() != Format.GRADFLOW_DSL) {
            io.err().println(file + ": error: convert reads gradflow DSL models (" + ModelLoader.DSL_EXTENSION
                    + "); this is a " + g.format().id() + " model");
            return Main.USAGE;
        }
        String json;
        try {
            json = Dl4jJsonWriter.write(g);
        } catch (ConvertException e) {
            for (ConvertException.Problem p : e.problems()) {
                io.err().println(location(file, p.pos()) + "error: " + p.message());
            }
            return Main.USAGE;
        }
        if (output == null) {
            io.out().print(json);
        } else {
            LintCommand.writeFile("convert", "the model", cl.path(output), cl.display(output), out -> out.print(json));
        }
        return Main.CLEAN;
    }

    /** Whether two paths name the same file, even through links or different spellings. */
    private static boolean same(Path a, Path b) throws IOException {
        if (Files.exists(a) && Files.exists(b)) {
            return Files.isSameFile(a, b);
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private static String location(String file, SourcePos p) {
        return p.line() > 0 ? file + ":" + p.line() + ":" + Math.max(p.column(), 1) + ": " : file + ": ";
    }
}
