package io.gradflow.kinds;

import com.google.gson.JsonObject;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/** A convolution over 1, 2 or 3 spatial dimensions (DL4J ConvolutionLayer, Keras Conv1D/2D/3D). */
public final class ConvKind extends WeightedKind {

    @Override
    public LayerKind tag() {
        return LayerKind.CONV;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return Windows.output(n, in, n.nOut());
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return Windows.in(n, out);
    }

    @Override
    Fans fans(Node n, long nIn, Forward f) {
        return Fans.conv(n, nIn).withBorder(Fans.borderFactor(n, f.inShape(n)));
    }

    @Override
    boolean windowed() {
        return true;
    }

    /** The slope masks that make the gain fluctuate are drawn afresh at every position. */
    @Override
    public double typicalGainUnits(Node n, LayerState s) {
        return Math.max(n.nOut(), 1) * Math.max(s.positions(), 1);
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("convolutions keep mean field");
    }

    /** DL4J's kernel (out, in, k...) and bias; Keras draws its kernel as (k..., in, out). */
    static List<Dl4jParam> params(Node n, int dims) {
        int[] k = Dl4jWeights.per(n.kernel(), dims, 1);
        long nIn = n.nIn();
        long nOut = n.nOut();
        long[] shape = dims == 1 ? new long[] {nOut, nIn, k[0], 1} : new long[dims + 2];
        long[] keras = dims == 1 ? new long[] {k[0], 1, nIn, nOut} : new long[dims + 2];
        int[] perm = dims == 3 ? new int[] {4, 3, 0, 1, 2} : Dl4jWeights.KERNEL_2D;
        if (dims != 1) {
            shape[0] = nOut;
            shape[1] = nIn;
            for (int i = 0; i < dims; i++) {
                shape[i + 2] = k[i];
                keras[i] = k[i];
            }
            keras[dims] = nIn;
            keras[dims + 1] = nOut;
        }
        Dl4jParam w = Dl4jParam.drawn("W", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.conv(n, nIn), shape);
        return Dl4jWeights.all(List.of(Dl4jWeights.keras(n) ? w.from(keras, perm) : w), Dl4jWeights.bias(n, "b", nOut));
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("ConvolutionLayer", "Convolution1DLayer", "Convolution1D", "Convolution2D",
                        "Convolution3D");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                int dims = Dl4jWeights.dims(n, c.inShape(n));
                Dl4jLayout need = dims == 1 ? Dl4jLayout.RNN : dims == 3 ? Dl4jLayout.CNN3D : Dl4jLayout.CNN;
                // a map DL4J holds flattened (a global pooling that keeps its 1x1 dimensions, a Reshape to (1, 1, C))
                boolean unflattened = need == Dl4jLayout.CNN && c.inLayout(n) == Dl4jLayout.FF && c.toImages(n);
                if (c.inLayout(n) != need && !unflattened) {
                    c.problem(n.type() + " needs " + (dims == 1 ? "sequences" : "images") + ", and DL4J holds its input as "
                            + c.inLayout(n));
                }
                String cls = dims == 1 ? "Convolution1DLayer" : dims == 3 ? "Convolution3D" : "ConvolutionLayer";
                JsonObject o = Dl4jWeights.convolution(n, c, cls, dims);
                if (dims == 3) {
                    o.addProperty("mode", n.paddingMode().dl4jName());
                }
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), need, params(n, dims));
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        return Parameters.kernel(n, Parameters.in(n, in), Parameters.out(n));
    }
}
