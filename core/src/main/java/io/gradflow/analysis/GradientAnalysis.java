package io.gradflow.analysis;

import io.gradflow.model.ModelGraph;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

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
 */
public record GradientAnalysis(ModelGraph model, List<LayerProfile> layers, String firstHidden,
                               String lastHidden, double firstToLastDecades, double signalDecades,
                               String signalLayer, Verdict verdict, List<String> assumptions, List<String> cuts,
                               String method) {

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

    /** The profile of a node by name: by its place in the model where the lists agree (always, as built). */
    public LayerProfile profile(String name) {
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
