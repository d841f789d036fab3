package io.gradflow.kinds;

import com.google.gson.JsonArray;
import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/**
 * Dropout as a layer (and additive noise, which leaves the scale as it is): inverted dropout keeps
 * the mean and raises the second moment by 1/keep in training, and scales the gradient alike.
 */
public final class DropoutKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.DROPOUT;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return in;
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return out.clone();
    }

    /** The layer's rate is the layer: it is not also applied to its input. */
    @Override
    public boolean dropoutOnInput() {
        return false;
    }

    private static double keep(Node n) {
        return n.dropRate() > 0 && n.dropRate() < 1 ? 1 - n.dropRate() : 1;
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        return LayerState.of(x, MeanField.dropout(x, keep(n)));
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        return Back.of(out.scale(1 / keep(n), 1));
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("dropout is left out of the simulated networks");
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("DropoutLayer");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                return new Dl4jConfig.Layer(Dl4jJson.obj("@class", Dl4jContext.LAYERS + "DropoutLayer",
                        "activationFn", Dl4jJson.obj("@class", Dl4jContext.ACTIVATIONS + "ActivationIdentity"),
                        "biasInit", 0.0,
                        "biasUpdater", null,
                        "constraints", null,
                        "gainInit", 1.0,
                        "gradientNormalization", "None",
                        "gradientNormalizationThreshold", 1.0,
                        "idropout", c.dropout(n),
                        "iupdater", c.updater(n),
                        "layerName", n.name(),
                        "nin", 0,
                        "nout", 0,
                        "regularization", new JsonArray(),
                        "regularizationBias", new JsonArray(),
                        "timeDistributedFormat", null,
                        "weightInitFn", Dl4jJson.obj("@class", Dl4jContext.WEIGHTS + "WeightInitXavier"),
                        "weightNoise", null), c.inLayout(n));
            }
        };
    }
}
