package io.gradflow.kinds;

import com.google.gson.JsonObject;
import io.gradflow.model.FanConvention;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameter arrays the DL4J parts share (a weight matrix and its bias, a convolution's kernel)
 * and the JSON of DL4J's convolution family, whose fields differ only in a few names.
 */
final class Dl4jWeights {

    /** Keras's kernel (kh, kw, in, out) or (kh, kw, out, in) as DL4J's (out, in, kh, kw) or (in, out, kh, kw). */
    static final int[] KERNEL_2D = {3, 2, 0, 1};

    private Dl4jWeights() {
    }

    /** Whether the node's arrays are drawn in Keras's layout (its initialisers follow Keras's conventions). */
    static boolean keras(Node n) {
        return n.fans() == FanConvention.KERAS;
    }

    /** The node's constant bias of {@code size} values under {@code key}, or nothing when it has none. */
    static List<Dl4jParam> bias(Node n, String key, long size) {
        if (!n.hasBias()) {
            return List.of();
        }
        return List.of(Dl4jParam.constant(key, Dl4jParam.Role.BIAS, new long[] {1, size}, n.biasInit()));
    }

    /** A [nIn, nOut] weight matrix and the bias, as DL4J's dense and output layers hold them. */
    static List<Dl4jParam> dense(Node n, long nIn, long nOut) {
        List<Dl4jParam> out = new ArrayList<>();
        out.add(Dl4jParam.drawn("W", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.dense(nIn, nOut), nIn, nOut));
        out.addAll(bias(n, "b", nOut));
        return out;
    }

    /** The same dense map as a 1x1 convolution over every position (Keras's Dense on a feature map). */
    static List<Dl4jParam> pointwise(Node n, long nIn, long nOut, int dims) {
        long[] shape = new long[dims + 2];
        shape[0] = nOut;
        shape[1] = nIn;
        for (int i = 2; i < shape.length; i++) {
            shape[i] = 1;
        }
        // drawn as the dense (nIn, nOut) matrix it stands for, with unit kernel axes in front
        long[] source = new long[dims + 2];
        int[] perm = new int[dims + 2];
        for (int i = 0; i < dims; i++) {
            source[i] = 1;
            perm[i + 2] = i;
        }
        source[dims] = nIn;
        source[dims + 1] = nOut;
        perm[0] = dims + 1;
        perm[1] = dims;
        List<Dl4jParam> out = new ArrayList<>();
        out.add(Dl4jParam.drawn("W", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.dense(nIn, nOut), shape)
                .from(source, perm));
        out.addAll(bias(n, "b", nOut));
        return out;
    }

    /** A list of several lists' parameters. */
    @SafeVarargs
    static List<Dl4jParam> all(List<Dl4jParam>... parts) {
        List<Dl4jParam> out = new ArrayList<>();
        for (List<Dl4jParam> p : parts) {
            out.addAll(p);
        }
        return out;
    }

    /** {@code v} per spatial dimension, repeated from its last entry, at least {@code dims} long. */
    static int[] per(int[] v, int dims, int dflt) {
        int[] out = new int[dims];
        for (int i = 0; i < dims; i++) {
            out[i] = v.length == 0 ? dflt : i < v.length ? v[i] : v[v.length - 1];
        }
        return out;
    }

    /** Padding given per dimension ({p}) or per side ({before, after} per dimension) as per side. */
    static int[] sides(int[] pad, int dims) {
        int[] out = new int[2 * dims];
        for (int i = 0; i < dims; i++) {
            if (pad.length >= 2 * dims) {
                out[2 * i] = pad[2 * i];
                out[2 * i + 1] = pad[2 * i + 1];
            } else {
                int p = pad.length == 0 ? 0 : i < pad.length ? pad[i] : pad[pad.length - 1];
                out[2 * i] = p;
                out[2 * i + 1] = p;
            }
        }
        return out;
    }

    /**
     * The fields DL4J's convolution family writes, for a layer of class {@code cls} over
     * {@code dims} dimensions; 1-D layers hold their window as {k, 1} over sequences.
     */
    static JsonObject convolution(Node n, Dl4jContext c, String cls, int dims) {
        JsonObject o = c.weighted(n, cls);
        int[] k = per(n.kernel(), dims, 1);
        int[] s = per(n.stride(), dims, 1);
        int[] d = per(n.dilation(), dims, 1);
        int[] p = per(n.padding(), dims, 0);
        if (dims == 1) {
            k = new int[] {k[0], 1};
            s = new int[] {s[0], 1};
            d = new int[] {d[0], 1};
            p = new int[] {p[0], 0};
            o.addProperty("rnnDataFormat", "NCW");
        }
        if (dims == 3) {
            o.addProperty("dataFormat", "NCDHW");
        } else {
            o.addProperty("cnn2dDataFormat", "NCHW");
        }
        o.addProperty("convolutionMode", n.paddingMode().dl4jName());
        o.addProperty("cudnnAlgoMode", "PREFER_FASTEST");
        o.addProperty("cudnnAllowFallback", true);
        o.add("cudnnBwdDataAlgo", null);
        o.add("cudnnBwdFilterAlgo", null);
        o.add("cudnnFwdAlgo", null);
        o.add("dilation", Dl4jJson.ints(d));
        o.add("kernelSize", Dl4jJson.ints(k));
        o.add("padding", Dl4jJson.ints(p));
        o.add("stride", Dl4jJson.ints(s));
        return o;
    }

    /** Spatial dimensions of a windowed node: its own, else its input's. */
    static int dims(Node n, TensorShape in) {
        if (n.dims() > 0) {
            return n.dims();
        }
        return in.kind() == TensorShape.Kind.RNN ? 1 : Math.max(in.dims(), 2);
    }
}
