package io.gradflow.ingest.dl4j;

import io.gradflow.ingest.ReadException;
import io.gradflow.json.JsonValue;
import io.gradflow.model.SourcePos;
import io.gradflow.model.Suppression;
import io.gradflow.rules.RuleSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Inline suppressions in a DL4J configuration: a {@code "gradflow": {"ignore": ["GF002"]}} member
 * in a layer's object (the one that holds its {@code layerName}) silences those rules for that
 * layer; at the top level of the configuration, for the whole model. DL4J 1.0.0-M2.1 reads such
 * files unchanged (its configuration classes ignore unknown members there; {@code
 * InlineIgnoresLoadInDl4jIT} checks every place with DL4J's own fromJson), though a configuration
 * DL4J writes back out drops them. Beside a legacy wrapper key ({@code {"dense": {...}, "gradflow":
 * ...}}) DL4J fails, so there it belongs inside the wrapped object.
 */
final class InlineIgnores {

    /** The member's name. */
    static final String KEY = "gradflow";
    private static final String USAGE = "write \"gradflow\": {\"ignore\": [\"GF001\", ...]}";

    private InlineIgnores() {
    }

    /**
     * The suppression an object's {@code "gradflow"} member writes, or null when it has none.
     *
     * @param layers the layers it covers (empty: the whole model)
     */
    static @Nullable Suppression read(@Nullable JsonValue obj, Set<String> layers) throws ReadException {
        JsonValue g = obj == null || !obj.isObject() ? null : obj.opt(KEY);
        if (g == null) {
            return null;
        }
        if (!g.isObject()) {
            throw new ReadException("malformed gradflow suppression: " + USAGE, at(g));
        }
        for (Map.Entry<String, JsonValue> e : g.members().entrySet()) {
            if (!e.getKey().equals("ignore") && !e.getKey().equals("reason")) {
                throw new ReadException("unknown key '" + e.getKey() + "' in the gradflow suppression (it takes "
                        + "\"ignore\" and an optional \"reason\")", new SourcePos(e.getValue().keyLine(),
                        e.getValue().keyColumn(), e.getValue().pointer()));
            }
        }
        JsonValue ignore = g.opt("ignore");
        if (ignore == null || !ignore.isArray() || ignore.items().isEmpty()) {
            throw new ReadException("malformed gradflow suppression: " + USAGE, at(ignore == null ? g : ignore));
        }
        List<String> rules = new ArrayList<>();
        for (JsonValue r : ignore.items()) {
            String rule = r.isString() ? r.asText() : null;
            if (rule == null || RuleSelector.resolve(rule).isEmpty() || rule.equalsIgnoreCase(RuleSelector.ALL)) {
                throw new ReadException("unknown rule " + (r.isString() ? "'" + r.asText() + "'" : r.asText())
                        + " in the gradflow suppression (a rule id such as GF001, an id prefix such as GF00, a "
                        + "rule name, or \"*\")", at(r));
            }
            rules.add(rule);
        }
        return new Suppression(new SourcePos(g.keyLine(), g.keyColumn(), g.pointer()), rules, layers);
    }

    /**
     * Refuses a suppression beside a legacy wrapper key ({@code {"dense": {...}, "gradflow": ...}}):
     * DL4J cannot read such a file, so gradflow says where it belongs instead of reading on.
     */
    static void checkNotBesideWrapper(@Nullable JsonValue holder) throws ReadException {
        if (holder != null && holder.isObject() && holder.size() == 2 && !holder.has("@class") && holder.has(KEY)) {
            JsonValue g = Objects.requireNonNull(holder.get(KEY), "has() saw it");
            throw new ReadException("put the \"gradflow\" member inside the layer's object ({\"dense\": {..., "
                    + "\"gradflow\": {...}}}): beside the legacy wrapper key DL4J cannot read the file",
                    new SourcePos(g.keyLine(), g.keyColumn(), g.pointer()));
        }
    }

    private static SourcePos at(JsonValue v) {
        return new SourcePos(v.line(), v.column(), v.pointer());
    }
}
