package io.gradflow.kinds;

import com.google.gson.JsonObject;
import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/**
 * Local response normalisation (AlexNet's): each value divided by a power of its neighbours'
 * energy. With DL4J's default constants (k = 2, alpha = 1e-4) it barely changes a unit-scale
 * signal, and gradflow passes it through unchanged both ways.
 */
public final class LocalResponseNormKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.LOCAL_RESPONSE_NORM;
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
        return LayerState.of(x, x);
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        return Back.of(out);
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("local response normalisation keeps mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("LocalResponseNormalization");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                if (c.inLayout(n) != Dl4jLayout.CNN) {
                    c.problem("DL4J's local response normalisation takes images only");
                    return new Dl4jConfig.Unsupported();
                }
                JsonObject o = c.plain(n, Dl4jContext.LAYERS + "LocalResponseNormalization");
                o.addProperty("alpha", 1e-4);
                o.addProperty("beta", 0.75);
                o.addProperty("cudnnAllowFallback", true);
                o.addProperty("dataFormat", "NCHW");
                o.addProperty("k", 2.0);
                o.addProperty("n", 5.0);
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), Dl4jLayout.CNN);
            }
        };
    }
}
