package io.gradflow.kinds;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
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

    /**
     * The layer divides by sqrt(variance + epsilon): where its input is small (embeddings drawn
     * U(-0.05, 0.05) have variance 8e-4, against Keras's default epsilon of 1e-3) the output keeps
     * only var / (var + eps) of gamma's variance, and the gradient the same factor.
     */
    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        double q = Math.max(x.q() + n.epsilon(), 1e-5);
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
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("L2NormalizeVertex");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                String cls = c.gradflowClass("LayerNormalization", "stand-alone layer normalisation; normalise inside "
                        + "the layer before it instead (`dense N layernorm`, DL4J's hasLayerNorm)");
                if (cls == null) {
                    return new Dl4jConfig.Unsupported();
                }
                long width = c.inShape(n).size();
                JsonObject o = c.plain(n, cls);
                o.addProperty("nin", width);
                // the file's epsilon; Keras's default where it gives none
                o.addProperty("eps", n.epsilon() > 0 ? n.epsilon() : 1e-3);
                o.add("updater", c.updater(n));
                o.add("biasUpdater", null);
                o.add("regularization", new JsonArray());
                o.add("regularizationBias", new JsonArray());
                long[] s = {1, width};
                // normalises over the features (channels) at every position, Keras's default axis
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), c.inLayout(n), List.of(
                        Dl4jParam.constant("gamma", Dl4jParam.Role.OTHER, s, n.gamma()),
                        Dl4jParam.constant("beta", Dl4jParam.Role.OTHER, s, n.beta())));
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        return 2.0 * Math.max(out.size(), 0);
    }
}
