package io.gradflow.kinds;

import com.google.gson.JsonObject;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.ArrayList;
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
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("EmbeddingLayer", "EmbeddingSequenceLayer");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                TensorShape out = c.shape(n.name());
                boolean sequence = out.kind() == TensorShape.Kind.RNN;
                JsonObject o = c.weighted(n, sequence ? "EmbeddingSequenceLayer" : "EmbeddingLayer");
                if (sequence) {
                    o.addProperty("inferInputLength", true);
                    o.addProperty("inputLength", Math.max(out.time(), 1));
                    o.addProperty("outputFormat", "NCW");
                }
                long nIn = n.nIn();
                long nOut = n.nOut();
                List<Dl4jParam> params = new ArrayList<>();
                params.add(Dl4jParam.drawn("W", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.embedding(n, nIn), nIn, nOut));
                params.addAll(Dl4jWeights.bias(n, "b", nOut));
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), sequence ? Dl4jLayout.RNN : Dl4jLayout.FF, params);
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        return Math.max(n.nIn(), 0) * Parameters.out(n) + Parameters.bias(n, Parameters.out(n));
    }
}
