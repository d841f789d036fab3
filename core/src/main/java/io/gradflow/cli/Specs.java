package io.gradflow.cli;

import java.io.File;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * gradflow's commands are described with picocli's builders, never its annotations: reading
 * annotations reflects over every command class at start-up, which once cost a one-file lint
 * about 100 ms. Every command is parsed the same way (see {@link #command}).
 *
 * <p>All values are strings; the commands check them and word their own messages (the closest
 * valid values included). Options and arguments that name files have the type {@link File} only
 * so that shell completion completes file names; read them with {@link Args#value}.
 */
public final class Specs {

    /** Help text is wrapped at this width, as it always was. */
    static final int WIDTH = 100;

    private Specs() {
    }

    /**
     * A command with gradflow's parsing rules and a {@code -h, --help} option. Here and in the
     * other helpers, "\n" starts a new line of help and "%" is a percent sign. picocli's wrapping
     * breaks words at dots ("gradflow.\njson"): a description with file names that needs more than
     * one line breaks itself, indenting its next lines by two as picocli does.
     */
    public static CommandSpec command(String name, String summary, String synopsis, String footer) {
        CommandSpec spec = CommandSpec.create().name(name);
        usage(spec, "gradflow " + name + (synopsis.isEmpty() ? "" : " " + synopsis), summary, footer);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help").build());
        return spec;
    }

    /** The help layout and the parser's rules; {@link #command} applies them, the root command too. */
    static void usage(CommandSpec spec, String synopsis, String summary, String footer) {
        spec.usageMessage()
                .customSynopsis(literal(synopsis))
                .description(literal(summary))
                .synopsisHeading("Usage: ")
                .descriptionHeading("")
                .parameterListHeading("")
                .optionListHeading("%nOptions:%n")
                .commandListHeading("%nCommands:%n")
                .footer(footer.isEmpty() ? new String[0] : lines("\n" + footer))
                .sortOptions(false)
                .abbreviateSynopsis(true)
                .width(WIDTH)
                .longOptionsMaxWidth(24);
        spec.parser()
                // an option is spelled out: `--fix` must never be taken for `--fixes` (a future flag)
                .abbreviatedOptionsAllowed(false)
                .abbreviatedSubcommandsAllowed(false)
                // `@file` is a path like any other, not a file of arguments
                .expandAtFiles(false)
                // a repeated option keeps its first value, as the command line always did
                .overwrittenOptionsAllowed(true)
                // `-o -report.txt`: a value that looks like an unknown option is still the value
                .unmatchedOptionsAllowedAsOptionParameters(true);
    }

    /** {@code --name LABEL}: a string value. */
    public static void value(CommandSpec spec, String label, String description, String... names) {
        spec.addOption(OptionSpec.builder(names).paramLabel(label).arity("1").type(String.class)
                .description(lines(description)).build());
    }

    /** {@code --name FILE}: a path (completed as a file name by the shell). */
    public static void file(CommandSpec spec, String label, String description, String... names) {
        spec.addOption(OptionSpec.builder(names).paramLabel(label).arity("1").type(File.class)
                .description(lines(description)).build());
    }

    /** {@code --name LABEL} with a fixed set of values, which shell completion offers. */
    public static void choice(CommandSpec spec, String label, List<String> values, String description,
            String... names) {
        spec.addOption(OptionSpec.builder(names).paramLabel(label).arity("1").type(String.class)
                .completionCandidates(values).description(lines(description)).build());
    }

    /**
     * {@code --name A,B}: a list of values, comma-separated, the option given as often as one
     * likes (ruff's {@code --select GF001,GF005 --select GF010}); {@code candidates} for completion.
     */
    public static void list(CommandSpec spec, String label, @Nullable Iterable<String> candidates, String description,
            String... names) {
        OptionSpec.Builder b = OptionSpec.builder(names).paramLabel(label).arity("1").type(List.class)
                .auxiliaryTypes(String.class).splitRegex(",").description(lines(description));
        if (candidates != null) {
            b.completionCandidates(candidates);
        }
        spec.addOption(b.build());
    }

    /** {@code --name}: a flag. */
    public static void flag(CommandSpec spec, String description, String... names) {
        spec.addOption(OptionSpec.builder(names).arity("0").type(boolean.class).description(lines(description))
                .build());
    }

    /**
     * The command's arguments ({@code PATH...}): any number, so that the command itself says what
     * is missing or too many, in its own words. {@code files}: complete them as file names.
     */
    public static void arguments(CommandSpec spec, String label, String description, boolean files) {
        spec.usageMessage().parameterListHeading("%nArguments:%n");
        spec.addPositional(PositionalParamSpec.builder().paramLabel(label).hideParamSyntax(true).arity("0..*")
                .type(files ? File[].class : String[].class).description(lines(description)).build());
    }

    /** Like {@link #arguments}, offering {@code values} for completion. */
    public static void arguments(CommandSpec spec, String label, String description, List<String> values) {
        spec.usageMessage().parameterListHeading("%nArguments:%n");
        spec.addPositional(PositionalParamSpec.builder().paramLabel(label).hideParamSyntax(true).arity("0..*")
                .type(String[].class)
                .completionCandidates(values).description(lines(description)).build());
    }

    /**
     * Arguments for a command that takes none, left out of its help and completion: the command
     * answers them itself ("unexpected argument 'x' ..."), with a pointer to what was meant.
     */
    public static void unlistedArguments(CommandSpec spec) {
        spec.addPositional(PositionalParamSpec.builder().paramLabel("ARG").arity("0..*").type(String[].class)
                .hidden(true).build());
    }

    /** picocli formats help text with String.format: a "%" in ours is a percent sign. */
    static String literal(String text) {
        return text.replace("%", "%%");
    }

    static String[] lines(String text) {
        String[] l = text.split("\n", -1);
        for (int i = 0; i < l.length; i++) {
            l[i] = literal(l[i]);
        }
        return l;
    }
}
