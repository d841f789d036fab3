package io.gradflow.kinds;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/** A loss with no weights of its own (DL4J LossLayer, RnnLossLayer, CnnLossLayer...): the gradient starts here. */
public final class LossKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.LOSS;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return in;
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        return LayerState.of(x, x);
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        return Back.of(OutputKind.lossGradient(n, OutputKind.meanFraction(n, s.in(), s.out()), b).scale(b.unit()));
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("a loss layer without weights");
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("LossLayer", "RnnLossLayer", "CnnLossLayer", "Cnn3DLossLayer", "Yolo2OutputLayer");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                Dl4jLayout in = c.inLayout(n);
                String cls = switch (in) {
                    case RNN -> "RnnLossLayer";
                    case CNN -> "CnnLossLayer";
                    case CNN3D -> "Cnn3DLossLayer";
                    case FF -> "LossLayer";
                };
                JsonObject o = Dl4jJson.obj("@class", Dl4jContext.LAYERS + cls,
                        "activationFn", c.activation(n.activation() == null ? Activation.IDENTITY : n.activation()),
                        "biasInit", 0.0, "biasUpdater", null, "constraints", null, "gainInit", 1.0,
                        "gradientNormalization", "None", "gradientNormalizationThreshold", 1.0, "idropout", null,
                        "iupdater", c.updater(n), "layerName", n.name(), "lossFn", c.loss(n), "nin", 0, "nout", 0,
                        "regularization", new JsonArray(), "regularizationBias", new JsonArray(),
                        "timeDistributedFormat", null,
                        "weightInitFn", Dl4jJson.obj("@class", Dl4jContext.WEIGHTS + "WeightInitXavier"),
                        "weightNoise", null);
                switch (in) {
                    case RNN -> o.addProperty("rnnDataFormat", "NCW");
                    case CNN -> o.addProperty("format", "NCHW");
                    case CNN3D -> o.addProperty("dataFormat", "NCDHW");
                    default -> { }
                }
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), in);
            }
        };
    }
}
