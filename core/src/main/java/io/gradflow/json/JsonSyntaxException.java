package io.gradflow.json;

import java.util.Objects;

/** The text is not valid JSON; line and column are 1-based (0 when unknown). */
public final class JsonSyntaxException extends Exception {

    private final int line;
    private final int column;

    public JsonSyntaxException(String message, int line, int column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    /** Never null: every constructor takes a message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
