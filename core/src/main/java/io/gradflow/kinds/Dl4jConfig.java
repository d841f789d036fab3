package io.gradflow.kinds;

import com.google.gson.JsonObject;
import java.util.List;

/** A node as Deeplearning4j configuration: a layer, a graph vertex, or why DL4J cannot express it. */
public sealed interface Dl4jConfig {

    /**
     * A layer (in a MultiLayer configuration or a ComputationGraph's LayerVertex), the layout it
     * produces and its parameter arrays as the verifier fills them.
     */
    record Layer(JsonObject json, Dl4jLayout out, List<Dl4jParam> params) implements Dl4jConfig {

        public Layer {
            params = List.copyOf(params);
        }

        public Layer(JsonObject json, Dl4jLayout out) {
            this(json, out, List.of());
        }
    }

    /**
     * A ComputationGraph vertex (merges, attention, reshapes), the layout it produces, its parameters,
     * and the nodes it reads when they are not the node's inputs in order (empty: they are).
     */
    record Vertex(JsonObject json, Dl4jLayout out, List<Dl4jParam> params, List<String> inputs) implements Dl4jConfig {

        public Vertex {
            params = List.copyOf(params);
            inputs = List.copyOf(inputs);
        }

        public Vertex(JsonObject json, Dl4jLayout out) {
            this(json, out, List.of(), List.of());
        }
    }

    /** Nothing to build: the node passes its input on unchanged (masking, an identity reshape). */
    record Pass() implements Dl4jConfig { }

    /** Nothing DL4J can build; the problems were reported through the context. */
    record Unsupported() implements Dl4jConfig { }
}
