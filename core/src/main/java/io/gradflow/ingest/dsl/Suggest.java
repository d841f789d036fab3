package io.gradflow.ingest.dsl;

import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** "Did you mean" hints: the closest known word within a small edit distance. */
final class Suggest {

    private Suggest() {
    }

    /**
     * The candidate closest to {@code word} (case-insensitive, transpositions count once), or null
     * when none is close enough to be what the user meant.
     */
    static @Nullable String closest(String word, Collection<String> candidates) {
        String w = word.toLowerCase(Locale.ROOT);
        // one letter off a one-letter name is any other name: short words need a closer match
        int limit = w.length() <= 1 ? 0 : w.length() <= 3 ? 1 : w.length() <= 6 ? 2 : 3;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(w, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? best : null;
    }

    /** " (did you mean 'x'?)" or the empty string. */
    static String hint(String word, Collection<String> candidates) {
        String c = closest(word, candidates);
        return c == null ? "" : " (did you mean '" + c + "'?)";
    }

    /** Optimal string alignment distance ({@link io.gradflow.text.Suggest#distance}). */
    static int distance(String a, String b) {
        return io.gradflow.text.Suggest.distance(a, b);
    }
}
