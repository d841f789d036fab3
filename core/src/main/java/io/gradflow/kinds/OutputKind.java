package io.gradflow.kinds;

import com.google.gson.JsonObject;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.activation.Activations;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * An output layer: a dense layer with the loss on top (DL4J OutputLayer and RnnOutputLayer, the
 * Keras layer that produces a model output). The loss's gradient at its pre-activation is the
 * reference every gradient in a profile is measured against (RMS 1).
 */
public final class OutputKind extends WeightedKind {

    @Override
    public LayerKind tag() {
        return LayerKind.OUTPUT;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return DenseKind.shape(n, in);
    }

    @Override
    public long inputWidth(Node n, TensorShape in) {
        return DenseKind.width(n, in);
    }

    @Override
    Fans fans(Node n, long nIn, Forward f) {
        return Fans.dense(nIn, n.nOut());
    }

    @Override
    boolean windowed() {
        return false;
    }

    /** Softmax outputs are probabilities summing to one; the slopes do not matter, the loss starts here. */
    @Override
    LayerState activate(Node n, Moments x, Moments pre, double normFactor, Weights w, double positions,
                        double patternRelVar, Forward f) {
        Activation a = MeanField.activation(n);
        Moments out = a.is(Activations.SOFTMAX) ? new Moments(1.0 / Math.max(n.nOut(), 1), 0, 0)
                : f.math().apply(a, pre);
        return new LayerState(x, out, pre, Slopes.ONE, normFactor, w, positions, patternRelVar, null);
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        Grad pre = lossGradient(n, meanFraction(n, s.pre(), s.out()), b).scale(b.unit());
        double wg = MeanField.weightGradient(s.positions(), Objects.requireNonNull(s.in(), "an output has an input"),
                pre, b.batch());
        return Back.of(MeanField.throughWeights(n, Objects.requireNonNull(s.weights(), "an output layer has weights"),
                pre, b), b.unit(), wg);
    }

    /**
     * The loss gradient at an output's pre-activation, second moment 1 per unit and position. A
     * feature-vector output has one position. An output with a loss at every position (a
     * segmentation map, a sequence) has independent labels from position to position: two
     * positions of one example share only the offsets {@code meanFraction}, as two examples do.
     */
    static Grad lossGradient(Node n, double meanFraction0, Backward b) {
        double meanFraction = b.lossOffsets() ? meanFraction0 : 0;
        TensorShape.Kind k = b.shape(n.name()).kind();
        if (k == TensorShape.Kind.CNN || k == TensorShape.Kind.RNN) {
            return new Grad(1, meanFraction, meanFraction, meanFraction);
        }
        return Grad.flat(1, meanFraction);
    }

    /**
     * The share of the loss gradient that is the same for every example: the per-unit offsets
     * of the outputs. Softmax with one-hot labels: su(logits) / classes; sigmoid with 0/1 labels:
     * su(logits) / 4; a regression loss against standard-normal targets: the offsets' share.
     */
    static double meanFraction(Node n, @Nullable Moments logits, Moments out) {
        if (logits == null) {
            return 0;
        }
        Activation a = MeanField.activation(n);
        double f;
        if (a.is(Activations.SOFTMAX)) {
            f = logits.su() / Math.max(n.nOut(), 2);
        } else if (a.is(Activations.SIGMOID) || a.is(Activations.HARDSIGMOID)) {
            f = logits.su() / 4;
        } else {
            f = out == null ? 0 : (out.mean() * out.mean() + out.su()) / (out.second() + 1);
        }
        return Math.min(Math.max(f, 0), 0.5);
    }

    @Override
    public Simulation simulation() {
        return new Simulation() {
            @Override
            public @Nullable String refuse(Node n, SimGraph g) {
                String dense = DenseKind.SIMULATION.refuse(n, g);
                if (dense != null) {
                    return dense;
                }
                Activation a = n.activation();
                if (a != null && !a.is(Activations.SOFTMAX) && !a.is(Activations.SIGMOID) && !a.is(Activations.IDENTITY)) {
                    return "an output activation the simulation has no loss for";
                }
                return null;
            }

            @Override
            public long work(Node n, SimGraph g, int batch) {
                return DenseKind.SIMULATION.work(n, g, batch);
            }

            @Override
            public double @Nullable [] draw(Node n, SimGraph g, SplittableRandom r) {
                return DenseKind.SIMULATION.draw(n, g, r);
            }

            @Override
            public double[] forward(Node n, SimPass p) {
                double[] z = DenseArrays.linear(n, p);
                Activation a = n.activation();
                if (a != null && a.is(Activations.SOFTMAX)) {
                    return softmax(z, p.batch(), p.width(n.name()));
                }
                return DenseArrays.apply(a, z, p.array(z.length));
            }

            @Override
            public boolean lossSource() {
                return true;
            }

            @Override
            public void backward(Node n, double[] ignored, SimPass p) {
                double[] d = lossGradient(n, p.out(n.name()), p.batch(), p.width(n.name()), p.random());
                double[] back = DenseArrays.back(n, d, p);
                p.record(n, d, d, back);
            }
        };
    }

    private static double[] softmax(double[] z, int bsz, int w) {
        double[] y = new double[z.length];
        for (int b = 0; b < bsz; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < w; j++) {
                max = Math.max(max, z[b * w + j]);
            }
            double sum = 0;
            for (int j = 0; j < w; j++) {
                y[b * w + j] = Math.exp(z[b * w + j] - max);
                sum += y[b * w + j];
            }
            for (int j = 0; j < w; j++) {
                y[b * w + j] /= sum;
            }
        }
        return y;
    }

    /**
     * The loss gradient at the output's pre-activation, averaged over the batch: softmax with
     * cross-entropy against one-hot labels, sigmoid with cross-entropy against 0/1 labels, and
     * a squared error against standard-normal targets otherwise (all p - y up to a constant).
     */
    private static double[] lossGradient(Node n, double[] y, int bsz, int w, SplittableRandom r) {
        Activation a = MeanField.activation(n);
        double[] d = new double[y.length];
        for (int b = 0; b < bsz; b++) {
            int label = r.nextInt(w);
            for (int j = 0; j < w; j++) {
                double t;
                if (a.is(Activations.SOFTMAX)) {
                    t = j == label ? 1 : 0;
                } else if (a.is(Activations.SIGMOID)) {
                    t = r.nextBoolean() ? 1 : 0;
                } else {
                    t = r.nextGaussian();
                }
                d[b * w + j] = (y[b * w + j] - t) / bsz;
            }
        }
        return d;
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("OutputLayer", "RnnOutputLayer", "CenterLossOutputLayer", "OCNNOutputLayer");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                boolean rnn = c.verify() ? c.inLayout(n) == Dl4jLayout.RNN
                        : c.shape(n.inputs().get(0)).kind() == TensorShape.Kind.RNN;
                if (rnn) {
                    c.toSequence(n);
                } else {
                    c.toFeedForward(n);
                }
                JsonObject o = c.weighted(n, rnn ? "RnnOutputLayer" : "OutputLayer");
                o.add("lossFn", c.loss(n));
                if (rnn) {
                    o.addProperty("rnnDataFormat", "NCW");
                }
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), rnn ? Dl4jLayout.RNN : Dl4jLayout.FF,
                        Dl4jWeights.dense(n, n.nIn(), n.nOut()));
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        return Parameters.dense(n, in);
    }
}
