package io.gradflow.fix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One replacement in a source text: the characters from {@code start} to {@code end} (end
 * exclusive) become {@code text}; an insertion has {@code start == end}.
 */
public record Edit(int start, int end, String text) {

    public Edit {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad edit range " + start + ".." + end);
        }
    }

    public static Edit insert(int at, String text) {
        return new Edit(at, at, text);
    }

    /** True when the two edits touch the same characters, or insert at the same place. */
    public boolean overlaps(Edit o) {
        if (start == end || o.start == o.end) {
            return start == o.start || start > o.start && start < o.end || o.start > start && o.start < end;
        }
        return start < o.end && o.start < end;
    }

    /** The text with every edit applied; the edits must not overlap. */
    public static String apply(String text, List<Edit> edits) {
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end));
        StringBuilder b = new StringBuilder(text.length() + 256);
        int at = 0;
        for (Edit e : sorted) {
            if (e.start < at || e.end > text.length()) {
                throw new IllegalArgumentException("overlapping or out-of-range edit " + e);
            }
            b.append(text, at, e.start).append(e.text);
            at = e.end;
        }
        return b.append(text, at, text.length()).toString();
    }
}
