package io.gradflow.rules.initialization;

import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.Verdict;
import io.gradflow.model.LayerKind;
import io.gradflow.model.WeightInit;
import io.gradflow.rules.Blocks;
import io.gradflow.rules.Blocks.Block;
import io.gradflow.rules.Category;
import io.gradflow.rules.Finding;
import io.gradflow.rules.InitScale;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleContext;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.RuleOption;
import io.gradflow.rules.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Weights drawn from a fixed distribution such as N(0, 1) ignore the layer's fan-in: with 100
 * inputs the pre-activation variance is 100 times what the nonlinearity needs.
 */
public final class UnscaledInit implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF004", "unscaled-init", Severity.ERROR,
            Category.INITIALIZATION,
            "A fixed weight distribution (such as N(0, 1)) ignores the fan-in and mis-scales every layer",
            "0.1.0")
            .withOptions(RuleOption.decimal("warnDecades", 1.0))
            .withRole(RuleInfo.Role.CAUSE);

    /** How far (as a factor) the forward gain may stray before a fixed distribution is flagged. */
    static final double FACTOR = 4;

    @Override
    public RuleInfo info() {
        return INFO;
    }

    static boolean unscaled(RuleContext ctx, Block b) {
        WeightInit w = b.layer().weightInit();
        if (w == null || w.family() != WeightInit.Family.DISTRIBUTION || b.normalized()
                || b.layer().kind().recurrent() || b.layer().kind() == LayerKind.ATTENTION) {
            return false;
        }
        double gain = InitScale.gain(Objects.requireNonNull(ctx.profile(b.layer()), "every layer has a profile"));
        double r = gain / InitScale.ideal(b.activation());
        return gain > 0 && (r >= FACTOR || r <= 1 / FACTOR);
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        double warnDecades = ctx.option(INFO, "warnDecades", 1.0);
        double errorDecades = ctx.config().thresholds().vanishingDecades();
        List<Finding> out = new ArrayList<>();
        for (List<Block> chain : Blocks.plainChains(Blocks.blocks(ctx.model()), b -> unscaled(ctx, b))) {
            Block first = chain.get(0);
            Block last = chain.get(chain.size() - 1);
            LayerProfile p = Objects.requireNonNull(ctx.profile(first.layer()), "every layer has a profile");
            double r = InitScale.gain(p) / InitScale.ideal(first.activation());
            Blocks.Drift drift = Blocks.drift(ctx, first.layer(), last.layer());
            double worst = drift.worst();
            boolean badVerdict = ctx.analysis().verdict() == Verdict.VANISHING
                    || ctx.analysis().verdict() == Verdict.EXPLODING;
            Severity sev = Math.abs(worst) >= errorDecades && badVerdict ? Severity.ERROR
                    : Math.abs(worst) >= warnDecades || chain.size() > 1 ? Severity.WARNING : Severity.INFO;
            String effect = drift.phrase().isEmpty() ? "the drift compounds layer by layer" : drift.phrase();
            if (worst == drift.gradient() && worst > 0 && first.activation().saturating()) {
                effect += " (chaotic regime: the activations look bounded but the gradient explodes)";
            }
            String msg = String.format(Locale.US, "%s: %s weights ignore the fan-in (%d): the pre-activation "
                            + "variance is %.3gx what %s needs; %s",
                    Blocks.span(first.layer(), last.layer()),
                    Objects.requireNonNull(first.layer().weightInit(), "unscaled() read it").label(),
                    (long) p.fanIn(), r, first.activation().label(), effect);
            out.add(ctx.finding(INFO, sev, first.layer(), last.layer(), drift.spanDecades(), msg,
                    "use " + InitScale.recommend(first.activation()) + ", which scales with the fan-in"));
        }
        return out;
    }
}
