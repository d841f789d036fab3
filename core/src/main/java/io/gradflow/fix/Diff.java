package io.gradflow.fix;

import java.util.ArrayList;
import java.util.List;

/** A unified diff of two texts, as {@code diff -u} and {@code git diff} print it (three lines of context). */
public final class Diff {

    private static final int CONTEXT = 3;

    private Diff() {
    }

    /** The diff from {@code before} to {@code after}, headed with the two labels; empty when they are equal. */
    public static String unified(String before, String after, String labelBefore, String labelAfter) {
        if (before.equals(after)) {
            return "";
        }
        List<String> a = lines(before);
        List<String> b = lines(after);
        List<int[]> ops = script(a, b);
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(labelBefore).append('\n').append("+++ ").append(labelAfter).append('\n');
        int i = 0;
        while (i < ops.size()) {
            // find the next change, then grow the hunk while changes are within twice the context
            while (i < ops.size() && ops.get(i)[0] == 0) {
                i++;
            }
            if (i == ops.size()) {
                break;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            int lastChange = i;
            while (end < ops.size() && end - lastChange <= 2 * CONTEXT) {
                if (ops.get(end)[0] != 0) {
                    lastChange = end;
                }
                end++;
            }
            end = Math.min(ops.size(), lastChange + CONTEXT + 1);
            hunk(out, ops.subList(start, end), a, b);
            i = end;
        }
        return out.toString();
    }

    private static void hunk(StringBuilder out, List<int[]> ops, List<String> a, List<String> b) {
        int aStart = -1;
        int bStart = -1;
        int aLen = 0;
        int bLen = 0;
        for (int[] op : ops) {
            if (op[0] != 1 && aStart < 0) {
                aStart = op[1];
            }
            if (op[0] != -1 && bStart < 0) {
                bStart = op[2];
            }
            aLen += op[0] != 1 ? 1 : 0;
            bLen += op[0] != -1 ? 1 : 0;
        }
        // an empty range is reported at the line before it, as diff does
        aStart = aLen == 0 ? ops.get(0)[1] : aStart + 1;
        bStart = bLen == 0 ? ops.get(0)[2] : bStart + 1;
        out.append("@@ -").append(range(aStart, aLen)).append(" +").append(range(bStart, bLen)).append(" @@\n");
        for (int[] op : ops) {
            String line = op[0] == 1 ? b.get(op[2]) : a.get(op[1]);
            out.append(op[0] == 0 ? ' ' : op[0] == 1 ? '+' : '-');
            out.append(line.endsWith("\n") ? line : line + "\n\\ No newline at end of file\n");
        }
    }

    private static String range(int start, int len) {
        return len == 1 ? Integer.toString(start) : start + "," + len;
    }

    /** Lines with their line ends kept, so a missing final newline shows. */
    static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        int at = 0;
        while (at < s.length()) {
            int nl = s.indexOf('\n', at);
            int end = nl < 0 ? s.length() : nl + 1;
            out.add(s.substring(at, end));
            at = end;
        }
        return out;
    }

    /**
     * Myers' shortest edit script: {kind, index in a, index in b} per line, kind 0 kept, -1 removed,
     * 1 added; removals come before additions within a change.
     */
    static List<int[]> script(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int max = n + m;
        int[] v = new int[2 * max + 2];
        List<int[]> trace = new ArrayList<>();
        int found = -1;
        for (int d = 0; d <= max && found < 0; d++) {
            for (int k = -d; k <= d; k += 2) {
                int x = k == -d || k != d && v[max + k - 1] < v[max + k + 1] ? v[max + k + 1] : v[max + k - 1] + 1;
                int y = x - k;
                while (x < n && y < m && a.get(x).equals(b.get(y))) {
                    x++;
                    y++;
                }
                v[max + k] = x;
                if (x >= n && y >= m) {
                    found = d;
                    break;
                }
            }
            trace.add(v.clone());
        }
        List<int[]> ops = new ArrayList<>();
        int x = n;
        int y = m;
        for (int d = found; d > 0; d--) {
            int[] prev = trace.get(d - 1);
            int k = x - y;
            int pk = k == -d || k != d && prev[max + k - 1] < prev[max + k + 1] ? k + 1 : k - 1;
            int px = prev[max + pk];
            int py = px - pk;
            while (x > px && y > py) {
                ops.add(new int[] {0, --x, --y});
            }
            if (x > px) {
                ops.add(new int[] {-1, --x, y});
            } else {
                ops.add(new int[] {1, x, --y});
            }
        }
        while (x > 0 && y > 0) {
            ops.add(new int[] {0, --x, --y});
        }
        List<int[]> out = new ArrayList<>(ops.size());
        for (int i = ops.size() - 1; i >= 0; i--) {
            out.add(ops.get(i));
        }
        return out;
    }
}
