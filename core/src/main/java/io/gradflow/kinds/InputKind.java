package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A network input: zero-mean, unit-variance data by default; the gradient ends here. */
public final class InputKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.INPUT;
    }

    /** What the file declares, else a feature vector of the width the first layer reads. */
    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return n.outputShape() != null ? n.outputShape() : n.nOut() > 0 ? TensorShape.ff(n.nOut()) : TensorShape.UNKNOWN;
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        return LayerState.of(null, f.networkInput());
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        return Back.of(Grad.ZERO);
    }

    @Override
    public Simulation simulation() {
        return new Simulation() {
            @Override
            public @Nullable String refuse(Node n, SimGraph g) {
                return null;
            }

            @Override
            public double[] forward(Node n, SimPass p) {
                double sd = Math.sqrt(Math.max(p.input().q(), 0));
                double[] y = p.array(p.batch() * p.width(n.name()));
                for (int i = 0; i < y.length; i++) {
                    y[i] = p.input().mean() + sd * p.random().nextGaussian();
                }
                return y;
            }

            @Override
            public void backward(Node n, double[] gy, SimPass p) {
                // the gradient ends at the input
            }
        };
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
                throw new IllegalStateException("network inputs are not layers");
            }
        };
    }
}
