package io.gradflow.verify.dl4j;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RecurrentAttentionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Deeplearning4j's RecurrentAttentionLayer running as {@link HalvedSameDiffLayer}, so that it passes back the true
 * gradient (DL4J 1.0.0-M2.1's SameDiff layers double it). gradflow verify writes this class where
 * a user's DL4J configuration has DL4J's ({@link Dl4jSameDiffLayers}); its JSON fields are DL4J's.
 */
public final class HalvedRecurrentAttentionLayer extends RecurrentAttentionLayer {

    /** For Jackson, which then sets the fields the file holds. */
    public HalvedRecurrentAttentionLayer() {
        // one head: the builder's default of none would divide by zero; the file's fields follow
        super(new RecurrentAttentionLayer.Builder().nHeads(1));
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
            INDArray paramsView, boolean initialise, DataType dataType) {
        return HalvedSameDiffLayer.of(conf, index, paramsView, initialise, dataType);
    }
}
