package io.gradflow.rules;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One thing a rule found, with where it is. Every reporter formats this record and nothing else.
 *
 * @param rule     rule id
 * @param name     rule name
 * @param severity effective severity
 * @param category category
 * @param message  what, where, by how much
 * @param fix      what to do instead
 * @param source   file as the user named it
 * @param line     1-based line, 0 when the format has none
 * @param column   1-based column, 0 when none
 * @param layer    layer name, or null for model-level findings
 * @param pointer  logical location inside the file (JSON pointer, container path), may be empty
 * @param span     the run of layers and the decades the finding speaks of, or null
 * @param related  other rules' findings about the same problem, reported with this one
 */
public record Finding(String rule, String name, Severity severity, Category category, String message,
                      String fix, String source, int line, int column, @Nullable String layer, String pointer,
                      @Nullable Span span,
                      List<Related> related) {

    /**
     * The layers from {@link #layer} to {@code last} and the decades by which the gradient changes
     * across them: two findings with the same span describe the same problem.
     */
    public record Span(String last, double decades) { }

    /** Another rule's view of the same problem: its id, name, severity, message and fix. */
    public record Related(String rule, String name, Severity severity, String message, String fix) { }

    public Finding {
        related = related == null ? List.of() : List.copyOf(related);
    }

    /** A finding at one place with no span and nothing related. */
    public Finding(String rule, String name, Severity severity, Category category, String message, String fix,
                   String source, int line, int column, @Nullable String layer, String pointer) {
        this(rule, name, severity, category, message, fix, source, line, column, layer, pointer, null, List.of());
    }

    public Finding withSeverity(Severity s) {
        return new Finding(rule, name, s, category, message, fix, source, line, column, layer, pointer, span, related);
    }

    /** The same finding with others reported as related to it. */
    public Finding withRelated(List<Related> r) {
        return new Finding(rule, name, severity, category, message, fix, source, line, column, layer, pointer, span, r);
    }

    /** This finding as another's related note. */
    public Related asRelated() {
        return new Related(rule, name, severity, message, fix);
    }
}
