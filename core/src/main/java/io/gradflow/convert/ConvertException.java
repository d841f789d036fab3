package io.gradflow.convert;

import io.gradflow.model.SourcePos;
import java.util.List;

/** A model that the target format cannot express, with every reason and the layer it concerns. */
public final class ConvertException extends Exception {

    /** One thing the target cannot express, at the layer's position in the source. */
    public record Problem(SourcePos pos, String message) { }

    private final transient List<Problem> problems;

    public ConvertException(List<Problem> problems) {
        super(problems.isEmpty() ? "cannot convert" : problems.get(0).message());
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
