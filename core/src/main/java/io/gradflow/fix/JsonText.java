package io.gradflow.fix;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonSyntaxException;
import io.gradflow.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A JSON document as text with its parsed tree, and the edits that change one value while the
 * rest of the file stays as it was, byte for byte. New text follows the file's own layout: its
 * key separator (" : " as Jackson writes, ": " as Python does), its indentation and line ends, or
 * one line when the file is one line.
 */
final class JsonText {

    private final String text;
    private final JsonValue root;
    private final String separator;
    private final String unit;
    private final String newline;
    private final String emptyArray;

    private JsonText(String text, JsonValue root) {
        this.text = text;
        this.root = root;
        this.newline = text.contains("\r\n") ? "\r\n" : "\n";
        this.separator = detectSeparator();
        this.unit = detectUnit();
        this.emptyArray = text.contains("[ ]") ? "[ ]" : "[]";
    }

    static JsonText parse(String text) throws JsonSyntaxException {
        return new JsonText(text, JsonParser.parse(text));
    }

    String text() {
        return text;
    }

    JsonValue root() {
        return root;
    }

    /** The source text of a value. */
    String source(JsonValue v) {
        return text.substring(v.start(), v.end());
    }

    /** Replaces a value with a new one written in the file's style (on one line if the old one was). */
    Edit replace(JsonValue v, JsonElement with) {
        return new Edit(v.start(), v.end(), write(with, indentOf(v), oneLine(v)));
    }

    /** Replaces a value with literal JSON text. */
    Edit replaceRaw(JsonValue v, String json) {
        return new Edit(v.start(), v.end(), json);
    }

    /** Sets an object's member: replaces its value, or adds it after the last member. */
    Edit set(JsonValue object, String key, JsonElement value) {
        JsonValue old = object.get(key);
        if (old != null) {
            return replace(old, value);
        }
        return addMember(object, key, value);
    }

    /** Adds a member after an object's last one, laid out as the members before it. */
    Edit addMember(JsonValue object, String key, JsonElement value) {
        List<JsonValue> members = new ArrayList<>(object.members().values());
        String memberIndent = memberIndent(object);
        boolean compact = oneLine(object);
        String member = quote(key) + separator + write(value, memberIndent, compact);
        if (members.isEmpty()) {
            String inner = compact ? member : newline + memberIndent + member + newline + indentOf(object);
            return new Edit(object.start() + 1, object.end() - 1, inner);
        }
        JsonValue last = members.get(members.size() - 1);
        return Edit.insert(last.end(), between(members, compact) + member);
    }

    /** Inserts a new item after {@code after} in {@code array}, laid out as the items around it. */
    Edit insertAfter(JsonValue array, JsonValue after, JsonElement item) {
        boolean compact = oneLine(after);
        String sep = itemSeparator(array, compact);
        return Edit.insert(after.end(), sep + write(item, indentOf(after), compact));
    }

    /** Text between two members of the object (or the file's usual), including the comma. */
    private String between(List<JsonValue> members, boolean compact) {
        if (members.size() >= 2) {
            JsonValue a = members.get(members.size() - 2);
            JsonValue b = members.get(members.size() - 1);
            return text.substring(a.end(), b.keyStart());
        }
        JsonValue only = members.get(0);
        return compact ? ", " : "," + newline + lineIndent(only.keyStart());
    }

    private String itemSeparator(JsonValue array, boolean compact) {
        List<JsonValue> items = array.items();
        if (items.size() >= 2) {
            return text.substring(items.get(0).end(), items.get(1).start());
        }
        return compact ? ", " : "," + newline + (items.isEmpty() ? memberIndent(array) : lineIndent(items.get(0).start()));
    }

    /** The indentation of the line a value starts on: where its closing bracket goes when written on lines. */
    String indentOf(JsonValue v) {
        return lineIndent(v.keyStart() >= 0 ? v.keyStart() : v.start());
    }

    private String memberIndent(JsonValue object) {
        for (JsonValue m : object.members().values()) {
            return lineIndent(m.keyStart());
        }
        for (JsonValue i : object.items()) {
            return lineIndent(i.start());
        }
        return indentOf(object) + unit;
    }

    private String lineIndent(int offset) {
        int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
        int i = lineStart;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return text.substring(lineStart, i);
    }

    /** Whether a value is written on one line (so its replacement is too). */
    private boolean oneLine(JsonValue v) {
        return text.indexOf('\n', v.start()) < 0 || text.indexOf('\n', v.start()) >= v.end();
    }

    /**
     * Writes a value in the file's style; {@code indent} is the indentation of the line it starts
     * on; {@code compact} writes it on one line, as Python's json.dumps does.
     */
    String write(JsonElement e, String indent, boolean compact) {
        StringBuilder b = new StringBuilder();
        write(e, indent, compact, b);
        return b.toString();
    }

    private void write(JsonElement e, String indent, boolean compact, StringBuilder b) {
        if (e == null || e.isJsonNull()) {
            b.append("null");
        } else if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            b.append(p.isString() ? quote(p.getAsString()) : p.toString());
        } else if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            if (a.isEmpty()) {
                b.append(emptyArray);
                return;
            }
            b.append('[');
            String inner = indent + unit;
            for (int i = 0; i < a.size(); i++) {
                b.append(i == 0 ? "" : ",").append(compact ? (i == 0 ? "" : " ") : newline + inner);
                write(a.get(i), inner, compact, b);
            }
            b.append(compact ? "" : newline + indent).append(']');
        } else {
            JsonObject o = e.getAsJsonObject();
            if (o.isEmpty()) {
                b.append(text.contains("{ }") ? "{ }" : "{}");
                return;
            }
            b.append('{');
            String inner = indent + unit;
            int i = 0;
            for (Map.Entry<String, JsonElement> m : o.entrySet()) {
                b.append(i == 0 ? "" : ",").append(compact ? (i == 0 ? "" : " ") : newline + inner);
                b.append(quote(m.getKey())).append(separator);
                write(m.getValue(), inner, compact, b);
                i++;
            }
            b.append(compact ? "" : newline + indent).append('}');
        }
    }

    /** A JSON string literal (gson escapes as JSON requires). */
    static String quote(String s) {
        return new JsonPrimitive(s).toString();
    }

    /** The separator after the first key of the document (" : ", ": " or ":"). */
    private String detectSeparator() {
        JsonValue first = firstMember(root);
        if (first == null) {
            return ": ";
        }
        return text.substring(keyEnd(first.keyStart()), first.start()).replace("\n", "").replace("\r", "");
    }

    private String detectUnit() {
        JsonValue first = firstMember(root);
        if (first == null) {
            return "  ";
        }
        String rootIndent = lineIndent(root.start());
        String memberIndent = lineIndent(first.keyStart());
        if (oneLine(root)) {
            return "  ";
        }
        return memberIndent.length() > rootIndent.length() ? memberIndent.substring(rootIndent.length()) : "  ";
    }

    /** Just past the closing quote of the key that starts at {@code keyStart}. */
    private int keyEnd(int keyStart) {
        int i = keyStart + 1;
        while (i < text.length() && text.charAt(i) != '"') {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    private static @Nullable JsonValue firstMember(JsonValue v) {
        if (v.isObject()) {
            for (JsonValue m : v.members().values()) {
                return m;
            }
        }
        return null;
    }
}
