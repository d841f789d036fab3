package io.gradflow.json;

import java.util.Arrays;

/**
 * A parsed JSON document stored column-wise: one row of small arrays per value, in document
 * order (a container's values follow it up to {@link #end}), strings and keys kept once each.
 * About 25 bytes a value plus its distinct strings, where a tree of objects with a map per JSON
 * object and a pointer string per value took some 130 bytes of heap per byte of file.
 * {@link JsonValue}s are views of one row, made when a reader asks for them.
 */
final class JsonDocument {

    static final byte OBJECT = 0;
    static final byte ARRAY = 1;
    static final byte STRING = 2;
    static final byte NUMBER = 3;
    static final byte BOOLEAN = 4;
    static final byte NULL = 5;

    /** Documents of up to this many values keep their arrays as they grew. */
    private static final int TRIM_FROM = 4096;

    // per value
    private byte[] type = new byte[64];
    /** Offset (bytes, or chars for a text source) of the value's first token. */
    private int[] pos = new int[64];
    /** Offset of its key for an object member, else its own offset. */
    private int[] keyPos = new int[64];
    private int[] parent = new int[64];
    /** An object member's key (a string id), an array item's index, -1 for the root. */
    private int[] name = new int[64];
    /** One past the last value inside a container (the next value for a scalar). */
    private int[] end = new int[64];
    /** Offset just past the value's last character (closing quote, bracket or brace). */
    private int[] endPos = new int[64];
    /** String id of a string or number's text, 1/0 for a boolean, the number of members or items. */
    private int[] payload = new int[64];
    private int count;

    // distinct strings, and each one's number value (NaN unless it was a number token)
    private String[] strings = new String[64];
    private double[] numbers = new double[64];
    private int stringCount;

    // where lines start: the table a value's offset is looked up in for its line and column
    private int[] lineStart = new int[64];
    private int[] lineNumber = new int[64];
    private int lines;

    int count() {
        return count;
    }

    /** Appends a value; its end is set by {@link #close} for containers. */
    int add(byte t, int offset, int keyOffset, int parentIndex, int nameId, int payloadValue) {
        if (count == type.length) {
            int cap = Math.max(64, (int) Math.min(Integer.MAX_VALUE - 8, (long) count * 2));
            type = Arrays.copyOf(type, cap);
            pos = Arrays.copyOf(pos, cap);
            keyPos = Arrays.copyOf(keyPos, cap);
            parent = Arrays.copyOf(parent, cap);
            name = Arrays.copyOf(name, cap);
            end = Arrays.copyOf(end, cap);
            endPos = Arrays.copyOf(endPos, cap);
            payload = Arrays.copyOf(payload, cap);
        }
        int i = count++;
        type[i] = t;
        pos[i] = offset;
        keyPos[i] = keyOffset;
        parent[i] = parentIndex;
        name[i] = nameId;
        end[i] = i + 1;
        endPos[i] = offset;
        payload[i] = payloadValue;
        return i;
    }

    /** Where a value's text ends (for a container, once it is closed). */
    void endsAt(int i, int offset) {
        endPos[i] = offset;
    }

    void close(int container, int endOffset) {
        end[container] = count;
        endPos[container] = endOffset;
    }

    /** Counts one more member or item of a container; returns the count before. */
    int addChild(int container) {
        return payload[container]++;
    }

    int string(String s, double number) {
        if (stringCount == strings.length) {
            strings = Arrays.copyOf(strings, stringCount * 2);
            numbers = Arrays.copyOf(numbers, stringCount * 2);
        }
        strings[stringCount] = s;
        numbers[stringCount] = number;
        return stringCount++;
    }

    /** Records that a line starts at {@code start}; lines arrive in file order. */
    void line(int number, int start) {
        if (lines > 0 && lineNumber[lines - 1] == number) {
            return;
        }
        if (lines == lineStart.length) {
            lineStart = Arrays.copyOf(lineStart, lines * 2);
            lineNumber = Arrays.copyOf(lineNumber, lines * 2);
        }
        lineStart[lines] = start;
        lineNumber[lines] = number;
        lines++;
    }

    /**
     * Drops the unused ends of the arrays once the document is complete: for a large document
     * (up to half its arrays); a small one's slack is a few kilobytes, not worth a copy of each.
     */
    void trim() {
        if (count <= TRIM_FROM) {
            return;
        }
        type = Arrays.copyOf(type, count);
        pos = Arrays.copyOf(pos, count);
        keyPos = Arrays.copyOf(keyPos, count);
        parent = Arrays.copyOf(parent, count);
        name = Arrays.copyOf(name, count);
        end = Arrays.copyOf(end, count);
        endPos = Arrays.copyOf(endPos, count);
        payload = Arrays.copyOf(payload, count);
        strings = Arrays.copyOf(strings, stringCount);
        numbers = Arrays.copyOf(numbers, stringCount);
        lineStart = Arrays.copyOf(lineStart, lines);
        lineNumber = Arrays.copyOf(lineNumber, lines);
    }

    byte type(int i) {
        return type[i];
    }

    int parent(int i) {
        return parent[i];
    }

    int name(int i) {
        return name[i];
    }

    int end(int i) {
        return end[i];
    }

    int startOffset(int i) {
        return pos[i];
    }

    int endOffset(int i) {
        return endPos[i];
    }

    int keyOffset(int i) {
        return keyPos[i];
    }

    int payload(int i) {
        return payload[i];
    }

    String text(int stringId) {
        return strings[stringId];
    }

    double number(int stringId) {
        return numbers[stringId];
    }

    int line(int i) {
        return lineOf(pos[i]);
    }

    int column(int i) {
        return columnOf(pos[i]);
    }

    int keyLine(int i) {
        return lineOf(keyPos[i]);
    }

    int keyColumn(int i) {
        return columnOf(keyPos[i]);
    }

    private int lineIndex(int offset) {
        int k = Arrays.binarySearch(lineStart, 0, lines, offset);
        return k >= 0 ? k : -k - 2;
    }

    private int lineOf(int offset) {
        int k = lineIndex(offset);
        return k < 0 ? 0 : lineNumber[k];
    }

    private int columnOf(int offset) {
        int k = lineIndex(offset);
        return k < 0 ? 0 : offset - lineStart[k] + 1;
    }
}
