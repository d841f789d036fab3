package io.gradflow.kinds;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.util.List;

/**
 * A recurrent layer: a simple RNN, an LSTM or a GRU (one instance per tag in {@link Kinds}), with
 * its input and recurrent weights, run through the sequence's steps.
 */
public final class RecurrentKind implements Kind {

    private final LayerKind tag;

    RecurrentKind(LayerKind tag) {
        this.tag = tag;
    }

    @Override
    public LayerKind tag() {
        return tag;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return Recurrence.shape(n, in);
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        return Recurrence.forward(n, n, x, f);
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        return Recurrence.backward(n, n, s, out.g(), b, false);
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("recurrent layers keep mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return switch (tag) {
            case GRU -> Dl4jPart.unsupported(Dl4jContext.TARGET + " has no GRU layer; use lstm");
            case LSTM -> writer(List.of("LSTM", "GravesLSTM", "GravesBidirectionalLSTM"));
            default -> writer(List.of("SimpleRnn"));
        };
    }

    private static Dl4jPart writer(List<String> classes) {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return classes;
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                c.toSequence(n);
                if (!n.hasBias()) {
                    c.problem("DL4J's recurrent layers always have a bias");
                }
                boolean lstm = n.kind() == LayerKind.LSTM;
                JsonObject o = c.weighted(n, lstm ? "LSTM" : "recurrent.SimpleRnn");
                o.remove("hasBias");
                if (lstm) {
                    o.addProperty("forgetGateBiasInit", n.forgetGateBias());
                    o.add("gateActivationFn", c.activation(n.gateActivation() == null ? Activation.SIGMOID
                            : n.gateActivation()));
                    o.addProperty("helperAllowFallback", true);
                } else {
                    o.addProperty("hasLayerNorm", n.layerNorm());
                }
                o.addProperty("rnnDataFormat", "NCW");
                WeightInit rec = n.recurrentInit();
                o.add("weightInitFnRecurrent", rec == null || rec.equals(n.weightInit()) ? JsonNull.INSTANCE
                        : c.weightInit(rec));
                JsonObject layer = Dl4jJson.sorted(o);
                if (n.returnSequences()) {
                    return new Dl4jConfig.Layer(layer, Dl4jLayout.RNN);
                }
                return new Dl4jConfig.Layer(Dl4jJson.obj("@class", Dl4jContext.LAYERS + "recurrent.LastTimeStep",
                        "gradientNormalization", "None",
                        "gradientNormalizationThreshold", 1.0,
                        "idropout", null,
                        "layerName", n.name(),
                        "underlying", layer), Dl4jLayout.FF);
            }
        };
    }
}
