package io.gradflow.kinds;

import io.gradflow.math.Gaussian;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.ArrayList;
import java.util.List;

/**
 * Attention without projections of its own (Keras Attention, Luong's dot product, and
 * AdditiveAttention, Bahdanau's tanh sum): the query's scores against the keys weight an average
 * of the values (docs/theory.md section 8.3).
 */
public final class DotAttentionKind implements Kind {

    /**
     * The forward pass's numbers the backward one needs: the query, value and key moments, the
     * share the average keeps (after the dropout on its weights), its share before dropout, the
     * query and value token counts, the mean square of the scores' slope in the query and the key
     * (their variation across keys for the query), and whether the key is the value.
     */
    record Mix(Moments query, Moments value, Moments key, double share, double softmaxShare, double queries,
               double keys, double slopeQuery, double slopeKey, boolean keyIsValue) implements KindData { }

    @Override
    public LayerKind tag() {
        return LayerKind.DOT_ATTENTION;
    }

    /** (query steps, value width): a weighted average of the values for every query. */
    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        TensorShape value = all.size() > 1 ? all.get(1) : in;
        if (in.kind() != TensorShape.Kind.RNN || value.kind() == TensorShape.Kind.UNKNOWN) {
            return in;
        }
        return TensorShape.rnn(value.size(), in.time());
    }

    @Override
    public long outputWidth(Node n, TensorShape in, TensorShape out) {
        return n.nOut() < 0 && out.size() > 0 ? out.size() : n.nOut();
    }

    /** Its dropout drops attention weights, not the query. */
    @Override
    public boolean dropoutOnInput() {
        return false;
    }

    /**
     * At initialisation the scores of one query against the keys vary from key to key with a
     * variance s2 (what every key shares shifts them all and leaves the softmax alone): for the
     * dot product d E[q^2] Var_tok[k]; for a sum of tanh(q + k) over the d units, d times the
     * variance of tanh across keys, or once that variance when the sum is weighted by a vector of
     * variance 1/d (AdditiveAttention's scale, Glorot over its d entries). Such scores are often
     * large, so the average keeps {@link SoftmaxAverage#orderedShare} of the values' independent
     * part; dropout on the weights multiplies it by 1/keep and turns part of the shared values
     * into token noise.
     */
    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        List<String> ins = n.inputs();
        Moments value = ins.size() > 1 ? f.input(n, 1) : x;
        Moments key = ins.size() > 2 ? f.input(n, 2) : value;
        boolean keyIsValue = ins.size() < 3 || ins.get(2).equals(ins.get(1));
        double d = Math.max(f.inShape(n).size(), 1);
        double queries = tokens(n, f, 0);
        double keys = tokens(n, f, ins.size() > 1 ? 1 : 0);
        Node.Score score = n.score() == null ? Node.Score.DOT : n.score();
        double s2;
        double slopeQuery;
        double slopeKey;
        if (score == Node.Score.DOT) {
            s2 = d * x.second() * key.sx();
            slopeQuery = key.sx();
            slopeKey = x.second();
        } else {
            // tanh(q + k) for one query: the query and the keys' shared parts are fixed, the
            // keys' own part varies
            Moments sum = new Moments(x.mean() + key.mean(), x.q() + key.su(), key.sx());
            double weight = score == Node.Score.WEIGHTED_TANH_SUM ? 1 / d : 1;
            s2 = weight * d * f.math().apply(Activation.TANH, sum).sx();
            slopeKey = weight * f.math().slopeSquare(Activation.TANH, sum);
            slopeQuery = weight * curvature(sum) * key.sx();
        }
        double keep = n.dropRate() > 0 && n.dropRate() < 1 ? 1 - n.dropRate() : 1;
        double softmax = SoftmaxAverage.orderedShare(s2, keys);
        double share = softmax / keep;
        Moments avg = SoftmaxAverage.forward(value, share);
        double shared = value.mean() * value.mean() + value.su();
        // the dropped weights no longer sum to one: the shared part varies from query to query
        Moments out = new Moments(avg.mean(), avg.su(), avg.sx() + shared * softmax * (1 - keep) / keep);
        return new LayerState(x, out, out, Slopes.ONE, 1, null, queries, 0,
                new Mix(x, value, key, Math.min(share, 1), softmax, queries, keys, slopeQuery, slopeKey, keyIsValue));
    }

    /**
     * The value gets the output gradient back through the average (scaled by the queries per
     * key). The query and key get it through the scores: dL/ds_ij = a_ij g_i.(v_j - out_i), whose
     * sum over keys is zero, so only what varies across keys reaches the query. Its second moment
     * is the attention's share times (1 - share) times d g Var[v] times the scores' slope, plus,
     * for the dot product with the value as key, a coherent part g Var[v]^2 (1 - share)^2. A
     * one-hot softmax (share 1) passes nothing through its scores.
     */
    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        Mix m = s.own(Mix.class);
        double d = Math.max(b.inShape(n).size(), 1);
        double k = m.share();
        double perKey = m.queries() / Math.max(m.keys(), 1);
        Grad toValue = SoftmaxAverage.backward(out, k, m.keys()).scale(perKey);
        double sv = m.value().sx();
        double mixing = m.softmaxShare() * (1 - Math.min(m.softmaxShare(), 1));
        double noise = mixing * d * out.g() * sv;
        Grad toQuery = new Grad(noise * m.slopeQuery(), 0, 0, 0);
        if (n.score() == null || n.score() == Node.Score.DOT) {
            double coherent = m.keyIsValue() ? sv * sv * Math.pow(1 - Math.min(m.softmaxShare(), 1), 2) : 0;
            toQuery = toQuery.plus(out.scale(coherent));
        }
        Grad toKey = new Grad(noise * perKey * m.slopeKey(), 0, 0, 0);
        List<String> ins = n.inputs();
        List<Grad> per = new ArrayList<>(ins.size());
        per.add(toQuery);
        if (ins.size() > 1) {
            per.add(ins.size() > 2 ? toValue : toValue.plus(toKey));
        }
        if (ins.size() > 2) {
            per.add(toKey);
        }
        return new Back(toValue, out.g(), Double.NaN, per);
    }

    /**
     * Tokens of input {@code i}: its steps, or the sequence length assumed. On vectors (one per
     * example) Keras's matrix product scores every example of the minibatch against every other:
     * the tokens are the batch's examples.
     */
    private static double tokens(Node n, Forward f, int i) {
        TensorShape t = n.inputs().size() > i ? f.shape(n.inputs().get(i)) : TensorShape.UNKNOWN;
        if (t.kind() == TensorShape.Kind.RNN && t.time() > 0) {
            return t.time();
        }
        if (t.kind() == TensorShape.Kind.FF) {
            return Math.max(f.batch(), 1);
        }
        f.assume("sequence length not given: assumed " + f.assumedTimeSteps() + " steps");
        return f.assumedTimeSteps();
    }

    /**
     * E[tanh''(u)^2]: how fast tanh's slope changes, so that a key's own variance {@code sx}
     * makes the slope the query meets vary across keys by about this times sx.
     */
    private static double curvature(Moments u) {
        return Gaussian.expect(v -> {
            double t = Math.tanh(v);
            double c = -2 * t * (1 - t * t);
            return c * c;
        }, u.mean(), u.q(), ActivationMoments.breaks(Activation.TANH));
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("attention keeps mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        // DL4J's attention without projections (AttentionVertex, projectInput false) divides its
        // scores by sqrt(d) and has no tanh scores: another network
        return Dl4jPart.unsupported(Dl4jContext.TARGET + " has no attention without projections that scores as "
                + "Keras's does (its own divides the scores by sqrt(d))");
    }
}
