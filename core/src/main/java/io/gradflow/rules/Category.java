package io.gradflow.rules;

/** What kind of problem a rule finds; {@link #id()} is the name in reports. */
public enum Category {
    VANISHING_GRADIENT("vanishing-gradient"),
    EXPLODING_GRADIENT("exploding-gradient"),
    INITIALIZATION("initialization"),
    NORMALIZATION("normalization"),
    SKIP_CONNECTION("skip-connection"),
    SATURATION("saturation"),
    DEAD_UNITS("dead-units"),
    NUMBER_RANGE("number-range"),
    CONFIGURATION("configuration"),
    UNSUPPORTED("unsupported");

    private final String id;

    Category(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
