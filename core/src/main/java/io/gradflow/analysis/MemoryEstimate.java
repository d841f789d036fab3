package io.gradflow.analysis;

import io.gradflow.kinds.Kinds;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a model needs in memory to train, from the finished graph alone: its parameters (each
 * kind counts its own, {@link io.gradflow.kinds.Kind#parameters}) and the values one example's
 * forward pass holds (every layer's output). {@code gradflow verify} refuses a network whose
 * estimate exceeds the memory it may use before Deeplearning4j allocates it; lint's --profile
 * prints it.
 *
 * @param parameters            trainable numbers, as Deeplearning4j counts them
 * @param activationsPerExample values of all layer outputs for one example
 * @param bytesPerValue         4 for float (DL4J's default), 8 for double, 2 for half precision
 * @param complete              false when some layer's size is unknown (the estimate is then a floor)
 */
public record MemoryEstimate(double parameters, double activationsPerExample, int bytesPerValue, boolean complete) {

    /** The estimate for a finished model graph. */
    public static MemoryEstimate of(ModelGraph g) {
        double params = 0;
        double values = 0;
        boolean complete = true;
        for (Node n : g.nodes()) {
            TensorShape out = g.shape(n.name());
            TensorShape in = n.inputs().isEmpty() ? out : g.shape(n.inputs().get(0));
            params += Kinds.of(n.kind()).parameters(n, in, out);
            long v = out.volume();
            if (v > 0) {
                values += v;
            } else {
                complete = false;
            }
        }
        return new MemoryEstimate(params, values, bytesPerValue(g.meta().get("dataType")), complete);
    }

    /** Bytes per value of a DL4J data type name ("FLOAT", "DOUBLE", "HALF"...); 4 when unknown. */
    static int bytesPerValue(@Nullable String dataType) {
        if (dataType == null) {
            return 4;
        }
        return switch (dataType.toUpperCase(Locale.ROOT)) {
            case "DOUBLE" -> 8;
            case "HALF", "FLOAT16", "BFLOAT16" -> 2;
            default -> 4;
        };
    }

    /**
     * Arrays an updater keeps per parameter (Adam's two moments, momentum's velocity...), by the
     * names DL4J and Keras give optimisers; 2 (Adam's) when unknown.
     */
    public static int updaterStates(@Nullable String updater) {
        if (updater == null) {
            return 2;
        }
        return switch (updater.toLowerCase(Locale.ROOT).replace("_", "")) {
            case "sgd", "noop", "none" -> 0;
            case "nesterovs", "momentum", "adagrad", "rmsprop" -> 1;
            case "amsgrad" -> 3;
            default -> 2;
        };
    }

    /** The largest number of updater arrays any layer of the model keeps. */
    public static int updaterStates(List<Node> nodes) {
        int states = 0;
        boolean any = false;
        for (Node n : nodes) {
            if (n.updater() != null) {
                states = Math.max(states, updaterStates(n.updater().name()));
                any = true;
            }
        }
        return any ? states : updaterStates((String) null);
    }

    /** Bytes of the parameters, their gradients and the updater's state. */
    public double parameterBytes(int updaterStates) {
        return parameters * bytesPerValue * (2.0 + updaterStates);
    }

    /** Bytes of a batch's activations and their gradients (backpropagation keeps both). */
    public double activationBytes(int batch) {
        return 2.0 * activationsPerExample * batch * bytesPerValue;
    }

    /** Bytes to train with minibatches of {@code batch}: parameters, gradients, updater state, activations. */
    public double trainingBytes(int batch, int updaterStates) {
        return parameterBytes(updaterStates) + activationBytes(batch);
    }

    /** A byte count in words: 512 B, 3.4 MiB, 12.0 GiB. */
    public static String bytes(double b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        double v = b;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.US, "%.0f %s", v, units[u])
                : String.format(Locale.US, "%.1f %s", v, units[u]);
    }

    /** A count in words: 980, 12.3 thousand, 4.5 million, 2.7 billion. */
    public static String count(double n) {
        if (n < 1e4) {
            return String.format(Locale.US, "%.0f", n);
        }
        if (n < 1e6) {
            return String.format(Locale.US, "%.1f thousand", n / 1e3);
        }
        if (n < 1e9) {
            return String.format(Locale.US, "%.1f million", n / 1e6);
        }
        return String.format(Locale.US, "%.1f billion", n / 1e9);
    }
}
