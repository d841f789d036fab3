package io.gradflow.convert;

import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Loss names as DL4J's loss classes take them (LossMCXENT is "MCXENT"), from DL4J's own names
 * (configurations, the DSL) and Keras's (a training configuration's "categorical_crossentropy").
 */
final class Dl4jLosses {

    /** Keras's names, lower case without underscores, and DL4J's loss each matches. */
    private static final Map<String, String> KERAS = Map.ofEntries(
            Map.entry("categoricalcrossentropy", "MCXENT"),
            // one-hot labels either way: the gradient is the same as the dense form's
            Map.entry("sparsecategoricalcrossentropy", "MCXENT"),
            Map.entry("binarycrossentropy", "BinaryXENT"),
            Map.entry("mse", "MSE"), Map.entry("meansquarederror", "MSE"),
            Map.entry("mae", "MAE"), Map.entry("meanabsoluteerror", "MAE"),
            Map.entry("mape", "MAPE"), Map.entry("meanabsolutepercentageerror", "MAPE"),
            Map.entry("msle", "MSLE"), Map.entry("meansquaredlogarithmicerror", "MSLE"),
            Map.entry("hinge", "Hinge"), Map.entry("squaredhinge", "SquaredHinge"),
            Map.entry("kld", "KLD"), Map.entry("kullbackleiblerdivergence", "KLD"),
            Map.entry("poisson", "Poisson"), Map.entry("cosineproximity", "CosineProximity"));

    /** DL4J's loss class suffixes, by their lower-case names. */
    private static final Map<String, String> DL4J = Map.ofEntries(
            Map.entry("mcxent", "MCXENT"), Map.entry("sparsemcxent", "MCXENT"),
            // DL4J's XENT is the class LossBinaryXENT
            Map.entry("negativeloglikelihood", "NegativeLogLikelihood"), Map.entry("xent", "BinaryXENT"),
            Map.entry("binaryxent", "BinaryXENT"), Map.entry("mse", "MSE"), Map.entry("l1", "L1"), Map.entry("l2", "L2"),
            Map.entry("mae", "MAE"), Map.entry("mape", "MAPE"), Map.entry("msle", "MSLE"), Map.entry("hinge", "Hinge"),
            Map.entry("squaredhinge", "SquaredHinge"), Map.entry("kld", "KLD"),
            Map.entry("kldivergence", "KLD"), Map.entry("poisson", "Poisson"),
            Map.entry("cosineproximity", "CosineProximity"), Map.entry("squaredloss", "MSE"),
            Map.entry("reconstructioncrossentropy", "BinaryXENT"), Map.entry("expll", "Poisson"),
            Map.entry("rmsexent", "MSE"), Map.entry("wasserstein", "Wasserstein"),
            Map.entry("multilabel", "MultiLabel"), Map.entry("fmeasure", "FMeasure"));

    private Dl4jLosses() {
    }

    /** DL4J's name for a loss as DL4J or Keras spells it, or null when DL4J has none (Keras's logcosh). */
    static @Nullable String dl4jName(String raw) {
        String k = raw.toLowerCase(Locale.ROOT).replace("_", "").replace(" ", "");
        if (k.startsWith("loss") && DL4J.containsKey(k.substring(4))) {
            k = k.substring(4);
        }
        String d = DL4J.get(k);
        return d != null ? d : KERAS.get(k);
    }
}
