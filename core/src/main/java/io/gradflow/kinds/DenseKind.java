package io.gradflow.kinds;

import com.google.gson.JsonObject;
import io.gradflow.model.Activation;
import io.gradflow.model.DenseAxis;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.activation.Activations;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/** A fully connected layer: every output sums every input (DL4J DenseLayer, Keras Dense). */
public final class DenseKind extends WeightedKind {

    @Override
    public LayerKind tag() {
        return LayerKind.DENSE;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return shape(n, in);
    }

    /** Dense and output layers: per step of a sequence, per position of a map the layer keeps, else flat. */
    static TensorShape shape(Node n, TensorShape in) {
        long out = n.nOut();
        return switch (in.kind()) {
            case RNN -> TensorShape.rnn(out, in.time());
            case CNN -> n.denseAxis() == DenseAxis.LAST || n.nIn() > 0 && n.nIn() == in.size() && in.volume() != in.size()
                    ? TensorShape.cnn(out, in.spatial()) : TensorShape.ff(out);
            default -> out > 0 ? TensorShape.ff(out) : TensorShape.UNKNOWN;
        };
    }

    @Override
    public long inputWidth(Node n, TensorShape in) {
        return width(n, in);
    }

    /** A feature map's every value when the layer flattens it, else the last axis. */
    static long width(Node n, TensorShape in) {
        return in.kind() == TensorShape.Kind.CNN && n.denseAxis() == DenseAxis.FLATTENED ? in.volume() : in.size();
    }

    @Override
    Fans fans(Node n, long nIn, Forward f) {
        return Fans.dense(nIn, n.nOut());
    }

    @Override
    boolean windowed() {
        return false;
    }

    @Override
    public double typicalGainUnits(Node n, LayerState s) {
        return Math.max(n.nOut(), 1);
    }

    @Override
    public double slopeSpreadUnits(Node n, LayerState s, TensorShape out) {
        return out.kind() == TensorShape.Kind.FF ? Math.max(out.size(), 1) : Double.NaN;
    }

    @Override
    public Simulation simulation() {
        return SIMULATION;
    }

    static final Simulation SIMULATION = new Simulation() {
        @Override
        public @Nullable String refuse(Node n, SimGraph g) {
            if (n.layerNorm() || n.inputs().size() != 1 || n.nOut() <= 0 || g.width(n.inputs().get(0)) <= 0) {
                return "a dense layer the simulation cannot draw (layer norm inside, several inputs, unknown width)";
            }
            if (!DenseArrays.drawable(n.weightInit(), g.weightStats(n.name()), g.width(n.inputs().get(0)), n.nOut())) {
                return "an initialiser the simulation cannot draw";
            }
            Activation a = n.activation();
            if (a != null && a.is(Activations.SOFTMAX) && n.kind() != LayerKind.OUTPUT) {
                return "softmax outside an output layer";
            }
            return null;
        }

        @Override
        public long work(Node n, SimGraph g, int batch) {
            // in doubles: widths of 10^9 would overflow a long, and the caller only compares with a budget
            return (long) Math.min(3.0 * g.width(n.inputs().get(0)) * n.nOut() * batch, Long.MAX_VALUE);
        }

        @Override
        public double[] draw(Node n, SimGraph g, SplittableRandom r) {
            return DenseArrays.draw(Objects.requireNonNull(n.weightInit(), "refuse saw it drawable"),
                    g.width(n.inputs().get(0)), (int) n.nOut(),
                    Objects.requireNonNull(g.weightStats(n.name()), "refuse saw them"), r);
        }

        @Override
        public double[] forward(Node n, SimPass p) {
            double[] z = DenseArrays.linear(n, p);
            p.keep(n, "pre", z);
            return DenseArrays.apply(n.activation(), z, p.array(z.length));
        }

        @Override
        public void backward(Node n, double[] gy, SimPass p) {
            double[] z = p.kept(n, "pre");
            Activation a = MeanField.activation(n);
            double[] d = p.array(gy.length);
            for (int i = 0; i < d.length; i++) {
                d[i] = gy[i] * a.slope(z[i]);
            }
            double[] back = DenseArrays.back(n, d, p);
            p.record(n, gy, d, back);
        }
    };

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("DenseLayer", "AutoEncoder", "RBM", "VariationalAutoencoder");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                Dl4jLayout in = c.inLayout(n);
                long nIn = n.nIn();
                if (c.verify() && (in == Dl4jLayout.CNN || in == Dl4jLayout.CNN3D)
                        && n.denseAxis() == DenseAxis.LAST && !n.layerNorm()) {
                    // Keras's Dense on a feature map acts on the channels at every position: a 1x1 convolution
                    int dims = in == Dl4jLayout.CNN3D ? 3 : 2;
                    Node conv = n.toBuilder().kernel(new int[dims]).stride().padding().dilation().build();
                    JsonObject o = Dl4jWeights.convolution(conv, c, dims == 3 ? "Convolution3D" : "ConvolutionLayer", dims);
                    int[] ones = new int[dims];
                    Arrays.fill(ones, 1);
                    o.add("kernelSize", Dl4jJson.ints(ones));
                    if (dims == 3) {
                        o.addProperty("mode", n.paddingMode().dl4jName());
                    }
                    return new Dl4jConfig.Layer(Dl4jJson.sorted(o), in, Dl4jWeights.pointwise(n, nIn, n.nOut(), dims));
                }
                List<Dl4jParam> params = Dl4jWeights.dense(n, nIn, n.nOut());
                if (n.layerNorm()) {
                    params = Dl4jWeights.all(params, List.of(Dl4jParam.constant("g", Dl4jParam.Role.OTHER,
                            new long[] {1, n.nOut()}, 1)));
                }
                JsonObject o = c.weighted(n, "DenseLayer");
                o.addProperty("hasLayerNorm", n.layerNorm());
                if (c.verify() && in == Dl4jLayout.RNN) {
                    // per step, as Keras applies it to a sequence and DL4J's RnnToFeedForward does
                    return new Dl4jConfig.Layer(Dl4jJson.obj("@class", Dl4jContext.LAYERS + "recurrent.TimeDistributed",
                            "constraints", null, "gradientNormalization", "None", "gradientNormalizationThreshold", 1.0,
                            "idropout", null, "layerName", n.name(), "rnnDataFormat", "NCW",
                            "underlying", Dl4jJson.sorted(o)), Dl4jLayout.RNN, params);
                }
                c.toFeedForward(n);
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), Dl4jLayout.FF, params);
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        return Parameters.dense(n, in);
    }
}
