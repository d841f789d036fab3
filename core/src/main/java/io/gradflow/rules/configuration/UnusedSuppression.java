package io.gradflow.rules.configuration;

import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.Suppression;
import io.gradflow.rules.Category;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleContext;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.Severity;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An inline suppression that silences nothing: the rule it names does not fire where it is
 * written (ruff's RUF100). Left in place it hides the next real finding there, and it tells a
 * reader about a problem the model no longer has.
 *
 * <p>Unlike the other rules it cannot judge a model alone: whether a suppression was used is
 * known only once every other rule has run. The engine records that and asks {@link #finding}
 * for each unused one; {@link #check} finds nothing by itself.
 */
public final class UnusedSuppression implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF015", "unused-suppression", Severity.WARNING,
            Category.CONFIGURATION, "An inline suppression names a rule that does not fire where it is written",
            "0.2.0");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        return List.of();
    }

    /**
     * The finding for a suppression whose rules {@code unused} (as written) silenced nothing.
     *
     * @param all whether every rule the suppression names is unused (then the whole comment can go)
     */
    public static Finding finding(ModelGraph model, Suppression s, List<String> unused, boolean all) {
        String layer = firstLayer(model, s);
        String where = s.layers().isEmpty() ? "in this model"
                : s.layers().size() == 1 ? "on layer '" + layer + "'" : "on the " + s.layers().size() + " layers it covers";
        String names = String.join(", ", unused);
        String message = "unused suppression: " + names + (unused.size() == 1 ? " does" : " do") + " not fire "
                + where;
        String fix = all ? "remove the suppression" : "remove " + names + " from the suppression";
        return new Finding(INFO.id(), INFO.name(), INFO.severity(), INFO.category(), message, fix, model.source(),
                s.pos().line(), s.pos().column(), layer, s.pos().pointer());
    }

    /** The first layer, in model order, that the suppression covers (null for a whole-model one). */
    private static @Nullable String firstLayer(ModelGraph model, Suppression s) {
        if (s.layers().isEmpty()) {
            return null;
        }
        for (Node n : model.nodes()) {
            if (s.layers().contains(n.name())) {
                return n.name();
            }
        }
        return s.layers().iterator().next();
    }
}
