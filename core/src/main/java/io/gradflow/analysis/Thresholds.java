package io.gradflow.analysis;

/**
 * When a prediction becomes a verdict: a first-to-last weight-gradient ratio below
 * 10^-{@code vanishingDecades} vanishes, above 10^{@code explodingDecades} explodes; a signal that
 * shrinks or grows by more than {@code signalDecades} decades does likewise.
 */
public record Thresholds(double vanishingDecades, double explodingDecades, double signalDecades) {

    /** AUTOTRAINER's 10^-3 / 10^3 for gradients, the same 10^3 for the forward signal. */
    public static final Thresholds DEFAULT = new Thresholds(3, 3, 3);

    public Verdict verdict(double firstToLastDecades, double signal) {
        if (signal < -signalDecades || signal == Double.NEGATIVE_INFINITY) {
            // a dead signal: the network gives the same output for every input
            return Verdict.VANISHING;
        }
        if (Double.isNaN(firstToLastDecades) || Double.isNaN(signal)) {
            return Verdict.UNKNOWN;
        }
        if (firstToLastDecades < -vanishingDecades) {
            return Verdict.VANISHING;
        }
        if (firstToLastDecades > explodingDecades || signal > signalDecades) {
            return Verdict.EXPLODING;
        }
        return Verdict.HEALTHY;
    }
}
