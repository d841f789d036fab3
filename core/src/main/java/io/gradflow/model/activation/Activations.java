package io.gradflow.model.activation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The ordered registry of every activation function gradflow knows: explicit, no classpath scanning. */
public final class Activations {

    public static final ActivationFunction IDENTITY = new Identity();
    public static final ActivationFunction RELU = new Relu();
    public static final ActivationFunction LEAKYRELU = new LeakyRelu();
    public static final ActivationFunction RRELU = new RRelu();
    public static final ActivationFunction THRESHOLDEDRELU = new ThresholdedRelu();
    public static final ActivationFunction RELU6 = new Relu6();
    public static final ActivationFunction ELU = new Elu();
    public static final ActivationFunction SELU = new Selu();
    public static final ActivationFunction GELU = new Gelu();
    public static final ActivationFunction SWISH = new Swish();
    public static final ActivationFunction MISH = new Mish();
    public static final ActivationFunction SOFTPLUS = new Softplus();
    public static final ActivationFunction SOFTSIGN = new Softsign();
    public static final ActivationFunction SIGMOID = new Sigmoid();
    public static final ActivationFunction HARDSIGMOID = new HardSigmoid();
    public static final ActivationFunction TANH = new Tanh();
    public static final ActivationFunction HARDTANH = new HardTanh();
    public static final ActivationFunction RATIONALTANH = new RationalTanh();
    public static final ActivationFunction RECTIFIEDTANH = new RectifiedTanh();
    public static final ActivationFunction CUBE = new Cube();
    public static final ActivationFunction SOFTMAX = new Softmax();
    public static final ActivationFunction EXPONENTIAL = new Exponential();
    public static final ActivationFunction HARDSWISH = new HardSwish();
    public static final ActivationFunction PRELU = new PRelu();
    public static final ActivationFunction UNKNOWN = new Unknown();

    private static final List<ActivationFunction> ALL = List.of(RELU, LEAKYRELU, ELU, SELU, GELU, SWISH, MISH,
            SOFTPLUS, SOFTSIGN, SIGMOID, HARDSIGMOID, TANH, HARDTANH, RATIONALTANH, RECTIFIEDTANH, RELU6, RRELU,
            THRESHOLDEDRELU, CUBE, IDENTITY, SOFTMAX, EXPONENTIAL, HARDSWISH, PRELU, UNKNOWN);

    private Activations() {
    }

    /** Every function, in a fixed order (the unknown one last). */
    public static List<ActivationFunction> all() {
        return ALL;
    }

    /** A function by its id ("relu"), case-insensitive. */
    public static Optional<ActivationFunction> byId(String id) {
        String k = id.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(f -> f != UNKNOWN && f.id().equals(k)).findFirst();
    }

    /**
     * A function by a name a DL4J configuration uses: an ND4J class simple name ("ActivationLReLU"),
     * the same without its prefix ("LReLU", as legacy wrapper keys write it) or a legacy enum string
     * ("leakyrelu"), case-insensitive.
     */
    public static Optional<ActivationFunction> byDl4jName(String raw) {
        String n = raw.toLowerCase(Locale.ROOT);
        if (n.startsWith("activation") && n.length() > "activation".length()) {
            n = n.substring("activation".length());
        }
        for (ActivationFunction f : ALL) {
            for (String c : f.dl4jNames()) {
                if (c.toLowerCase(Locale.ROOT).substring("activation".length()).equals(n)) {
                    return Optional.of(f);
                }
            }
            if (f.dl4jAliases().contains(n)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
