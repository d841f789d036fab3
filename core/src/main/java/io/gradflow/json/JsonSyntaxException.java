package io.gradflow.json;

import java.util.Objects;

/** The text is not valid JSON; line and column are 1-based (0 when unknown). */
public final class JsonSyntaxException extends Exception {

    private final int line;
    private final int column;
    private final boolean comment;

    public JsonSyntaxException(String message, int line, int column) {
        this(message, line, column, false);
    }

    JsonSyntaxException(String message, int line, int column, boolean comment) {
        super(message);
        this.line = line;
        this.column = column;
        this.comment = comment;
    }

    /** Whether what broke strict JSON is a comment ({@code //} or {@code /*}): JSONC, a settings file. */
    public boolean atComment() {
        return comment;
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
