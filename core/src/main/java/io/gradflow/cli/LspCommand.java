package io.gradflow.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gradflow lsp}: the language server, speaking LSP over standard input and output until the
 * editor says exit. The server's classes (and LSP4J's) are loaded only here, never by lint.
 */
final class LspCommand implements Subcommand {

    @Override
    public String name() {
        return "lsp";
    }

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(name(), "Run the language server: LSP over standard input and output, "
                        + "for editors.", "[--stdio]",
                "Diagnostics for .gflow, DL4J JSON and Keras JSON documents as they are opened, changed and saved;\n"
                        + "code actions from the fixes of lint --fix; hover on a layer for its predicted scale.\n"
                        + "Each document gets the configuration of the nearest gradflow.json above it.");
        Specs.flag(spec, "talk over standard input and output (the only transport; accepted for clients that pass it)",
                "--stdio");
        Specs.unlistedArguments(spec);
        return spec;
    }

    @Override
    public int run(Args cl, Io io) throws Exception {
        List<String> args = cl.arguments();
        if (!args.isEmpty()) {
            throw new UsageException("lsp: unexpected argument '" + args.get(0) + "' (the server talks over standard "
                    + "input and output)\nTry 'gradflow lsp --help' for usage.");
        }
        io.flush();
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        // the protocol owns standard output: anything else printed there would corrupt it
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        return LspLauncher.run(new FileInputStream(FileDescriptor.in), out, Version.get(), Version.rulesUrl());
    }
}
