package io.gradflow.cli;

import java.util.Collection;
import java.util.List;

/** The command line's "did you mean": {@link io.gradflow.text.Suggest}, which gradflow.json shares. */
public final class Suggest {

    /** At most this many suggestions: more is a list, not a hint. */
    static final int MAX = io.gradflow.text.Suggest.MAX;

    private Suggest() {
    }

    /** See {@link io.gradflow.text.Suggest#closest}. */
    public static List<String> closest(String word, Collection<String> candidates) {
        return io.gradflow.text.Suggest.closest(word, candidates);
    }

    /** " (did you mean 'x'?)", " (did you mean 'x' or 'y'?)", or the empty string. */
    public static String hint(String word, Collection<String> candidates) {
        return io.gradflow.text.Suggest.hint(word, candidates);
    }

    /** {@link #hint}, or " (one of a, b, c)" when no valid value is close. */
    public static String hintOrList(String word, List<String> values) {
        return io.gradflow.text.Suggest.hintOrList(word, values);
    }

    /** 'a', 'b' or 'c'. */
    static String quoted(List<String> words) {
        return io.gradflow.text.Suggest.quoted(words);
    }

    /** Optimal string alignment distance. */
    static int distance(String a, String b) {
        return io.gradflow.text.Suggest.distance(a, b);
    }
}
