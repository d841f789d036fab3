package io.gradflow.kinds;

import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/** A transposed convolution (DL4J Deconvolution2D/3D, Keras Conv2DTranspose). */
public final class DeconvKind extends WeightedKind {

    @Override
    public LayerKind tag() {
        return LayerKind.DECONV;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return Windows.output(n, in, n.nOut());
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return Windows.in(n, out);
    }

    /** No border factor: every output position of a transposed convolution gets its full share. */
    @Override
    Fans fans(Node n, long nIn, Forward f) {
        return Fans.deconv(n, nIn);
    }

    @Override
    boolean windowed() {
        return false;
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("convolutions keep mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return Dl4jPart.unsupported(null, "Deconvolution2D", "Deconvolution3D");
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        return Parameters.kernel(n, Parameters.in(n, in), Parameters.out(n));
    }
}
