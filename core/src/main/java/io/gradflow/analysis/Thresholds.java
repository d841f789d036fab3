package io.gradflow.analysis;

/**
 * When a prediction becomes a verdict: a first-to-last weight-gradient ratio below
 * 10^-{@code vanishingDecades} vanishes (where the first layer feeds normalisation, only if the
 * relative updates' ratio is below it too, see {@link Trainability}); above
 * 10^{@code explodingDecades} it explodes, unless the first layer feeds normalisation and tunes its
 * own step; a signal that shrinks or grows by more than {@code signalDecades} decades does likewise.
 */
public record Thresholds(double vanishingDecades, double explodingDecades, double signalDecades) {

    /** AUTOTRAINER's 10^-3 / 10^3 for gradients, the same 10^3 for the forward signal. */
    public static final Thresholds DEFAULT = new Thresholds(3, 3, 3);

    /**
     * Whether these are {@link #DEFAULT}'s, compared component by component here beside the
     * components: a record's {@code equals} links a method handle on its first call (milliseconds
     * of a one-file lint's start-up, where this is asked).
     */
    public boolean isDefault() {
        return vanishingDecades == DEFAULT.vanishingDecades && explodingDecades == DEFAULT.explodingDecades
                && signalDecades == DEFAULT.signalDecades;
    }

    public Verdict verdict(double firstToLastDecades, double signal) {
        return verdict(firstToLastDecades, signal, Trainability.NONE);
    }

    /**
     * The verdict for a weight-gradient first-to-last and a signal, predicted or measured, in a
     * model with {@code t}'s structure.
     */
    public Verdict verdict(double firstToLastDecades, double signal, Trainability t) {
        if (signal < -signalDecades || signal == Double.NEGATIVE_INFINITY) {
            // a dead signal: the network gives the same output for every input
            return Verdict.VANISHING;
        }
        if (Double.isNaN(firstToLastDecades) || Double.isNaN(signal)) {
            return Verdict.UNKNOWN;
        }
        // the first layer falls behind when it does by every measure: its weight gradient at
        // initialisation and once the output's bias is corrected, and, where it tunes its own
        // step, its relative update
        double behind = Math.max(Math.max(firstToLastDecades, t.update(firstToLastDecades)),
                t.persistent(firstToLastDecades));
        if (behind < -vanishingDecades) {
            return Verdict.VANISHING;
        }
        double ahead = Math.min(firstToLastDecades, t.persistent(firstToLastDecades));
        if (signal > signalDecades || ahead > explodingDecades && !t.selfTuning()) {
            return Verdict.EXPLODING;
        }
        return Verdict.HEALTHY;
    }

    /**
     * The verdict once the gradient through a recurrent layer's steps is counted: {@code v} as the
     * layers' numbers give it, vanishing where the gradient reaching a recurrent layer's first
     * step falls more than {@code vanishingDecades} behind the one reaching its last
     * ({@code timeLow}, the lowest over the layers), exploding where it grows more than
     * {@code explodingDecades} ({@code timeHigh}, the highest). NaN where the model has no
     * recurrent layer.
     */
    public Verdict withTime(Verdict v, double timeLow, double timeHigh) {
        if (v != Verdict.HEALTHY) {
            return v;
        }
        if (timeLow < -vanishingDecades) {
            return Verdict.VANISHING;
        }
        if (timeHigh > explodingDecades) {
            return Verdict.EXPLODING;
        }
        return v;
    }
}
