package io.gradflow.kinds;

import com.google.gson.JsonObject;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/** A depthwise convolution: each input channel convolved on its own (times a depth multiplier). */
public final class DepthwiseConvKind extends WeightedKind {

    @Override
    public LayerKind tag() {
        return LayerKind.DEPTHWISE_CONV;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        long channels = n.nOut() > 0 ? n.nOut() : in.size() > 0 ? in.size() * n.depthMultiplier() : -1;
        return Windows.output(n, in, channels);
    }

    @Override
    public long outputWidth(Node n, TensorShape in, TensorShape out) {
        return n.nOut() < 0 && out.size() > 0 ? out.size() : n.nOut();
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return Windows.in(n, out);
    }

    @Override
    Fans fans(Node n, long nIn, Forward f) {
        return Fans.depthwise(n, nIn).withBorder(Fans.borderFactor(n, f.inShape(n)));
    }

    @Override
    boolean windowed() {
        return true;
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
                return List.of("DepthwiseConvolution2D");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                int dims = Dl4jWeights.dims(n, c.inShape(n));
                if (dims != 2 || c.inLayout(n) != Dl4jLayout.CNN) {
                    c.problem(Dl4jContext.TARGET + " has depthwise convolutions over images only");
                    return new Dl4jConfig.Unsupported();
                }
                long nIn = n.nIn();
                int dm = Math.max(n.depthMultiplier(), 1);
                JsonObject o = Dl4jWeights.convolution(n, c, "DepthwiseConvolution2D", 2);
                o.addProperty("depthMultiplier", dm);
                o.addProperty("nout", nIn * dm);
                int[] k = Dl4jWeights.per(n.kernel(), 2, 1);
                // DL4J and Keras both hold the kernel as (kh, kw, in, multiplier)
                Dl4jParam w = Dl4jParam.drawn("W", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.depthwise(n, nIn),
                        k[0], k[1], nIn, dm);
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), Dl4jLayout.CNN,
                        Dl4jWeights.all(List.of(w), Dl4jWeights.bias(n, "b", nIn * dm)));
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        // one kernel per input channel and multiplier, a bias per output channel
        double channels = Parameters.in(n, in) * Math.max(n.depthMultiplier(), 1);
        return n.kernelArea() * channels + Parameters.bias(n, channels);
    }
}
