package io.gradflow.rules.skip;

import io.gradflow.rules.Blocks.Block;
import io.gradflow.rules.Blocks;
import io.gradflow.rules.Category;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleContext;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.RuleOption;
import io.gradflow.rules.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A very deep chain of layers with no residual connection to carry the gradient past them. */
public final class MissingSkipConnections implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF006", "missing-skip-connections", Severity.WARNING,
            Category.SKIP_CONNECTION,
            "A very deep plain stack has no skip connections for the gradient to bypass it", "0.1.0")
            .withOptions(RuleOption.integer("minDepth", 20), RuleOption.decimal("warnDecades", 1.0));

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        int minDepth = (int) ctx.option(INFO, "minDepth", 20);
        List<Finding> out = new ArrayList<>();
        for (List<Block> chain : Blocks.chains(Blocks.blocks(ctx.model()), b -> true, false)) {
            if (chain.size() < minDepth) {
                continue;
            }
            Block first = chain.get(0);
            Block last = chain.get(chain.size() - 1);
            double grad = Blocks.gradientDecades(ctx, first.layer(), last.layer());
            String msg = String.format(Locale.US,
                    "%s: %d layers in a row with no skip connection; the gradient reaching '%s' "
                            + "has passed back through all of them%s",
                    Blocks.span(first.layer(), last.layer()), chain.size(), first.layer().name(),
                    Double.isFinite(grad) ? String.format(Locale.US, " and is %s decades %s than the one "
                            + "reaching '%s'", Blocks.dec(grad), grad < 0 ? "smaller" : "larger", last.layer().name())
                            : "");
            Severity sev = Math.abs(grad) >= ctx.option(INFO, "warnDecades", 1.0) ? Severity.WARNING : Severity.INFO;
            out.add(ctx.finding(INFO, sev, first.layer(), last.layer(), Double.isFinite(grad) ? grad : 0, msg,
                    "group the layers into residual blocks (y = x + F(x)) so the gradient has a short path "
                            + "back to the early layers"));
        }
        return out;
    }
}
