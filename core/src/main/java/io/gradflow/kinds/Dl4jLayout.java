package io.gradflow.kinds;

/** How Deeplearning4j holds a node's activations: feature vectors, images (NCHW) or sequences (NCW). */
public enum Dl4jLayout { FF, CNN, RNN }
