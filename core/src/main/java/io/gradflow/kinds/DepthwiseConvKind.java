package io.gradflow.kinds;

import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/** A depthwise convolution: each input channel convolved on its own (times a depth multiplier). */
public final class DepthwiseConvKind extends WeightedKind {

    @Override
    public LayerKind tag() {
        return LayerKind.DEPTHWISE_CONV;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        long channels = n.nOut() > 0 ? n.nOut() : in.size() > 0 ? in.size() * n.depthMultiplier() : -1;
        return Windows.output(n, in, channels);
    }

    @Override
    public long outputWidth(Node n, TensorShape in, TensorShape out) {
        return n.nOut() < 0 && out.size() > 0 ? out.size() : n.nOut();
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return Windows.in(n, out);
    }

    @Override
    Fans fans(Node n, long nIn, Forward f) {
        return Fans.depthwise(n, nIn).withBorder(Fans.borderFactor(n, f.inShape(n)));
    }

    @Override
    boolean windowed() {
        return true;
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("convolutions keep mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return Dl4jPart.unsupported(null, "DepthwiseConvolution2D");
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        // one kernel per input channel and multiplier, a bias per output channel
        double channels = Parameters.in(n, in) * Math.max(n.depthMultiplier(), 1);
        return n.kernelArea() * channels + Parameters.bias(n, channels);
    }
}
