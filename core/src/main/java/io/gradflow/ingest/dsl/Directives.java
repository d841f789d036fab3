package io.gradflow.ingest.dsl;

import io.gradflow.ingest.ReadException.Problem;
import io.gradflow.model.SourcePos;
import io.gradflow.rules.RuleSelector;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.Token;

/**
 * The comments that mean something to gradflow: {@code # gradflow: ignore[GF001, GF005]} or
 * {@code ignore[*]} at the end of a layer's line silences those rules for the layers that line
 * defines (all layers inside, when the line opens a block). Rule ids, id prefixes (GF00) or names; unknown ones are
 * an error, as in any configuration. Text after the ']' is free (a reason). A comment that merely
 * mentions gradflow is prose.
 */
final class Directives {

    private static final Pattern PREFIX = Pattern.compile("^#\\s*gradflow:\\s*");
    private static final Pattern WORD_THEN_BRACKET = Pattern.compile("^([A-Za-z][A-Za-z_-]*)\\s*\\[");
    /** The rule list, then anything: a reason for the suppression, say. */
    private static final Pattern IGNORE = Pattern.compile("^ignore\\s*\\[([^\\]]*)\\]");
    private static final String USAGE = "write `# gradflow: ignore[GF001]`, `ignore[GF001, GF005]` or `ignore[*]`";

    /** A suppression: the rules it silences (ids, prefixes, names or "*", as written) and its comment. */
    record Directive(Set<String> rules, Token comment) { }

    private final Map<Integer, Directive> byLine = new LinkedHashMap<>();

    private Directives() {
    }

    /** Reads the suppressions among the comment tokens, reporting malformed ones. */
    static Directives scan(List<Token> comments, List<Problem> problems) {
        Directives d = new Directives();
        for (Token c : comments) {
            String text = c.getText();
            Matcher m = PREFIX.matcher(text);
            if (!m.find()) {
                continue;
            }
            int restAt = m.end();
            String rest = text.substring(restAt);
            Matcher word = WORD_THEN_BRACKET.matcher(rest);
            boolean bracketed = word.find();
            if (!bracketed && !rest.matches("ignore\\b.*")) {
                continue;
            }
            String w = bracketed ? word.group(1) : "ignore";
            if (!w.equals("ignore")) {
                problems.add(at(c, restAt, "unknown gradflow directive '" + w + "'"
                        + Suggest.hint(w, List.of("ignore")) + ": " + USAGE));
                continue;
            }
            Matcher ig = IGNORE.matcher(rest);
            if (!ig.find()) {
                problems.add(at(c, restAt, "malformed suppression: " + USAGE));
                continue;
            }
            Set<String> rules = new LinkedHashSet<>();
            int listAt = restAt + ig.start(1);
            String list = ig.group(1);
            int offset = 0;
            boolean ok = true;
            for (String part : list.split(",", -1)) {
                String id = part.strip();
                int col = listAt + offset + (part.length() - part.stripLeading().length());
                offset += part.length() + 1;
                if (id.isEmpty()) {
                    problems.add(at(c, col, "empty rule id in the suppression: " + USAGE));
                    ok = false;
                    continue;
                }
                if (id.equals("*")) {
                    rules.add(id);
                    continue;
                }
                if (RuleSelector.resolve(id).isEmpty() || id.equalsIgnoreCase(RuleSelector.ALL)) {
                    problems.add(at(c, col, "unknown rule '" + id + "' in the suppression"
                            + Suggest.hint(id, RuleSelector.words().subList(1, RuleSelector.words().size()))));
                    ok = false;
                    continue;
                }
                // as written: an unused one is reported in the user's words (GF00, a name)
                rules.add(id);
            }
            if (ok) {
                d.byLine.put(c.getLine(), new Directive(rules, c));
            }
        }
        return d;
    }

    private static Problem at(Token comment, int offset, String message) {
        return new Problem(SourcePos.of(comment.getLine(), comment.getCharPositionInLine() + 1 + offset), message);
    }

    /** The rules silenced on a line, empty when none. */
    Set<String> on(int line) {
        Directive d = byLine.get(line);
        return d == null ? Set.of() : d.rules();
    }

    Map<Integer, Directive> all() {
        return byLine;
    }
}
