package io.gradflow.verify;

import io.gradflow.model.Activation;
import io.gradflow.model.activation.Activations;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Synthetic batches shaped from the model's inputs: features zero-mean, unit-variance Gaussian
 * (integer indices for embeddings); labels that fit each output's loss (one-hot for softmax,
 * 0/1 for sigmoid, standard normal for regression losses). Deterministic for a seed.
 */
public final class SyntheticData {

    private final ModelGraph graph;
    private final DataType dtype;

    private final List<String> layouts;

    public SyntheticData(ModelGraph graph, DataType dtype) {
        this(graph, dtype, List.of());
    }

    /**
     * @param layouts per network input, "NHWC"/"NDHWC" where the network reads it channels-last
     *                (null or missing: channels first, DL4J's default)
     */
    public SyntheticData(ModelGraph graph, DataType dtype, List<String> layouts) {
        this.graph = graph;
        this.dtype = dtype;
        this.layouts = layouts;
    }

    /** One batch of features, one array per network input in the network's input order. */
    public INDArray[] features(int batch) {
        List<INDArray> out = new ArrayList<>();
        List<Node> inputs = graph.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            INDArray x = feature(inputs.get(i), batch);
            String layout = i < layouts.size() ? layouts.get(i) : null;
            if (x.rank() == 4 && "NHWC".equals(layout)) {
                x = x.permute(0, 2, 3, 1).dup('c');
            } else if (x.rank() == 5 && "NDHWC".equals(layout)) {
                x = x.permute(0, 2, 3, 4, 1).dup('c');
            }
            out.add(x);
        }
        return out.toArray(new INDArray[0]);
    }

    private INDArray feature(Node in, int batch) {
        TensorShape s = graph.shape(in.name());
        Node user = firstUser(in);
        if (user != null && user.kind() == LayerKind.EMBEDDING) {
            long vocab = Math.max(user.nIn(), 2);
            boolean sequence = user.returnSequences() || s.kind() == TensorShape.Kind.RNN;
            long[] shape = sequence ? new long[] {batch, Math.max(s.time(), 1)} : new long[] {batch, 1};
            INDArray idx = Nd4j.rand(DataType.DOUBLE, shape).muli(vocab);
            return org.nd4j.linalg.ops.transforms.Transforms.floor(idx, false).castTo(dtype);
        }
        long[] shape = switch (s.kind()) {
            case FF -> new long[] {batch, s.size()};
            case RNN -> new long[] {batch, s.size(), s.time()};
            case CNN -> {
                long[] sp = s.spatial();
                long[] sh = new long[sp.length + 2];
                sh[0] = batch;
                sh[1] = s.size();
                System.arraycopy(sp, 0, sh, 2, sp.length);
                yield sh;
            }
            case UNKNOWN -> throw new IllegalStateException("input '" + in.name() + "' has no known shape");
        };
        return Nd4j.randn(dtype, shape);
    }

    private @Nullable Node firstUser(Node in) {
        List<String> users = graph.consumers(in.name());
        return users.isEmpty() ? null : graph.node(users.get(0));
    }

    /** Labels shaped like the network's outputs, each fitting its output layer's loss. */
    public INDArray[] labels(INDArray[] outputs) {
        long[][] shapes = new long[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            shapes[i] = outputs[i].shape();
        }
        return labels(shapes);
    }

    /** Labels of the given output shapes (known once, so training steps need no extra forward pass). */
    public INDArray[] labels(long[][] shapes) {
        INDArray[] out = new INDArray[shapes.length];
        List<String> names = graph.outputs();
        for (int i = 0; i < shapes.length; i++) {
            Node n = i < names.size() ? graph.node(names.get(i)) : null;
            out[i] = label(n, shapes[i]);
        }
        return out;
    }

    private INDArray label(@Nullable Node n, long[] shape) {
        String loss = n == null || n.loss() == null ? "" : n.loss().toUpperCase(Locale.ROOT);
        Activation a = n == null ? null : n.activation();
        boolean softmax = a != null && a.is(Activations.SOFTMAX) || loss.contains("MCXENT")
                || loss.contains("NEGATIVELOGLIKELIHOOD") || loss.contains("KL");
        boolean binary = a != null && a.is(Activations.SIGMOID) || loss.contains("XENT")
                || loss.contains("BINARY") || loss.contains("HINGE");
        if (softmax && shape.length >= 2) {
            return oneHot(shape);
        }
        if (binary) {
            return Nd4j.rand(DataType.DOUBLE, shape).gt(0.5).castTo(dtype);
        }
        return Nd4j.randn(dtype, shape);
    }

    /** Random one-hot labels along the class dimension (1), independently at every other index. */
    private INDArray oneHot(long[] shape) {
        INDArray out = Nd4j.zeros(dtype, shape);
        long classes = shape[1];
        long rest = 1;
        for (int d = 0; d < shape.length; d++) {
            if (d != 1) {
                rest *= shape[d];
            }
        }
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandom();
        long[] idx = new long[shape.length];
        for (long r = 0; r < rest; r++) {
            long rem = r;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (d == 1) {
                    continue;
                }
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            idx[1] = Math.min(classes - 1, (long) (rng.nextDouble() * classes));
            out.putScalar(idx, 1.0);
        }
        return out;
    }
}
