package io.gradflow.kinds;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A convolution-shaped layer with separate weights at every position (locally connected). */
public final class LocallyConnectedKind extends WeightedKind {

    @Override
    public LayerKind tag() {
        return LayerKind.LOCALLY_CONNECTED;
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

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("convolutions keep mean field");
    }

    /** DL4J's Activation enum, the only activations its locally connected layers take. */
    private static final Set<String> BUILT_IN = Set.of("CUBE", "ELU", "HARDSIGMOID", "HARDTANH", "IDENTITY",
            "LEAKYRELU", "RATIONALTANH", "RELU", "RELU6", "RRELU", "SIGMOID", "SOFTMAX", "SOFTPLUS", "SOFTSIGN", "TANH",
            "RECTIFIEDTANH", "SELU", "SWISH", "THRESHOLDEDRELU", "GELU", "MISH");

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("LocallyConnected1D", "LocallyConnected2D");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                TensorShape in = c.inShape(n);
                TensorShape out = c.shape(n.name());
                int dims = Dl4jWeights.dims(n, in);
                Dl4jLayout need = dims == 1 ? Dl4jLayout.RNN : Dl4jLayout.CNN;
                long[] inSize = in.kind() == TensorShape.Kind.RNN ? new long[] {in.time()} : in.spatial();
                long[] outSize = out.kind() == TensorShape.Kind.RNN ? new long[] {out.time()} : out.spatial();
                if (dims > 2 || c.inLayout(n) != need || inSize.length != dims || outSize.length != dims
                        || in.volume() <= 0 || out.volume() <= 0) {
                    c.problem(Dl4jContext.TARGET + " has locally connected layers over sequences and images of known size only");
                    return new Dl4jConfig.Unsupported();
                }
                Activation a = n.activation() == null ? Activation.IDENTITY : n.activation();
                String act = a.fn().id().toUpperCase(Locale.ROOT);
                if (!BUILT_IN.contains(act) || Double.compare(a.alpha(), a.fn().defaultAlpha()) != 0
                        || Double.compare(a.beta(), a.fn().defaultBeta()) != 0) {
                    c.problem("DL4J's locally connected layers apply only DL4J's own activations with their default "
                            + "parameters, not " + a.label());
                    return new Dl4jConfig.Unsupported();
                }
                int[] k = Dl4jWeights.per(n.kernel(), dims, 1);
                int[] s = Dl4jWeights.per(n.stride(), dims, 1);
                int[] d = Dl4jWeights.per(n.dilation(), dims, 1);
                int[] p = Dl4jWeights.per(n.padding(), dims, 0);
                int[] br = p.clone();
                long positions = 1;
                long kernel = 1;
                for (int i = 0; i < dims; i++) {
                    positions *= outSize[i];
                    kernel *= k[i];
                    if (n.paddingMode().keepsSize()) {
                        long total = Math.max((outSize[i] - 1) * s[i] + (long) d[i] * (k[i] - 1) + 1 - inSize[i], 0);
                        p[i] = (int) (total / 2);
                        br[i] = (int) (total - total / 2);
                    }
                }
                long nIn = n.nIn();
                long nOut = n.nOut();
                long featureDim = kernel * nIn;
                JsonObject o = Dl4jJson.obj("@class", Dl4jContext.LAYERS + (dims == 1 ? "LocallyConnected1D" : "LocallyConnected2D"),
                        "activation", act,
                        "biasUpdater", null,
                        "cm", n.paddingMode().dl4jName(),
                        "constraints", null,
                        "featureDim", featureDim,
                        "gradientNormalization", "None",
                        "gradientNormalizationThreshold", 1.0,
                        "hasBias", n.hasBias(),
                        "idropout", c.dropout(n),
                        "layerName", n.name(),
                        "nin", nIn,
                        "nout", nOut,
                        "paramWeightInit", null,
                        "regularization", new JsonArray(),
                        "regularizationBias", new JsonArray(),
                        "updater", c.updater(n),
                        "weightInit", "ZERO");
                if (dims == 1) {
                    o.addProperty("dilation", d[0]);
                    o.addProperty("inputSize", inSize[0]);
                    o.addProperty("kernel", k[0]);
                    o.addProperty("outputSize", outSize[0]);
                    o.addProperty("padding", p[0]);
                    o.addProperty("paddingR", br[0]);
                    o.addProperty("stride", s[0]);
                } else {
                    o.add("dilation", Dl4jJson.ints(d));
                    o.add("format", Dl4jJson.element("NCHW"));
                    o.add("inputSize", Dl4jJson.ints(new int[] {(int) inSize[0], (int) inSize[1]}));
                    o.add("kernel", Dl4jJson.ints(k));
                    o.add("outputSize", Dl4jJson.ints(new int[] {(int) outSize[0], (int) outSize[1]}));
                    o.add("padding", Dl4jJson.ints(p));
                    o.add("paddingBr", Dl4jJson.ints(br));
                    o.add("stride", Dl4jJson.ints(s));
                }
                // DL4J and Keras both hold the kernel as (positions, window x in, out); Keras counts its
                // fans over that 3-D shape as a convolution kernel's, the positions as its window
                Fans fans = Dl4jWeights.keras(n) ? new Fans(featureDim * positions, nOut * positions,
                        nIn + nOut, featureDim, nOut * kernel) : Fans.conv(n, nIn);
                Dl4jParam w = Dl4jParam.drawn("W", Dl4jParam.Role.WEIGHTS, n.weightInit(), fans, positions, featureDim, nOut);
                List<Dl4jParam> params = n.hasBias() ? List.of(w, Dl4jParam.constant("b", Dl4jParam.Role.BIAS,
                        new long[] {nOut}, n.biasInit())) : List.of(w);
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), need, params);
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        // a kernel of its own at every output position
        double positions = Math.max(out.positions(), 1);
        return positions * n.kernelArea() * Parameters.in(n, in) * Parameters.out(n)
                + Parameters.bias(n, positions * Parameters.out(n));
    }
}
