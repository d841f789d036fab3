package io.gradflow.verify.dl4j;

import org.deeplearning4j.nn.conf.graph.AttentionVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Deeplearning4j's AttentionVertex running as {@link HalvedSameDiffVertex}, so that it passes back the true gradient.
 *
 * <p>gradflow verify writes this class where a user's DL4J gets AttentionVertex; its JSON fields
 * are AttentionVertex's.
 */
public final class HalvedAttentionVertex extends AttentionVertex {

    /** For Jackson. */
    public HalvedAttentionVertex() {
    }

    /** The vertex {@code v} configures (as AttentionVertex's clone copies it). */
    public HalvedAttentionVertex(AttentionVertex v) {
        setNInKeys(v.getNInKeys());
        setNInValues(v.getNInValues());
        setNInQueries(v.getNInQueries());
        setNOut(v.getNOut());
        setHeadSize(v.getHeadSize());
        setNHeads(v.getNHeads());
        setProjectInput(v.isProjectInput());
        setWeightInit(v.getWeightInit());
    }

    @Override
    public HalvedAttentionVertex clone() {
        // AttentionVertex's clone would come back as DL4J's class, doubling again
        return new HalvedAttentionVertex(this);
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int index, INDArray paramsView,
            boolean initialise, DataType dataType) {
        setName(name);
        return new HalvedSameDiffVertex(this, graph, name, index, paramsView, initialise, dataType);
    }
}
