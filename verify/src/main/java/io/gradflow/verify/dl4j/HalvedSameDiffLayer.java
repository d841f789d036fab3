package io.gradflow.verify.dl4j;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Deeplearning4j's running SameDiff layer with the true gradient: in DL4J 1.0.0-M2.1 its backward pass doubles.
 *
 * <p>Why it doubles: the layer's output feeds ND4J's ExternalErrorsFunction, whose doDiff both sets
 * the output's gradient to the placeholder carrying DL4J's epsilon and returns that placeholder;
 * DifferentialFunction.diff then finds the gradient already set and adds the returned one to it,
 * so SameDiff backpropagates epsilon + epsilon. The function has exactly one argument (the
 * layer's output) and the backward graph is linear in it, so every gradient the layer passes
 * back (its parameters' and its input's) is exactly twice the true one, whatever the batch,
 * sequence length or mask. Halving epsilon before the backward pass undoes it exactly (0.5 is a
 * power of two). SameDiffGradientTest pins both the doubling and this correction.
 */
public final class HalvedSameDiffLayer extends SameDiffLayer {

    public HalvedSameDiffLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** What DL4J's SameDiffLayer configuration instantiates, with this class in place of DL4J's. */
    static Layer of(NeuralNetConfiguration conf, int index, INDArray paramsView, boolean initialise,
            DataType dataType) {
        HalvedSameDiffLayer l = new HalvedSameDiffLayer(conf, dataType);
        l.setIndex(index);
        l.setParamsViewArray(paramsView);
        l.setParamTable(conf.getLayer().initializer().init(conf, paramsView, initialise));
        l.setConf(conf);
        return l;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return super.backpropGradient(epsilon.mul(0.5), workspaceMgr);
    }
}
