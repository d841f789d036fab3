package io.gradflow.analysis;

import io.gradflow.model.ModelGraph;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What the signal-propagation analysis predicts for one model: the per-layer profile, the two
 * model numbers and the verdict.
 *
 * @param model              the model analysed
 * @param layers             one profile per node, inputs included, in topological order
 * @param firstHidden        first layer with weights, or null
 * @param lastHidden         last layer with weights before the output layer, or null
 * @param firstToLastDecades log10 of first over last hidden layer's weight-gradient RMS
 * @param signalDecades      log10 of the last hidden block's activation RMS over the input's
 * @param signalLayer        the node whose output is "the last hidden block's", or null
 * @param verdict            healthy, vanishing, exploding or unknown
 * @param assumptions        what the analysis had to assume because the file does not say
 * @param cuts               opaque layers or unknown activations that make the verdict unknown
 * @param method             {@link #MEAN_FIELD}, or {@link #FINITE_WIDTH} where the model numbers
 *                           and the activation and weight-gradient RMS come from simulated
 *                           networks at the model's own widths (see {@code WidthSimulation})
 * @param range              where the numbers leave the range of the model's number format
 * @param trainability       the scale-invariant layers and the weights' scale, which turn the
 *                           weight-gradient ratio into the relative updates' the verdict compares
 *
 * <p>{@code firstToLastDecades} is NaN where the backward pass has nothing to say (the forward
 * pass overflows, the signal rounds to zero, a weight gradient is exactly zero) and
 * {@code signalDecades} where the forward pass leaves a double's range; the verdict and
 * {@code range} then say why.
 */
public record GradientAnalysis(ModelGraph model, List<LayerProfile> layers, @Nullable String firstHidden,
                               @Nullable String lastHidden, double firstToLastDecades, double signalDecades,
                               @Nullable String signalLayer, Verdict verdict, List<String> assumptions,
                               List<String> cuts,
                               String method, NumericRange range, Trainability trainability) {

    public static final String MEAN_FIELD = "mean-field";
    public static final String FINITE_WIDTH = "finite-width";

    public GradientAnalysis {
        layers = List.copyOf(layers);
        assumptions = List.copyOf(assumptions);
        cuts = List.copyOf(cuts);
    }

    /** Profiles by node name. */
    public Map<String, LayerProfile> byName() {
        return layers.stream().collect(Collectors.toMap(LayerProfile::name, Function.identity(), (a, b) -> a));
    }

    /**
     * log10 of the RMS of the gradient reaching the first hidden layer (at its pre-activation)
     * over the one reaching the last: the backward signal's own first-to-last, which the rules
     * about runs of layers quote; NaN where either is unknown.
     */
    public double firstToLastGradientDecades() {
        if (firstHidden == null) {
            return Double.NaN;
        }
        double d = Objects.requireNonNull(profile(firstHidden), "a layer of the model").logGradient()
                - Objects.requireNonNull(profile(Objects.requireNonNull(lastHidden, "found with the first")),
                        "a layer of the model").logGradient();
        return Double.isFinite(d) ? d : Double.NaN;
    }

    /**
     * The first-to-last the verdict compares: in a network whose first hidden layer feeds
     * normalisation, the relative updates' (what one learning rate does to the first hidden layer
     * against the last, log10 of weight-gradient RMS over weight RMS, first over last); elsewhere
     * the weight gradients' own; NaN where that is.
     */
    public double firstToLastUpdateDecades() {
        return Double.isFinite(firstToLastDecades) ? trainability.update(firstToLastDecades) : Double.NaN;
    }

    /**
     * The recurrent layer whose gradient through its steps changes most (the one that vanishes
     * most where one does, else the one that grows most), or null in a model without recurrent
     * layers: what the verdict's through-time part reads (docs/theory.md section 8.2).
     */
    public @Nullable LayerProfile worstTime() {
        LayerProfile low = null;
        LayerProfile high = null;
        double lowDecades = Double.NaN;
        double highDecades = Double.NaN;
        for (LayerProfile p : layers) {
            LayerProfile.Time t = p.time();
            if (t == null || Double.isNaN(t.decades())) {
                continue;
            }
            if (low == null || t.decades() < lowDecades) {
                low = p;
                lowDecades = t.decades();
            }
            if (high == null || t.decades() > highDecades) {
                high = p;
                highDecades = t.decades();
            }
        }
        if (low == null || high == null) {
            return null;
        }
        return -lowDecades >= highDecades ? low : high;
    }

    /** The profile of a node by name: by its place in the model where the lists agree (always, as built). */
    public @Nullable LayerProfile profile(String name) {
        int i = model.indexOf(name);
        if (i >= 0 && i < layers.size() && layers.get(i).name().equals(name)) {
            return layers.get(i);
        }
        for (LayerProfile p : layers) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
