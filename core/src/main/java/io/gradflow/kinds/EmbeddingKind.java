package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;
import java.util.Objects;

/**
 * A lookup table (DL4J EmbeddingLayer and EmbeddingSequenceLayer, Keras Embedding): each output is
 * one weight, chosen by the input index. No gradient flows to the indices.
 */
public final class EmbeddingKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.EMBEDDING;
    }

    /** A sequence of vectors for a sequence of indices (or a sequence layer), else one vector. */
    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        long out = n.nOut();
        if (in.kind() == TensorShape.Kind.RNN || n.returnSequences()) {
            return TensorShape.rnn(out, in.kind() == TensorShape.Kind.RNN ? in.time() : n.timeSteps());
        }
        return n.timeSteps() > 0 ? TensorShape.rnn(out, n.timeSteps()) : TensorShape.ff(out);
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        Fans fans = Fans.embedding(n, Math.max(n.nIn(), 1));
        double[] vm = MeanField.weightMoments(n, n.weightInit(), fans, f);
        // a lookup: each output value is one weight, varying with the input index
        Moments pre = new Moments(vm[1] + (n.hasBias() ? n.biasInit() : 0), 0, vm[0]);
        Activation a = MeanField.activation(n);
        return new LayerState(x, f.math().apply(a, pre), pre, MeanField.slopes(a, pre, f.math()), 1,
                new Weights(vm[0], vm[1], fans.initIn(), fans, false), 1, 0, null);
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        Grad pre = b.conditional(n, out.scale(s.slopes().s2(), s.slopes().unit()));
        Grad raw = pre.scale(s.normFactor());
        return Back.of(Grad.ZERO, pre.g(), MeanField.weightGradient(s.positions(),
                Objects.requireNonNull(s.in(), "an embedding has an input"), raw, b.batch()));
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("embeddings keep mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return Dl4jPart.unsupported(null, "EmbeddingLayer", "EmbeddingSequenceLayer");
    }
}
