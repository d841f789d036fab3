package io.gradflow.model;

/**
 * Where a node came from: 1-based line and column (0 when the format has no lines, as in HDF5)
 * and a logical path inside the file (a JSON pointer, or the path inside a container).
 */
public record SourcePos(int line, int column, String pointer) {

    public static final SourcePos NONE = new SourcePos(0, 0, "");

    public SourcePos {
        pointer = pointer == null ? "" : pointer;
    }

    public boolean hasLine() {
        return line > 0;
    }

    public static SourcePos of(int line, int column) {
        return new SourcePos(line, column, "");
    }
}
