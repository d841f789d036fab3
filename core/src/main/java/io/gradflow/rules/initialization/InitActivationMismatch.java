package io.gradflow.rules.initialization;

import io.gradflow.analysis.Verdict;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.activation.Activations;
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
 * A fan-scaled initialiser made for another nonlinearity (Xavier under ReLU, He under tanh):
 * each layer then scales the signal and the gradient by a constant factor, which compounds.
 */
public final class InitActivationMismatch implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF002", "init-activation-mismatch", Severity.ERROR,
            Category.INITIALIZATION,
            "The initialiser's scale does not fit the layer's nonlinearity, so the signal drifts layer by layer",
            "0.1.0")
            .withOptions(RuleOption.decimal("warnDecades", 1.0), RuleOption.integer("minLayers", 3))
            .withRole(RuleInfo.Role.CAUSE);

    /** How far (as a factor) the forward gain may stray from the nonlinearity's need. */
    static final double TOLERANCE = 1.45;

    @Override
    public RuleInfo info() {
        return INFO;
    }

    /** True when the block's init is fan-scaled and its scale is off for its nonlinearity. */
    static boolean mismatched(RuleContext ctx, Block b) {
        WeightInit w = b.layer().weightInit();
        if (w == null || w.family() != WeightInit.Family.FAN_SCALED || b.normalized()
                || b.layer().kind().recurrent() || b.layer().kind() == LayerKind.ATTENTION) {
            return false;
        }
        if (b.activation().is(Activations.SOFTMAX) || normalizedAfterBranch(ctx.model(), b)) {
            return false;
        }
        double r = InitScale.nominal(w) / InitScale.ideal(b.activation());
        return r > TOLERANCE || r < 1 / TOLERANCE;
    }

    /**
     * Whether a normalisation resets the scale after the block before any other nonlinearity, on
     * every path from it: through linear layers (a transformer's second feed-forward Dense, an
     * attention's projections, whose softmax weights only average), dropout, reshapes and
     * residual additions. A transformer's feed-forward Dense under ReLU with Keras's default
     * Glorot then shrinks its branch once, and the layer norm after the residual addition undoes
     * it: there is nothing to compound (issue 19).
     */
    static boolean normalizedAfterBranch(ModelGraph g, Block b) {
        return normalizedOnEveryPath(g, b.applier(), 0);
    }

    private static boolean normalizedOnEveryPath(ModelGraph g, Node from, int depth) {
        List<String> users = g.consumers(from.name());
        if (users.isEmpty() || depth > 16) {
            return false;
        }
        for (String name : users) {
            Node u = Objects.requireNonNull(g.node(name), "a consumer is a layer of the graph");
            boolean reset = switch (u.kind()) {
                case BATCH_NORM, LAYER_NORM -> true;
                case DROPOUT, SHAPE, ATTENTION -> normalizedOnEveryPath(g, u, depth + 1);
                case ELEMENTWISE -> u.merge() == Node.Merge.ADD && normalizedOnEveryPath(g, u, depth + 1);
                case DENSE, CONV -> u.layerNorm() || (u.activation() == null || u.activation().is(Activations.IDENTITY))
                        && normalizedOnEveryPath(g, u, depth + 1);
                default -> false;
            };
            if (!reset) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        double warnDecades = ctx.option(INFO, "warnDecades", 1.0);
        double errorDecades = ctx.config().thresholds().vanishingDecades();
        List<Finding> out = new ArrayList<>();
        List<Block> blocks = Blocks.blocks(ctx.model());
        int minLayers = (int) ctx.option(INFO, "minLayers", 3);
        for (List<Block> chain : Blocks.plainChains(blocks, b -> mismatched(ctx, b))) {
            Block first = chain.get(0);
            Block last = chain.get(chain.size() - 1);
            // the drift shows in the signal (forward) and in the gradient (backward): take the larger
            Blocks.Drift drift = Blocks.drift(ctx, first.layer(), last.layer());
            double worst = drift.worst();
            boolean badVerdict = ctx.analysis().verdict() == Verdict.VANISHING
                    || ctx.analysis().verdict() == Verdict.EXPLODING;
            Severity sev = Math.abs(worst) >= errorDecades && badVerdict ? Severity.ERROR
                    : Math.abs(worst) >= warnDecades ? Severity.WARNING : Severity.INFO;
            if (sev == Severity.INFO && chain.size() < minLayers) {
                continue;
            }
            WeightInit init = Objects.requireNonNull(first.layer().weightInit(), "mismatched() read it");
            double r = InitScale.nominal(init) / InitScale.ideal(first.activation());
            String what = drift.phrase().isEmpty() ? "the drift compounds layer by layer" : drift.phrase();
            String msg = String.format(Locale.US, "%s: %s %s under %s, which %s the pre-activation variance "
                            + "%.2gx per layer instead of keeping it; %s",
                    Blocks.span(first.layer(), last.layer()),
                    chain.size() == 1 ? "uses" : "all " + chain.size() + " use",
                    init.label(), first.activation().label(),
                    r < 1 ? "shrinks" : "grows", r < 1 ? 1 / r : r, what);
            out.add(ctx.finding(INFO, sev, first.layer(), last.layer(), drift.spanDecades(), msg,
                    "use " + InitScale.recommend(first.activation())));
        }
        return out;
    }
}
