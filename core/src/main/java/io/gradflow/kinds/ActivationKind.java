package io.gradflow.kinds;

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
                return DenseArrays.apply(n.activation(), x);
            }

            @Override
            public void backward(Node n, double[] gy, SimPass p) {
                double[] z = p.kept(n, "pre");
                double[] d = new double[gy.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = gy[i] * n.activation().slope(z[i]);
                }
                p.record(n, gy, d, d);
                p.send(n.inputs().get(0), d);
            }
        };
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
                return new Dl4jConfig.Layer(Dl4jJson.obj("@class", Dl4jContext.LAYERS + "ActivationLayer",
                        "activationFn", c.activation(n.activation()),
                        "constraints", null,
                        "gradientNormalization", "None",
                        "gradientNormalizationThreshold", 0.0,
                        "idropout", null,
                        "layerName", n.name()), c.inLayout(n));
            }
        };
    }
}
