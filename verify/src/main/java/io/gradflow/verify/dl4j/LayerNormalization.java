package io.gradflow.verify.dl4j;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A stand-alone layer normalisation, which Deeplearning4j 1.0.0-M2.1 has only inside its dense and
 * simple-RNN layers: each example's features (the channels at every position of a sequence or a
 * map, Keras's default axis) centred, divided by their standard deviation, then scaled by gamma
 * and shifted by beta, both [1, nIn].
 */
public final class LayerNormalization extends SameDiffLayer {

    private long nIn;
    private double eps = 1e-3;

    /** For Jackson. */
    public LayerNormalization() {
    }

    public long getNIn() {
        return nIn;
    }

    public void setNIn(long nIn) {
        this.nIn = nIn;
    }

    public double getEps() {
        return eps;
    }

    public void setEps(double eps) {
        this.eps = eps;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam("gamma", 1, nIn);
        params.addBiasParam("beta", 1, nIn);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // DL4J hands over the arrays defineParameters named
        Objects.requireNonNull(params.get("gamma"), "defined").assign(1);
        Objects.requireNonNull(params.get("beta"), "defined").assign(0);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        int rank = x.getShape().length;
        SDVariable centred = x.sub(x.mean(true, 1));
        SDVariable sd2 = centred.mul(centred).mean(true, 1).add(eps);
        SDVariable y = centred.div(sd.math().sqrt(sd2));
        long[] along = new long[rank];
        Arrays.fill(along, 1);
        along[1] = nIn;
        return y.mul(Objects.requireNonNull(p.get("gamma"), "defined").reshape(along))
                .add(Objects.requireNonNull(p.get("beta"), "defined").reshape(along));
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        // nIn is written explicitly
    }

    /** DL4J 1.0.0-M2.1's SameDiff layers pass back twice the gradient; this one runs halved ({@link HalvedSameDiffLayer}). */
    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
            INDArray paramsView, boolean initialise, DataType dataType) {
        return HalvedSameDiffLayer.of(conf, index, paramsView, initialise, dataType);
    }
}
