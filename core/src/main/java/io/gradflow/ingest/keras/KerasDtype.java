package io.gradflow.ingest.keras;

import io.gradflow.json.JsonValue;
import io.gradflow.model.NumberFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Keras's dtype and dtype policies. A layer's {@code dtype} is a plain name in Keras 1 and 2
 * ({@code "float32"}), a {@code Policy} object in tf.keras from 2.4
 * ({@code {"class_name": "Policy", "config": {"name": "mixed_float16"}}}) and a
 * {@code DTypePolicy} (or {@code FloatDTypePolicy}) in Keras 3. The global policy is not saved
 * on its own: every layer carries it, so the model's format is what most of its layers say.
 */
final class KerasDtype {

    private KerasDtype() {
    }

    /** The policy name a layer config's dtype gives, or null. */
    static @Nullable String policyName(@Nullable JsonValue dtype) {
        if (dtype == null || dtype.isNull()) {
            return null;
        }
        if (dtype.isString()) {
            return dtype.asText();
        }
        if (dtype.isObject()) {
            JsonValue cfg = dtype.opt("config");
            if (cfg != null && cfg.isObject()) {
                String name = cfg.str("name");
                if (name != null) {
                    return name;
                }
            }
        }
        return null;
    }

    /** The format a layer config's dtype means, or null when it says nothing gradflow reads. */
    static @Nullable NumberFormat of(@Nullable JsonValue dtype) {
        return NumberFormat.kerasPolicy(policyName(dtype));
    }

    /**
     * The model's format: the policy most of its layers (not its inputs, whose dtype is the
     * data's) declare, found anywhere in the config, nested models included; the default when
     * none says.
     */
    static NumberFormat model(JsonValue root) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        count(root, counts, 0);
        String best = null;
        int most = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > most) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        NumberFormat f = NumberFormat.kerasPolicy(best);
        return f == null ? NumberFormat.DEFAULT : f;
    }

    private static void count(JsonValue v, Map<String, Integer> counts, int depth) {
        if (v == null || depth > 64) {
            return;
        }
        if (v.isArray()) {
            for (JsonValue i : v.items()) {
                count(i, counts, depth + 1);
            }
            return;
        }
        if (!v.isObject()) {
            return;
        }
        String cls = v.str("class_name");
        JsonValue cfg = v.opt("config");
        if (cls != null && cfg != null && cfg.isObject() && !cls.equals("InputLayer")) {
            String name = policyName(cfg.opt("dtype"));
            if (name != null && NumberFormat.kerasPolicy(name) != null) {
                counts.merge(name, 1, Integer::sum);
            }
        }
        for (Map.Entry<String, JsonValue> e : v.members().entrySet()) {
            if (!e.getKey().equals("dtype")) {
                count(e.getValue(), counts, depth + 1);
            }
        }
    }
}
