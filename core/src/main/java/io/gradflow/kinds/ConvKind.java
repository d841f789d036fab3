package io.gradflow.kinds;

import com.google.gson.JsonNull;
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
                if (c.inLayout(n) != Dl4jLayout.CNN) {
                    c.problem(n.type() + " needs images, and DL4J holds its input as " + c.inLayout(n));
                }
                JsonObject o = c.weighted(n, "ConvolutionLayer");
                o.addProperty("cnn2dDataFormat", "NCHW");
                o.addProperty("convolutionMode", n.paddingMode().dl4jName());
                o.addProperty("cudnnAlgoMode", "PREFER_FASTEST");
                o.addProperty("cudnnAllowFallback", true);
                o.add("cudnnBwdDataAlgo", JsonNull.INSTANCE);
                o.add("cudnnBwdFilterAlgo", JsonNull.INSTANCE);
                o.add("cudnnFwdAlgo", JsonNull.INSTANCE);
                o.add("dilation", Dl4jJson.ints(n.dilation().length == 0 ? new int[] {1, 1} : n.dilation()));
                o.add("kernelSize", Dl4jJson.ints(n.kernel()));
                o.add("padding", Dl4jJson.ints(n.padding().length == 0 ? new int[] {0, 0} : n.padding()));
                o.add("stride", Dl4jJson.ints(n.stride().length == 0 ? new int[] {1, 1} : n.stride()));
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), Dl4jLayout.CNN);
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        return Parameters.kernel(n, Parameters.in(n, in), Parameters.out(n));
    }
}
