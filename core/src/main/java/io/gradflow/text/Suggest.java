package io.gradflow.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean": the valid words closest to what was typed, for unknown subcommands, options,
 * enumerated values, rule ids and configuration keys (the command line and gradflow.json alike). A word is close when it is a few edits
 * away (case-insensitive, an adjacent transposition counts once) or when it starts a valid word
 * ({@code --fix} for {@code --fixes}, {@code warn} for {@code warning}). Options are compared
 * without their leading dashes.
 */
public final class Suggest {

    /** At most this many suggestions: more is a list, not a hint. */
    public static final int MAX = 3;

    private Suggest() {
    }

    /**
     * The candidates closest to {@code word}: those the fewest edits away (in the candidates'
     * order), or when none is close, those that {@code word} starts; an empty list when nothing
     * is close enough to be what was meant.
     */
    public static List<String> closest(String word, Collection<String> candidates) {
        String w = bare(word);
        if (w.isEmpty()) {
            return List.of();
        }
        // one letter off a one-letter word is any other word: short words need a closer match
        int limit = w.length() <= 1 ? 0 : w.length() <= 3 ? 1 : w.length() <= 6 ? 2 : 3;
        List<String> found = new ArrayList<>();
        List<Integer> scores = new ArrayList<>();
        for (String c : candidates) {
            if (c.equals(word) || found.contains(c)) {
                continue;
            }
            String b = bare(c);
            int d = distance(w, b);
            int score;
            if (d <= limit) {
                score = d;
            } else if (w.length() >= 2 && b.startsWith(w)) {
                score = limit + 1;   // a prefix ranks after the typos
            } else {
                continue;
            }
            int at = 0;
            while (at < scores.size() && scores.get(at) <= score) {
                at++;
            }
            found.add(at, c);
            scores.add(at, score);
        }
        int best = 0;
        while (best < found.size() && best < MAX && scores.get(best).equals(scores.get(0))) {
            best++;
        }
        return List.copyOf(found.subList(0, best));
    }

    /** " (did you mean 'x'?)", " (did you mean 'x' or 'y'?)", or the empty string. */
    public static String hint(String word, Collection<String> candidates) {
        List<String> c = closest(word, candidates);
        return c.isEmpty() ? "" : " (did you mean " + quoted(c) + "?)";
    }

    /** {@link #hint}, or " (one of a, b, c)" when no valid value is close. */
    public static String hintOrList(String word, List<String> values) {
        String h = hint(word, values);
        return h.isEmpty() ? " (one of " + String.join(", ", values) + ")" : h;
    }

    /** 'a', 'b' or 'c'. */
    public static String quoted(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words.size(); i++) {
            if (i > 0) {
                b.append(i == words.size() - 1 ? " or " : ", ");
            }
            b.append('\'').append(words.get(i)).append('\'');
        }
        return b.toString();
    }

    /** Lower case without leading dashes: "--Format" and "format" are the same word here. */
    private static String bare(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '-') {
            i++;
        }
        return s.substring(i).toLowerCase(Locale.ROOT);
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions. */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
