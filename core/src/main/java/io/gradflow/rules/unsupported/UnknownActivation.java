package io.gradflow.rules.unsupported;

import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
import io.gradflow.model.Node;
import io.gradflow.rules.Category;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleContext;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.Severity;
import java.util.ArrayList;
import java.util.List;

/** An activation function gradflow does not know (a custom one): its slope is unknown. */
public final class UnknownActivation implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF013", "unknown-activation", Severity.INFO,
            Category.UNSUPPORTED,
            "An activation function gradflow does not know; the analysis cannot predict its slope", "0.1.0");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        List<Finding> out = new ArrayList<>();
        for (Node n : ctx.model().nodes()) {
            Activation a = n.activation();
            if (a == null || !a.is(Activations.UNKNOWN)) {
                continue;
            }
            out.add(ctx.finding(INFO, Severity.INFO, n, "layer '" + n.name() + "' uses activation '" + a.name()
                            + "', which gradflow does not know; the layers after it are predicted as if it were linear",
                    "run `gradflow verify` to measure the gradients with the real activation"));
        }
        return out;
    }
}
