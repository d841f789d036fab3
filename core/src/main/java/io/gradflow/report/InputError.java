package io.gradflow.report;

/** A file that could not be read: where and why (line and column 0 when unknown). */
public record InputError(String source, int line, int column, String pointer, String message) { }
