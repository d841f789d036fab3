package io.gradflow.kinds;

import com.google.gson.JsonObject;

/** A node as Deeplearning4j configuration: a layer, a graph vertex, or why DL4J cannot express it. */
public sealed interface Dl4jConfig {

    /** A layer (in a MultiLayer configuration or a ComputationGraph's LayerVertex) and the layout it produces. */
    record Layer(JsonObject json, Dl4jLayout out) implements Dl4jConfig { }

    /** A ComputationGraph vertex with no weights (merges) and the layout it produces. */
    record Vertex(JsonObject json, Dl4jLayout out) implements Dl4jConfig { }

    /** Nothing DL4J can build; the problems were reported through the context. */
    record Unsupported() implements Dl4jConfig { }
}
