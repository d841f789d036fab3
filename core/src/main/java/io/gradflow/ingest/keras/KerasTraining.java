package io.gradflow.ingest.keras;

import io.gradflow.json.JsonValue;
import io.gradflow.model.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a Keras file says about training: an HDF5 file's {@code training_config} (loss and
 * {@code optimizer_config}) or a Keras 3 {@code compile_config} (loss and {@code optimizer}).
 *
 * @param loss     the loss as Keras names it, or null
 * @param updater  the optimiser and its learning rate, or null
 * @param clipping clipnorm / clipvalue / global_clipnorm on the optimiser, or null
 */
record KerasTraining(@Nullable String loss, Node.@Nullable Updater updater,
                     Node.@Nullable GradientNormalization clipping) {

    static final KerasTraining NONE = new KerasTraining(null, null, null);

    static KerasTraining of(@Nullable JsonValue t) {
        if (t == null || !t.isObject()) {
            return NONE;
        }
        String loss = loss(t.opt("loss"));
        JsonValue opt = t.opt("optimizer_config");
        if (opt == null) {
            opt = t.opt("optimizer");
        }
        Node.Updater updater = null;
        Node.GradientNormalization clip = null;
        if (opt != null && opt.isString()) {
            updater = new Node.Updater(Objects.requireNonNull(opt.asText(), "a string has text"), Double.NaN);
        } else if (opt != null && opt.isObject() && opt.str("class_name") != null) {
            String name = opt.str("class_name").replace("Custom>", "");
            JsonValue cfg = opt.opt("config");
            double lr = Double.NaN;
            if (cfg != null && cfg.isObject()) {
                JsonValue rate = cfg.opt("learning_rate") != null ? cfg.opt("learning_rate") : cfg.opt("lr");
                lr = rate != null && rate.isNumber() ? rate.asDouble() : Double.NaN;
                for (String k : new String[] {"clipnorm", "global_clipnorm", "clipvalue"}) {
                    double v = cfg.num(k, Double.NaN);
                    if (!Double.isNaN(v) && v > 0) {
                        clip = new Node.GradientNormalization(k, v);
                        break;
                    }
                }
            }
            updater = new Node.Updater(name, lr);
        }
        return new KerasTraining(loss, updater, clip);
    }

    /** A loss as text: a name, a Keras loss object, a list or a per-output map of those. */
    private static @Nullable String loss(@Nullable JsonValue v) {
        if (v == null) {
            return null;
        }
        if (v.isString()) {
            return v.asText();
        }
        if (v.isArray()) {
            List<String> all = new ArrayList<>();
            for (JsonValue i : v.items()) {
                String s = loss(i);
                if (s != null) {
                    all.add(s);
                }
            }
            return all.isEmpty() ? null : String.join(", ", all);
        }
        if (v.isObject()) {
            if (v.str("class_name") != null) {
                JsonValue cfg = v.opt("config");
                String n = cfg != null && cfg.isObject() ? cfg.str("name") : null;
                return n != null ? n : v.str("class_name");
            }
            List<String> all = new ArrayList<>();
            for (Map.Entry<String, JsonValue> e : v.members().entrySet()) {
                String s = loss(e.getValue());
                if (s != null) {
                    all.add(e.getKey() + ": " + s);
                }
            }
            return all.isEmpty() ? null : String.join(", ", all);
        }
        return null;
    }

    void describe(Map<String, String> meta) {
        if (loss != null) {
            meta.put("loss", loss);
        }
        if (updater != null) {
            meta.put("optimizer", updater.name());
        }
    }

    /** The optimiser on every weighted node, the loss on the network's outputs. */
    List<Node> apply(List<Node> nodes, List<String> outputs) {
        if (this == NONE || loss == null && updater == null && clipping == null) {
            return nodes;
        }
        List<Node> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            Node.Builder b = n.toBuilder();
            if (n.hasWeights()) {
                b.updater(updater).gradientNormalization(clipping);
            }
            if (loss != null && outputs.contains(n.name())) {
                b.loss(loss);
            }
            out.add(b.build());
        }
        return out;
    }
}
