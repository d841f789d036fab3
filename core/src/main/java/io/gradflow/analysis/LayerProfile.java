package io.gradflow.analysis;

import io.gradflow.math.Moments;
import io.gradflow.model.Node;
import io.gradflow.model.Precision;
import org.jspecify.annotations.Nullable;

/**
 * The predicted numbers for one node (for an input node: the input's RMS and mean). Gradients
 * are relative to the output layer's pre-activation gradient (RMS 1); activations to the network
 * input (RMS 1 by default). Each RMS comes with its log10, which stays finite where the RMS
 * itself leaves a double's range; a figure the analysis cannot give (the forward pass overflowed,
 * a weightless node's weight gradient) is NaN in both.
 *
 * @param node              the node
 * @param activationRms     RMS of the node's output
 * @param activationMean    mean of the node's output
 * @param gradientRms       RMS of the loss gradient at the node's pre-activation (its input for
 *                          weightless nodes)
 * @param weightGradientRms per-element RMS of the weight gradient, NaN for weightless nodes
 * @param gainDecades       decades by which the gradient RMS changes passing back through this node
 * @param fanIn             fan-in used for the initialiser, NaN if none
 * @param weightVariance    per-weight variance, NaN if none
 * @param positions         positions the weight gradient sums over (1 for dense layers)
 * @param pre               moments of what the node's nonlinearity sees, or null
 * @param certain           false when an opaque layer or unknown activation feeds these numbers
 * @param logs              log10 of the three RMS figures and the node's place in its number format
 * @param time              for a recurrent layer, what happens to the gradient through its steps;
 *                          null for other nodes
 */
public record LayerProfile(Node node, double activationRms, double activationMean, double gradientRms,
                           double weightGradientRms, double gainDecades, double fanIn,
                           double weightVariance, double positions, @Nullable Moments pre, boolean certain, Logs logs,
                           @Nullable Time time) {

    /**
     * The gradient through a recurrent layer's steps (docs/theory.md section 8.2).
     *
     * @param steps      the sequence length the analysis used (the model's, or the assumed one)
     * @param decades    log10 of the RMS of the gradient reaching the layer's input at the first
     *                   step over the one at the last, as the loss delivers it (for a
     *                   bidirectional layer: at the step farthest from both ends over the ends');
     *                   what the verdict reads
     * @param ownDecades the same for a gradient that enters at the last step only: the
     *                   recurrence's own memory, whatever the loss does
     */
    public record Time(int steps, double decades, double ownDecades) {

        /** The recurrence's mean change per step back, in decades. */
        public double perStep() {
            return steps > 1 ? ownDecades / (steps - 1) : 0;
        }
    }

    /** The same profile with other log10 figures. */
    public LayerProfile withLogs(Logs l) {
        return new LayerProfile(node, activationRms, activationMean, gradientRms, weightGradientRms, gainDecades,
                fanIn, weightVariance, positions, pre, certain, l, time);
    }

    /**
     * The log10 figures, and where the node stands in the format it computes in.
     *
     * @param activation          log10 of the activation RMS
     * @param gradient            log10 of the (relative) gradient RMS
     * @param weightGradient      log10 of the (relative) weight-gradient RMS
     * @param precision           the format the node computes in
     * @param absGradient         log10 of the gradient's RMS as the framework stores it in the
     *                            backward pass (see {@link NumericRange}), NaN where unknown
     * @param absWeightGradient   log10 of the weight gradient's RMS as stored, NaN where none
     * @param flushed             predicted fraction of weight-gradient entries that round to zero
     * @param range               where the activation stands: null in range, else which way it left
     */
    public record Logs(double activation, double gradient, double weightGradient, Precision precision,
                       double absGradient, double absWeightGradient, double flushed,
                       NumericRange.@Nullable Direction range) {
    }

    public String name() {
        return node.name();
    }

    /** log10 of the activation RMS (finite where a double overflows). */
    public double logActivation() {
        return logs.activation();
    }

    /** log10 of the gradient RMS. */
    public double logGradient() {
        return logs.gradient();
    }

    /** log10 of the weight-gradient RMS, NaN for weightless nodes. */
    public double logWeightGradient() {
        return logs.weightGradient();
    }
}
