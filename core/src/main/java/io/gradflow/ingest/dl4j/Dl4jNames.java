package io.gradflow.ingest.dl4j;

import io.gradflow.model.Activation;
import io.gradflow.model.Distribution;
import io.gradflow.model.Dl4jInit;
import io.gradflow.model.WeightInit;
import io.gradflow.model.activation.ActivationFunction;
import io.gradflow.model.activation.Activations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * DL4J's names for activations, initialisers and legacy layer types, across format generations:
 * the 0.5-0.7 enum strings, the 0.8-1.0.0-alpha wrapper objects and the @class format.
 */
final class Dl4jNames {

    private Dl4jNames() {
    }

    /** Wrapper-object type names of the legacy (before 1.0.0-beta) format, as DL4J's LegacyJsonFormat. */
    static final Map<String, String> LEGACY_LAYERS = Map.ofEntries(
            Map.entry("autoEncoder", "AutoEncoder"),
            Map.entry("convolution", "ConvolutionLayer"),
            Map.entry("convolution1d", "Convolution1DLayer"),
            Map.entry("gravesLSTM", "GravesLSTM"),
            Map.entry("LSTM", "LSTM"),
            Map.entry("gravesBidirectionalLSTM", "GravesBidirectionalLSTM"),
            Map.entry("output", "OutputLayer"),
            Map.entry("CenterLossOutputLayer", "CenterLossOutputLayer"),
            Map.entry("rnnoutput", "RnnOutputLayer"),
            Map.entry("loss", "LossLayer"),
            Map.entry("dense", "DenseLayer"),
            Map.entry("subsampling", "SubsamplingLayer"),
            Map.entry("subsampling1d", "Subsampling1DLayer"),
            Map.entry("batchNormalization", "BatchNormalization"),
            Map.entry("localResponseNormalization", "LocalResponseNormalization"),
            Map.entry("embedding", "EmbeddingLayer"),
            Map.entry("activation", "ActivationLayer"),
            Map.entry("VariationalAutoencoder", "VariationalAutoencoder"),
            Map.entry("dropout", "DropoutLayer"),
            Map.entry("GlobalPooling", "GlobalPoolingLayer"),
            Map.entry("zeroPadding", "ZeroPaddingLayer"),
            Map.entry("zeroPadding1d", "ZeroPadding1DLayer"),
            Map.entry("FrozenLayer", "FrozenLayer"),
            Map.entry("Upsampling2D", "Upsampling2D"),
            Map.entry("Yolo2OutputLayer", "Yolo2OutputLayer"),
            Map.entry("RnnLossLayer", "RnnLossLayer"),
            Map.entry("CnnLossLayer", "CnnLossLayer"),
            Map.entry("Bidirectional", "Bidirectional"),
            Map.entry("SimpleRnn", "SimpleRnn"),
            Map.entry("ElementWiseMult", "ElementWiseMultiplicationLayer"),
            Map.entry("MaskLayer", "MaskLayer"),
            Map.entry("MaskZeroLayer", "MaskZeroLayer"),
            Map.entry("Cropping1D", "Cropping1D"),
            Map.entry("Cropping2D", "Cropping2D"),
            Map.entry("RBM", "RBM"));

    /** The last segment of a dotted class name. */
    static String simpleName(String className) {
        int dot = className.lastIndexOf('.');
        int dollar = className.lastIndexOf('$');
        return className.substring(Math.max(dot, dollar) + 1);
    }

    /** ReLU with DL4J's optional cap, threshold and negative slope. */
    static Activation relu(double max, double threshold, double negativeSlope) {
        if (!Double.isNaN(negativeSlope) && negativeSlope != 0) {
            return Activation.of(Activations.LEAKYRELU, negativeSlope);
        }
        if (!Double.isNaN(max) && max > 0) {
            return Activation.of(Activations.RELU6, max);
        }
        if (!Double.isNaN(threshold) && threshold != 0) {
            return Activation.of(Activations.THRESHOLDEDRELU, threshold);
        }
        return Activation.RELU;
    }

    /**
     * An activation from an ND4J activation object: its class simple name and its fields (the
     * fields each function writes, read back with the same names and DL4J's defaults).
     */
    static Activation activation(String cls, ToDoubleBiFunction<String, Double> field,
                                 boolean precise) {
        ActivationFunction fn = Activations.byDl4jName(cls).orElse(null);
        if (fn == null) {
            return Activation.unknown(cls);
        }
        if (fn == Activations.RELU) {
            return relu(field.applyAsDouble("max", Double.NaN), field.applyAsDouble("threshold", Double.NaN),
                    field.applyAsDouble("negativeSlope", Double.NaN));
        }
        if (fn == Activations.GELU) {
            // precise: the tanh form, within 1e-3 of the exact x Phi(x)
            return precise ? Activation.of(fn, Double.NaN) : Activation.of(fn);
        }
        List<String> keys = new ArrayList<>(fn.dl4jFields(fn.defaultAlpha(), fn.defaultBeta()).keySet());
        double alpha = keys.isEmpty() ? fn.defaultAlpha() : field.applyAsDouble(keys.get(0), fn.defaultAlpha());
        double beta = keys.size() < 2 ? fn.defaultBeta() : field.applyAsDouble(keys.get(1), fn.defaultBeta());
        return new Activation(fn, alpha, beta, null);
    }

    /** An activation from a DL4J name (an enum string, a legacy key); unknown names stay as they are. */
    static Activation activation(String name) {
        return Activations.byDl4jName(name).map(Activation::of).orElseGet(() -> Activation.unknown(name));
    }

    /**
     * A {@code WeightInit} enum name (legacy "weightInit" strings) or an IWeightInit class simple
     * name, with DL4J 1.0.0-M2.1's formulas ({@link Dl4jInit}).
     *
     * @param scale the VarScaling classes' optional scale, NaN when absent
     * @return the initialiser, or null for DISTRIBUTION (the caller reads the distribution)
     */
    static @Nullable WeightInit weightInit(String raw, double scale) {
        Dl4jInit i = Dl4jInit.byName(raw);
        return i == null ? WeightInit.unknown(raw) : i.weightInit(scale);
    }

    /** A distribution from its class simple name or legacy wrapper key and its fields. */
    static @Nullable Distribution distribution(String raw, ToDoubleFunction<String> field) {
        String n = raw.toLowerCase(Locale.ROOT).replace("distribution", "");
        return switch (n) {
            case "normal", "gaussian" -> Distribution.normal(field.applyAsDouble("mean"), field.applyAsDouble("std"));
            case "truncatednormal" -> new Distribution(Distribution.Kind.TRUNCATED_NORMAL,
                    field.applyAsDouble("mean"), field.applyAsDouble("std"));
            case "uniform" -> Distribution.uniform(field.applyAsDouble("lower"), field.applyAsDouble("upper"));
            case "lognormal" -> new Distribution(Distribution.Kind.LOG_NORMAL,
                    field.applyAsDouble("mean"), field.applyAsDouble("std"));
            case "constant" -> new Distribution(Distribution.Kind.CONSTANT, field.applyAsDouble("value"), 0);
            case "binomial" -> new Distribution(Distribution.Kind.BINOMIAL,
                    field.applyAsDouble("numberOfTrials"), field.applyAsDouble("probabilityOfSuccess"));
            case "orthogonal" -> new Distribution(Distribution.Kind.ORTHOGONAL, field.applyAsDouble("gain"), 0);
            default -> null;
        };
    }
}
