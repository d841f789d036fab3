package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.DenseAxis;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The mean-field algebra the kinds share: linear maps, weights, dropout, weight gradients. */
public final class MeanField {

    private MeanField() {
    }

    /** Inverted dropout keeping a share {@code keep}: the mean stays, the second moment grows by 1/keep. */
    public static Moments dropout(Moments x, double keep) {
        double second = x.second() / keep;
        return new Moments(x.mean(), x.su(), Math.max(second - x.mean() * x.mean() - x.su(), 0), x.sp());
    }

    /**
     * h = W x + b for independent weights of variance v and mean m, {@code conn} terms per sum.
     * On a feature map, {@code pattern} is the share of the input's channel offsets that zero
     * padding turns into a positional pattern; the input's own pattern passes on as one.
     */
    public static Moments linear(Moments x, double v, double m, double conn, double pattern) {
        double mean = m * conn * x.mean();
        double su = v * conn * (x.mean() * x.mean() + x.su()) + m * m * conn * x.su();
        double sx = (v + m * m) * conn * x.sx();
        double sp = v * conn * (pattern * x.channelOffsets() + x.sp());
        return new Moments(mean, su, sx, pattern > 0 || x.sp() > 0 ? sp : 0);
    }

    /** Per-weight variance and mean of a layer's weights, with the layer's fans. */
    public static double[] weightMoments(Node n, @Nullable WeightInit w, Fans fans, Forward f) {
        WeightInit init = orDefault(w);
        double v = switch (init.family()) {
            case ORTHOGONAL -> init.gain() * init.gain() / Math.max(fans.initIn(), fans.initOut());
            case UNKNOWN -> {
                f.assume("layer '" + n.name() + "': initialiser '" + init.name()
                        + "' is unknown; assumed variance 1/fanIn");
                yield 1 / fans.initIn();
            }
            default -> init.variance(fans.initIn(), fans.initOut(), fans.legacyShape());
        };
        return new double[] {v, init.mean()};
    }

    /** nIn as the file or the inferred shape gives it. */
    public static long widthIn(Node n, Forward f) {
        if (n.nIn() > 0) {
            return n.nIn();
        }
        TensorShape in = f.inShape(n);
        long w = in.kind() == TensorShape.Kind.CNN && flattens(n) ? in.volume() : in.size();
        if (w <= 0) {
            f.assume("layer '" + n.name() + "': input width unknown; assumed equal to its output width");
            return Math.max(n.nOut(), 1);
        }
        return w;
    }

    /** A dense layer that flattens a multi-axis input first: a weight per position. */
    static boolean flattens(Node n) {
        return (n.kind() == LayerKind.DENSE || n.kind() == LayerKind.OUTPUT) && n.denseAxis() == DenseAxis.FLATTENED;
    }

    /**
     * Positions a weighted layer's weight gradient sums over: a convolution's output positions, a
     * layer applied along a sequence's steps or at every position of a feature map.
     */
    public static double positions(Node n, Forward f, boolean convolution) {
        TensorShape out = f.shape(n.name());
        double p;
        if (convolution) {
            p = out.positions();
        } else {
            TensorShape in = f.inShape(n);
            if (in.kind() == TensorShape.Kind.RNN) {
                p = in.time();
            } else if (in.kind() == TensorShape.Kind.CNN && out.kind() == TensorShape.Kind.CNN) {
                p = out.positions();
            } else {
                p = 1;
            }
        }
        if (!(p > 0)) {
            boolean rnn = out.kind() == TensorShape.Kind.RNN;
            p = rnn ? f.assumedTimeSteps() : Math.pow(f.assumedSpatial(), Math.max(n.dims(), 1));
            f.assume(rnn ? "sequence length not given: assumed " + f.assumedTimeSteps() + " steps"
                    : "spatial size at layer '" + n.name() + "' unknown: assumed " + f.assumedSpatial()
                    + " per dimension");
        }
        return p;
    }

    /** The activation a node applies (identity when it applies none). */
    public static Activation activation(Node n) {
        return n.activation() == null ? Activation.IDENTITY : n.activation();
    }

    /** The slopes of {@code a} at pre-activations {@code pre}. */
    public static Slopes slopes(Activation a, Moments pre, ActivationMoments math) {
        return new Slopes(math.slopeSquare(a, pre), math.slopeFourth(a, pre), math.slopeUnitMeanSquare(a, pre));
    }

    /**
     * Per-element second moment of a weight gradient averaged over a batch of B examples: within
     * an example the P positions add incoherently except for the coherent part of the gradient
     * (which meets the input's per-unit offsets), across examples only the per-unit mean part
     * survives the averaging.
     */
    public static double weightGradient(double positions, Moments a, Grad raw, int batch) {
        double p = positions;
        double b = Math.max(batch, 1);
        // a positional pattern is shared across examples but not across positions
        double offsets = a.channelOffsets();
        double perExample = p * a.second() * raw.g() + p * (p - 1) * offsets * raw.gs();
        double acrossExamples = offsets * (p * raw.gm() + p * (p - 1) * raw.gc()) + a.sp() * p * raw.gm();
        // covariances may be negative (after batch norm) but never below the input-driven part
        return Math.max(perExample / b + (1 - 1 / b) * acrossExamples, p * a.sx() * raw.g() / b);
    }

    /** The gradient a weighted layer passes to its input (W transposed, summed over fan-out). */
    public static Grad throughWeights(Node n, Weights w, Grad raw, Backward b) {
        if (w.identity()) {
            return raw.scale(w.v() * w.fans().connIn());
        }
        Grad in = raw.scale(w.backwardGain());
        TensorShape inShape = b.inShape(n);
        if (flattens(n) && inShape.kind() == TensorShape.Kind.CNN) {
            // a dense layer over a flattened map has a weight per position: its gradient is
            // independent from position to position
            return in.uncoupled();
        }
        return inShape.kind() == TensorShape.Kind.FF ? Grad.flat(in.g(), in.gm()) : in;
    }

    /** The initialiser a weighted layer without one is modelled with: DL4J's default, Xavier. */
    static WeightInit orDefault(@Nullable WeightInit w) {
        return w == null ? WeightInit.fanScaled("XAVIER", 1, WeightInit.Fan.AVG, WeightInit.Shape.NORMAL) : w;
    }

    /** Kurtosis E[w^4] / E[w^2]^2 of an initialiser's (zero-mean) weights. */
    public static double kurtosis(@Nullable WeightInit w) {
        if (w == null) {
            return 3;
        }
        return switch (w.family()) {
            case FAN_SCALED -> switch (w.shape()) {
                case NORMAL -> 3;
                case UNIFORM -> 1.8;
                case TRUNCATED, TRUNCATED_EXACT -> 2.366;
            };
            case DISTRIBUTION -> switch (Objects.requireNonNull(w.dist(), "the family has one").kind()) {
                case UNIFORM -> 1.8;
                case TRUNCATED_NORMAL -> 2.366;
                default -> 3;
            };
            default -> 3;
        };
    }
}
