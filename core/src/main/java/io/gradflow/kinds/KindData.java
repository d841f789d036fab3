package io.gradflow.kinds;

/** A kind's own numbers from the forward pass, beyond those every layer has (a record per kind). */
public interface KindData { }
