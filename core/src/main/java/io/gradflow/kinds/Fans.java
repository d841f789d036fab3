package io.gradflow.kinds;

import io.gradflow.model.FanConvention;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import org.jspecify.annotations.Nullable;

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

    /** A dense (or attention, or output) layer: every output sums all nIn inputs. */
    public static Fans dense(double nIn, double nOut) {
        return new Fans(nIn, nOut, nIn + nOut, nIn, nOut);
    }

    /** A convolution or locally connected layer: kernel area k, stride area s. */
    public static Fans conv(Node n, long nIn) {
        double in = nIn;
        double out = n.nOut();
        double k = n.kernelArea();
        double s = n.strideArea();
        return n.fans() == FanConvention.KERAS
                ? new Fans(in * k, out * k, out + in, in * k, out * k / s)
                : new Fans(in * k, out * k / s, out + in, in * k, out * k / s);
    }

    /** A transposed convolution: Keras's kernel is laid out the other way round. */
    public static Fans deconv(Node n, long nIn) {
        double in = nIn;
        double out = n.nOut();
        double k = n.kernelArea();
        double s = n.strideArea();
        return n.fans() == FanConvention.KERAS
                ? new Fans(out * k, in * k, out + in, in * k / s, out * k)
                : new Fans(in * k, out * k / s, out + in, in * k / s, out * k);
    }

    /** A depthwise kernel (and the depthwise half of a separable convolution): one channel in each. */
    public static Fans depthwise(Node n, long nIn) {
        double in = nIn;
        double k = n.kernelArea();
        double s = n.strideArea();
        double dm = Math.max(n.depthMultiplier(), 1);
        return n.fans() == FanConvention.KERAS
                ? new Fans(in * k, dm * k, in + dm, k, dm * k / s)
                : new Fans(in * k, dm * k / s, in + dm, k, dm * k / s);
    }

    /** The input weights of a gated recurrent layer with {@code gates} gates (LSTM 4, GRU 3). */
    public static Fans gated(Node n, long nIn, int gates) {
        double in = nIn;
        double out = n.nOut();
        return n.fans() == FanConvention.KERAS ? new Fans(in, gates * out, in + gates * out, in, gates * out)
                : new Fans(out, in + out, in + gates * out, in, gates * out);
    }

    /** An embedding table: each output is one weight. */
    public static Fans embedding(Node n, long nIn) {
        double in = nIn;
        double out = n.nOut();
        return n.fans() == FanConvention.KERAS ? new Fans(in, out, in + out, 1, 1) : new Fans(1, out, in + out, 1, 1);
    }

    /**
     * The same fans with the forward and backward connectivity scaled by the share of kernel taps
     * that land inside the input: zero padding leaves border positions with fewer terms, which on
     * small feature maps shrinks the signal measurably (an 8x8 map under 3x3 "same" kernels keeps
     * 84% of them per layer).
     */
    public Fans withBorder(double factor) {
        return factor == 1 ? this : new Fans(initIn, initOut, legacyShape, connIn * factor, connOut * factor);
    }

    /** Mean share of a convolution's kernel taps that fall inside its input, over output positions. */
    public static double borderFactor(Node n, TensorShape in) {
        Window w = Window.of(n, in);
        if (w == null) {
            return 1;
        }
        double factor = 1;
        for (int d = 0; d < w.dims(); d++) {
            factor *= averageTaps(w.sizes[d], w.kernel(d), w.stride(d), w.dilation(d), w.same, w.pad(d)) / w.kernel(d);
        }
        return factor;
    }

    /**
     * Zero padding's positional pattern. A kernel tap k falls inside the input at a fraction f_k
     * of the output positions; A = Cov over positions of the taps' inside indicators. Returns
     * {tr A / sum_k f_k, 2 tr(A^2) / tr(A)^2}: the share of a convolution's valid connections
     * whose presence varies with the position (a 3x3 "same" kernel on an 8x8 map: 0.15), and the
     * relative variance across channels of the pattern, a Gaussian quadratic form with matrix A
     * (there: 0.55). Dimensions are independent, so A's traces factor over them.
     */
    public static double[] borderPattern(Node n, TensorShape in) {
        double[] none = {0, 0};
        Window w = Window.of(n, in);
        if (w == null) {
            return none;
        }
        // per dimension: sum f, tr F = sum f, tr F^2, |f|^2, f'Ff (F = E[v v'] over positions)
        double sumF = 1;
        double trF2 = 1;
        double f2 = 1;
        double fFf = 1;
        for (int d = 0; d < w.dims(); d++) {
            double[][] m = insideMoments(w.sizes[d], w.kernel(d), w.stride(d), w.dilation(d), w.same, w.pad(d));
            if (m == null) {
                return none;
            }
            int kd = m.length;
            double s1 = 0;
            double sq = 0;
            double tr2 = 0;
            double quad = 0;
            for (int i = 0; i < kd; i++) {
                s1 += m[i][i];
                sq += m[i][i] * m[i][i];
                for (int j = 0; j < kd; j++) {
                    tr2 += m[i][j] * m[j][i];
                    quad += m[i][i] * m[i][j] * m[j][j];
                }
            }
            sumF *= s1;
            trF2 *= tr2;
            f2 *= sq;
            fFf *= quad;
        }
        double trA = sumF - f2;
        if (!(trA > 1e-12) || !(sumF > 0)) {
            return none;
        }
        double trA2 = Math.max(trF2 - 2 * fFf + f2 * f2, 0);
        return new double[] {trA / sumF, 2 * trA2 / (trA * trA)};
    }

    /** E over output positions of v v', v_j = 1 when tap j is inside the input (one dimension). */
    static double @Nullable [][] insideMoments(long size, int k, int stride, int dilation, boolean same, int pad) {
        if (size <= 0 || size > 100_000 || k > 1024) {
            return null;
        }
        long[] ob = outputAndPadBefore(size, k, stride, dilation, same, pad);
        long out = ob[0];
        long before = ob[1];
        if (out <= 0) {
            return null;
        }
        // taps i and j are both inside over the overlap of their runs of output positions
        long[][] runs = new long[k][];
        for (int j = 0; j < k; j++) {
            runs[j] = insideRun(size, stride, dilation, before, out, j);
        }
        double[][] m = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                long both = Math.min(runs[i][1], runs[j][1]) - Math.max(runs[i][0], runs[j][0]) + 1;
                m[i][j] = (double) Math.max(both, 0) / out;
            }
        }
        return m;
    }

    /** One dimension's output size and the zero padding before the first input, DL4J's way. */
    private static long[] outputAndPadBefore(long size, int k, int stride, int dilation, boolean same, int pad) {
        long eff = (long) dilation * (k - 1) + 1;
        if (same) {
            long out = (size + stride - 1) / stride;
            return new long[] {out, Math.max((out - 1) * stride + eff - size, 0) / 2};
        }
        return new long[] {(size + 2L * pad - eff) / stride + 1, pad};
    }

    /** A convolution or pooling window over a spatial (or time) input, per dimension. */
    private record Window(long[] sizes, int[] k, int[] st, int[] dil, int[] pad, boolean same) {

        /** Null where the input has no spatial or time dimensions. */
        static @Nullable Window of(Node n, TensorShape in) {
            if (in.kind() != TensorShape.Kind.CNN && in.kind() != TensorShape.Kind.RNN) {
                return null;
            }
            return new Window(in.kind() == TensorShape.Kind.RNN ? new long[] {in.time()} : in.spatial(),
                    n.kernel(), n.stride(), n.dilation(), n.padding(), n.paddingMode().keepsSize());
        }

        int dims() {
            return Math.min(sizes.length, k.length);
        }

        int kernel(int d) {
            return Math.max(k[d], 1);
        }

        int stride(int d) {
            return Math.max(at(st, d), 1);
        }

        int dilation(int d) {
            return Math.max(at(dil, d), 1);
        }

        int pad(int d) {
            return Math.max(at(pad, d), 0);
        }
    }

    private static int at(int[] a, int i) {
        return a.length == 0 ? 1 : i < a.length ? a[i] : a[a.length - 1];
    }

    static double averageTaps(long size, int k, int stride, int dilation, boolean same, int pad) {
        if (size <= 0 || size > 100_000) {
            return k;
        }
        long[] ob = outputAndPadBefore(size, k, stride, dilation, same, pad);
        long out = ob[0];
        long before = ob[1];
        if (out <= 0) {
            return k;
        }
        // each tap is inside over one run of output positions: count the runs, not the positions
        // (a padding of 10^9 has 10^9 of them)
        long inside = 0;
        for (int j = 0; j < k; j++) {
            long[] r = insideRun(size, stride, dilation, before, out, j);
            inside += Math.max(0, r[1] - r[0] + 1);
        }
        return (double) inside / out;
    }

    /** The output positions o in [0, out) where tap {@code j} falls inside the input: {first, last}. */
    private static long[] insideRun(long size, int stride, int dilation, long before, long out, int j) {
        long shift = before - (long) j * dilation;
        // 0 <= o * stride - shift < size
        long lo = Math.max(-Math.floorDiv(-shift, stride), 0);
        long hi = Math.min(Math.floorDiv(size - 1 + shift, stride), out - 1);
        return new long[] {lo, hi};
    }

    /** The pointwise half of a separable convolution. */
    public static Fans pointwise(Node n, long nIn) {
        double mid = nIn * (double) Math.max(n.depthMultiplier(), 1);
        return new Fans(mid, n.nOut(), mid + n.nOut(), mid, n.nOut());
    }

    /** The recurrent weights of a recurrent layer with {@code gates} gates (a simple RNN: 1). */
    public static Fans recurrent(Node n, long nIn, int gates) {
        double out = n.nOut();
        if (gates == 1) {
            return new Fans(out, out, 2 * out, out, out);
        }
        // DL4J initialises recurrent weights with the input weights' fans (nOut, nIn + nOut)
        return n.fans() == FanConvention.KERAS ? new Fans(out, gates * out, out + gates * out, out, gates * out)
                : new Fans(out, nIn + out, out + gates * out, out, gates * out);
    }
}
