package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

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
        LayerState one = Recurrence.forward(n, n.wrapped(), x, f);
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
        return Recurrence.backward(n, n.wrapped(), s, g1, b, true);
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
        return Dl4jPart.unsupported(null, "Bidirectional");
    }
}
