package io.gradflow.verify;

import io.gradflow.ingest.Finish;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sequence inputs of unknown length get the length the analysis assumes for them, so the network
 * can be built and fed: the same graph, its input shapes completed, its shapes worked out again.
 */
final class Sequences {

    private Sequences() {
    }

    /**
     * {@code g} with every sequence input of unknown length {@code steps} long, or as long as another
     * input whose length the file gives (the branches of a graph must agree); {@code g} itself when
     * no length is unknown.
     */
    static ModelGraph withAssumedSteps(ModelGraph g, int steps) {
        for (Node n : g.inputs()) {
            TensorShape s = g.shape(n.name());
            if (s.kind() == TensorShape.Kind.RNN && s.time() > 0) {
                steps = (int) s.time();
                break;
            }
        }
        boolean changed = false;
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            TensorShape s = g.shape(n.name());
            if (n.kind() == LayerKind.INPUT && s.kind() == TensorShape.Kind.RNN && s.time() <= 0) {
                n = n.toBuilder().outputShape(TensorShape.rnn(s.size(), steps)).inputShape(null).build();
                changed = true;
            }
            nodes.add(n);
        }
        if (!changed) {
            return g;
        }
        return Finish.shapes(g.with(nodes, Map.of())).withAssumption("the file does not give the sequence length: "
                + "assumed " + steps + " steps");
    }
}
