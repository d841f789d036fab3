package io.gradflow.kinds;

import com.google.gson.JsonObject;
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
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("ScaleVertex", "ShiftVertex");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                double g = n.gamma();
                double b = n.beta();
                if (b == 0) {
                    return new Dl4jConfig.Vertex(Dl4jJson.obj("@class", Dl4jContext.VERTICES + "ScaleVertex",
                            "scaleFactor", g), c.inLayout(n));
                }
                if (g == 1) {
                    return new Dl4jConfig.Vertex(Dl4jJson.obj("@class", Dl4jContext.VERTICES + "ShiftVertex",
                            "shiftFactor", b), c.inLayout(n));
                }
                String cls = c.gradflowClass("ScaleShiftActivation", "vertex that scales and shifts at once");
                if (cls == null) {
                    return new Dl4jConfig.Unsupported();
                }
                JsonObject o = c.plain(n, Dl4jContext.LAYERS + "ActivationLayer");
                o.add("activationFn", Dl4jJson.obj("@class", cls, "scale", g, "shift", b));
                return new Dl4jConfig.Layer(o, c.inLayout(n));
            }
        };
    }
}
