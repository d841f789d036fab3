package io.gradflow.rules;

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
 */
public record Finding(String rule, String name, Severity severity, Category category, String message,
                      String fix, String source, int line, int column, String layer, String pointer) {

    public Finding withSeverity(Severity s) {
        return new Finding(rule, name, s, category, message, fix, source, line, column, layer, pointer);
    }
}
