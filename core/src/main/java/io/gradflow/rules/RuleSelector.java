package io.gradflow.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A word that picks rules, as ruff's selectors do, wherever gradflow takes a rule: {@code ALL},
 * an id ({@code GF001}), the start of ids ({@code GF00}: GF001 to GF007; {@code GF}: every rule)
 * or a name ({@code deep-saturating-stack}); case does not matter. The command line, gradflow.json,
 * per-file ignores and inline suppressions all read them here.
 */
public final class RuleSelector {

    /** Every rule. */
    public static final String ALL = "ALL";
    /** Every rule, in an inline suppression ({@code ignore[*]}). */
    public static final String STAR = "*";

    private RuleSelector() {
    }

    /** The rules a selector picks, in catalogue order; empty when it picks none (an unknown word). */
    public static List<RuleInfo> resolve(String selector) {
        String s = selector.strip();
        List<RuleInfo> out = new ArrayList<>();
        if (s.isEmpty()) {
            return out;
        }
        boolean all = s.equalsIgnoreCase(ALL) || s.equals(STAR);
        String upper = s.toUpperCase(Locale.ROOT);
        // an id prefix is GF and digits: "GF" or "GF00", never a bare "G"
        boolean idPrefix = upper.matches("GF\\d{0,3}");
        for (Rule r : BuiltInRules.all()) {
            RuleInfo i = r.info();
            if (all || idPrefix && i.id().startsWith(upper) || i.name().equalsIgnoreCase(s)) {
                out.add(i);
            }
        }
        return out;
    }

    /** Whether {@code selector} picks the rule. */
    public static boolean matches(String selector, RuleInfo info) {
        String s = selector.strip();
        return s.equalsIgnoreCase(ALL) || s.equals(STAR) || info.name().equalsIgnoreCase(s)
                || s.toUpperCase(Locale.ROOT).matches("GF\\d{0,3}") && info.id().startsWith(s.toUpperCase(Locale.ROOT));
    }

    /** How many rules a selector picks: a more specific selector (fewer rules) wins over a broader one. */
    public static int breadth(String selector) {
        return resolve(selector).size();
    }

    /** Every word a selector can be (ids, names, ALL), for suggestions and completion. */
    public static List<String> words() {
        List<String> words = new ArrayList<>();
        words.add(ALL);
        for (Rule r : BuiltInRules.all()) {
            words.add(r.info().id());
        }
        for (Rule r : BuiltInRules.all()) {
            words.add(r.info().name());
        }
        return words;
    }

    /** The one rule a selector names when it names exactly one. */
    public static Optional<RuleInfo> single(String selector) {
        List<RuleInfo> r = resolve(selector);
        return r.size() == 1 ? Optional.of(r.get(0)) : Optional.empty();
    }
}
