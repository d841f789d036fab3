package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import java.util.List;

/**
 * A convolutional LSTM (Keras ConvLSTM1D and ConvLSTM2D): an LSTM whose input and recurrent
 * transforms are convolutions, run over the first axis of its input as time (docs/theory.md
 * section 8.4).
 */
public final class ConvLstmKind implements Kind {

    private static final int GATES = 4;

    @Override
    public LayerKind tag() {
        return LayerKind.CONV_LSTM;
    }

    /**
     * (time, rows, cols, channels) to (rows', cols', filters), or (time, rows', cols', filters)
     * with every step; the rows and columns as a convolution's with the layer's kernel, strides and
     * padding. A one-dimensional layer's last step is a sequence over its one axis.
     */
    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        int dims = Math.max(n.dims(), 1);
        long[] sp = in.kind() == TensorShape.Kind.CNN && in.dims() == dims + 1 ? in.spatial() : Windows.unknown(dims + 1);
        long[] rest = new long[dims];
        for (int i = 0; i < dims; i++) {
            rest[i] = Windows.out(n, i, sp[i + 1]);
        }
        if (n.returnSequences()) {
            long[] all2 = new long[dims + 1];
            all2[0] = sp[0];
            System.arraycopy(rest, 0, all2, 1, dims);
            return TensorShape.cnn(n.nOut(), all2);
        }
        return dims == 1 ? TensorShape.rnn(n.nOut(), rest[0]) : TensorShape.cnn(n.nOut(), rest);
    }

    /** The LSTM's mean field with convolutional fans: kernel area times channels in, per gate. */
    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        TensorShape in = f.inShape(n);
        long nIn = n.nIn() > 0 ? n.nIn() : MeanField.widthIn(n, f);
        int t = steps(n, in, f);
        TensorShape out = f.shape(n.name());
        long[] sp = out.kind() == TensorShape.Kind.CNN ? out.spatial() : new long[] {out.time()};
        double positions = 1;
        for (int i = n.returnSequences() ? 1 : 0; i < sp.length; i++) {
            positions *= Math.max(sp[i], 1);
        }
        return Recurrence.forward(n, n, x, f, t, inputFans(n, nIn), recurrentFans(n), positions);
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        return Recurrence.backward(n, n, s, out.g(), b, false);
    }

    /** The first input axis is time. */
    private static int steps(Node n, TensorShape in, Forward f) {
        return Recurrence.steps(in.kind() == TensorShape.Kind.CNN && in.dims() > 0 ? in.spatialAt(0) : n.timeSteps(), f);
    }

    /**
     * The input kernel (k..., channels, 4 filters) as Keras's initialisers count it: fan-in kernel
     * area times channels, fan-out kernel area times the four gates' filters; each input value
     * feeds that fan-out over the stride area.
     */
    static Fans inputFans(Node n, long nIn) {
        double k = n.kernelArea();
        double in = k * nIn;
        double out = k * GATES * n.nOut();
        return new Fans(in, out, nIn + GATES * n.nOut(), in, out / n.strideArea());
    }

    /**
     * The recurrent kernel (k..., filters, 4 filters), always "same" and unstrided. An orthogonal
     * initialiser (Keras's default) flattens it to (k filters) x (4 filters), so its variance is
     * over the larger of those two, not of the two fans.
     */
    static Fans recurrentFans(Node n) {
        double k = n.kernelArea();
        double f = n.nOut();
        WeightInit rec = n.recurrentInit();
        boolean orthogonal = rec != null && rec.family() == WeightInit.Family.ORTHOGONAL;
        return new Fans(k * f, orthogonal ? GATES * f : k * GATES * f, f + GATES * f, k * f, k * GATES * f);
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("recurrent layers keep mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return Dl4jPart.unsupported(Dl4jContext.TARGET + " has no convolutional LSTM");
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        double k = n.kernelArea();
        double o = Parameters.out(n);
        return GATES * (k * Parameters.in(n, in) * o + k * o * o + o);
    }
}
