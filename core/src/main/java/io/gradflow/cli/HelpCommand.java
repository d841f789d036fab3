package io.gradflow.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gradflow help [COMMAND]}: the command list, or one command's help. */
final class HelpCommand implements Subcommand {

    private final List<String> commands;

    /** {@code commands}: the other commands' names, which completion offers. */
    HelpCommand(List<String> commands) {
        this.commands = List.copyOf(commands);
    }

    @Override
    public String name() {
        return "help";
    }

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(name(), "Show the commands, or a command's options.", "[COMMAND]", "");
        Specs.arguments(spec, "COMMAND", "the command to show the options of", commands);
        return spec;
    }

    @Override
    public int run(Args args, Io io) throws UsageException {
        List<String> wanted = args.arguments();
        CommandLine root = args.root();
        if (wanted.isEmpty()) {
            Main.usage(root, io.out());
            return Main.CLEAN;
        }
        if (wanted.size() > 1) {
            throw new UsageException("help: one COMMAND at a time, got " + wanted.size()
                    + "\nTry 'gradflow help --help' for usage.");
        }
        CommandLine command = root.getSubcommands().get(wanted.get(0));
        if (command == null) {
            throw new UsageException("help: unknown command '" + wanted.get(0) + "'"
                    + Suggest.hint(wanted.get(0), new ArrayList<>(root.getSubcommands().keySet()))
                    + "\nTry 'gradflow --help' for the commands.");
        }
        Main.usage(command, io.out());
        return Main.CLEAN;
    }
}
