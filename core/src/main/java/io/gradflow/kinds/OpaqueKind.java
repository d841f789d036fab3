package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/**
 * A layer gradflow cannot model (a Lambda's Python code, a custom class, a quantised layer...).
 * Values and gradients are passed through unchanged so the rest of the model can be read, but
 * every number that depends on it is marked uncertain and the verdict becomes unknown.
 */
public final class OpaqueKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.OPAQUE;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return TensorShape.UNKNOWN;
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        return LayerState.of(x, f.shape(n.name()).kind() == TensorShape.Kind.FF
                ? new Moments(x.mean(), x.su(), x.sx()) : x);
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        return Back.of(out);
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("a layer gradflow cannot model");
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of();
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                c.problem(n.detail() != null ? n.detail()
                        : "a " + n.type() + " layer is not one Deeplearning4j can run");
                return new Dl4jConfig.Unsupported();
            }
        };
    }
}
