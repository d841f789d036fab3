package io.gradflow.cli;

/** The command line is wrong: reported in one line with exit code 2. */
public final class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }
}
