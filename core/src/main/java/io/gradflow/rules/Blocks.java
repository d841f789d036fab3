package io.gradflow.rules;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.analysis.NumericRange;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.activation.Activations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The model seen as rules talk about it: hidden layers with the nonlinearity that follows them,
 * whether a normalisation sits between them and the next layer, and plain chains of such blocks.
 */
public final class Blocks {

    private Blocks() {
    }

    /**
     * A hidden layer with weights and what follows it up to the next one.
     *
     * @param layer      the weighted layer
     * @param activation its effective nonlinearity (its own, or a following activation layer's)
     * @param applier    the node that applies it: the layer itself or that activation layer
     * @param normalized a batch or layer normalisation acts between this layer and the next
     * @param next       the next weighted layer along a single path, or null (branch, merge, end)
     * @param merge      the path to the next layer ends in a merge (residual add or concat)
     */
    public record Block(Node layer, Activation activation, Node applier, boolean normalized, @Nullable Node next,
                        boolean merge) { }

    /** Weighted layers that are not the output layer or a lookup table, in topological order. */
    public static boolean hidden(Node n) {
        return n.hasWeights() && n.kind() != LayerKind.OUTPUT && n.kind() != LayerKind.EMBEDDING;
    }

    public static List<Block> blocks(ModelGraph g) {
        List<Block> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (hidden(n)) {
                out.add(block(g, n));
            }
        }
        return out;
    }

    private static Block block(ModelGraph g, Node layer) {
        Activation act = layer.activation() == null ? Activation.IDENTITY : layer.activation();
        Node applier = layer;
        boolean normalized = layer.layerNorm();
        Node next = null;
        boolean merge = false;
        Node cur = layer;
        walk:
        while (true) {
            List<String> users = g.consumers(cur.name());
            if (users.size() != 1) {
                break;
            }
            Node u = Objects.requireNonNull(g.node(users.get(0)), "a consumer is a layer of the graph");
            if (u.hasWeights()) {
                next = u;
                break;
            }
            switch (u.kind()) {
                case BATCH_NORM, LAYER_NORM -> normalized = true;
                case ACTIVATION -> {
                    if (act.is(Activations.IDENTITY) && u.activation() != null) {
                        act = u.activation();
                        applier = u;
                    }
                }
                case ELEMENTWISE, CONCAT -> {
                    merge = true;
                    break walk;
                }
                case DROPOUT, SHAPE, POOLING, GLOBAL_POOLING, SCALE, LOCAL_RESPONSE_NORM -> { }
                default -> {
                    break walk;
                }
            }
            cur = u;
        }
        return new Block(layer, act, applier, normalized, next, merge);
    }

    /**
     * Maximal runs of consecutive blocks that all satisfy {@code member}, each leading straight
     * to the next with no normalisation between them.
     */
    public static List<List<Block>> plainChains(List<Block> blocks, Predicate<Block> member) {
        return chains(blocks, member, true);
    }

    /**
     * Maximal runs of consecutive blocks satisfying {@code member}, each leading straight to the
     * next (no branch, no merge); with {@code breakAtNorm} a normalisation also ends a run.
     */
    public static List<List<Block>> chains(List<Block> blocks, Predicate<Block> member, boolean breakAtNorm) {
        List<List<Block>> chains = new ArrayList<>();
        Map<String, Block> byLayer = new HashMap<>();
        Set<String> hasPredecessor = new HashSet<>();
        for (Block b : blocks) {
            byLayer.put(b.layer().name(), b);
        }
        for (Block b : blocks) {
            if (b.next() != null && !(breakAtNorm && b.normalized()) && member.test(b) && byLayer.containsKey(b.next().name())
                    && member.test(byLayer.get(b.next().name()))) {
                hasPredecessor.add(b.next().name());
            }
        }
        for (Block b : blocks) {
            if (!member.test(b) || hasPredecessor.contains(b.layer().name())) {
                continue;
            }
            List<Block> chain = new ArrayList<>();
            Block cur = b;
            while (cur != null) {
                chain.add(cur);
                Block nx = cur.next() == null || breakAtNorm && cur.normalized() ? null
                        : byLayer.get(cur.next().name());
                cur = nx != null && member.test(nx) ? nx : null;
            }
            chains.add(chain);
        }
        return chains;
    }

    /**
     * Decades by which the gradient reaching {@code from} (at its pre-activation) exceeds the one
     * reaching {@code to}: log10 of their RMS ratio, NaN where the analysis has no gradient.
     */
    public static double gradientDecades(RuleContext ctx, Node from, Node to) {
        LayerProfile a = ctx.profile(from);
        LayerProfile b = ctx.profile(to);
        if (a == null || b == null || !Double.isFinite(a.logGradient()) || !Double.isFinite(b.logGradient())) {
            return Double.NaN;
        }
        return a.logGradient() - b.logGradient();
    }

    /** Decades by which the activation RMS changes from {@code first}'s input to {@code last}'s output, or NaN. */
    public static double signalDecades(RuleContext ctx, Node first, Node last) {
        LayerProfile end = ctx.profile(last);
        String in = first.inputs().isEmpty() ? null : first.inputs().get(0);
        LayerProfile start = in == null ? null : ctx.analysis().profile(in);
        if (end == null || start == null || !Double.isFinite(end.logActivation())
                || !Double.isFinite(start.logActivation())) {
            return Double.NaN;
        }
        return end.logActivation() - start.logActivation();
    }

    /**
     * How the scale drifts across a run of layers, in the words every message uses: the gradient
     * reaching a layer (at its pre-activation) or the activation RMS, whichever changes more, or
     * the layer where the activation leaves the number format's range.
     *
     * @param gradient  decades by which the gradient reaching the first layer exceeds the one
     *                  reaching the last (NaN where unknown)
     * @param signal    decades by which the activation RMS changes across the run (NaN where unknown)
     * @param worst     the larger of the two in size, with its sign; infinite where the range is left
     * @param phrase    the change in words
     */
    public record Drift(double gradient, double signal, double worst, String phrase) {

        /** The decades a finding's span carries: the gradient's change, 0 where unknown. */
        public double spanDecades() {
            return Double.isFinite(gradient) ? gradient : 0;
        }
    }

    /** The drift across {@code first}..{@code last}. */
    public static Drift drift(RuleContext ctx, Node first, Node last) {
        double grad = gradientDecades(ctx, first, last);
        double signal = signalDecades(ctx, first, last);
        NumericRange r = ctx.analysis().range();
        if (r != null && r.forward() != null && (Double.isNaN(signal) || Double.isNaN(grad))) {
            NumericRange.Event e = r.forward();
            boolean over = e.direction() == NumericRange.Direction.OVERFLOW;
            return new Drift(grad, signal, over ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY,
                    String.format(Locale.US, "the activation RMS %s %s at layer '%s' (%s)",
                            over ? "overflows" : "rounds to zero in", e.precision().id(), e.layer(),
                            over ? "the loss and every gradient are then not numbers" : "the output no longer depends on "
                                    + "the input"));
        }
        boolean gradWorse = Double.isNaN(signal) || Double.isFinite(grad) && Math.abs(grad) > Math.abs(signal);
        if (gradWorse && Double.isFinite(grad)) {
            return new Drift(grad, signal, grad, reaching(first, last, grad));
        }
        if (Double.isFinite(signal)) {
            return new Drift(grad, signal, signal, String.format(Locale.US,
                    "the activation RMS %s %s decades across them", signal < 0 ? "falls" : "grows", dec(signal)));
        }
        return new Drift(grad, signal, 0, "");
    }

    /** "the gradient reaching 'a' is 2.10 decades smaller than the one reaching 'b'". */
    public static String reaching(Node first, Node last, double decades) {
        return String.format(Locale.US, "the gradient reaching '%s' is %s decades %s than the one reaching '%s'",
                first.name(), dec(decades), decades < 0 ? "smaller" : "larger", last.name());
    }

    /**
     * What the verdict compares when it differs from the weight gradients' ratio: "; relative to
     * their weights (what one learning rate does to each), 10^-2.41", or "" where the two layers'
     * weights have the same scale.
     */
    public static String relativeUpdate(GradientAnalysis a) {
        double u = a.firstToLastUpdateDecades();
        if (!Double.isFinite(u) || dec(u).equals(dec(a.firstToLastDecades())) && (u < 0) == (a.firstToLastDecades() < 0)) {
            return "";
        }
        return String.format(Locale.US, "; relative to their weights (what one learning rate does to each), 10^%s%s",
                u < 0 ? "-" : "", dec(u));
    }

    /** "layers 'dense_2'..'dense_17'" or "layer 'dense_2'". */
    public static String span(Node a, Node b) {
        return a == b ? "layer '" + a.name() + "'" : "layers '" + a.name() + "'..'" + b.name() + "'";
    }

    /** Formats the size of a change in decades with two decimals, as the verdict line does. */
    public static String dec(double d) {
        return String.format(Locale.US, "%.2f", Math.abs(d));
    }

    /** Formats a change in decades with its sign and two decimals. */
    public static String signed(double d) {
        return String.format(Locale.US, "%+.2f", d);
    }

    /** Plural helper. */
    public static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
