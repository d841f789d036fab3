package io.gradflow.kinds;

import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/** A convolution-shaped layer with separate weights at every position (locally connected). */
public final class LocallyConnectedKind extends WeightedKind {

    @Override
    public LayerKind tag() {
        return LayerKind.LOCALLY_CONNECTED;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return Windows.output(n, in, n.nOut());
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return Windows.in(n, out);
    }

    @Override
    Fans fans(Node n, long nIn, Forward f) {
        return Fans.conv(n, nIn).withBorder(Fans.borderFactor(n, f.inShape(n)));
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
        return Dl4jPart.unsupported(null, "LocallyConnected1D", "LocallyConnected2D");
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        // a kernel of its own at every output position
        double positions = Math.max(out.positions(), 1);
        return positions * n.kernelArea() * Parameters.in(n, in) * Parameters.out(n)
                + Parameters.bias(n, positions * Parameters.out(n));
    }
}
