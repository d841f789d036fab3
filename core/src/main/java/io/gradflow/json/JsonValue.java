package io.gradflow.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A JSON value that remembers where it stands in its file: the line and column of its first
 * token (and of its key, for object members) as the parser reported them, and its JSON pointer.
 */
public final class JsonValue {

    /** JSON value types. */
    public enum Type { OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL }

    private final Type type;
    private final int line;
    private final int column;
    private final int keyLine;
    private final int keyColumn;
    private final String pointer;
    private final Map<String, JsonValue> members;
    private final List<JsonValue> items;
    private final @Nullable String text;
    private final double number;
    private final boolean bool;

    JsonValue(Type type, int line, int column, int keyLine, int keyColumn, String pointer,
              @Nullable Map<String, JsonValue> members, @Nullable List<JsonValue> items, @Nullable String text,
              double number,
              boolean bool) {
        this.type = type;
        this.line = line;
        this.column = column;
        this.keyLine = keyLine;
        this.keyColumn = keyColumn;
        this.pointer = pointer;
        this.members = members == null ? Map.of() : Collections.unmodifiableMap(members);
        this.items = items == null ? List.of() : Collections.unmodifiableList(items);
        this.text = text;
        this.number = number;
        this.bool = bool;
    }

    /** A value made in code, with no position (used for defaults). */
    public static JsonValue synthetic(Map<String, JsonValue> members) {
        return new JsonValue(Type.OBJECT, 0, 0, 0, 0, "", new LinkedHashMap<>(members), null, null,
                Double.NaN, false);
    }

    public Type type() {
        return type;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** Line of this member's key in its object (its own line for array items and the root). */
    public int keyLine() {
        return keyLine;
    }

    public int keyColumn() {
        return keyColumn;
    }

    /** RFC 6901 pointer from the document root. */
    public String pointer() {
        return pointer;
    }

    public boolean isObject() {
        return type == Type.OBJECT;
    }

    public boolean isArray() {
        return type == Type.ARRAY;
    }

    public boolean isNull() {
        return type == Type.NULL;
    }

    public boolean isString() {
        return type == Type.STRING;
    }

    public boolean isNumber() {
        return type == Type.NUMBER;
    }

    public boolean has(String key) {
        return members.containsKey(key);
    }

    /** The member, or null when absent. */
    public @Nullable JsonValue get(String key) {
        return members.get(key);
    }

    /** The member if present and not JSON null, else null. */
    public @Nullable JsonValue opt(String key) {
        JsonValue v = members.get(key);
        return v == null || v.isNull() ? null : v;
    }

    public Set<String> keys() {
        return members.keySet();
    }

    public Map<String, JsonValue> members() {
        return members;
    }

    public List<JsonValue> items() {
        return items;
    }

    public int size() {
        return type == Type.ARRAY ? items.size() : members.size();
    }

    /** The string value, or the literal text of a number or boolean; null for others. */
    public @Nullable String asText() {
        return switch (type) {
            case STRING, NUMBER -> text;
            case BOOLEAN -> Boolean.toString(bool);
            default -> null;
        };
    }

    /**
     * The numeric value; numbers written as strings ("NaN", "1e-3", as DL4J does) are read too.
     * NaN when the value is not a number.
     */
    public double asDouble() {
        if (type == Type.NUMBER) {
            return number;
        }
        if (type == Type.STRING) {
            try {
                return Double.parseDouble(Objects.requireNonNull(text, "a string has text").trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    public boolean asBoolean() {
        return type == Type.BOOLEAN ? bool : "true".equalsIgnoreCase(text);
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
        return Double.isNaN(d) && !"NaN".equals(v.text) ? dflt : d;
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
        int[] out = new int[v.items.size()];
        for (int i = 0; i < out.length; i++) {
            double d = v.items.get(i).asDouble();
            out[i] = Double.isNaN(d) ? -1 : (int) d;
        }
        return out;
    }

    @Override
    public String toString() {
        return type + "@" + line + ":" + column + " " + pointer;
    }
}
