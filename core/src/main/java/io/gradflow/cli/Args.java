package io.gradflow.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/** What one command was given: its options by name ({@code "--format"}) and its arguments, as typed. */
public final class Args {

    private final ParseResult parsed;
    private final CommandLine root;
    private final RawPaths raw;

    Args(ParseResult parsed, CommandLine root) {
        this(parsed, root, RawPaths.none());
    }

    Args(ParseResult parsed, CommandLine root, RawPaths raw) {
        this.parsed = parsed;
        this.root = root;
        this.raw = raw;
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
        return parsed.commandSpec().name();
    }

    /** Whether the option (any of its names, e.g. "--format" or "-f") was given. */
    public boolean has(String option) {
        return parsed.hasMatchedOption(option);
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
        OptionSpec o = parsed.matchedOption(option);
        if (o == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String v : o.stringValues()) {
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
        OptionSpec o = parsed.matchedOption(option);
        if (o == null || o.stringValues().isEmpty()) {
            return null;
        }
        return o.stringValues().get(0);
    }

    /** The arguments that are not options, in order. */
    public List<String> arguments() {
        List<String> all = new ArrayList<>();
        for (PositionalParamSpec p : parsed.commandSpec().positionalParameters()) {
            all.addAll(p.stringValues());
        }
        return all;
    }

    /** The whole command line (for help and completion). */
    CommandLine root() {
        return root;
    }
}
