package io.gradflow.kinds;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

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
        List<String> classes = switch (tag) {
            case GRU -> List.of();
            case LSTM -> List.of("LSTM", "GravesLSTM", "GravesBidirectionalLSTM");
            default -> List.of("SimpleRnn");
        };
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return classes;
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                c.toSequence(n);
                JsonObject layer = layer(n, n.nIn(), c, null);
                if (layer == null) {
                    return new Dl4jConfig.Unsupported();
                }
                List<Dl4jParam> params = params(n, n.nIn());
                if (n.returnSequences() || n.kind() == LayerKind.GRU) {
                    return new Dl4jConfig.Layer(layer, n.returnSequences() ? Dl4jLayout.RNN : Dl4jLayout.FF, params);
                }
                return new Dl4jConfig.Layer(lastStep(n, layer), Dl4jLayout.FF, params);
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        // per gate: input weights, recurrent weights, a bias
        int gates = switch (tag) {
            case LSTM -> 4;
            case GRU -> 3;
            default -> 1;
        };
        double o = Parameters.out(n);
        return gates * (Parameters.in(n, in) * o + o * o + o);
    }

    /** DL4J's wrapper that keeps a recurrent layer's last step. */
    static JsonObject lastStep(Node n, JsonObject layer) {
        return Dl4jJson.obj("@class", Dl4jContext.LAYERS + "recurrent.LastTimeStep",
                "gradientNormalization", "None",
                "gradientNormalizationThreshold", 1.0,
                "idropout", null,
                "layerName", n.name(),
                "underlying", layer);
    }

    /**
     * The recurrent layer {@code core} with input width {@code nIn}: DL4J's LSTM or SimpleRnn, or the
     * verify module's GRU (run both ways when {@code bidirectional} names how to merge them); null
     * when it cannot be written (reported).
     */
    static @Nullable JsonObject layer(Node core, long nIn, Dl4jContext c, @Nullable String bidirectional) {
        if (core.kind() == LayerKind.GRU) {
            String cls = c.gradflowClass("GatedRecurrentUnit", "GRU layer; use lstm");
            if (cls == null) {
                return null;
            }
            Activation act = core.activation() == null ? Activation.TANH : core.activation();
            Activation gate = core.gateActivation() == null ? Activation.SIGMOID : core.gateActivation();
            JsonObject o = c.plain(core, cls);
            o.add("activation", c.activation(act));
            o.add("gateActivation", c.activation(gate));
            o.add("biasUpdater", null);
            o.addProperty("bidirectional", bidirectional);
            o.add("idropout", c.dropout(core));
            o.addProperty("nin", nIn);
            o.addProperty("nout", core.nOut());
            o.add("regularization", new JsonArray());
            o.add("regularizationBias", new JsonArray());
            o.addProperty("returnSequences", core.returnSequences());
            o.add("updater", c.updater(core));
            return Dl4jJson.sorted(o);
        }
        if (!core.hasBias()) {
            c.problem("DL4J's recurrent layers always have a bias");
        }
        boolean lstm = core.kind() == LayerKind.LSTM;
        Node sized = core.toBuilder().nIn(nIn).build();
        JsonObject o = c.weighted(sized, lstm ? "LSTM" : "recurrent.SimpleRnn");
        o.remove("hasBias");
        if (lstm) {
            o.addProperty("forgetGateBiasInit", core.forgetGateBias());
            o.add("gateActivationFn", c.activation(core.gateActivation() == null ? Activation.SIGMOID
                    : core.gateActivation()));
            o.addProperty("helperAllowFallback", true);
        } else {
            o.addProperty("hasLayerNorm", core.layerNorm());
        }
        o.addProperty("rnnDataFormat", "NCW");
        WeightInit rec = core.recurrentInit();
        o.add("weightInitFnRecurrent", rec == null || rec.equals(core.weightInit()) || c.verify() ? JsonNull.INSTANCE
                : c.weightInit(rec));
        return Dl4jJson.sorted(o);
    }

    /**
     * The arrays of a recurrent layer {@code core} with input width {@code nIn}. DL4J's LSTM holds its
     * gates as (cell input, forget, output, input), Keras's as (input, forget, cell input, output);
     * the GRU here holds Keras's (update, reset, candidate) and Keras's second, recurrent bias.
     */
    static List<Dl4jParam> params(Node core, long nIn) {
        int gates = Recurrence.gates(core);
        long n = core.nOut();
        boolean keras = Dl4jWeights.keras(core);
        WeightInit rec = core.recurrentInit() != null ? core.recurrentInit() : core.weightInit();
        Fans in = gates == 1 ? Fans.dense(nIn, n) : Fans.gated(core, nIn, gates);
        Dl4jParam w = Dl4jParam.drawn("W", Dl4jParam.Role.WEIGHTS, core.weightInit(), in, nIn, gates * n);
        Dl4jParam rw = Dl4jParam.drawn("RW", Dl4jParam.Role.RECURRENT, rec, Fans.recurrent(core, nIn, gates), n, gates * n);
        double b = core.biasInit();
        long[] bias = {1, gates * n};
        List<Dl4jParam> out = new ArrayList<>();
        switch (core.kind()) {
            case LSTM -> {
                if (keras) {
                    w = w.gates(2, 1, 3, 0);
                    rw = rw.gates(2, 1, 3, 0);
                }
                out.add(w);
                out.add(rw);
                out.add(Dl4jParam.constant("b", Dl4jParam.Role.BIAS, bias, b, core.forgetGateBias(), b, b));
            }
            case GRU -> {
                out.add(w);
                out.add(rw);
                out.add(Dl4jParam.constant("b", Dl4jParam.Role.BIAS, bias, b));
                out.add(Dl4jParam.constant("rb", Dl4jParam.Role.BIAS, bias, 0));
            }
            default -> {
                out.add(w);
                out.add(rw);
                out.add(Dl4jParam.constant("b", Dl4jParam.Role.BIAS, bias, b));
                if (core.layerNorm()) {
                    out.add(Dl4jParam.constant("gx", Dl4jParam.Role.OTHER, new long[] {1, n}, 1));
                    out.add(Dl4jParam.constant("gr", Dl4jParam.Role.OTHER, new long[] {1, n}, 1));
                }
            }
        }
        return out;
    }
}
