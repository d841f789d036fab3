package io.gradflow.config;

import java.util.Comparator;
import java.util.List;

/**
 * A configuration or baseline file is wrong. The message is one line per problem,
 * {@code path:line:col: error: what is wrong}, as editors make clickable.
 */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }

    /** The problems in the order of the file. */
    static ConfigException of(String display, List<Problem> problems) {
        StringBuilder b = new StringBuilder();
        List<Problem> sorted = problems.stream()
                .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column)).toList();
        for (Problem p : sorted) {
            b.append(b.length() == 0 ? "" : "\n").append(p.format(display));
        }
        return new ConfigException(b.toString());
    }

    /** One problem at a position in the file (line and column 0 when it has none). */
    record Problem(int line, int column, String message) {

        String format(String display) {
            return display + (line > 0 ? ":" + line + ":" + Math.max(column, 1) : "") + ": error: " + message;
        }
    }
}
