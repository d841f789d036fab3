package io.gradflow.kinds;

import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/**
 * Attention with projections of its own (DL4J's self-attention layers and AttentionVertex, Keras
 * MultiHeadAttention), modelled as the projections' dense map.
 */
public final class AttentionKind extends WeightedKind {

    @Override
    public LayerKind tag() {
        return LayerKind.ATTENTION;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return in.kind() == TensorShape.Kind.RNN && n.nOut() > 0 ? TensorShape.rnn(n.nOut(), in.time()) : in;
    }

    /** Keras's output width defaults to the query's. */
    @Override
    public long outputWidth(Node n, TensorShape in, TensorShape out) {
        return n.nOut() < 0 && in.size() > 0 ? in.size() : n.nOut();
    }

    @Override
    Fans fans(Node n, long nIn, Forward f) {
        return Fans.dense(nIn, n.nOut());
    }

    @Override
    boolean windowed() {
        return false;
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("attention keeps mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return Dl4jPart.unsupported(null, "SelfAttentionLayer", "LearnedSelfAttentionLayer", "RecurrentAttentionLayer",
                "AttentionVertex");
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        // query, key, value and output projections
        double i = Parameters.in(n, in);
        double o = Parameters.out(n);
        return 4 * (i * o + Parameters.bias(n, o));
    }
}
