package io.gradflow.lsp;

import java.util.Arrays;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * A document's line starts, to turn offsets into LSP positions and back. LSP counts characters
 * in UTF-16 code units, as Java strings do, so an offset into the text is a character count.
 */
final class Lines {

    private final String text;
    private final int[] starts;

    Lines(String text) {
        this.text = text;
        int[] s = new int[16];
        int n = 0;
        s[n++] = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
                if (n == s.length) {
                    s = Arrays.copyOf(s, n * 2);
                }
                s[n++] = i + 1;
            }
        }
        this.starts = Arrays.copyOf(s, n);
    }

    Position position(int offset) {
        int o = Math.max(0, Math.min(offset, text.length()));
        int line = Arrays.binarySearch(starts, o);
        if (line < 0) {
            line = -line - 2;
        }
        return new Position(line, o - starts[line]);
    }

    int offset(Position p) {
        if (p.getLine() >= starts.length) {
            return text.length();
        }
        return Math.min(starts[p.getLine()] + p.getCharacter(), lineEnd(p.getLine()));
    }

    /** Offset of the end of a line's content (before its line break). */
    int lineEnd(int line) {
        int end = line + 1 < starts.length ? starts[line + 1] : text.length();
        while (end > starts[line] && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return end;
    }

    /**
     * The range from a 1-based line and column to the end of that line's content, trailing spaces
     * and (in the DSL) a comment left out; line 0 (no position) is the file's start.
     */
    Range at(int line, int column, boolean dsl) {
        if (line <= 0 || line > starts.length) {
            return new Range(new Position(0, 0), new Position(0, 0));
        }
        int l = line - 1;
        int start = Math.min(starts[l] + Math.max(column - 1, 0), lineEnd(l));
        int end = lineEnd(l);
        if (dsl) {
            int hash = text.indexOf('#', start);
            if (hash >= 0 && hash < end) {
                end = hash;
            }
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return new Range(position(start), position(Math.max(end, start)));
    }

    int lineCount() {
        return starts.length;
    }
}
