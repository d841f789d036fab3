package io.gradflow.kinds;

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
        return Back.of(out);
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("reshaping layers are outside the simulation");
    }

    @Override
    public Dl4jPart dl4j() {
        return Dl4jPart.unsupported(null, "ZeroPaddingLayer", "ZeroPadding1DLayer", "ZeroPadding3DLayer",
                "Cropping1D", "Cropping2D", "Cropping3D", "Upsampling1D", "Upsampling2D", "Upsampling3D",
                "SpaceToDepthLayer", "SpaceToBatchLayer", "RepeatVector", "MaskLayer", "SubsetVertex", "StackVertex",
                "UnstackVertex", "PreprocessorVertex", "ReshapeVertex", "DuplicateToTimeSeriesVertex",
                "LastTimeStepVertex", "ReverseTimeSeriesVertex", "PoolHelperVertex", "InputVertex");
    }
}
