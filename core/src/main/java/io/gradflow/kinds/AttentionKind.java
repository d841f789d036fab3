package io.gradflow.kinds;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
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
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("SelfAttentionLayer", "LearnedSelfAttentionLayer", "RecurrentAttentionLayer",
                        "AttentionVertex");
            }

            /**
             * DL4J's AttentionVertex with one head as wide as the output: queries from the first input,
             * keys and values from the second (Keras's MultiHeadAttention(query, value)), or all three
             * from the one input of a self-attention layer. The model keeps neither the heads nor
             * their width; one head of the same projections has the same mean-field statistics.
             */
            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                List<String> ins = n.inputs();
                for (String i : ins) {
                    if (c.layout(i) != Dl4jLayout.RNN) {
                        c.problem("DL4J's attention takes sequences, and DL4J holds input '" + i + "' as " + c.layout(i));
                        return new Dl4jConfig.Unsupported();
                    }
                }
                String q = ins.get(0);
                String k = ins.size() > 2 ? ins.get(2) : ins.size() > 1 ? ins.get(1) : q;
                String v = ins.size() > 1 ? ins.get(1) : q;
                long nq = c.shape(q).size();
                long nk = c.shape(k).size();
                long nv = c.shape(v).size();
                long out = n.nOut() > 0 ? n.nOut() : nq;
                long head = out;
                // verify's subclass passes back the true gradient, where DL4J M2.1's doubles it
                String cls = c.verify() ? Dl4jContext.GRADFLOW + "HalvedAttentionVertex"
                        : Dl4jContext.VERTICES + "AttentionVertex";
                JsonObject o = Dl4jJson.obj("@class", cls,
                        "biasUpdater", null,
                        "dataType", "FLOAT",
                        "gradientNormalization", "None",
                        "gradientNormalizationThreshold", 1.0,
                        "headSize", head,
                        "layerName", n.name(),
                        "name", n.name(),
                        "nheads", 1,
                        "ninKeys", nk,
                        "ninQueries", nq,
                        "ninValues", nv,
                        "nout", out,
                        "projectInput", true,
                        "regularization", new JsonArray(),
                        "regularizationBias", new JsonArray(),
                        "updater", c.updater(n),
                        "weightInit", "ZERO");
                Fans fans = Fans.dense(nq, out);
                List<Dl4jParam> params = List.of(
                        Dl4jParam.drawn("Wq", Dl4jParam.Role.WEIGHTS, n.weightInit(), fans, 1, head, nq),
                        Dl4jParam.drawn("Wk", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.dense(nk, out), 1, head, nk),
                        Dl4jParam.drawn("Wv", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.dense(nv, out), 1, head, nv),
                        Dl4jParam.drawn("Wo", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.dense(head, out), head, out));
                return new Dl4jConfig.Vertex(o, Dl4jLayout.RNN, params, List.of(q, k, v));
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        // query, key, value and output projections
        double i = Parameters.in(n, in);
        double o = Parameters.out(n);
        return 4 * (i * o + Parameters.bias(n, o));
    }
}
