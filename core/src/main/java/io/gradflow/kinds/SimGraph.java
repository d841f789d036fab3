package io.gradflow.kinds;

import io.gradflow.model.ModelGraph;
import org.jspecify.annotations.Nullable;

/** The model as the simulation sees it: widths, and the analysis's weight statistics. */
public interface SimGraph {

    ModelGraph graph();

    /** Units of a node's output (a feature vector), -1 if unknown. */
    int width(String node);

    /** {mean, variance} of one weight of a weighted node as the analysis derived them, or null. */
    double @Nullable [] weightStats(String node);
}
