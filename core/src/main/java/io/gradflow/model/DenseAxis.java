package io.gradflow.model;

/**
 * What a dense layer does with an input of several axes (a feature map, a sequence read as one):
 * Deeplearning4j flattens it first ({@link #FLATTENED}: a weight per position), Keras applies the
 * layer to the last axis at every position ({@link #LAST}: weights shared across positions).
 */
public enum DenseAxis { FLATTENED, LAST }
