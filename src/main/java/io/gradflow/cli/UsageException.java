package io.gradflow.cli;

/** The command line is wrong: reported in one line with exit code 2. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
