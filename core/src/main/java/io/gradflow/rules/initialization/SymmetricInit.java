package io.gradflow.rules.initialization;

import io.gradflow.model.Node;
import io.gradflow.rules.Blocks;
import io.gradflow.rules.Category;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleContext;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.Severity;
import java.util.ArrayList;
import java.util.List;

/** Constant weights (zeros, ones) in a hidden layer: no symmetry is broken, units stay clones. */
public final class SymmetricInit implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF003", "symmetric-init", Severity.ERROR,
            Category.INITIALIZATION,
            "A hidden layer starts with constant weights, so all its units compute and learn the same thing",
            "0.1.0")
            .withRole(RuleInfo.Role.CAUSE);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        List<Finding> out = new ArrayList<>();
        for (Node n : ctx.model().nodes()) {
            if (!Blocks.hidden(n) || n.weightInit() == null || !n.weightInit().symmetric()) {
                continue;
            }
            double value = n.weightInit().mean();
            String what = value == 0
                    ? "its weights all start at 0: the layer's output is constant and no gradient reaches "
                            + "the layers before it"
                    : "its weights all start at " + value + ": every unit computes the same function and "
                            + "receives the same gradient, so the units never become different";
            out.add(ctx.finding(INFO, Severity.ERROR, n,
                    "layer '" + n.name() + "' (" + n.weightInit().label() + "): " + what,
                    "use a random, fan-scaled initialiser (DL4J XAVIER or RELU, Keras glorot_uniform or "
                            + "he_normal); constant init is only safe in the output layer"));
        }
        return out;
    }
}
