package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Max, average, sum or p-norm pooling over windows of a feature map or sequence. Max pooling
 * raises the second moment and routes each window's gradient to its maximum; average pooling
 * divides the gradient per input by the window.
 */
public final class PoolingKind implements Kind {

    /** Producers whose output is an activation of Gaussian pre-activations. */
    private static final Set<LayerKind> ACTIVATED = Set.of(LayerKind.CONV, LayerKind.DENSE, LayerKind.DECONV,
            LayerKind.DEPTHWISE_CONV, LayerKind.SEPARABLE_CONV, LayerKind.ACTIVATION);

    @Override
    public LayerKind tag() {
        return LayerKind.POOLING;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return Windows.output(n, in, in.size());
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return Windows.in(n, out);
    }

    private static final String DL4J_3D_POOLING = "DL4J's 3-D pooling takes the maximum or the average only";

    private static Node.Pooling type(Node n) {
        return n.pooling() == null ? Node.Pooling.MAX : n.pooling();
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        double k = n.kernelArea();
        Moments out = switch (type(n)) {
            case AVG -> new Moments(x.mean(), x.su(), x.sx() / k, x.sp());
            case SUM -> new Moments(x.mean() * k, x.su() * k * k, x.sx() * k, x.sp() * k * k);
            case MAX -> {
                Moments through = maxBeforeActivation(n, k, f);
                yield through != null ? through : f.math().maxOf(x, k);
            }
            case PNORM -> f.math().maxOf(x, k);
        };
        return new LayerState(x, out, null, Slopes.ONE, 1, null, k, 0, null);
    }

    /**
     * Max pooling right after a non-decreasing activation: max(phi(z_i)) = phi(max z_i), and the
     * pre-activations are Gaussian where the activation's outputs are not (a ReLU's are half zeros),
     * so the maximum is taken before the activation. Treating the post-ReLU values as Gaussian
     * under-states each pool's gain by about 0.04 decades, 0.2 over VGG's five pools. Null where
     * the input is not a single layer applying such an activation.
     */
    private static @Nullable Moments maxBeforeActivation(Node n, double k, Forward f) {
        if (n.dropRate() > 0 && n.dropRate() < 1 || n.inputs().size() != 1) {
            return null;
        }
        String name = n.inputs().get(0);
        Node src = f.graph().node(name);
        LayerState in = f.state(name);
        if (src == null || in == null || in.pre() == null || f.exact(name) || !in.pre().finite()
                || !ACTIVATED.contains(src.kind())) {
            return null;
        }
        Activation a = MeanField.activation(src);
        if (!a.nonDecreasing()) {
            return null;
        }
        Moments maxed = f.math().maxOf(in.pre(), k);
        if (f.consumers(name) == 1) {
            // the gradient comes back only to each window's maximum, where the activation's slope
            // is that of the maximum (a ReLU's is 1 whenever any of the k is positive), not the average
            f.routeSlopes(name, MeanField.slopes(a, maxed, f.math()));
        }
        return f.math().apply(a, maxed);
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        double k = n.kernelArea();
        double st2 = n.strideArea() * (double) n.strideArea();
        return Back.of(switch (type(n)) {
            case AVG -> out.scale(1 / (k * n.strideArea()), 1 / st2);
            case SUM -> out.scale(k / n.strideArea(), k * k / st2);
            case MAX, PNORM -> out.scale(1 / (double) n.strideArea(), 1 / st2);
        });
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("pooling keeps mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("SubsamplingLayer", "Subsampling1DLayer", "Subsampling3DLayer", "Pooling1D",
                        "Pooling2D");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                int dims = Dl4jWeights.dims(n, c.inShape(n));
                Dl4jLayout need = dims == 1 ? Dl4jLayout.RNN : dims == 3 ? Dl4jLayout.CNN3D : Dl4jLayout.CNN;
                if (c.inLayout(n) != need) {
                    c.problem(n.type() + " needs " + (dims == 1 ? "sequences" : "images") + ", and DL4J holds its input as "
                            + c.inLayout(n));
                }
                int[] k = Dl4jWeights.per(n.kernel(), dims, 2);
                int[] s = n.stride().length == 0 ? k : Dl4jWeights.per(n.stride(), dims, 1);
                int[] p = Dl4jWeights.per(n.padding(), dims, 0);
                if (dims == 3) {
                    if (type(n) != Node.Pooling.MAX && type(n) != Node.Pooling.AVG) {
                        c.problem(DL4J_3D_POOLING);
                    }
                    return new Dl4jConfig.Layer(Dl4jJson.obj("@class", Dl4jContext.LAYERS + "Subsampling3DLayer",
                            "constraints", null,
                            "convolutionMode", n.paddingMode().dl4jName(),
                            "cudnnAllowFallback", true,
                            "dataFormat", "NCDHW",
                            "dilation", Dl4jJson.ints(new int[] {1, 1, 1}),
                            "gradientNormalization", "None",
                            "gradientNormalizationThreshold", 0.0,
                            "idropout", null,
                            "kernelSize", Dl4jJson.ints(k),
                            "layerName", n.name(),
                            "padding", Dl4jJson.ints(p),
                            "poolingType", type(n).name(),
                            "stride", Dl4jJson.ints(s)), need);
                }
                if (dims == 1) {
                    k = new int[] {k[0], 1};
                    s = new int[] {s[0], 1};
                    p = new int[] {p[0], 0};
                }
                return new Dl4jConfig.Layer(Dl4jJson.obj("@class", Dl4jContext.LAYERS
                                + (dims == 1 ? "Subsampling1DLayer" : "SubsamplingLayer"),
                        "avgPoolIncludePadInDivisor", false,
                        "cnn2dDataFormat", "NCHW",
                        "constraints", null,
                        "convolutionMode", n.paddingMode().dl4jName(),
                        "cudnnAllowFallback", true,
                        "dilation", Dl4jJson.ints(new int[] {1, 1}),
                        "eps", 1e-8,
                        "gradientNormalization", "None",
                        "gradientNormalizationThreshold", 0.0,
                        "idropout", null,
                        "kernelSize", Dl4jJson.ints(k),
                        "layerName", n.name(),
                        "padding", Dl4jJson.ints(p),
                        "pnorm", 0,
                        "poolingType", type(n).name(),
                        "stride", Dl4jJson.ints(s)), need);
            }
        };
    }
}
