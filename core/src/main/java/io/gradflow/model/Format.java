package io.gradflow.model;

/** The model file formats gradflow reads; {@link #id()} is the name used in reports. */
public enum Format {
    DL4J_JSON("dl4j-json"),
    KERAS_H5("keras-h5"),
    KERAS_JSON("keras-json"),
    KERAS_V3("keras-v3"),
    GRADFLOW_DSL("gradflow-dsl");

    private final String id;

    Format(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
