package io.gradflow.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * One gradflow subcommand: its name, its options and what it does. Commands outside this module
 * (the verify module's {@code verify}) register through {@link java.util.ServiceLoader}.
 */
public interface Subcommand {

    String name();

    /** One line for the command list. */
    String summary();

    /** The argument part of the usage line, e.g. "[options] PATH...". */
    String synopsis();

    /** Extra help text after the options (exit codes, examples), may be empty. */
    default String footer() {
        return "";
    }

    Options options();

    /** Runs with parsed arguments and returns the exit code. */
    int run(CommandLine cl, Io io) throws Exception;
}
