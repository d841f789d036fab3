package io.gradflow.model;

import org.jspecify.annotations.Nullable;

/**
 * How a network's numbers are stored during training: the format its layers compute in (a layer
 * may say otherwise, see {@link Node#precision()}), the format of its weights, whether the
 * framework scales the loss automatically to keep small gradients from rounding to zero, and at
 * which point the gradient is averaged over the batch.
 *
 * @param compute             activations and gradients are computed in this format
 * @param variables           weights are stored in this format (float32 under a mixed policy)
 * @param dynamicLossScaling  the framework multiplies the loss by a scale it adapts (Keras wraps
 *                            the optimiser in a LossScaleOptimizer under {@code mixed_float16},
 *                            starting at 2^15 and halving on overflow)
 * @param perExampleGradients the backward pass carries each example's own gradient and the
 *                            weight gradient sums over the batch, divided by the batch size only
 *                            in the updater (Deeplearning4j); false where the loss is the batch
 *                            mean, so every gradient in the backward pass is 1/B of that (Keras)
 * @param declared            what the file says, as it says it ({@code "HALF"},
 *                            {@code "mixed_float16"}), or null when it says nothing
 */
public record NumberFormat(Precision compute, Precision variables, boolean dynamicLossScaling,
                           boolean perExampleGradients, @Nullable String declared) {

    /** What a file that says nothing means: float32 throughout, the batch mean in the loss. */
    public static final NumberFormat DEFAULT = new NumberFormat(Precision.FLOAT32, Precision.FLOAT32, false, false,
            null);

    public NumberFormat {
        compute = compute == null ? Precision.FLOAT32 : compute;
        variables = variables == null ? compute : variables;
    }

    /** One format for everything. */
    public static NumberFormat of(Precision p, boolean perExampleGradients, @Nullable String declared) {
        return new NumberFormat(p, p, false, perExampleGradients, declared);
    }

    /**
     * A Keras dtype policy by name: {@code mixed_float16} (float16 compute, float32 weights,
     * dynamic loss scaling), {@code mixed_bfloat16} (bfloat16 compute, float32 weights), or a plain
     * dtype; null for a name that is neither.
     */
    public static @Nullable NumberFormat kerasPolicy(@Nullable String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim();
        if (n.equals("mixed_float16")) {
            return new NumberFormat(Precision.FLOAT16, Precision.FLOAT32, true, false, n);
        }
        if (n.equals("mixed_bfloat16")) {
            return new NumberFormat(Precision.BFLOAT16, Precision.FLOAT32, false, false, n);
        }
        Precision p = Precision.parse(n);
        return p == null ? null : of(p, false, n);
    }

    /** A short description: "float16", "mixed float16 (float32 weights, dynamic loss scaling)". */
    public String describe() {
        if (variables == compute) {
            return compute.id();
        }
        return "mixed " + compute.id() + " (" + variables.id() + " weights"
                + (dynamicLossScaling ? ", dynamic loss scaling" : "") + ")";
    }

    public NumberFormat withPerExampleGradients(boolean on) {
        return new NumberFormat(compute, variables, dynamicLossScaling, on, declared);
    }
}
