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
 *
 * <p>Two targets: {@code gradflow convert} writes what a user's DL4J loads, and refuses what it
 * cannot express; {@code gradflow verify} ({@link #verify()}) builds every network gradflow
 * reads, in DL4J's native layouts (NCHW, NCW) whatever the file's, and may name the verify
 * module's own classes ({@link #GRADFLOW}: activations and layers DL4J lacks), which a user's
 * DL4J does not have.
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
    /** Package of DL4J's preprocessors. */
    String PREPROCESSORS = "org.deeplearning4j.nn.conf.preprocessor.";
    /** Package of the verify module's DL4J classes, named only when writing for gradflow verify. */
    String GRADFLOW = "io.gradflow.verify.dl4j.";

    /** Whether this writes for gradflow verify rather than for a user's DL4J. */
    boolean verify();

    /**
     * The full name of one of the verify module's classes ({@link #GRADFLOW}); when writing for a
     * user's DL4J, a problem saying DL4J has no {@code what}, and null.
     */
    default @Nullable String gradflowClass(String simpleName, String what) {
        if (!verify()) {
            problem(TARGET + " has no " + what);
            return null;
        }
        return GRADFLOW + simpleName;
    }

    /** How DL4J holds a tensor of this shape: a 1-D map as a sequence, a 3-D one as a volume. */
    static Dl4jLayout layoutOf(TensorShape s) {
        return switch (s.kind()) {
            case CNN -> s.dims() == 1 ? Dl4jLayout.RNN : s.dims() == 3 ? Dl4jLayout.CNN3D : Dl4jLayout.CNN;
            case RNN -> Dl4jLayout.RNN;
            default -> Dl4jLayout.FF;
        };
    }

    /** The shape of a node's first input. */
    default TensorShape inShape(Node n) {
        return n.inputs().isEmpty() ? TensorShape.UNKNOWN : shape(n.inputs().get(0));
    }

    /** The fields every DL4J layer without parameters writes, for the layer class {@code cls} (its full name). */
    default JsonObject plain(Node n, String cls) {
        return Dl4jJson.obj("@class", cls,
                "constraints", null,
                "gradientNormalization", "None",
                "gradientNormalizationThreshold", 0.0,
                "idropout", null,
                "layerName", n.name());
    }

    /** Sets the preprocessor DL4J applies in front of the node. */
    void preprocess(Node n, JsonObject preprocessor);

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

    /**
     * Adds the preprocessor DL4J needs in front of the node to see images when DL4J holds its input
     * as feature vectors that the model holds as a map (a global pooling that keeps its dimensions).
     * Returns whether it did (false when the input is not such a map).
     */
    boolean toImages(Node n);

    /** A layer object with the fields every layer with weights has. */
    JsonObject weighted(Node n, String cls);

    /** An activation's object, or null (reported) when DL4J has none. */
    @Nullable JsonObject activation(Activation a);

    /** An initialiser's object, or null (reported) when DL4J has none. */
    @Nullable JsonObject weightInit(@Nullable WeightInit w);

    /** The node's updater object (DL4J's Sgd when the model gives none). */
    JsonObject updater(Node n);

    /** The node's loss function object. */
    JsonObject loss(Node n);

    /** The node's dropout object, or null for none. */
    @Nullable JsonObject dropout(Node n);
}
