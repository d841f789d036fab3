package io.gradflow.report;

import java.util.Locale;

/**
 * Text from a model file (layer names, class names, paths) made safe to print: control characters
 * (C0, DEL, C1) and the bidirectional overrides that reorder what a reader sees become visible
 * escapes (backslash x1b, backslash u202e), so a layer named with an escape sequence cannot drive
 * the terminal or a CI log, and a name with a newline cannot forge a line of the report.
 */
public final class Printable {

    private Printable() {
    }

    /** True for the characters {@link #text} escapes. */
    static boolean unsafe(int c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
    }

    /** The text with every unsafe character as a backslash escape (x1b, or u202e beyond Latin-1); the same string when there is none. */
    public static String text(String s) {
        int i = 0;
        while (i < s.length() && !unsafe(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!unsafe(c)) {
                b.append(c);
            } else if (c < 0x100) {
                b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    /**
     * JSON text with the unsafe characters JSON writers leave raw (DEL, C1, bidirectional
     * overrides; Gson escapes C0 itself) written as JSON's own backslash-u escapes: they only occur
     * inside strings, whose values stay the same.
     */
    static String json(String json) {
        int i = 0;
        while (i < json.length() && !unsafe(json.charAt(i))) {
            i++;
        }
        if (i == json.length()) {
            return json;
        }
        StringBuilder b = new StringBuilder(json.length() + 16).append(json, 0, i);
        for (; i < json.length(); i++) {
            char c = json.charAt(i);
            if (unsafe(c) && c >= 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
