package io.gradflow.rules;

import io.gradflow.analysis.LayerProfile;
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
import java.util.Set;
import java.util.function.Predicate;

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
    public record Block(Node layer, Activation activation, Node applier, boolean normalized, Node next,
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
            Node u = g.node(users.get(0));
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

    /** Decades by which the pre-activation gradient RMS changes from {@code to} back to {@code from}. */
    public static double gradientDecades(RuleContext ctx, Node from, Node to) {
        LayerProfile a = ctx.profile(from);
        LayerProfile b = ctx.profile(to);
        if (a == null || b == null || !(a.gradientRms() > 0) || !(b.gradientRms() > 0)) {
            return 0;
        }
        return Math.log10(a.gradientRms() / b.gradientRms());
    }

    /** "layers 'dense_2'..'dense_17'" or "layer 'dense_2'". */
    public static String span(Node a, Node b) {
        return a == b ? "layer '" + a.name() + "'" : "layers '" + a.name() + "'..'" + b.name() + "'";
    }

    /** Formats decades with one decimal. */
    public static String dec(double d) {
        return String.format(Locale.ROOT, "%.1f", Math.abs(d));
    }

    /** Plural helper. */
    public static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
