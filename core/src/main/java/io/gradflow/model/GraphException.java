package io.gradflow.model;

import java.util.Objects;

/** The nodes a reader found do not form a valid graph (dangling edge, cycle, duplicate name). */
public final class GraphException extends Exception {

    private final transient SourcePos pos;

    public GraphException(String message, SourcePos pos) {
        super(message);
        this.pos = pos == null ? SourcePos.NONE : pos;
    }

    /** Never null: every constructor takes a message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }

    public SourcePos pos() {
        return pos;
    }
}
