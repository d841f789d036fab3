package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/**
 * Layer normalisation (and its relatives: group, RMS, unit and L2 normalisation): each example
 * standardised over its own units, then scaled by gamma and shifted by beta.
 */
public final class LayerNormKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.LAYER_NORM;
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
        double q = Math.max(x.q(), 1e-5);
        double g2 = n.gamma() * n.gamma();
        Moments out = new Moments(n.beta(), g2 * x.su() / q, g2 * x.sx() / q, g2 * x.sp() / q);
        return new LayerState(x, out, null, Slopes.ONE, g2 / q, null, 1, 0, null);
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        return Back.of(out.scale(s.normFactor()));
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("layer normalisation keeps mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return Dl4jPart.unsupported(Dl4jContext.TARGET + " has no stand-alone layer normalisation; normalise "
                + "inside the layer before it instead (`dense N layernorm`, DL4J's hasLayerNorm)", "L2NormalizeVertex");
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        return 2.0 * Math.max(out.size(), 0);
    }
}
