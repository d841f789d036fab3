package io.gradflow.verify.dl4j;

import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Deeplearning4j's running SameDiff vertex with the true gradient: in DL4J 1.0.0-M2.1 its backward pass doubles.
 *
 * <p>The vertex's one output goes through the same ExternalErrorsFunction as a SameDiff layer's
 * ({@link HalvedSameDiffLayer} says why that doubles epsilon), so the gradients of its parameters
 * and of each of its inputs are exactly twice the true ones; halving epsilon first undoes it.
 */
public final class HalvedSameDiffVertex extends SameDiffGraphVertex {

    public HalvedSameDiffVertex(SameDiffVertex config, ComputationGraph graph, String name, int index,
            INDArray paramsView, boolean initialise, DataType dataType) {
        super(config, graph, name, index, paramsView, initialise, dataType);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray full = epsilon;
        epsilon = full.mul(0.5);
        try {
            return super.doBackward(tbptt, workspaceMgr);
        } finally {
            epsilon = full;
        }
    }
}
