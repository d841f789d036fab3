package io.gradflow.model;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** What the analysis needs to know of a loss, whatever the file calls it. */
public final class Losses {

    private Losses() {
    }

    /**
     * Whether a loss, by its DL4J or Keras name ({@code "MSE"}, {@code "mean_squared_error"},
     * {@code "MeanSquaredError"}), compares the output with a real-valued target (squared or
     * absolute error and their kin) rather than with labels.
     */
    public static boolean regression(@Nullable String name) {
        if (name == null) {
            return false;
        }
        String k = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        return switch (k) {
            case "mse", "meansquarederror", "l2", "squaredloss", "l1", "mae", "meanabsoluteerror", "mape",
                 "meanabsolutepercentageerror", "msle", "meansquaredlogarithmicerror", "huber", "huberloss",
                 "logcosh", "cosineproximity", "cosinesimilarity", "wasserstein" -> true;
            default -> false;
        };
    }
}
