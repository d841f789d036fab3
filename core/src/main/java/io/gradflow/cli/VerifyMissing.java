package io.gradflow.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gradflow verify} where the verify module is not on the class path (the launcher adds it
 * only for verify, building it on first use): listed in the help, and run, it says what to do.
 */
final class VerifyMissing implements Subcommand {

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name(name());
        Specs.usage(spec, "gradflow verify [OPTIONS] MODEL...",
                "Train with Deeplearning4j and compare measured with predicted gradients (needs the verify "
                        + "module, which ./gradflow builds on first use).",
                "The verify module (Deeplearning4j, ND4J) is not on this class path. Through the ./gradflow\n"
                        + "launcher, 'gradflow verify' builds it on first use (a few minutes) and 'gradflow verify "
                        + "--help'\nlists its options.");
        // whatever follows `verify` is for the real command: take it all, then say where that is
        spec.parser().unmatchedArgumentsAllowed(true);
        return spec;
    }

    @Override
    public int run(Args args, Io io) throws UsageException {
        throw new UsageException(Main.VERIFY_MISSING);
    }
}
