package io.gradflow.ingest;

import io.gradflow.model.SourcePos;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A model file that cannot be read: what is wrong, and where (line and column where the format
 * has them, else a logical path such as a JSON pointer or a path inside a container). A reader
 * that finds several problems in one pass (the DSL) reports them all through {@link #problems()}.
 */
public final class ReadException extends Exception {

    /** One thing wrong with the file, and where. */
    public record Problem(SourcePos pos, String message) {

        public Problem {
            pos = pos == null ? SourcePos.NONE : pos;
        }
    }

    private final transient SourcePos pos;
    private final boolean notAModel;
    private final transient List<Problem> problems;

    public ReadException(String message, @Nullable SourcePos pos) {
        this(message, pos, false, null);
    }

    private ReadException(String message, @Nullable SourcePos pos, boolean notAModel,
                          @Nullable List<Problem> problems) {
        super(message);
        this.pos = pos == null ? SourcePos.NONE : pos;
        this.notAModel = notAModel;
        this.problems = problems == null ? List.of(new Problem(this.pos, message)) : List.copyOf(problems);
    }

    /**
     * A well-formed file that is simply not a model (a package.json beside the models): an error
     * when named explicitly, skipped when met while walking a directory.
     */
    public static ReadException notAModel(String message, @Nullable SourcePos pos) {
        return new ReadException(message, pos, true, null);
    }

    /**
     * Every problem a reader found in one file, in file order; the first also serves as this
     * exception's message and position.
     *
     * @throws IllegalArgumentException when {@code problems} is empty
     */
    public static ReadException of(List<Problem> problems) {
        return of(problems, 0);
    }

    /**
     * The same, keeping the first {@link Limits#MAX_ERRORS} problems: the rest, and {@code more}
     * that a reader counted without keeping, become one last problem that counts them.
     */
    public static ReadException of(List<Problem> problems, long more) {
        return of(problems, more, false);
    }

    /** The same; {@code atLeast}: {@code more} is a floor (the reader stopped counting). */
    public static ReadException of(List<Problem> problems, long more, boolean atLeast) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems to report");
        }
        List<Problem> kept = problems;
        long left = more;
        if (problems.size() > Limits.MAX_ERRORS) {
            kept = problems.subList(0, Limits.MAX_ERRORS);
            left += problems.size() - Limits.MAX_ERRORS;
        }
        if (left > 0) {
            Problem next = problems.size() > Limits.MAX_ERRORS ? problems.get(Limits.MAX_ERRORS)
                    : problems.get(problems.size() - 1);
            kept = new ArrayList<>(kept);
            kept.add(new Problem(next.pos(), "... and " + (atLeast ? "at least " : "") + Limits.count(left)
                    + " more error" + (left == 1 ? "" : "s")
                    + " after these (gradflow reports the first " + Limits.MAX_ERRORS + ")"));
        }
        Problem first = kept.get(0);
        return new ReadException(first.message(), first.pos(), false, kept);
    }

    /** Never null: every constructor takes a message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
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

    /** Everything wrong with the file: at least one, this exception's own message first. */
    public List<Problem> problems() {
        return problems;
    }
}
