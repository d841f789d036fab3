package io.gradflow.verify;

import io.gradflow.ingest.Finish;
import io.gradflow.ingest.ReadException;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.ShapeOp;
import io.gradflow.model.TensorShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Input sizes a file does not give, completed as the analysis assumes them, so the network can be
 * built and fed: a sequence of unknown length gets the assumed number of steps (or the length of
 * another input, as a graph's branches must agree); an input of unknown shape gets the one its
 * first layer implies, with the width the analysis assumes (its layer's output width) and 32 per
 * spatial dimension. The graph's shapes are then worked out again.
 */
final class InputShapes {

    /** The spatial size per dimension the analysis assumes (Finish.ASSUMED_SPATIAL). */
    private static final int SPATIAL = Finish.ASSUMED_SPATIAL;

    private InputShapes() {
    }

    /** {@code g} with every input's shape known; {@code g} itself when they all are. */
    static ModelGraph completed(ModelGraph g, int steps) throws VerifyException {
        for (Node n : g.inputs()) {
            TensorShape s = g.shape(n.name());
            if (s.kind() == TensorShape.Kind.RNN && s.time() > 0) {
                steps = (int) s.time();
                break;
            }
        }
        List<String> notes = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            TensorShape s = g.shape(n.name());
            if (n.kind() == LayerKind.INPUT && s.kind() == TensorShape.Kind.RNN && s.time() <= 0) {
                n = n.toBuilder().outputShape(TensorShape.rnn(s.size(), steps)).inputShape(null).build();
                notes.add("the file does not give the sequence length: assumed " + steps + " steps");
            } else if (n.kind() == LayerKind.INPUT && !s.known()) {
                TensorShape implied = implied(g, n, steps);
                if (implied != null) {
                    n = n.toBuilder().outputShape(implied).inputShape(null).build();
                    notes.add("the file does not give input '" + n.name() + "''s shape: assumed " + implied
                            + " from its first layer, as the analysis does");
                }
            }
            nodes.add(n);
        }
        if (notes.isEmpty()) {
            return g;
        }
        ModelGraph out;
        try {
            out = Finish.shapes(g.with(nodes, Map.of()));
        } catch (ReadException e) {
            // the shapes were worked out once already; only the new input widths can disagree
            throw new VerifyException("the input shapes gradflow assumed do not fit the model: " + e.getMessage(), e);
        }
        for (String note : notes.stream().distinct().toList()) {
            out = out.withAssumption(note);
        }
        return out;
    }

    /** The shape an input's first layer implies, through layers that pass it on; null when none does. */
    private static @Nullable TensorShape implied(ModelGraph g, Node input, int steps) {
        Node n = input;
        while (true) {
            List<String> users = g.consumers(n.name());
            if (users.isEmpty()) {
                return null;
            }
            n = Objects.requireNonNull(g.node(users.get(0)), "a consumer is a layer of the graph");
            long width = n.nIn() > 0 ? n.nIn() : n.nOut();
            switch (n.kind()) {
                case DROPOUT, ACTIVATION, SCALE, SHAPE -> {
                    if (n.kind() == LayerKind.SHAPE && n.shapeOp() != null
                            && n.shapeOp() != ShapeOp.PASS) {
                        return null;
                    }
                }
                case CONV, DEPTHWISE_CONV, SEPARABLE_CONV, LOCALLY_CONNECTED, DECONV -> {
                    if (width <= 0) {
                        return null;
                    }
                    int dims = Math.max(n.dims(), 1);
                    if (dims == 1) {
                        return TensorShape.rnn(width, steps);
                    }
                    long[] sp = new long[dims];
                    Arrays.fill(sp, SPATIAL);
                    return TensorShape.cnn(width, sp);
                }
                case DENSE, OUTPUT, BATCH_NORM, LAYER_NORM -> {
                    return width > 0 ? TensorShape.ff(width) : null;
                }
                case SIMPLE_RNN, LSTM, GRU, BIDIRECTIONAL -> {
                    return width > 0 ? TensorShape.rnn(width, steps) : null;
                }
                case EMBEDDING -> {
                    return TensorShape.rnn(1, n.timeSteps() > 0 ? n.timeSteps() : steps);
                }
                default -> {
                    return null;
                }
            }
        }
    }
}
