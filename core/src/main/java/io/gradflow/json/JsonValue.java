package io.gradflow.json;

import java.util.AbstractList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A JSON value that remembers where it stands in its file: the line and column of its first
 * token (and of its key, for object members) as the parser reported them, its JSON pointer, and
 * its exact span in the parsed input (for edits that keep the rest of a file byte for byte).
 * A view of one value of a {@link JsonDocument}: cheap to make, and what it works out (its
 * members, its items) it keeps for the next question.
 */
public final class JsonValue {

    /** JSON value types. */
    public enum Type { OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL }

    private static final Type[] TYPES = Type.values();
    /** Objects with more members than this are searched through a hash map, built once. */
    private static final int SCAN = 8;

    private final JsonDocument doc;
    private final int at;
    /** The rows of this container's values, once asked for. */
    private int @Nullable [] children;
    private @Nullable Map<String, Integer> index;
    private @Nullable Map<String, JsonValue> members;

    JsonValue(JsonDocument doc, int at) {
        this.doc = doc;
        this.at = at;
    }

    public Type type() {
        return TYPES[doc.type(at)];
    }

    public int line() {
        return doc.line(at);
    }

    public int column() {
        return doc.column(at);
    }

    /** Line of this member's key in its object (its own line for array items and the root). */
    public int keyLine() {
        return doc.keyLine(at);
    }

    public int keyColumn() {
        return doc.keyColumn(at);
    }

    /** RFC 6901 pointer from the document root, worked out from the parents when asked. */
    public String pointer() {
        int depth = 0;
        for (int i = at; doc.parent(i) >= 0; i = doc.parent(i)) {
            depth++;
        }
        String[] parts = new String[depth];
        int k = depth;
        for (int i = at; doc.parent(i) >= 0; i = doc.parent(i)) {
            int p = doc.parent(i);
            parts[--k] = doc.type(p) == JsonDocument.OBJECT ? escape(doc.text(doc.name(i)))
                    : Integer.toString(doc.name(i));
        }
        StringBuilder b = new StringBuilder();
        for (String s : parts) {
            b.append('/').append(s);
        }
        return b.toString();
    }

    /**
     * Offset of the value's first character in the parsed input: chars when it was parsed from a
     * String, bytes from a byte array or a stream.
     */
    public int start() {
        return doc.startOffset(at);
    }

    /** Offset just past the value's last character (its closing quote, bracket or brace). */
    public int end() {
        return doc.endOffset(at);
    }

    /** Offset of this member's key (its opening quote); -1 for array items and the root. */
    public int keyStart() {
        int p = doc.parent(at);
        return p >= 0 && doc.type(p) == JsonDocument.OBJECT ? doc.keyOffset(at) : -1;
    }

    /** The value at an RFC 6901 pointer below this one ("" is this value), or null when there is none. */
    public @Nullable JsonValue at(String relativePointer) {
        JsonValue v = this;
        if (relativePointer.isEmpty()) {
            return v;
        }
        if (relativePointer.charAt(0) != '/') {
            return null;
        }
        for (String raw : relativePointer.substring(1).split("/", -1)) {
            String token = raw.replace("~1", "/").replace("~0", "~");
            if (v.isObject()) {
                v = v.get(token);
            } else if (v.isArray()) {
                int i;
                try {
                    i = Integer.parseInt(token);
                } catch (NumberFormatException e) {
                    return null;
                }
                List<JsonValue> items = v.items();
                v = i >= 0 && i < items.size() ? items.get(i) : null;
            } else {
                return null;
            }
            if (v == null) {
                return null;
            }
        }
        return v;
    }

