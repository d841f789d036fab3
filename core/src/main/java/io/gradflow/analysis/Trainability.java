package io.gradflow.analysis;

import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a verdict about trainability needs beyond the first-to-last weight-gradient ratio
 * (docs/theory.md section 10). A layer whose loss does not depend on its weights' scale (it feeds
 * only normalisation) has, under one learning rate, the effective step its relative update says
 * (weight-gradient RMS over weight RMS), and tunes it itself: SGD lengthens its weights while its
 * step is large. So where the first hidden layer is such a layer, the verdict compares the
 * relative updates' first-to-last, and that first layer cannot explode by it; elsewhere it
 * compares the weight gradients' ratio.
 *
 * @param weightScaleDecades log10 of the first hidden layer's weight RMS over the last one's at
 *                           initialisation: the relative updates' first-to-last is the weight
 *                           gradients' minus this
 * @param selfTuning         the first hidden layer is scale invariant
 * @param scaleInvariant     the weighted layers whose loss is invariant to their weights' scale
 * @param offsetDecades      how much of the weight gradients' first-to-last at initialisation
 *                           comes from the untrained output's offsets (the part of the loss gradient
 *                           that is the same for every example and position, gone once the output's
 *                           bias is corrected): the first-to-last with them minus without them
 */
public record Trainability(double weightScaleDecades, boolean selfTuning, Set<String> scaleInvariant,
                           double offsetDecades) {

    /** No correction: the relative update is the weight gradient's ratio, nothing tunes itself. */
    public static final Trainability NONE = new Trainability(0, false, Set.of(), 0);

    public Trainability {
        scaleInvariant = Set.copyOf(scaleInvariant);
        weightScaleDecades = Double.isFinite(weightScaleDecades) ? weightScaleDecades : 0;
        offsetDecades = Double.isFinite(offsetDecades) ? offsetDecades : 0;
    }

    /** The first-to-last once the output's bias is corrected, given the one at initialisation. */
    public double persistent(double firstToLast) {
        return firstToLast - offsetDecades;
    }

    /** The same structure with the offsets' share of the first-to-last. */
    public Trainability withOffsetDecades(double d) {
        return new Trainability(weightScaleDecades, selfTuning, scaleInvariant, d);
    }

    /**
     * The first-to-last the verdict compares, given the weight gradients': the relative updates'
     * where the first layer tunes its own step (its effective learning rate is what its relative
     * update says), the weight gradients' own elsewhere, as gradient monitors measure it.
     */
    public double update(double firstToLast) {
        return selfTuning ? firstToLast - weightScaleDecades : firstToLast;
    }

    /**
     * The weighted layers (outputs aside) whose every output path reaches a normalisation through
     * nothing that depends on scale: activations that commute with positive scaling (identity,
     * ReLU, leaky ReLU), dropout, reshaping, max and average pooling, and concatenation (then only
     * batch normalisation, which normalises each channel on its own); or that normalise inside
     * the layer. Scaling such a layer's weights leaves the loss unchanged.
     */
    static Set<String> scaleInvariantLayers(ModelGraph g) {
        Set<String> out = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            if (!n.hasWeights() || n.kind() == LayerKind.OUTPUT || n.kind() == LayerKind.EMBEDDING
                    || n.kind().recurrent()) {
                continue;
            }
            boolean homogeneous = n.activation() == null || n.activation().positivelyHomogeneous();
            if (n.layerNorm() && homogeneous || homogeneous && reachesNormalisation(g, n.name(), false, 0)) {
                out.add(n.name());
            }
        }
        return out;
    }

    private static boolean reachesNormalisation(ModelGraph g, String name, boolean concatenated, int depth) {
        if (depth > 64) {
            return false;
        }
        var users = g.consumers(name);
        if (users.isEmpty()) {
            return false;
        }
        for (String u : users) {
            Node n = Objects.requireNonNull(g.node(u), "a consumer is a layer");
            boolean ok = switch (n.kind()) {
                case BATCH_NORM -> true;
                case LAYER_NORM -> !concatenated;
                case ACTIVATION -> (n.activation() == null || n.activation().positivelyHomogeneous())
                        && reachesNormalisation(g, u, concatenated, depth + 1);
                case DROPOUT, SHAPE -> reachesNormalisation(g, u, concatenated, depth + 1);
                case POOLING, GLOBAL_POOLING -> (n.pooling() == Node.Pooling.MAX || n.pooling() == Node.Pooling.AVG)
                        && reachesNormalisation(g, u, concatenated, depth + 1);
                case CONCAT -> reachesNormalisation(g, u, true, depth + 1);
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
