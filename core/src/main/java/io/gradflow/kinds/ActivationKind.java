package io.gradflow.kinds;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.activation.Activations;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A stand-alone nonlinearity (DL4J ActivationLayer, Keras Activation, ReLU, LeakyReLU... layers). */
public final class ActivationKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.ACTIVATION;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return in;
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return out.clone();
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        Activation a = MeanField.activation(n);
        return new LayerState(x, f.math().apply(a, x), x, MeanField.slopes(a, x, f.math()), 1, null, 1, 0, null);
    }

    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        Grad in = b.conditional(n, out.scale(s.slopes().s2(), s.slopes().unit()));
        return Back.of(in, in.g(), Double.NaN);
    }

    @Override
    public double slopeSpreadUnits(Node n, LayerState s, TensorShape out) {
        return out.kind() == TensorShape.Kind.FF ? Math.max(out.size(), 1) : Double.NaN;
    }

    @Override
    public Simulation simulation() {
        return new Simulation() {
            @Override
            public @Nullable String refuse(Node n, SimGraph g) {
                Activation a = n.activation();
                return a != null && a.is(Activations.SOFTMAX) ? "softmax outside an output layer" : null;
            }

            @Override
            public double[] forward(Node n, SimPass p) {
                double[] x = p.out(n.inputs().get(0));
                p.keep(n, "pre", x);
                return DenseArrays.apply(n.activation(), x, p.array(x.length));
            }

            @Override
            public void backward(Node n, double[] gy, SimPass p) {
                double[] z = p.kept(n, "pre");
                double[] d = p.array(gy.length);
                // no activation passes the signal through (forward: DenseArrays.apply), slope 1
                Activation a = n.activation();
                for (int i = 0; i < d.length; i++) {
                    d[i] = a == null ? gy[i] : gy[i] * a.slope(z[i]);
                }
                p.record(n, gy, d, d);
                p.send(n.inputs().get(0), d);
            }
        };
    }

    /**
     * Keras's PReLU as DL4J's PReLULayer: a slope per value of one example (per feature, or per
     * channel and position), starting at the model's alpha.
     */
    private static Dl4jConfig prelu(Node n, Dl4jContext c, Activation a, TensorShape in) {
        long[] shape = switch (c.inLayout(n)) {
            case FF -> new long[] {in.size()};
            case RNN -> new long[] {in.size(), in.kind() == TensorShape.Kind.RNN ? in.time() : in.spatialAt(0)};
            default -> {
                long[] sp = in.spatial();
                long[] s = new long[sp.length + 1];
                s[0] = in.size();
                System.arraycopy(sp, 0, s, 1, sp.length);
                yield s;
            }
        };
        JsonArray dims = new JsonArray();
        for (long d : shape) {
            dims.add(d);
        }
        JsonObject o = Dl4jJson.obj("@class", Dl4jContext.LAYERS + "PReLULayer",
                "activationFn", Dl4jJson.obj("@class", Dl4jContext.ACTIVATIONS + "ActivationIdentity"),
                "biasInit", 0.0, "biasUpdater", null, "constraints", null, "gainInit", 1.0,
                "gradientNormalization", "None", "gradientNormalizationThreshold", 1.0, "idropout", null,
                "inputShape", dims, "iupdater", c.updater(n), "layerName", n.name(), "nin", 0, "nout", 0,
                "regularization", new JsonArray(), "regularizationBias", new JsonArray(), "sharedAxes", null,
                "weightInitFn", Dl4jJson.obj("@class", Dl4jContext.WEIGHTS + "WeightInitConstant", "value", 0.0),
                "weightNoise", null);
        double alpha = Double.isNaN(a.alpha()) ? 0 : a.alpha();
        return new Dl4jConfig.Layer(o, c.inLayout(n), List.of(Dl4jParam.constant("W", Dl4jParam.Role.OTHER, shape, alpha)));
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("ActivationLayer", "PReLULayer", "ElementWiseMultiplicationLayer");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                Activation a = n.activation() == null ? Activation.IDENTITY : n.activation();
                TensorShape in = c.inShape(n);
                if (c.verify() && a.is(Activations.PRELU)) {
                    return prelu(n, c, a, in);
                }
                JsonObject layer = Dl4jJson.obj("@class", Dl4jContext.LAYERS + "ActivationLayer",
                        "activationFn", c.activation(a),
                        "constraints", null,
                        "gradientNormalization", "None",
                        "gradientNormalizationThreshold", 0.0,
                        "idropout", null,
                        "layerName", n.name());
                if (c.verify() && a.is(Activations.SOFTMAX) && c.inLayout(n) == Dl4jLayout.RNN) {
                    // a softmax over each step's features, not over the steps
                    layer = Dl4jJson.obj("@class", Dl4jContext.LAYERS + "recurrent.TimeDistributed",
                            "constraints", null, "gradientNormalization", "None", "gradientNormalizationThreshold", 1.0,
                            "idropout", null, "layerName", n.name(), "rnnDataFormat", "NCW", "underlying", layer);
                }
                return new Dl4jConfig.Layer(layer, c.inLayout(n));
            }
        };
    }
}