    /** The same value of the same parsed document (views are made afresh each time one is asked for). */
    @Override
    public boolean equals(Object o) {
        return o instanceof JsonValue v && v.doc == doc && v.at == at;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(doc) * 31 + at;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    public boolean isObject() {
        return doc.type(at) == JsonDocument.OBJECT;
    }

    public boolean isArray() {
        return doc.type(at) == JsonDocument.ARRAY;
    }

    public boolean isNull() {
        return doc.type(at) == JsonDocument.NULL;
    }

    public boolean isString() {
        return doc.type(at) == JsonDocument.STRING;
    }

    public boolean isNumber() {
        return doc.type(at) == JsonDocument.NUMBER;
    }

    private int[] children() {
        if (children == null) {
            byte t = doc.type(at);
            int[] c = new int[t == JsonDocument.OBJECT || t == JsonDocument.ARRAY ? doc.payload(at) : 0];
            int k = 0;
            for (int i = at + 1; k < c.length; i = doc.end(i)) {
                c[k++] = i;
            }
            children = c;
        }
        return children;
    }

    /** The row of member {@code key} (the last of duplicates, as a map would keep), or -1. */
    private int member(String key) {
        if (!isObject()) {
            return -1;
        }
        int[] c = children();
        if (c.length > SCAN) {
            if (index == null) {
                Map<String, Integer> m = new HashMap<>(c.length * 2);
                for (int i : c) {
                    m.put(doc.text(doc.name(i)), i);
                }
                index = m;
            }
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
        for (int k = c.length - 1; k >= 0; k--) {
            if (doc.text(doc.name(c[k])).equals(key)) {
                return c[k];
            }
        }
        return -1;
    }

    public boolean has(String key) {
        return member(key) >= 0;
    }

    /** The member, or null when absent. */
    public @Nullable JsonValue get(String key) {
        int i = member(key);
        return i < 0 ? null : new JsonValue(doc, i);
    }

    /** The member if present and not JSON null, else null. */
    public @Nullable JsonValue opt(String key) {
        int i = member(key);
        return i < 0 || doc.type(i) == JsonDocument.NULL ? null : new JsonValue(doc, i);
    }

    public Set<String> keys() {
        return members().keySet();
    }

    /** The members in file order (a duplicated key keeps its first place and its last value). */
    public Map<String, JsonValue> members() {
        if (members == null) {
            if (!isObject()) {
                members = Map.of();
            } else {
                Map<String, JsonValue> m = new LinkedHashMap<>();
                for (int i : children()) {
                    m.put(doc.text(doc.name(i)), new JsonValue(doc, i));
                }
                members = Collections.unmodifiableMap(m);
            }
        }
        return members;
    }

    /** The items of an array (empty for anything else). */
    public List<JsonValue> items() {
        if (!isArray()) {
            return List.of();
        }
        return new Items(children());
    }

    /** The items of an array, each made when it is read. */
    private final class Items extends AbstractList<JsonValue> implements RandomAccess {
        private final int[] rows;

        Items(int[] rows) {
            this.rows = rows;
        }

        @Override
        public JsonValue get(int i) {
            return new JsonValue(doc, rows[i]);
        }

        @Override
        public int size() {
            return rows.length;
        }
    }

    public int size() {
        return isArray() ? children().length : members().size();
    }

    /** The string value, or the literal text of a number or boolean; null for others. */
    public @Nullable String asText() {
        return switch (doc.type(at)) {
            case JsonDocument.STRING, JsonDocument.NUMBER -> doc.text(doc.payload(at));
            case JsonDocument.BOOLEAN -> Boolean.toString(doc.payload(at) != 0);
            default -> null;
        };
    }

    /**
     * The numeric value; numbers written as strings ("NaN", "1e-3", as DL4J does) are read too.
     * NaN when the value is not a number.
     */
    public double asDouble() {
        byte t = doc.type(at);
        if (t == JsonDocument.NUMBER) {
            return doc.number(doc.payload(at));
        }
        if (t == JsonDocument.STRING) {
            try {
                return Double.parseDouble(doc.text(doc.payload(at)).trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    public boolean asBoolean() {
        byte t = doc.type(at);
        if (t == JsonDocument.BOOLEAN) {
            return doc.payload(at) != 0;
        }
        return t == JsonDocument.STRING && "true".equalsIgnoreCase(doc.text(doc.payload(at)));
    }

    /** Member as text, or null when missing or null. */
    public @Nullable String str(String key) {
        JsonValue v = opt(key);
        return v == null ? null : v.asText();
    }

    /** Member as a number, or {@code dflt} when missing, null or not a number. */
    public double num(String key, double dflt) {
        JsonValue v = opt(key);
        if (v == null) {
            return dflt;
        }
        double d = v.asDouble();
        return Double.isNaN(d) && !"NaN".equals(v.asText()) ? dflt : d;
    }

    /** Member as a long, or {@code dflt}. */
    public long integer(String key, long dflt) {
        double d = num(key, Double.NaN);
        return Double.isNaN(d) ? dflt : (long) d;
    }

    public boolean bool(String key, boolean dflt) {
        JsonValue v = opt(key);
        return v == null ? dflt : v.asBoolean();
    }

    /** Member as an int array: a JSON array of numbers or a single number; null when absent. */
    public int @Nullable [] ints(String key) {
        JsonValue v = opt(key);
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            return new int[] {(int) v.asDouble()};
        }
        if (!v.isArray()) {
            return null;
        }
        int[] rows = v.children();
        int[] out = new int[rows.length];
        for (int i = 0; i < out.length; i++) {
            double d = new JsonValue(doc, rows[i]).asDouble();
            out[i] = Double.isNaN(d) ? -1 : (int) d;
        }
        return out;
    }

    @Override
    public String toString() {
        return type() + "@" + line() + ":" + column() + " " + pointer();
    }
}
