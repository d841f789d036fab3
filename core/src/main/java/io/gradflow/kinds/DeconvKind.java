package io.gradflow.kinds;

import com.google.gson.JsonObject;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/** A transposed convolution (DL4J Deconvolution2D/3D, Keras Conv2DTranspose). */
public final class DeconvKind extends WeightedKind {

    @Override
    public LayerKind tag() {
        return LayerKind.DECONV;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return Windows.output(n, in, n.nOut());
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return Windows.in(n, out);
    }

    /** No border factor: every output position of a transposed convolution gets its full share. */
    @Override
    Fans fans(Node n, long nIn, Forward f) {
        return Fans.deconv(n, nIn);
    }

    @Override
    boolean windowed() {
        return false;
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
                return List.of("Deconvolution2D", "Deconvolution3D");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                int dims = Dl4jWeights.dims(n, c.inShape(n));
                Dl4jLayout need = dims == 3 ? Dl4jLayout.CNN3D : Dl4jLayout.CNN;
                if (dims == 1 || c.inLayout(n) != need) {
                    c.problem(Dl4jContext.TARGET + " has transposed convolutions over images and volumes only");
                    return new Dl4jConfig.Unsupported();
                }
                JsonObject o = Dl4jWeights.convolution(n, c, dims == 3 ? "Deconvolution3D" : "Deconvolution2D", dims);
                int[] k = Dl4jWeights.per(n.kernel(), dims, 1);
                long nIn = n.nIn();
                long nOut = n.nOut();
                // DL4J holds a 2-D kernel as (in, out, kh, kw) and a 3-D one as (kd, kh, kw, out, in);
                // Keras as (k..., out, in)
                Dl4jParam w;
                if (dims == 3) {
                    w = Dl4jParam.drawn("W", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.deconv(n, nIn),
                            k[0], k[1], k[2], nOut, nIn);
                } else {
                    w = Dl4jParam.drawn("W", Dl4jParam.Role.WEIGHTS, n.weightInit(), Fans.deconv(n, nIn),
                            nIn, nOut, k[0], k[1]);
                    if (Dl4jWeights.keras(n)) {
                        w = w.from(new long[] {k[0], k[1], nOut, nIn}, Dl4jWeights.KERNEL_2D);
                    }
                }
                return new Dl4jConfig.Layer(Dl4jJson.sorted(o), need,
                        Dl4jWeights.all(List.of(w), Dl4jWeights.bias(n, "b", nOut)));
            }
        };
    }

    @Override
    public double parameters(Node n, TensorShape in, TensorShape out) {
        return Parameters.kernel(n, Parameters.in(n, in), Parameters.out(n));
    }
}
