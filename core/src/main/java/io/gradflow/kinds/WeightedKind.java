package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.util.Objects;

/**
 * What the layers with one weight matrix or kernel share: h = W x + b, an optional normalisation
 * inside the layer (DL4J's hasLayerNorm), then the activation; backwards the gradient through the
 * activation, the weight gradient and W transposed. Each subclass says how its fans are counted
 * and over how many positions it slides.
 */
abstract class WeightedKind implements Kind {

    /** The layer's fans, with its input width {@code nIn}. */
    abstract Fans fans(Node n, long nIn, Forward f);

    /** Whether the layer slides a window over a feature map (zero padding then shapes the signal). */
    abstract boolean windowed();

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        Fans fans = fans(n, MeanField.widthIn(n, f), f);
        double[] vm = MeanField.weightMoments(n, n.weightInit(), fans, f);
        double v = vm[0];
        double m = vm[1];
        double positions = MeanField.positions(n, f, n.kind().convolutional());
        WeightInit init = n.weightInit();
        boolean identity = init != null && init.family() == WeightInit.Family.IDENTITY;
        Moments raw;
        double patternRelVar = 0;
        if (init != null && identity) {
            double g2 = init.gain() * init.gain();
            raw = x.scale(Math.sqrt(g2));
            v = g2 / fans.connIn();
        } else {
            double[] pattern = pattern(n, f);
            raw = MeanField.linear(x, v, m, fans.connIn(), pattern[0]);
            // every channel's pattern has the same shape, set by the map's borders: what a
            // channel makes of its inputs' patterns is, like the fresh one, a Gaussian quadratic
            // form over the kernel taps, with the same relative variance
            double fresh = pattern[0] * x.channelOffsets();
            double inherited = x.sp();
            if (fresh + inherited > 0) {
                patternRelVar = (fresh * fresh * pattern[1] + inherited * inherited * pattern[1])
                        / ((fresh + inherited) * (fresh + inherited));
            }
        }
        if (f.shape(n.name()).kind() == TensorShape.Kind.FF) {
            raw = new Moments(raw.mean(), raw.su(), raw.sx());
        }
        double bias = n.hasBias() ? n.biasInit() : 0;
        Moments pre = new Moments(raw.mean() + bias, raw.su(), raw.sx(), raw.sp());
        double normFactor = 1;
        if (n.layerNorm()) {
            double q = Math.max(raw.q(), 1e-5);
            normFactor = 1 / q;
            pre = new Moments(bias, raw.su() / q, raw.sx() / q, raw.sp() / q);
        }
        Weights w = new Weights(v, m, fans.initIn(), fans, identity);
        return activate(n, x, pre, normFactor, w, positions, patternRelVar, f);
    }

    /** The activation's part of the forward step. */
    LayerState activate(Node n, Moments x, Moments pre, double normFactor, Weights w, double positions,
                        double patternRelVar, Forward f) {
        Activation a = MeanField.activation(n);
        return new LayerState(x, f.math().apply(a, pre), pre, MeanField.slopes(a, pre, f.math()), normFactor, w,
                positions, patternRelVar, null);
    }

    /**
     * The share of a convolution's valid connections whose presence varies with the output
     * position, and the relative variance across channels of the pattern it makes; zeros when the
     * layer does not slide over a feature map.
     */
    double[] pattern(Node n, Forward f) {
        if (!windowed() || f.shape(n.name()).kind() == TensorShape.Kind.FF) {
            return new double[] {0, 0};
        }
        return Fans.borderPattern(n, f.inShape(n));
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        Grad pre = b.conditional(n, out.scale(s.slopes().s2(), s.slopes().unit()));
        Grad raw = pre.scale(s.normFactor());
        double wg = MeanField.weightGradient(s.positions(),
                Objects.requireNonNull(s.in(), "a weighted layer has an input"), raw, b.batch());
        return Back.of(MeanField.throughWeights(n, Objects.requireNonNull(s.weights(), "a weighted layer has weights"),
                raw, b), pre.g(), wg);
    }
}
