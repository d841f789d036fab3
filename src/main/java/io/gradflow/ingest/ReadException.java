package io.gradflow.ingest;

import io.gradflow.model.SourcePos;

/**
 * A model file that cannot be read: what is wrong, and where (line and column where the format
 * has them, else a logical path such as a JSON pointer or a path inside a container).
 */
public final class ReadException extends Exception {

    private final transient SourcePos pos;
    private final boolean notAModel;

    public ReadException(String message, SourcePos pos) {
        this(message, pos, false);
    }

    private ReadException(String message, SourcePos pos, boolean notAModel) {
        super(message);
        this.pos = pos == null ? SourcePos.NONE : pos;
        this.notAModel = notAModel;
    }

    /**
     * A well-formed file that is simply not a model (a package.json beside the models): an error
     * when named explicitly, skipped when met while walking a directory.
     */
    public static ReadException notAModel(String message, SourcePos pos) {
        return new ReadException(message, pos, true);
    }

    public boolean isNotAModel() {
        return notAModel;
    }

    public ReadException(String message) {
        this(message, SourcePos.NONE);
    }

    public SourcePos pos() {
        return pos;
    }
}
