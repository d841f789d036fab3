package io.gradflow.rules.unsupported;

import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.rules.Category;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleContext;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.Severity;
import java.util.ArrayList;
import java.util.List;

/** A layer gradflow cannot model (custom, unknown or unsupported): the analysis cannot see through it. */
public final class UnsupportedLayer implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF012", "unsupported-layer", Severity.INFO,
            Category.UNSUPPORTED,
            "A layer gradflow cannot model; predictions through it are uncertain", "0.1.0");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        List<Finding> out = new ArrayList<>();
        boolean cutsVerdict = !ctx.analysis().cuts().isEmpty();
        for (Node n : ctx.model().nodes()) {
            if (n.kind() != LayerKind.OPAQUE) {
                continue;
            }
            String why = n.detail() == null ? "not a layer gradflow models" : n.detail();
            String effect = ctx.analysis().cuts().contains(n.name())
                    ? "; it lies on the path the verdict needs, so the verdict is unknown"
                    : cutsVerdict ? "" : "; it is treated as an identity";
            out.add(ctx.finding(INFO, Severity.INFO, n, "layer '" + n.name() + "' (" + n.type() + "): " + why + effect,
                    "run `gradflow verify` to measure the gradients with the real layer"));
        }
        return out;
    }
}
