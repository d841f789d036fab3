package io.gradflow.kinds;

import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;

/** The arithmetic the kinds' parameter counts share (see {@link Kind#parameters}). */
final class Parameters {

    private Parameters() {
    }

    /** The input width a weighted layer's matrix has rows for: nIn, else what arrives (flattened where it flattens). */
    static double in(Node n, TensorShape in) {
        if (n.nIn() > 0) {
            return n.nIn();
        }
        long w = in.kind() == TensorShape.Kind.CNN && MeanField.flattens(n) ? in.volume() : in.size();
        return Math.max(w, 0);
    }

    static double out(Node n) {
        return Math.max(n.nOut(), 0);
    }

    static double bias(Node n, double units) {
        return n.hasBias() ? units : 0;
    }

    /** A dense matrix and its bias. */
    static double dense(Node n, TensorShape in) {
        return in(n, in) * out(n) + bias(n, out(n));
    }

    /** A kernel over {@code channels} input channels for each of {@code filters} outputs, and a bias per output. */
    static double kernel(Node n, double channels, double filters) {
        return n.kernelArea() * channels * filters + bias(n, filters);
    }
}
