package io.gradflow.kinds;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import org.jspecify.annotations.Nullable;

/** Small builders for DL4J's JSON: objects from pairs, integer arrays, DL4J's member order. */
public final class Dl4jJson {

    private Dl4jJson() {
    }

    /** An object from key, value pairs; null values are written as JSON null, as DL4J does. */
    public static JsonObject obj(@Nullable Object... kv) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) {
            o.add((String) kv[i], element(kv[i + 1]));
        }
        return o;
    }

    public static JsonElement element(Object v) {
        if (v == null) {
            return JsonNull.INSTANCE;
        }
        if (v instanceof JsonElement e) {
            return e;
        }
        if (v instanceof Number num) {
            return new JsonPrimitive(num);
        }
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        return new JsonPrimitive(v.toString());
    }

    public static JsonArray ints(int[] values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    /** The members in alphabetical order after "@class", as DL4J's mapper writes them. */
    public static JsonObject sorted(JsonObject o) {
        JsonObject out = new JsonObject();
        out.add("@class", o.get("@class"));
        o.keySet().stream().filter(k -> !k.equals("@class")).sorted().forEach(k -> out.add(k, o.get(k)));
        return out;
    }
}
