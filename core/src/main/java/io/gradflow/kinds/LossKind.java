package io.gradflow.kinds;

import io.gradflow.math.Moments;
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
        return Dl4jPart.unsupported(null, "LossLayer", "RnnLossLayer", "CnnLossLayer", "Cnn3DLossLayer",
                "Yolo2OutputLayer");
    }
}
