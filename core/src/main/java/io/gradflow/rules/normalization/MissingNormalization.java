package io.gradflow.rules.normalization;

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

/** A deep plain stack with no batch or layer normalisation anywhere in it. */
public final class MissingNormalization implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF005", "missing-normalization", Severity.WARNING,
            Category.NORMALIZATION,
            "A deep stack of layers has no normalisation to hold the signal's scale", "0.1.0")
            .withOptions(RuleOption.integer("minDepth", 8), RuleOption.decimal("warnDecades", 1.0));

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        int minDepth = (int) ctx.option(INFO, "minDepth", 8);
        double warnDecades = ctx.option(INFO, "warnDecades", 1.0);
        List<Finding> out = new ArrayList<>();
        for (List<Block> chain : Blocks.plainChains(Blocks.blocks(ctx.model()), b -> true)) {
            if (chain.size() < minDepth) {
                continue;
            }
            Block first = chain.get(0);
            Block last = chain.get(chain.size() - 1);
            Blocks.Drift drift = Blocks.drift(ctx, first.layer(), last.layer());
            double grad = drift.gradient();
            double signal = drift.signal();
            if (!(Math.abs(drift.worst()) >= warnDecades)) {
                // a deep plain stack that holds its scale: nothing to act on
                continue;
            }
            String change = Double.isFinite(grad) && Double.isFinite(signal)
                    ? String.format(Locale.US, "%s, and the activation RMS changes %s decades across them",
                    Blocks.reaching(first.layer(), last.layer(), grad), Blocks.signed(signal))
                    : drift.phrase();
            String msg = String.format(Locale.US, "%s: %d layers in a row with no batch or layer normalisation; %s",
                    Blocks.span(first.layer(), last.layer()), chain.size(), change);
            out.add(ctx.finding(INFO, Severity.WARNING, first.layer(), last.layer(), drift.spanDecades(), msg,
                    "add batch normalisation (or layer normalisation) between the layers, before each nonlinearity"));
        }
        return out;
    }
}
