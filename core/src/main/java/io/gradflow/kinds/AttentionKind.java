package io.gradflow.kinds;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.FanConvention;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;
import java.util.Objects;

/**
 * Attention with projections of its own (DL4J's self-attention layers and AttentionVertex, Keras
 * MultiHeadAttention): at initialisation the softmax's average over the tokens between the value
 * and output projections.
 */
public final class AttentionKind extends WeightedKind {

    /**
     * The forward pass's numbers the backward one needs: the tokens' share {@code k} of a token's
     * independent part that the softmax's average keeps, the averaged values {@code z}, and the
     * value and output projections' weights.
     */
    record Mix(double tokens, double k, Moments z, Weights value, Weights output, double queryKeyWeights)
            implements KindData { }

    /** The file's heads, or one head as wide as the output {@code out} when it gives none. */
    static Node.Heads heads(Node n, long out) {
        Node.Heads h = n.heads();
        return h == null ? new Node.Heads(1, out, out) : h;
    }

    /**
     * The fans of a projection from {@code nIn} features to {@code heads} x {@code width}. Keras's
     * kernel is (nIn, heads, width), and its initialisers read a kernel of three axes as a
     * convolution's (fan_in = heads x nIn, fan_out = width x nIn: Glorot draws a 12-head ViT-Base
     * query 38 times narrower than one dense map of the same size would be); DL4J draws each
     * (nIn, headSize). A file without heads keeps one dense map.
     */
    static Fans projection(Node n, long nIn, long heads, long width) {
        double in = nIn;
        double hw = (double) heads * width;
        if (n.heads() == null) {
            return Fans.dense(in, hw);
        }
        return n.fans() == FanConvention.KERAS
                ? new Fans(heads * in, width * in, heads + width, in, hw)
                : new Fans(in, width, heads + width, in, hw);
    }

    /**
     * The output projection's fans, from {@code heads} x {@code width} to {@code out}: Keras's kernel
     * is (heads, width, out), read as a convolution's (fan_in = width x heads, fan_out = out x
     * heads); DL4J draws (heads x width, out).
     */
    static Fans outputProjection(Node n, long heads, long width, long out) {
        double hw = (double) heads * width;
        if (n.heads() == null || n.fans() != FanConvention.KERAS) {
            return Fans.dense(hw, out);
        }
        return new Fans(hw, (double) out * heads, hw + out, hw, out);
    }

