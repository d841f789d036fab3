package io.gradflow.analysis;

import io.gradflow.model.Format;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;

/**
 * Fan-in and fan-out of a weighted layer two ways: as its framework's initialiser computes them
 * (DL4J divides a convolution's fan-out by the stride area, gives LSTMs fanIn = nOut; Keras
 * does neither), and as the signal really flows (how many terms each output sums, how many
 * outputs each input feeds).
 *
 * @param initIn      fan-in the initialiser uses
 * @param initOut     fan-out the initialiser uses
 * @param legacyShape DL4J XAVIER_LEGACY's shape[0] + shape[1]
 * @param connIn      summands per output value in the forward pass
 * @param connOut     outputs each input value feeds, per position (the backward sum)
 */
public record Fans(double initIn, double initOut, double legacyShape, double connIn, double connOut) {

    /** Whether the file's initialisers follow Keras's fan conventions (else DL4J's). */
    static boolean keras(Format f) {
        return f == Format.KERAS_H5 || f == Format.KERAS_JSON || f == Format.KERAS_V3;
    }

    /** Fans of a node's main weights; {@code nIn} may come from the inferred input shape. */
    static Fans of(Node n, long nIn, Format format) {
        boolean keras = keras(format);
        double in = nIn;
        double out = n.nOut();
        double k = n.kernelArea();
        double s = n.strideArea();
        double dm = Math.max(n.depthMultiplier(), 1);
        return switch (n.kind()) {
            case CONV, LOCALLY_CONNECTED -> keras
                    ? new Fans(in * k, out * k, out + in, in * k, out * k / s)
                    : new Fans(in * k, out * k / s, out + in, in * k, out * k / s);
            case DECONV -> keras
                    ? new Fans(out * k, in * k, out + in, in * k / s, out * k)
                    : new Fans(in * k, out * k / s, out + in, in * k / s, out * k);
            case DEPTHWISE_CONV, SEPARABLE_CONV -> keras
                    ? new Fans(in * k, dm * k, in + dm, k, dm * k / s)
                    : new Fans(in * k, dm * k / s, in + dm, k, dm * k / s);
            case LSTM, GRU -> {
                double gates = n.kind() == LayerKind.LSTM ? 4 : 3;
                yield keras ? new Fans(in, gates * out, in + gates * out, in, gates * out)
                        : new Fans(out, in + out, in + gates * out, in, gates * out);
            }
            case EMBEDDING -> keras ? new Fans(in, out, in + out, 1, 1) : new Fans(1, out, in + out, 1, 1);
            default -> new Fans(in, out, in + out, in, out);
        };
    }

    /** The pointwise half of a separable convolution. */
    static Fans pointwise(Node n, long nIn) {
        double mid = nIn * (double) Math.max(n.depthMultiplier(), 1);
        return new Fans(mid, n.nOut(), mid + n.nOut(), mid, n.nOut());
    }

    /** Recurrent weights of an RNN layer. */
    static Fans recurrent(Node n, long nIn, Format format) {
        double out = n.nOut();
        return switch (n.kind()) {
            case LSTM, GRU -> {
                double gates = n.kind() == LayerKind.LSTM ? 4 : 3;
                // DL4J initialises recurrent weights with the input weights' fans (nOut, nIn + nOut)
                yield keras(format) ? new Fans(out, gates * out, out + gates * out, out, gates * out)
                        : new Fans(out, nIn + out, out + gates * out, out, gates * out);
            }
            default -> new Fans(out, out, 2 * out, out, out);
        };
    }
}
