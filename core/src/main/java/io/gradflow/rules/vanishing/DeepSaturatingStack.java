package io.gradflow.rules.vanishing;

import io.gradflow.analysis.Verdict;
import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
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

/** Stacks of sigmoid/tanh-family layers with no normalisation between them lose the gradient. */
public final class DeepSaturatingStack implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF001", "deep-saturating-stack", Severity.ERROR,
            Category.VANISHING_GRADIENT,
            "Stacked sigmoid/tanh-family layers with no normalisation between them shrink the gradient",
            "0.1.0")
            .withOptions(RuleOption.integer("minLayers", 3), RuleOption.decimal("warnDecades", 1.0))
            .withRole(RuleInfo.Role.CAUSE);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        int minLayers = (int) ctx.option(INFO, "minLayers", 3);
        double warnDecades = ctx.option(INFO, "warnDecades", 1.0);
        double errorDecades = ctx.config().thresholds().vanishingDecades();
        List<Finding> out = new ArrayList<>();
        // linear layers between saturating ones do not rescue the gradient: they stay in the stack
        for (List<Block> run : Blocks.plainChains(Blocks.blocks(ctx.model()),
                b -> b.activation().saturating() || b.activation().is(Activations.IDENTITY))) {
            List<Block> chain = trimLinear(run);
            long saturating = chain.stream().filter(b -> b.activation().saturating()).count();
            if (saturating < minLayers) {
                continue;
            }
            Block first = chain.get(0);
            Block last = chain.get(chain.size() - 1);
            double decades = Blocks.gradientDecades(ctx, first.layer(), last.layer());
            if (!(decades <= -warnDecades)) {
                continue;
            }
            boolean error = decades <= -errorDecades && ctx.analysis().verdict() != Verdict.UNKNOWN;
            Activation a = first.activation();
            String init = first.layer().weightInit() == null ? "default init" : first.layer().weightInit().label();
            String msg = String.format(Locale.US, "%s: %d stacked %s layers with no normalisation between them; "
                            + "%s (%s, %s)",
                    Blocks.span(first.layer(), last.layer()), saturating, a.label(),
                    Blocks.reaching(first.layer(), last.layer(), decades), a.label(), init);
            String fix = "use ReLU (or leaky ReLU) with He (RELU) init in the hidden layers, or put batch "
                    + "normalisation before each " + a.label();
            out.add(ctx.finding(INFO, error ? Severity.ERROR : Severity.WARNING, first.layer(), last.layer(), decades, msg,
                    fix));
        }
        return out;
    }

    /** The run without linear layers at its ends: the stack starts and ends at a saturating layer. */
    private static List<Block> trimLinear(List<Block> run) {
        int from = 0;
        int to = run.size();
        while (from < to && !run.get(from).activation().saturating()) {
            from++;
        }
        while (to > from && !run.get(to - 1).activation().saturating()) {
            to--;
        }
        return run.subList(from, to);
    }
}