    /**
     * At initialisation the attention logits q.k/sqrt(d) are small, so the softmax is close to a
     * uniform average over the T tokens: out_t = W_O W_V sum_t' a_tt' x_t', {@link SoftmaxAverage}
     * (issue 19: one dense map over-predicted pre-LN encoders by up to a decade). Per head a logit
     * sums key_dim products over sqrt(key_dim), so its variance is the query's times the key's
     * whatever the heads; the heads change the projections' fans.
     */
    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        long nIn = MeanField.widthIn(n, f);
        long out = n.nOut() > 0 ? n.nOut() : nIn;
        Node.Heads h = heads(n, out);
        double tokens = MeanField.positions(n, f, false);
        Fans fq = projection(n, nIn, h.count(), h.keyDim());
        Fans fv = projection(n, nIn, h.count(), h.valueDim());
        Fans fo = outputProjection(n, h.count(), h.valueDim(), out);
        double[] qm = MeanField.weightMoments(n, n.weightInit(), fq, f);
        double[] vm = MeanField.weightMoments(n, n.weightInit(), fv, f);
        double[] om = MeanField.weightMoments(n, n.weightInit(), fo, f);
        // a query's and a key's elements each have variance v n E[x^2]; the logit, their dot
        // product over sqrt(d), has the product of the two as its variance
        double qk = qm[0] * nIn * x.second();
        double s2 = qk * qk;
        double k = SoftmaxAverage.share(s2, tokens);
        Moments avg = SoftmaxAverage.forward(x, k);
        Moments z = MeanField.linear(avg, vm[0], vm[1], fv.connIn(), 0);
        Moments raw = MeanField.linear(z, om[0], om[1], fo.connIn(), 0);
        double bias = n.hasBias() ? n.biasInit() : 0;
        Moments pre = new Moments(raw.mean() + bias, raw.su(), raw.sx());
        Weights wv = new Weights(vm[0], vm[1], fv.initIn(), fv, false);
        Weights wo = new Weights(om[0], om[1], fo.initIn(), fo, false);
        Activation a = MeanField.activation(n);
        return new LayerState(x, f.math().apply(a, pre), pre, MeanField.slopes(a, pre, f.math()), 1, wv, tokens, 0,
                new Mix(tokens, k, z, wv, wo, 2.0 * nIn * fq.connOut()));
    }

    /**
     * Backwards the same average: the gradient reaching a value is the tokens' gradients weighted
     * by the softmax (their independent parts shrink by k, their common part passes), the same for
     * every token when the average is uniform. The query and key projections' gradients go
     * through the softmax's derivative times its small logits: modelled as none. verify pools
     * the four weight arrays into one RMS, and so does the weight gradient here.
     */
    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        Mix m = s.own(Mix.class);
        Moments x = Objects.requireNonNull(s.in(), "attention has an input");
        Grad pre = b.conditional(n, out.scale(s.slopes().s2(), s.slopes().unit()));
        double t = m.tokens();
        double k = m.k();
        double common = 1 / Math.max(t, 1);
        Grad atZ = SoftmaxAverage.backward(pre, k, t).scale(m.output().backwardGain());
        Grad in = atZ.scale(m.value().backwardGain());
        int batch = b.batch();
        double wgV = MeanField.weightGradient(t, x, atZ, batch);
        // the averaged values a token's output gradient meets are, within an example, shared by the
        // tokens (all of them when the average is uniform); across examples only their offsets are
        Moments z = m.z();
        double offsets = z.mean() * z.mean() + z.su();
        double shared = offsets + z.sx() * Math.min(1, common / k);
        double bsz = Math.max(batch, 1);
        double perExample = t * z.second() * pre.g() + t * (t - 1) * shared * pre.gs();
        double acrossExamples = offsets * (t * pre.gm() + t * (t - 1) * pre.gc());
        double wgO = Math.max(perExample / bsz + (1 - 1 / bsz) * acrossExamples, t * z.sx() * pre.g() / bsz);
        double value = m.value().fans().connIn() * m.value().fans().connOut();
        double output = m.output().fans().connIn() * m.output().fans().connOut();
        double wg = (value * wgV + output * wgO) / (m.queryKeyWeights() + value + output);
        return Back.of(in, pre.g(), wg);
    }

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
             * DL4J's AttentionVertex with the layer's heads (one as wide as the output when the file
             * gives none): queries from the first input, keys and values from the second (Keras's
             * MultiHeadAttention(query, value)), or all three from the one input of a self-attention
             * layer; its arrays drawn with the layer's own fans.
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
                Node.Heads h = heads(n, out);
                if (h.keyDim() != h.valueDim()) {
                    c.problem("DL4J's attention has one head size for keys and values, and layer '" + n.name()
                            + "' projects keys to " + h.keyDim() + " and values to " + h.valueDim());
                    return new Dl4jConfig.Unsupported();
                }
                long head = h.keyDim();
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
                        "nheads", h.count(),
                        "ninKeys", nk,
                        "ninQueries", nq,
                        "ninValues", nv,
                        "nout", out,
                        "projectInput", true,
                        "regularization", new JsonArray(),
                        "regularizationBias", new JsonArray(),
                        "updater", c.updater(n),
                        "weightInit", "ZERO");
                long heads = h.count();
                List<Dl4jParam> params = List.of(
                        Dl4jParam.drawn("Wq", Dl4jParam.Role.WEIGHTS, n.weightInit(), projection(n, nq, heads, head),
                                heads, head, nq),
                        Dl4jParam.drawn("Wk", Dl4jParam.Role.WEIGHTS, n.weightInit(), projection(n, nk, heads, head),
                                heads, head, nk),
                        Dl4jParam.drawn("Wv", Dl4jParam.Role.WEIGHTS, n.weightInit(), projection(n, nv, heads, head),
                                heads, head, nv),
                        Dl4jParam.drawn("Wo", Dl4jParam.Role.WEIGHTS, n.weightInit(),
                                outputProjection(n, heads, head, out), heads * head, out));
                return new Dl4jConfig.Vertex(o, Dl4jLayout.RNN, params, List.of(q, k, v));
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        // query, key, value and output projections
        double i = Parameters.in(n, in);
        double o = Parameters.out(n);
        Node.Heads h = n.heads();
        if (h == null) {
            return 4 * (i * o + Parameters.bias(n, o));
        }
        double qk = (double) h.count() * h.keyDim();
        double v = (double) h.count() * h.valueDim();
        return 2 * (i * qk + Parameters.bias(n, qk)) + i * v + Parameters.bias(n, v) + v * o + Parameters.bias(n, o);
    }
}
