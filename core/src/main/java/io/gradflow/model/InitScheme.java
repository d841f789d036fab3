package io.gradflow.model;

/**
 * The three fan-scaled initialisers gradflow recommends, by the nonlinearity they are made for:
 * He (variance 2/fanIn) for ReLU and its relatives, LeCun (1/fanIn) for SELU, Xavier
 * (2/(fanIn+fanOut)) for the rest.
 */
public enum InitScheme {
    HE(2, Fan.IN, "He init (DL4J RELU, Keras he_normal): variance 2/fanIn"),
    LECUN(1, Fan.IN, "LeCun normal init (DL4J LECUN_NORMAL, Keras lecun_normal): variance 1/fanIn"),
    XAVIER(1, Fan.AVG, "Xavier init (DL4J XAVIER, Keras glorot_uniform): variance 2/(fanIn+fanOut)");

    /** Which fan divides the variance. */
    public enum Fan { IN, AVG }

    private final double scale;
    private final Fan fan;
    private final String advice;

    InitScheme(double scale, Fan fan, String advice) {
        this.scale = scale;
        this.fan = fan;
        this.advice = advice;
    }

    /** Variance times the fan it divides by (Keras's VarianceScaling scale): 2 for He, 1 for the others. */
    public double scale() {
        return scale;
    }

    public Fan fan() {
        return fan;
    }

    /** The advice rule messages give, in DL4J's and Keras's names. */
    public String advice() {
        return advice;
    }
}
