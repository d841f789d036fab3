package io.gradflow.model;

import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An inline suppression written in a model file: the rules it silences as the file names them
 * (ids, id prefixes such as GF00, names, or "*" for every rule), where it is written, and the
 * layers it covers (none: the whole model, findings about the model as a whole included).
 *
 * @param pos    where the suppression is written (the DSL comment, the DL4J "gradflow" member)
 * @param rules  the rule selectors as written, in order
 * @param layers the layers it covers; empty for the whole model
 */
public record Suppression(SourcePos pos, List<String> rules, Set<String> layers) {

    public Suppression {
        pos = pos == null ? SourcePos.NONE : pos;
        rules = List.copyOf(rules);
        layers = Set.copyOf(layers);
    }

    /** Whether a finding on {@code layer} (null: about the whole model) falls under it. */
    public boolean covers(@Nullable String layer) {
        return layers.isEmpty() || layer != null && layers.contains(layer);
    }

    /** The same suppression written elsewhere (inside a container, where lines mean nothing). */
    public Suppression at(SourcePos where) {
        return new Suppression(where, rules, layers);
    }
}
