package io.gradflow.model;

/**
 * Whose definition of a layer's fan-in and fan-out its initialisers use. Deeplearning4j divides a
 * convolution's fan-out by the stride area and gives an LSTM's input weights fanIn = nOut and
 * fanOut = nIn + nOut; Keras does neither. Readers set it; the analysis never asks which format a
 * model came from.
 */
public enum FanConvention { DL4J, KERAS }
