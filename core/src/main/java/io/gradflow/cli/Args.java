package io.gradflow.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/** What one command was given: its options by name ({@code "--format"}) and its arguments, as typed. */
public final class Args {

    private final String command;
    // every name of every option given (its aliases too) -> the values it was given, as typed
    private final Map<String, List<String>> options;
    private final List<String> arguments;
    private final @Nullable CommandLine root;
    private final RawPaths raw;

    Args(ParseResult parsed, CommandLine root) {
        this(parsed, root, RawPaths.none());
    }

    Args(ParseResult parsed, CommandLine root, RawPaths raw) {
        this(parsed.commandSpec().name(), given(parsed), arguments(parsed), root, raw);
    }

    private Args(String command, Map<String, List<String>> options, List<String> arguments,
            @Nullable CommandLine root, RawPaths raw) {
        this.command = command;
        this.options = options;
        this.arguments = arguments;
        this.root = root;
        this.raw = raw;
    }

    private static Map<String, List<String>> given(ParseResult parsed) {
        Map<String, List<String>> options = new HashMap<>();
        for (OptionSpec o : parsed.matchedOptions()) {
            for (String name : o.names()) {
                options.put(name, o.stringValues());
            }
        }
        return options;
    }

    private static List<String> arguments(ParseResult parsed) {
        List<String> all = new ArrayList<>();
        for (PositionalParamSpec p : parsed.commandSpec().positionalParameters()) {
            all.addAll(p.stringValues());
        }
        return all;
    }

    /**
     * A command line read without picocli, when it is plain enough that picocli could only read it
     * one way: every word a {@code flags} name, a {@code valued} name followed by its value, or an
     * argument; no option twice, no value or argument that is empty or starts with "-", no "--",
     * no "--name=value", no clustered or attached short options. Anything else (help, a mistake, a
     * list option) is null: picocli parses it and words its help and mistakes. Building picocli's
     * command line is a third of the main thread's work in a one-file lint (issue 17). {@code
     * flags} and {@code valued} are alias groups of the command's options, as its spec names them.
     */
    static @Nullable Args plain(String command, String[] words, List<List<String>> flags, List<List<String>> valued,
            RawPaths raw) {
        Map<String, List<String>> options = new HashMap<>();
        List<String> arguments = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w.isEmpty()) {
                return null;
            }
            if (!w.startsWith("-")) {
                arguments.add(w);
                continue;
            }
            List<String> names = group(flags, w);
            List<String> values = List.of();
            if (names == null) {
                names = group(valued, w);
                if (names == null || i + 1 == words.length || words[i + 1].isEmpty() || words[i + 1].startsWith("-")) {
                    return null;
                }
                values = List.of(words[++i]);
            }
            if (options.containsKey(w)) {
                return null;
            }
            for (String n : names) {
                options.put(n, values);
            }
        }
        return new Args(command, options, arguments, null, raw);
    }

    private static @Nullable List<String> group(List<List<String>> groups, String name) {
        for (List<String> g : groups) {
            if (g.contains(name)) {
                return g;
            }
        }
        return null;
    }

    /** The file an argument or option value names, whatever the locale made of its bytes. */
    public Path path(String value) {
        return raw.path(value);
    }

    /** How reports name an argument or option value (its bytes, escaped, where the locale garbled it). */
    public String display(String value) {
        return raw.display(value);
    }

    RawPaths raw() {
        return raw;
    }

    /** The command's name ("lint"). */
    public String command() {
        return command;
    }

    /** Whether the option (any of its names, e.g. "--format" or "-f") was given. */
    public boolean has(String option) {
        return options.containsKey(option);
    }

    /** The option's value as typed, or {@code dflt} when it was not given. Given twice, the first counts. */
    public String value(String option, String dflt) {
        String v = value(option);
        return v == null ? dflt : v;
    }

    /**
     * Every value a list option was given, over all its occurrences, split at commas and without
     * empty parts; null when the option was not given.
     */
    public @Nullable List<String> values(String option) {
        List<String> given = options.get(option);
        if (given == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String v : given) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    /** The option's value, or null. */
    public @Nullable String value(String option) {
        List<String> given = options.get(option);
        return given == null || given.isEmpty() ? null : given.get(0);
    }

    /** The arguments that are not options, in order. */
    public List<String> arguments() {
        return new ArrayList<>(arguments);
    }

    /** The whole command line (for help and completion, which picocli always parses). */
    CommandLine root() {
        return Objects.requireNonNull(root, "help and completion are parsed by picocli");
    }
}
