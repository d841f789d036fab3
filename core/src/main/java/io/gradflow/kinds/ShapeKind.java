package io.gradflow.kinds;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.math.Moments;
import io.gradflow.model.DataFormat;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.ShapeOp;
import io.gradflow.model.TensorShape;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Layers that move values without changing them ({@link ShapeOp}: flatten, reshape, permute,
 * repeat, padding, cropping, upsampling...). What changes is how many positions a value is
 * spread over: a flatten makes positions into features, upsampling copies a value to several.
 */
public final class ShapeKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.SHAPE;
    }

    private static ShapeOp op(Node n) {
        return n.shapeOp() == null ? ShapeOp.PASS : n.shapeOp();
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        ShapeOp op = op(n);
        if (op == ShapeOp.RESHAPE) {
            // the target gives the shape even where the input's is unknown
            return reshaped(n, in);
        }
        if (!in.known()) {
            return TensorShape.UNKNOWN;
        }
        switch (op) {
            case FLATTEN -> {
                return in.volume() > 0 ? TensorShape.ff(in.volume()) : TensorShape.ff(-1);
            }
            case LAST_TIME_STEP -> {
                return TensorShape.ff(in.size());
            }
            case REPEAT_VECTOR -> {
                return TensorShape.rnn(in.size(), n.timeSteps());
            }
            case PERMUTE -> {
                return permuted(n, in);
            }
            case ZERO_PADDING, CROPPING, UPSAMPLING -> {
                if (in.kind() != TensorShape.Kind.CNN) {
                    return in;
                }
                long[] sp = in.spatial();
                for (int i = 0; i < sp.length; i++) {
                    if (sp[i] < 0) {
                        continue;
                    }
                    if (op == ShapeOp.UPSAMPLING) {
                        sp[i] *= Windows.factor(n.kernel(), i);
                    } else {
                        long both = Windows.bothSides(n.padding(), i, sp.length);
                        sp[i] += op == ShapeOp.CROPPING ? -both : both;
                    }
                }
                return TensorShape.cnn(in.size(), sp);
            }
            default -> {
                return in;
            }
        }
    }

    /** A Reshape's output: its target, with a -1 entry worked out from the input's volume. */
    private static TensorShape reshaped(Node n, TensorShape in) {
        long[] t = n.target();
        if (t == null) {
            return in;
        }
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0) {
                unknown = i;
            } else {
                known *= t[i];
            }
        }
        if (unknown >= 0) {
            long vol = in.volume();
            t[unknown] = vol > 0 && known > 0 && vol % known == 0 ? vol / known : -1;
        }
        return TensorShape.fromAxes(t, n.dataFormat() == DataFormat.CHANNELS_FIRST, false);
    }

    /** A Permute's output: the input's axes (in the file's order) reordered. */
    private static TensorShape permuted(Node n, TensorShape in) {
        int[] perm = n.permutation();
        long[] axes = perm == null ? null : TensorShape.toAxes(in, n.inputFormat() == DataFormat.CHANNELS_FIRST);
        if (axes == null || perm == null || axes.length != perm.length) {
            return in;
        }
        long[] out = new long[axes.length];
        for (int i = 0; i < perm.length; i++) {
            int a = perm[i] - 1;
            out[i] = a >= 0 && a < axes.length ? axes[a] : -1;
        }
        return TensorShape.fromAxes(out, n.dataFormat() == DataFormat.CHANNELS_FIRST, false);
    }

    @Override
    public long @Nullable [] inputSpatial(Node n, long[] out) {
        long[] sp = out.clone();
        ShapeOp op = op(n);
        for (int i = 0; i < sp.length; i++) {
            if (sp[i] < 0) {
                continue;
            }
            if (op == ShapeOp.UPSAMPLING) {
                sp[i] /= Math.max(Windows.factor(n.kernel(), i), 1);
            } else if (op == ShapeOp.ZERO_PADDING || op == ShapeOp.CROPPING) {
                long both = Windows.bothSides(n.padding(), i, sp.length);
                sp[i] += op == ShapeOp.CROPPING ? both : -both;
            } else {
                return null;
            }
        }
        return sp;
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        return LayerState.of(x, f.shape(n.name()).kind() == TensorShape.Kind.FF
                ? new Moments(x.mean(), x.su(), x.sx()) : x);
    }

    /** A flatten turns per-position units into features: their coherent parts average out. */
    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        TensorShape inShape = b.inShape(n);
        TensorShape outShape = b.shape(n.name());
        double copies = op(n) == ShapeOp.UPSAMPLING ? Math.max(n.kernelArea(), 1)
                : op(n) == ShapeOp.REPEAT_VECTOR && n.timeSteps() > 0 ? n.timeSteps() : 1;
        if (copies > 1) {
            // each input value is copied to other positions: its gradient sums theirs
            double u = copies;
            return Back.of(new Grad(u * out.g() + u * (u - 1) * out.gs(), u * u * out.gs(),
                    u * out.gm() + u * (u - 1) * out.gc(), u * u * out.gc()));
        }
        if (inShape.kind() == TensorShape.Kind.CNN && outShape.kind() == TensorShape.Kind.FF) {
            return Back.of(out.uncoupled());
        }
        if (op(n) == ShapeOp.LAST_TIME_STEP && inShape.kind() == TensorShape.Kind.RNN && inShape.time() > 0) {
            // only the last step gets a gradient: the mean over the steps is 1/T of it
            int t = (int) Math.min(inShape.time(), 10_000);
            double[] shape = new double[t];
            shape[t - 1] = t;
            return Back.of(new Grad(out.g() / t, 0, out.gm() / t, 0)).withSteps(Back.Steps.of(shape));
        }
        return Back.of(out);
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("reshaping layers are outside the simulation");
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("ZeroPaddingLayer", "ZeroPadding1DLayer", "ZeroPadding3DLayer",
                        "Cropping1D", "Cropping2D", "Cropping3D", "Upsampling1D", "Upsampling2D", "Upsampling3D",
                        "SpaceToDepthLayer", "SpaceToBatchLayer", "RepeatVector", "MaskLayer", "SubsetVertex",
                        "StackVertex", "UnstackVertex", "PreprocessorVertex", "ReshapeVertex",
                        "DuplicateToTimeSeriesVertex", "LastTimeStepVertex", "ReverseTimeSeriesVertex",
                        "PoolHelperVertex", "InputVertex");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                return dl4jWrite(n, c);
            }
        };
    }

    /**
     * The DL4J layer or vertex that moves the values as the node does, in DL4J's layouts: a value
     * keeps its statistics, not necessarily its place (a flatten of NCHW orders values otherwise
     * than Keras's of NHWC), which is all a freshly initialised network can tell apart.
     */
    private static Dl4jConfig dl4jWrite(Node n, Dl4jContext c) {
        TensorShape in = c.inShape(n);
        TensorShape out = c.shape(n.name());
        Dl4jLayout from = c.inLayout(n);
        Dl4jLayout to = Dl4jContext.layoutOf(out);
        ShapeOp op = op(n);
        switch (op) {
            case REPEAT_VECTOR -> {
                if (from != Dl4jLayout.FF || out.kind() != TensorShape.Kind.RNN || out.time() <= 0) {
                    c.problem("DL4J's RepeatVector repeats feature vectors a known number of times");
                    return new Dl4jConfig.Unsupported();
                }
                JsonObject o = c.plain(n, Dl4jContext.LAYERS + "misc.RepeatVector");
                o.addProperty("dataFormat", "NCW");
                o.addProperty("n", out.time());
                return new Dl4jConfig.Layer(o, Dl4jLayout.RNN);
            }
            case ZERO_PADDING, CROPPING, UPSAMPLING -> {
                return window(n, c, op, from);
            }
            case LAST_TIME_STEP -> {
                if (from == Dl4jLayout.RNN) {
                    return new Dl4jConfig.Vertex(Dl4jJson.obj("@class", Dl4jContext.VERTICES + "rnn.LastTimeStepVertex",
                            "maskArrayInputName", c.graph().inputs().get(0).name()), Dl4jLayout.FF);
                }
            }
            default -> { }
        }
        if (in.equals(out) && from == to) {
            return new Dl4jConfig.Pass();
        }
        long[] dl4j = dl4jShape(out);
        if (dl4j == null) {
            c.problem("its output shape " + out + " is not fully known, so DL4J cannot reshape to it");
            return new Dl4jConfig.Unsupported();
        }
        return new Dl4jConfig.Vertex(Dl4jJson.obj("@class", Dl4jContext.VERTICES + "ReshapeVertex",
                "maskShape", null, "newShape", longs(dl4j), "reshapeOrder", "c"), to);
    }

    /** Padding, cropping and upsampling over sequences, images or volumes. */
    private static Dl4jConfig window(Node n, Dl4jContext c, ShapeOp op, Dl4jLayout from) {
        int dims = switch (from) {
            case RNN -> 1;
            case CNN -> 2;
            case CNN3D -> 3;
            case FF -> 0;
        };
        if (dims == 0) {
            c.problem("DL4J pads, crops and upsamples sequences, images and volumes, not feature vectors");
            return new Dl4jConfig.Unsupported();
        }
        String suffix = dims == 1 ? "1D" : dims == 3 ? "3D" : "2D";
        JsonObject o;
        if (op == ShapeOp.UPSAMPLING) {
            int[] size = Dl4jWeights.per(n.kernel(), dims, 2);
            o = c.plain(n, Dl4jContext.LAYERS + ("Upsampling" + suffix));
            o.add("size", Dl4jJson.ints(dims == 1 ? new int[] {size[0], size[0]} : size));
            if (dims == 2) {
                o.addProperty("format", "NCHW");
            } else if (dims == 3) {
                o.addProperty("dataFormat", "NCDHW");
            }
        } else if (op == ShapeOp.ZERO_PADDING) {
            o = c.plain(n, Dl4jContext.LAYERS + (dims == 1 ? "ZeroPadding1DLayer" : dims == 3 ? "ZeroPadding3DLayer" : "ZeroPaddingLayer"));
            o.add("padding", Dl4jJson.ints(Dl4jWeights.sides(n.padding(), dims)));
            if (dims == 2) {
                o.addProperty("dataFormat", "NCHW");
            }
        } else {
            o = c.plain(n, Dl4jContext.LAYERS + ("convolutional.Cropping" + suffix));
            o.add("cropping", Dl4jJson.ints(Dl4jWeights.sides(n.padding(), dims)));
            if (dims == 2) {
                o.addProperty("dataFormat", "NCHW");
            }
        }
        return new Dl4jConfig.Layer(Dl4jJson.sorted(o), from);
    }

    /** A shape as DL4J holds it with the batch axis first (-1): [n], [n, t], [c, h, w]...; null when unknown. */
    private static long @Nullable [] dl4jShape(TensorShape s) {
        long[] d = switch (s.kind()) {
            case FF -> new long[] {-1, s.size()};
            case RNN -> new long[] {-1, s.size(), s.time()};
            case CNN -> {
                long[] sp = s.spatial();
                long[] a = new long[sp.length + 2];
                a[0] = -1;
                a[1] = s.size();
                System.arraycopy(sp, 0, a, 2, sp.length);
                yield a;
            }
            case UNKNOWN -> null;
        };
        if (d == null) {
            return null;
        }
        for (int i = 1; i < d.length; i++) {
            if (d[i] <= 0) {
                return null;
            }
        }
        return d;
    }

    private static JsonArray longs(long[] v) {
        JsonArray a = new JsonArray();
        for (long x : v) {
            a.add(x);
        }
        return a;
    }
}
