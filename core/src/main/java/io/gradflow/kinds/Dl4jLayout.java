package io.gradflow.kinds;

/**
 * How Deeplearning4j holds a node's activations: feature vectors, images (NCHW), volumes (NCDHW)
 * or sequences (NCW).
 */
public enum Dl4jLayout { FF, CNN, CNN3D, RNN }
