package io.gradflow.kinds;

import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.Arrays;

/** Sliding windows (convolution and pooling) along each spatial dimension: sizes forward and back. */
final class Windows {

    private Windows() {
    }

    private static int at(int[] a, int i, int dflt) {
        if (a.length == 0) {
            return dflt;
        }
        return i < a.length ? a[i] : a[a.length - 1];
    }

    static long[] unknown(int dims) {
        long[] s = new long[Math.max(dims, 1)];
        Arrays.fill(s, -1);
        return s;
    }

    /** Output shape of a windowed layer with {@code channels} output channels. */
    static TensorShape output(Node n, TensorShape in, long channels) {
        if (!in.known()) {
            return n.dims() == 1 ? TensorShape.rnn(channels, -1) : TensorShape.cnn(channels, unknown(n.dims()));
        }
        long[] src = in.kind() == TensorShape.Kind.CNN ? in.spatial()
                : in.kind() == TensorShape.Kind.RNN ? new long[] {in.time()} : unknown(n.dims());
        long[] dst = new long[src.length];
        for (int i = 0; i < src.length; i++) {
            dst[i] = out(n, i, src[i]);
        }
        if (in.kind() == TensorShape.Kind.RNN) {
            return TensorShape.rnn(channels, dst[0]);
        }
        return TensorShape.cnn(channels, dst);
    }

    /** Output size along one spatial dimension, -1 if unknown. */
    static long out(Node n, int i, long in) {
        if (in < 0) {
            return -1;
        }
        int k = at(n.kernel(), i, 1);
        int s = Math.max(at(n.stride(), i, 1), 1);
        int d = Math.max(at(n.dilation(), i, 1), 1);
        int p = at(n.padding(), i, 0);
        boolean same = n.paddingMode().keepsSize();
        if (n.kind() == LayerKind.DECONV) {
            return same ? in * s : (in - 1) * s + (long) d * (k - 1) + 1 - 2L * p;
        }
        if (same) {
            return (in + s - 1) / s;
        }
        long eff = (long) d * (k - 1) + 1;
        long out = (in + 2L * p - eff) / s + 1;
        return Math.max(out, 0);
    }

    /** Input sizes that give {@code out} (the inverse of {@link #out}), -1 where unknown. */
    static long[] in(Node n, long[] out) {
        long[] sp = out.clone();
        for (int i = 0; i < sp.length; i++) {
            sp[i] = in(n, i, sp[i]);
        }
        return sp;
    }

    private static long in(Node n, int i, long out) {
        if (out < 0) {
            return -1;
        }
        int k = at(n.kernel(), i, 1);
        int s = Math.max(at(n.stride(), i, 1), 1);
        int d = Math.max(at(n.dilation(), i, 1), 1);
        int p = at(n.padding(), i, 0);
        boolean same = n.paddingMode().keepsSize();
        if (n.kind() == LayerKind.DECONV) {
            return same ? out / s : (out - 1 - (long) d * (k - 1) + 2L * p) / s + 1;
        }
        if (same) {
            return out * s;
        }
        return (out - 1) * s + (long) d * (k - 1) + 1 - 2L * p;
    }

    /** Padding or cropping on both sides of dimension {@code i}: per side ({p0, p1...}) or per dimension. */
    static long bothSides(int[] pad, int i, int dims) {
        return pad.length >= 2 * dims ? pad[2 * i] + pad[2 * i + 1] : 2L * at(pad, i, 0);
    }

    /** Upsampling's factor along dimension {@code i} (2 by default). */
    static int factor(int[] size, int i) {
        return at(size, i, 2);
    }
}
