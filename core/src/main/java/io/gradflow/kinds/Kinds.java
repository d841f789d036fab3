package io.gradflow.kinds;

import io.gradflow.model.LayerKind;
import java.util.List;
import java.util.Optional;

/** The ordered registry of every layer kind: explicit, no classpath scanning (like the rules' list). */
public final class Kinds {

    private static final List<Kind> ALL = List.of(
            new InputKind(),
            new DenseKind(),
            new ConvKind(),
            new DeconvKind(),
            new DepthwiseConvKind(),
            new SeparableConvKind(),
            new LocallyConnectedKind(),
            new PoolingKind(),
            new GlobalPoolingKind(),
            new BatchNormKind(),
            new LayerNormKind(),
            new LocalResponseNormKind(),
            new ActivationKind(),
            new DropoutKind(),
            new EmbeddingKind(),
            new RecurrentKind(LayerKind.SIMPLE_RNN),
            new RecurrentKind(LayerKind.LSTM),
            new RecurrentKind(LayerKind.GRU),
            new ConvLstmKind(),
            new BidirectionalKind(),
            new AttentionKind(),
            new DotAttentionKind(),
            new OutputKind(),
            new LossKind(),
            new ElementwiseKind(),
            new ConcatKind(),
            new ScaleKind(),
            new ShapeKind(),
            new OpaqueKind());

    private Kinds() {
    }

    /** Every kind, in a fixed order. */
    public static List<Kind> all() {
        return ALL;
    }

    /** The kind for a model tag; {@link KindCatalogue} checks every tag has one. */
    public static Kind of(LayerKind tag) {
        for (Kind k : ALL) {
            if (k.tag() == tag) {
                return k;
            }
        }
        throw new IllegalStateException("no kind registered for " + tag);
    }

    /** The kind whose Deeplearning4j part reads this class (a simple name), if any. */
    public static Optional<Kind> byDl4jClass(String simpleName) {
        for (Kind k : ALL) {
            if (k.dl4j().classes().contains(simpleName)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
