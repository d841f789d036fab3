package io.gradflow.analysis;

import io.gradflow.math.Moments;
import io.gradflow.model.Node;

/**
 * The predicted numbers for one node (for an input node: the input's RMS and mean). Gradients are relative to the output layer's
 * pre-activation gradient (RMS 1); activations to the network input (RMS 1 by default).
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
 */
public record LayerProfile(Node node, double activationRms, double activationMean, double gradientRms,
                           double weightGradientRms, double gainDecades, double fanIn,
                           double weightVariance, double positions, Moments pre, boolean certain) {

    public String name() {
        return node.name();
    }
}
