package io.gradflow.kinds;

import com.google.gson.JsonObject;
import io.gradflow.model.Activation;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import org.jspecify.annotations.Nullable;

/**
 * What a kind's DL4J part writes with: the graph, the layouts DL4J holds earlier nodes in, the
 * preprocessors DL4J's setInputType would add, and the fields every layer shares. Implemented
 * by the converter; problems are collected there and reported together.
 */
public interface Dl4jContext {

    /** The DL4J release whose format is written. */
    String TARGET = "DL4J 1.0.0-M2.1";
    /** Package of DL4J's layer classes. */
    String LAYERS = "org.deeplearning4j.nn.conf.layers.";
    /** Package of DL4J's graph vertices. */
    String VERTICES = "org.deeplearning4j.nn.conf.graph.";
    /** Package of DL4J's weight initialisers. */
    String WEIGHTS = "org.deeplearning4j.nn.weights.";
    /** Package of ND4J's activation classes. */
    String ACTIVATIONS = "org.nd4j.linalg.activations.impl.";

    ModelGraph graph();

    TensorShape shape(String node);

    /** How DL4J holds a node's output. */
    Dl4jLayout layout(String node);

    /** A node's first input's layout (feature vectors when it has none). */
    default Dl4jLayout inLayout(Node n) {
        return n.inputs().isEmpty() ? Dl4jLayout.FF : layout(n.inputs().get(0));
    }

    /** Reports why the node cannot be written (the message is prefixed with the node). */
    void problem(String message);

    /** Adds the preprocessor DL4J needs in front of the node to see feature vectors. */
    void toFeedForward(Node n);

    /** Adds the preprocessor DL4J needs in front of the node to see sequences (or reports it cannot). */
    void toSequence(Node n);

    /** A layer object with the fields every layer with weights has. */
    JsonObject weighted(Node n, String cls);

    /** An activation's object, or null (reported) when DL4J has none. */
    @Nullable JsonObject activation(Activation a);

    /** An initialiser's object, or null (reported) when DL4J has none. */
    @Nullable JsonObject weightInit(WeightInit w);

    /** The node's updater object (DL4J's Sgd when the model gives none). */
    JsonObject updater(Node n);

    /** The node's loss function object. */
    JsonObject loss(Node n);

    /** The node's dropout object, or null for none. */
    @Nullable JsonObject dropout(Node n);
}
