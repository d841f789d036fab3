package io.gradflow.kinds;

import com.google.gson.JsonArray;
import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Batch normalisation: each channel standardised over the batch (and positions), then scaled by
 * gamma and shifted by beta. It divides by the centred variance, so its output is N(beta,
 * gamma^2) whatever came before, and the gradient is multiplied back by gamma^2 over that variance.
 */
public final class BatchNormKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.BATCH_NORM;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return in;
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return out.clone();
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        double seen = Math.max(x.channelVariance(), 1e-5);
        double g2 = n.gamma() * n.gamma();
        // a positional pattern is normalised with the signal and stays in the output; it differs
        // from channel to channel, and a channel with less of it keeps more signal and passes more
        // gradient (E[1/X] > 1/E[X])
        double spread = patternSpread(n, x, f);
        double normFactor = g2 / seen * unitScaleJensen(n, f) * (1 + spread);
        double signal = Math.min(g2 * x.sx() / seen * (1 + spread), g2);
        Moments out = new Moments(n.beta(), g2 - signal, signal, g2 - signal);
        return new LayerState(x, out, null, Slopes.ONE, normFactor, null, 1, 0, null);
    }

    /**
     * Batch norm divides each unit by its own batch standard deviation, a random quantity: a
     * quadratic form of the unit's weights over the batch's sample covariance. Its fluctuation
     * makes the mean backward gain exceed the mean-field one. With fewer samples per unit (B, or
     * B x positions for a convolution) than inputs, the sample covariance's rank limits it, and
     * the gain is (S - 2) / (S - 3) per layer, the exact rate of a linear batch-normalised network
     * (Yang et al. 2019; measured: B = 8 gives +0.035 decades a layer); with more samples, the
     * weights' own spread across units adds (kurtosis - 1) / fan-in.
     */
    public static double unitScaleJensen(Node bn, Forward f) {
        if (bn.inputs().isEmpty()) {
            return 1;
        }
        double positions = Math.max(f.shape(bn.inputs().get(0)).positions(), 1);
        double samples = Math.max(f.batch(), 1) * positions;
        double factor = samples > 4 ? (samples - 2) / (samples - 3) : 2;
        Node producer = Objects.requireNonNull(f.graph().node(bn.inputs().get(0)), "an input is a layer");
        LayerState p = f.state(producer.name());
        Weights w = p == null ? null : p.weights();
        if (w != null && w.fans() != null && producer.hasWeights() && !w.identity() && samples - 1 > w.fans().connIn()) {
            factor *= 1 + (MeanField.kurtosis(producer.weightInit()) - 1) / w.fans().connIn();
        }
        return Math.min(factor, 2);
    }

    /**
     * Var[X] / E[X]^2 of a batch norm's per-channel variance X due to its input's positional
     * pattern, whose size differs from channel to channel (the relative variance the producing
     * convolution recorded, weighted by the pattern's share of X).
     */
    private static double patternSpread(Node bn, Moments x, Forward f) {
        if (bn.inputs().isEmpty() || x.sp() <= 0) {
            return 0;
        }
        LayerState p = f.state(bn.inputs().get(0));
        double rv = p == null ? 0 : p.patternRelVar();
        double share = x.sp() / Math.max(x.channelVariance(), 1e-300);
        return Math.min(rv * share * share, 1);
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        return Back.of(centred(n, out, b).scale(s.normFactor()));
    }

    /**
     * Batch norm subtracts from the gradient its mean over the batch and the positions of each
     * channel: every covariance, the variance included, loses the covariance of one value with
     * that mean, and the sum over the batch and the positions becomes exactly zero. That zero is
     * what the weight gradient of the layer before sees: its input's offsets meet no gradient.
     */
    private static Grad centred(Node bn, Grad out, Backward b) {
        double p = bn.inputs().isEmpty() ? 1 : Math.max(b.shape(bn.inputs().get(0)).positions(), 1);
        double batch = Math.max(b.batch(), 1);
        double gs = p > 1 ? out.gs() : out.g();
        double gc = p > 1 ? out.gc() : out.gm();
        double withMean = (out.g() + (p - 1) * gs + (batch - 1) * out.gm() + (batch - 1) * (p - 1) * gc)
                / (batch * p);
        double c = Math.max(withMean, 0);
        return new Grad(Math.max(out.g() - c, 0), gs - c, out.gm() - c, gc - c);
    }

    @Override
    public Simulation simulation() {
        return new Simulation() {
            private static final double EPS = 1e-5;

            @Override
            public @Nullable String refuse(Node n, SimGraph g) {
                return n.inputs().size() != 1 ? "batch norm over several inputs" : null;
            }

            @Override
            public double[] forward(Node n, SimPass p) {
                double[] x = p.out(n.inputs().get(0));
                int w = p.width(n.name());
                int bsz = p.batch();
                double[] hat = p.array(x.length);
                double[] sds = p.array(w);
                double[] y = p.array(x.length);
                for (int j = 0; j < w; j++) {
                    double m = 0;
                    for (int b = 0; b < bsz; b++) {
                        m += x[b * w + j];
                    }
                    m /= bsz;
                    double v = 0;
                    for (int b = 0; b < bsz; b++) {
                        double d = x[b * w + j] - m;
                        v += d * d;
                    }
                    double s = Math.sqrt(v / bsz + EPS);
                    sds[j] = s;
                    for (int b = 0; b < bsz; b++) {
                        double h = (x[b * w + j] - m) / s;
                        hat[b * w + j] = h;
                        y[b * w + j] = n.gamma() * h + n.beta();
                    }
                }
                p.keep(n, "hat", hat);
                p.keep(n, "sd", sds);
                return y;
            }

            @Override
            public void backward(Node n, double[] gy, SimPass p) {
                double[] hat = p.kept(n, "hat");
                double[] sds = p.kept(n, "sd");
                int w = p.width(n.name());
                int bsz = p.batch();
                double[] d = p.array(gy.length);
                for (int j = 0; j < w; j++) {
                    double m1 = 0;
                    double m2 = 0;
                    for (int b = 0; b < bsz; b++) {
                        double gh = gy[b * w + j] * n.gamma();
                        m1 += gh;
                        m2 += gh * hat[b * w + j];
                    }
                    m1 /= bsz;
                    m2 /= bsz;
                    for (int b = 0; b < bsz; b++) {
                        double gh = gy[b * w + j] * n.gamma();
                        d[b * w + j] = (gh - m1 - hat[b * w + j] * m2) / sds[j];
                    }
                }
                p.record(n, gy, d, d);
                p.send(n.inputs().get(0), d);
            }
        };
    }

    /** DL4J's gamma and beta as the model starts them, and its running statistics at mean 0, log10 sd 0. */
    private static List<Dl4jParam> params(Node n) {
        long[] s = {1, n.nIn()};
        return List.of(Dl4jParam.constant("gamma", Dl4jParam.Role.OTHER, s, n.gamma()),
                Dl4jParam.constant("beta", Dl4jParam.Role.OTHER, s, n.beta()),
                Dl4jParam.constant("mean", Dl4jParam.Role.OTHER, s, 0),
                Dl4jParam.constant("log10stdev", Dl4jParam.Role.OTHER, s, 0));
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("BatchNormalization");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                Dl4jConfig.Layer bn = bn(n, c);
                if (c.verify() && c.inLayout(n) == Dl4jLayout.RNN) {
                    // DL4J 1.0.0-M2.1's batch norm mistakes a sequence's batch axis for its channels; over the
                    // steps folded into the batch it normalises each feature over batch and time, as Keras does
                    return new Dl4jConfig.Layer(Dl4jJson.obj("@class", Dl4jContext.LAYERS + "recurrent.TimeDistributed",
                            "constraints", null, "gradientNormalization", "None", "gradientNormalizationThreshold", 1.0,
                            "idropout", null, "layerName", n.name(), "rnnDataFormat", "NCW", "underlying", bn.json()),
                            Dl4jLayout.RNN, bn.params());
                }
                return bn;
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        // scale, shift and the running mean and variance (DL4J keeps all four among the parameters)
        return 4.0 * Math.max(out.size(), 0);
    }

    /** DL4J's BatchNormalization layer for the node. */
    private static Dl4jConfig.Layer bn(Node n, Dl4jContext c) {
        return new Dl4jConfig.Layer(Dl4jJson.obj("@class", Dl4jContext.LAYERS + "BatchNormalization",
                "activationFn", Dl4jJson.obj("@class", Dl4jContext.ACTIVATIONS + "ActivationIdentity"),
                "beta", n.beta(),
                "biasInit", 0.0,
                "biasUpdater", null,
                "cnn2DFormat", "NCHW",
                "constraints", null,
                "cudnnAllowFallback", true,
                "decay", 0.9,
                "eps", 1e-5,
                "gainInit", 1.0,
                "gamma", n.gamma(),
                "gradientNormalization", "None",
                "gradientNormalizationThreshold", 1.0,
                "idropout", null,
                "iupdater", c.updater(n),
                "layerName", n.name(),
                "lockGammaBeta", false,
                "minibatch", true,
                "nin", n.nIn(),
                "nout", n.nIn(),
                "regularization", new JsonArray(),
                "regularizationBias", new JsonArray(),
                "timeDistributedFormat", null,
                "useLogStd", true,
                "weightInitFn", Dl4jJson.obj("@class", Dl4jContext.WEIGHTS + "WeightInitXavier"),
                "weightNoise", null), c.inLayout(n), params(n));
    }
}
