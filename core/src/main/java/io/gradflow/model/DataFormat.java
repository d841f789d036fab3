package io.gradflow.model;

/** Where a layer expects the channels (or features) axis: first (NCHW) or last (NHWC, Keras's default). */
public enum DataFormat { CHANNELS_FIRST, CHANNELS_LAST }
