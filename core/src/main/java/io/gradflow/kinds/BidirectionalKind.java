package io.gradflow.kinds;

import com.google.gson.JsonObject;
import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A recurrent layer run both ways ({@link Node#wrapped()} holds it), its two outputs joined by
 * concatenation, a sum, a product or an average. Both directions have the same statistics.
 */
public final class BidirectionalKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.BIDIRECTIONAL;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return Recurrence.shape(n, in);
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        LayerState one = Recurrence.forward(n, wrapped(n), x, f);
        Moments o = one.out();
        return switch (mode(n)) {
            case "ADD" -> one.withOut(o.plus(o));
            case "MUL" -> one.withOut(new Moments(o.mean() * o.mean(), 0,
                    Math.max(o.second() * o.second() - Math.pow(o.mean(), 4), 0)));
            default -> one;
        };
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        double g1 = "MUL".equals(mode(n)) ? out.g() * s.out().second() : out.g();
        return Recurrence.backward(n, wrapped(n), s, g1, b, true);
    }

    private static Node wrapped(Node n) {
        return Objects.requireNonNull(n.wrapped(), "readers build a bidirectional node around its layer");
    }

    private static String mode(Node n) {
        return n.bidirectionalMode() == null ? "CONCAT" : n.bidirectionalMode();
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("recurrent layers keep mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("Bidirectional");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                c.toSequence(n);
                Node core = wrapped(n).toBuilder().returnSequences(n.returnSequences()).build();
                long nIn = n.nIn();
                String mode = mode(n).equals("MUL") ? "MUL" : mode(n);
                List<Dl4jParam> params = new ArrayList<>();
                for (Dl4jParam p : RecurrentKind.params(core, nIn)) {
                    params.add(p.prefixed("f"));
                    params.add(p.prefixed("b"));
                }
                Dl4jLayout out = n.returnSequences() ? Dl4jLayout.RNN : Dl4jLayout.FF;
                if (core.kind() == LayerKind.GRU) {
                    // the verify module's GRU runs both ways itself
                    JsonObject gru = RecurrentKind.layer(core.toBuilder().name(n.name()).build(), nIn, c, mode);
                    return gru == null ? new Dl4jConfig.Unsupported() : new Dl4jConfig.Layer(gru, out, params);
                }
                JsonObject fwd = RecurrentKind.layer(core, nIn, c, null);
                JsonObject bwd = RecurrentKind.layer(core, nIn, c, null);
                if (fwd == null || bwd == null) {
                    return new Dl4jConfig.Unsupported();
                }
                JsonObject o = Dl4jJson.obj("@class", Dl4jContext.LAYERS + "recurrent.Bidirectional",
                        "bwd", bwd,
                        "constraints", null,
                        "fwd", fwd,
                        "gradientNormalization", "None",
                        "gradientNormalizationThreshold", 1.0,
                        "idropout", null,
                        "layerName", n.name(),
                        "mode", mode,
                        "nin", nIn,
                        "nout", n.nOut(),
                        "rnndataFormat", "NCW");
                return new Dl4jConfig.Layer(n.returnSequences() ? o : RecurrentKind.lastStep(n, o), out, params);
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        // two copies of the wrapped layer, one per direction
        Node w = n.wrapped() == null ? n : n.wrapped();
        return w == n ? 0 : 2 * Kinds.of(w.kind()).parameters(w, in, out);
    }
}
