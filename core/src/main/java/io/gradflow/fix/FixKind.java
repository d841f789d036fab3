package io.gradflow.fix;

import java.util.Locale;

/**
 * What a fix changes. Safe fixes keep what the model computes as its author meant it (how the
 * weights are drawn at the start, nothing else); unsafe ones change the network's structure or
 * its functions, and are applied only with {@code --unsafe-fixes}.
 */
public enum FixKind {
    /** Swaps a layer's initialiser for the fan-scaled one its nonlinearity needs. */
    INIT(true, "initialiser matched to the activation"),
    /** Sets the scale or gain of a layer's scaled initialiser to what its nonlinearity needs. */
    GAIN(true, "initialiser gain matched to the activation"),
    /** Starts a layer's bias at zero. */
    BIAS(true, "bias initialised at zero"),
    /**
     * Starts an LSTM's forget-gate bias at 1 (Jozefowicz et al. 2015), so that the gate starts
     * mostly open and the gradient reaches back through the steps.
     */
    FORGET_BIAS(true, "LSTM forget-gate bias initialised at 1"),
    /**
     * Computes the model in float32 instead of a 16-bit format whose range its activations or
     * gradients leave: the same function, in a wider number format.
     */
    DATA_TYPE(true, "computed in float32"),
    /** Puts batch normalisation between each layer of a run and its nonlinearity. */
    BATCH_NORM(false, "batch normalisation inserted"),
    /** Replaces a saturating nonlinearity with ReLU (and He initialisation). */
    ACTIVATION(false, "saturating activation replaced with ReLU"),
    /** Wraps layers in residual blocks, y = x + F(x) (DSL models). */
    RESIDUAL(false, "residual connections added");

    private final boolean safe;
    private final String summary;

    FixKind(boolean safe, String summary) {
        this.safe = safe;
        this.summary = summary;
    }

    public boolean safe() {
        return safe;
    }

    /** A few words for listings. */
    public String summary() {
        return summary;
    }

    /** The name users see ("init", "batch-norm"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
