package io.gradflow.verify;

/** The network cannot be built or run for verification; the message says why, in one line. */
public final class VerifyException extends Exception {

    public VerifyException(String message) {
        super(message);
    }

    public VerifyException(String message, Throwable cause) {
        super(message, cause);
    }
}
