package io.gradflow.ingest.dsl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * Writes inline suppressions into a DSL model's text ({@code gradflow lint --add-noqa}, after
 * ruff's {@code --add-noqa}): each listed line gets {@code # gradflow: ignore[...]} for the rules
 * that fire there, merged into a suppression already on the line, or put in front of a comment
 * already there (whose text then reads as the suppression's reason). Everything else in the file
 * is left byte for byte.
 */
public final class DslSuppressions {

    private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*gradflow:\\s*ignore\\s*\\[([^\\]]*)\\]");

    private DslSuppressions() {
    }

    /**
     * The text with the rules of {@code byLine} (1-based line to rule ids) suppressed on their
     * lines; rules a line already suppresses are not repeated.
     *
     * @return the new text, and how many rule ids were added
     */
    public static Result add(String text, Map<Integer, Set<String>> byLine) {
        Map<Integer, Token> comments = new HashMap<>();
        GradflowDslLexer lexer = new GradflowDslLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            if (t.getType() == GradflowDslLexer.COMMENT) {
                comments.put(t.getLine(), t);
            }
        }
        String[] lines = text.split("(?<=\n)", -1);
        int added = 0;
        for (Map.Entry<Integer, Set<String>> e : byLine.entrySet()) {
            int i = e.getKey() - 1;
            if (i < 0 || i >= lines.length) {
                continue;
            }
            String line = lines[i];
            String eol = line.endsWith("\r\n") ? "\r\n" : line.endsWith("\n") ? "\n" : "";
            String body = line.substring(0, line.length() - eol.length());
            Token comment = comments.get(e.getKey());
            Set<String> rules = new LinkedHashSet<>(e.getValue());
            if (comment == null) {
                lines[i] = body + "  # gradflow: ignore[" + String.join(", ", rules) + "]" + eol;
                added += rules.size();
                continue;
            }
            int at = comment.getCharPositionInLine();
            String before = body.substring(0, at);
            String text0 = comment.getText();
            Matcher m = DIRECTIVE.matcher(text0);
            if (m.find()) {
                List<String> have = new ArrayList<>();
                for (String p : m.group(1).split(",")) {
                    if (!p.isBlank()) {
                        have.add(p.strip());
                    }
                }
                rules.removeIf(r -> have.stream().anyMatch(h -> h.equalsIgnoreCase(r)));
                if (rules.isEmpty()) {
                    continue;
                }
                have.addAll(rules);
                lines[i] = before + "# gradflow: ignore[" + String.join(", ", have) + "]" + text0.substring(m.end()) + eol;
            } else {
                String prose = text0.substring(1).strip();
                lines[i] = before + "# gradflow: ignore[" + String.join(", ", rules) + "]"
                        + (prose.isEmpty() ? "" : " " + prose) + eol;
            }
            added += rules.size();
        }
        return new Result(String.join("", lines), added);
    }

    /** The new text and how many rule ids it gained. */
    public record Result(String text, int added) { }
}
