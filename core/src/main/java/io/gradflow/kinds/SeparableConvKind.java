package io.gradflow.kinds;

import com.google.gson.JsonObject;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;
import java.util.Objects;

/**
 * A separable convolution: a depthwise kernel per channel, then a pointwise (1x1) mix of the
 * channels, each initialised with the layer's initialiser.
 */
public final class SeparableConvKind implements Kind {

    /** The depthwise half's weights and the moments between the halves. */
    record Depthwise(double v, double m, Fans fans, Moments mid) implements KindData { }

    @Override
    public LayerKind tag() {
        return LayerKind.SEPARABLE_CONV;
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
    public LayerState forward(Node n, Moments x, Forward f) {
        long nIn = MeanField.widthIn(n, f);
        Fans dw = Fans.depthwise(n, nIn).withBorder(Fans.borderFactor(n, f.inShape(n)));
        double[] vm1 = MeanField.weightMoments(n, n.weightInit(), dw, f);
        double pattern = f.shape(n.name()).kind() == TensorShape.Kind.FF ? 0 : Fans.borderPattern(n, f.inShape(n))[0];
        Moments mid = MeanField.linear(x, vm1[0], vm1[1], dw.connIn(), pattern);
        Fans pw = Fans.pointwise(n, nIn);
        double[] vm2 = MeanField.weightMoments(n, n.weightInit(), pw, f);
        double positions = MeanField.positions(n, f, true);
        Moments raw = MeanField.linear(mid, vm2[0], vm2[1], pw.connIn(), 0);
        Moments pre = new Moments(raw.mean() + (n.hasBias() ? n.biasInit() : 0), raw.su(), raw.sx(), raw.sp());
        Activation a = MeanField.activation(n);
        return new LayerState(x, f.math().apply(a, pre), pre, MeanField.slopes(a, pre, f.math()), 1,
                new Weights(vm2[0], vm2[1], dw.initIn(), pw, false), positions, 0,
                new Depthwise(vm1[0], vm1[1], dw, mid));
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        Depthwise d = s.own(Depthwise.class);
        Weights w = Objects.requireNonNull(s.weights(), "a separable convolution has weights");
        Grad pre = out.scale(s.slopes().s2(), s.slopes().unit());
        double wg = MeanField.weightGradient(s.positions(), d.mid(), pre, b.batch());
        Grad in = pre.scale(w.backwardGain()).scale((d.v() + d.m() * d.m()) * d.fans().connOut());
        return Back.of(in, pre.g(), wg);
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
                return List.of("SeparableConvolution2D");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                int dims = Dl4jWeights.dims(n, c.inShape(n));
                if (dims != 2 || c.inLayout(n) != Dl4jLayout.CNN) {
                    c.problem(Dl4jContext.TARGET + " has separable convolutions over images only");
                    return new Dl4jConfig.Unsupported();
                }
                long nIn = n.nIn();
                long nOut = n.nOut();
                int dm = Math.max(n.depthMultiplier(), 1);
                JsonObject o = Dl4jWeights.convolution(n, c, "SeparableConvolution2D", 2);
                o.addProperty("depthMultiplier", dm);
                int[] k = Dl4jWeights.per(n.kernel(), 2, 1);
                // DL4J: depthwise (multiplier, in, kh, kw) and pointwise (out, in x multiplier, 1, 1);
                // Keras: (kh, kw, in, multiplier) and (1, 1, in x multiplier, out). The model holds one
                // initialiser, the depthwise kernel's; Keras defaults both halves to glorot_uniform.
                Dl4jParam dw = Dl4jParam.drawn("W", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.depthwise(n, nIn),
                        dm, nIn, k[0], k[1]);
                Dl4jParam pw = Dl4jParam.drawn("pW", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.pointwise(n, nIn),
                        nOut, nIn * dm, 1, 1);
                if (Dl4jWeights.keras(n)) {
                    dw = dw.from(new long[] {k[0], k[1], nIn, dm}, Dl4jWeights.KERNEL_2D);
                    pw = pw.from(new long[] {1, 1, nIn * dm, nOut}, Dl4jWeights.KERNEL_2D);
                }
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), Dl4jLayout.CNN,
                        Dl4jWeights.all(List.of(dw, pw), Dl4jWeights.bias(n, "b", nOut)));
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        // the depthwise kernels, then the pointwise 1x1 matrix and its bias
        double mid = Parameters.in(n, in) * Math.max(n.depthMultiplier(), 1);
        return n.kernelArea() * mid + mid * Parameters.out(n) + Parameters.bias(n, Parameters.out(n));
    }
}
