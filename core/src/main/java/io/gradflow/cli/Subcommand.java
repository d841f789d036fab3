package io.gradflow.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * One gradflow subcommand: its picocli spec (name, options, arguments, help text) and what it
 * does. Commands outside this module (the verify module's {@code verify}) register through
 * {@link java.util.ServiceLoader} under {@code META-INF/services/io.gradflow.cli.Subcommand}.
 *
 * <p>Build the spec with {@link Specs} (picocli's builders; no annotations, which cost start-up),
 * so that it parses as every other command does. Usage errors are thrown as
 * {@link UsageException}s, worded "command: what is wrong".
 */
public interface Subcommand {

    /** The command's name, as typed ("lint"), known without building the spec. */
    String name();

    /** A new spec, made with {@link Specs#command} and the other {@link Specs} helpers. */
    CommandSpec spec();

    /** Runs with the parsed arguments and returns the exit code. */
    int run(Args args, Io io) throws Exception;
}
