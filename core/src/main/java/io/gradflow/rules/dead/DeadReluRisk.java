package io.gradflow.rules.dead;

import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.NumericRange;
import io.gradflow.math.Gaussian;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.Node;
import io.gradflow.rules.Blocks;
import io.gradflow.rules.Blocks.Block;
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
import org.jspecify.annotations.Nullable;

/**
 * ReLU units whose pre-activation sits mostly below zero at initialisation (a negative bias, a
 * negative weight mean) pass no gradient: the layer starts out largely dead.
 */
public final class DeadReluRisk implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF007", "dead-relu-risk", Severity.ERROR,
            Category.DEAD_UNITS,
            "Most ReLU units are inactive at initialisation and pass no gradient", "0.1.0")
            .withOptions(RuleOption.decimal("warnFraction", 0.8), RuleOption.decimal("errorFraction", 0.99))
            .withRole(RuleInfo.Role.CAUSE);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        double warnFraction = ctx.option(INFO, "warnFraction", 0.8);
        double errorFraction = ctx.option(INFO, "errorFraction", 0.99);
        List<Finding> out = new ArrayList<>();
        for (Block b : Blocks.blocks(ctx.model())) {
            Activation a = b.activation();
            if (!a.rectifying() || b.normalized()) {
                continue;
            }
            Moments pre = preActivation(ctx, b);
            if (pre == null || !(pre.q() > 0)) {
                continue;
            }
            double threshold = a.fn().inactiveBelow(a.alpha());
            double inactive = Gaussian.cdf((threshold - pre.mean()) / Math.sqrt(pre.q()));
            if (inactive < warnFraction) {
                continue;
            }
            Node n = b.layer();
            String cause = n.hasBias() && n.biasInit() < 0 ? "bias init " + n.biasInit()
                    : pre.mean() < 0 ? "a negative mean pre-activation" : "the threshold";
            String msg = String.format(Locale.US,
                    "layer '%s': %.0f%% of its %s units are inactive for a typical input at "
                            + "initialisation (%s against a pre-activation spread of %.2g); inactive units pass "
                            + "no gradient", n.name(), 100 * inactive, a.label(), cause, Math.sqrt(pre.q()));
            out.add(ctx.finding(INFO, inactive >= errorFraction ? Severity.ERROR : Severity.WARNING, n, msg,
                    "initialise the bias at 0 (or slightly positive), or use leaky ReLU, which keeps a "
                            + "small gradient for negative inputs"));
        }
        return out;
    }

    /** What the block's ReLU sees: the pre-activation of the node that applies it. */
    private static @Nullable Moments preActivation(RuleContext ctx, Block b) {
        LayerProfile p = ctx.profile(b.applier());
        // past an overflow the moments are placeholders
        return p == null || p.logs().range() == NumericRange.Direction.OVERFLOW ? null : p.pre();
    }
}
