package io.gradflow.fix;

import java.util.LinkedHashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A fix for one finding: what it does, to which layers, as edits on the model's source text.
 *
 * @param kind   what it changes (and so whether it is safe)
 * @param title  one line for people: "use He init in layers 'dense_0'..'dense_19'"
 * @param rule   the rule of the finding it fixes
 * @param layer  the finding's layer (the first of its span), or null for the model
 * @param edits  the replacements, in any order, none overlapping (duplicates are dropped)
 */
public record Fix(FixKind kind, String title, String rule, @Nullable String layer, List<Edit> edits) {

    public Fix {
        // a statement the DSL repeats makes several layers; its edit is made once
        edits = List.copyOf(new LinkedHashSet<>(edits));
    }

    public boolean safe() {
        return kind.safe();
    }

    /** True when any of this fix's edits touches one of {@code others}. */
    public boolean overlaps(List<Edit> others) {
        for (Edit a : edits) {
            for (Edit b : others) {
                if (a.overlaps(b)) {
                    return true;
                }
            }
        }
        return false;
    }
}
