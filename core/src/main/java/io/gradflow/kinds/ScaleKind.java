package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/** Multiplies by a constant gamma and adds beta (DL4J ScaleVertex and ShiftVertex, Keras Rescaling). */
public final class ScaleKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.SCALE;
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
        double g = n.gamma();
        return LayerState.of(x, new Moments(x.mean() * g + n.beta(), x.su() * g * g, x.sx() * g * g, x.sp() * g * g));
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        return Back.of(out.scale(n.gamma() * n.gamma()));
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("scaling keeps mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return Dl4jPart.unsupported(null, "ScaleVertex", "ShiftVertex");
    }
}
