package io.gradflow.report;

/** A file met while walking a directory that is not a model (weights, a data set, a package.json): why. */
public record Skipped(String source, String reason) { }
