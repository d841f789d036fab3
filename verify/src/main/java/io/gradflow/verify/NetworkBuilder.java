package io.gradflow.verify;

import io.gradflow.convert.ConvertException;
import io.gradflow.convert.Dl4jJsonWriter;
import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.ReadException;
import io.gradflow.ingest.ZipContainer;
import io.gradflow.model.Format;
import io.gradflow.kinds.Dl4jParam;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Precision;
import io.gradflow.verify.dl4j.Dl4jSameDiffLayers;
import io.gradflow.verify.dl4j.GradientProbe;
import io.gradflow.verify.dl4j.StableActivations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.jspecify.annotations.Nullable;

/**
 * Builds the real Deeplearning4j network for a model. By default from gradflow's own finished graph,
 * whatever the reader ({@link #fromGraph}): the kinds' DL4J parts write the configuration, in DL4J's
 * native layouts, and every array is drawn as the file's framework draws it. With the file's
 * weights ({@code --weights file}), DL4J model zips through ModelSerializer and Keras HDF5 files
 * through KerasModelImport.
 */
public final class NetworkBuilder {

    /**
     * A built network, where its weights came from, and, for one built from the graph, how the
     * measurement finds each node in it.
     */
    public record Built(Object network, String weights, @Nullable Dl4jNet net, List<String> notes) {

        public Built {
            notes = notes == null ? List.of() : List.copyOf(notes);
        }

        public Built(Object network, String weights) {
            this(network, weights, null, List.of());
        }
    }

    private NetworkBuilder() {
    }

    /**
     * The network of {@code g} as gradflow builds it: a ComputationGraph from the kinds' DL4J parts,
     * a probe on every layer's backward pass, and every array drawn with {@code seed}.
     *
     * @throws VerifyException naming each layer DL4J cannot run and why
     */
    public static Built fromGraph(ModelGraph g, long seed, Progress progress) throws VerifyException {
        return fromGraph(g, seed, progress, Precision.FLOAT32);
    }

    /**
     * As {@link #fromGraph(ModelGraph, long, Progress)}, computing in {@code format}; the same seed
     * draws the same values in any format (drawn in double, then rounded).
     */
    public static Built fromGraph(ModelGraph g, long seed, Progress progress, Precision format)
            throws VerifyException {
        progress.phase("building the network");
        Dl4jJsonWriter.Build b;
        try {
            b = Dl4jJsonWriter.forVerify(g, format);
        } catch (ConvertException e) {
            throw new VerifyException(cannotRun(e.problems()));
        }
        ComputationGraph net;
        try {
            ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(b.json());
            StableActivations.install(conf);
            net = new ComputationGraph(conf);
            net.init();
        } catch (OutOfMemoryError e) {
            throw outOfMemory();
        } catch (RuntimeException e) {
            throw new VerifyException("Deeplearning4j could not build the network gradflow wrote for this model: "
                    + oneLine(e) + " (gradflow's mistake; please report it)", e);
        }
        Map<String, GradientProbe> probes = Probes.attach(net);
        ParamFill.fill(net.paramTable(), b.vertexOf(), b.params(), seed, progress);
        Map<String, List<String>> weightKeys = new LinkedHashMap<>();
        b.params().forEach((node, params) -> {
            List<String> keys = new ArrayList<>();
            params.stream().filter(p -> p.role() == Dl4jParam.Role.WEIGHTS).forEach(p -> keys.add(p.key()));
            weightKeys.put(node, keys);
        });
        return new Built(net, "drawn as the file's framework draws them (seed " + seed + ")",
                Dl4jNet.of(net, g, b.vertexOf(), weightKeys, probes), List.of());
    }

    /**
     * The network with the weights the file stores ({@code --weights file}): a DL4J model zip through
     * ModelSerializer, a Keras HDF5 file through KerasModelImport; a file that stores none is drawn
     * fresh, and the notes say so.
     */
    static Built withFileWeights(Path file, ModelGraph g, long seed, Progress progress) throws VerifyException {
        progress.phase("loading the file's weights");
        boolean stored = g.format() == Format.KERAS_H5 || g.format() == Format.DL4J_JSON && zipWithWeights(file);
        if (!stored) {
            Built fresh = fromGraph(g, seed, progress);
            return new Built(fresh.network(), fresh.weights(), fresh.net(), List.of("--weights file: the file stores "
                    + "no weights, so they were drawn fresh"));
        }
        return build(file, g, seed, false);
    }

    private static boolean zipWithWeights(Path file) {
        try {
            if (ModelLoader.sniff(file) != ModelLoader.Kind.ZIP) {
                return false;
            }
            try (ZipContainer z = ZipContainer.open(file)) {
                return z.has("coefficients.bin");
            }
        } catch (ReadException e) {
            return false;
        }
    }

    /** One line: the first layer that cannot run and why, then how many more there are and which. */
    static String cannotRun(List<ConvertException.Problem> problems) {
        String first = problems.get(0).message();
        if (problems.size() == 1) {
            return first + ": Deeplearning4j cannot run it";
        }
        List<String> others = new ArrayList<>();
        for (ConvertException.Problem p : problems.subList(1, problems.size())) {
            String m = p.message();
            others.add(m.substring(0, Math.max(m.indexOf(':'), 0)));
        }
        return first + ": Deeplearning4j cannot run it, nor " + (others.size() == 1 ? "" : others.size()
                + " more: ") + String.join(", ", others.subList(0, Math.min(others.size(), 4)))
                + (others.size() > 4 ? "..." : "");
    }

    static VerifyException outOfMemory() {
        return new VerifyException("the network does not fit in memory: raise the heap with "
                + "GRADFLOW_JAVA_OPTS=-Xmx8g (and -Dorg.bytedeco.javacpp.maxbytes=8G for ND4J's off-heap memory)");
    }

    public static Built build(Path file, ModelGraph graph, long seed, boolean reinitialise) throws VerifyException {
        try {
            return switch (graph.format()) {
                case DL4J_JSON -> dl4j(file, seed, reinitialise);
                case KERAS_H5, KERAS_JSON, KERAS_V3 -> KerasImport.build(file, graph, seed, reinitialise);
                case GRADFLOW_DSL -> DslBuild.build(file, graph, seed);
            };
        } catch (VerifyException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw outOfMemory();
        } catch (RuntimeException e) {
            throw new VerifyException("Deeplearning4j could not build this network: " + oneLine(e), e);
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    private static Built dl4j(Path file, long seed, boolean reinitialise) throws VerifyException {
        String json;
        boolean zip;
        try {
            zip = ModelLoader.sniff(file) == ModelLoader.Kind.ZIP;
            if (zip) {
                try (ZipContainer z = ZipContainer.open(file)) {
                    json = new String(z.read("configuration.json"), StandardCharsets.UTF_8);
                    zip = z.has("coefficients.bin");
                }
            } else {
                json = Files.readString(file, StandardCharsets.UTF_8);
            }
        } catch (ReadException | IOException e) {
            throw new VerifyException("cannot read the configuration: " + e.getMessage());
        }
        refuseBrokenSamplers(json);
        if (zip && !reinitialise) {
            try {
                Object net = json.contains("\"vertices\"")
                        ? org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(file.toFile(), false)
                        : org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
                if (Dl4jSameDiffLayers.present(json)) {
                    // DL4J's SameDiff attention doubles its gradient: the same configuration with
                    // the halved classes, holding the file's weights
                    Object halved = fromJson(json, seed);
                    INDArray params = net instanceof ComputationGraph g ? g.params() : ((MultiLayerNetwork) net).params();
                    if (halved instanceof ComputationGraph g) {
                        g.setParams(params);
                    } else {
                        ((MultiLayerNetwork) halved).setParams(params);
                    }
                    return new Built(halved, "from the file");
                }
                StableActivations.install(net);
                return new Built(net, "from the file");
            } catch (IOException e) {
                throw new VerifyException("cannot restore the model zip: " + e.getMessage());
            }
        }
        return new Built(fromJson(json, seed), "initialised (seed " + seed + ")");
    }

    /**
     * A freshly initialised network from DL4J configuration JSON (ComputationGraph when it has
     * vertices, else MultiLayer), every layer seeded with {@code seed}, with the activations whose
     * DL4J ops overflow in their stable forms ({@link StableActivations}).
     */
    public static Object fromJson(String json, long seed) {
        // DL4J's own SameDiff attention layers and vertex double the gradient: run verify's halved ones
        String halved = Dl4jSameDiffLayers.halved(json);
        return halved.contains("\"vertices\"") ? initialised(ComputationGraphConfiguration.fromJson(halved), seed)
                : initialised(MultiLayerConfiguration.fromJson(halved), seed);
    }

    /** A ComputationGraph initialised from {@code conf}, every layer seeded with {@code seed}. */
    static ComputationGraph initialised(ComputationGraphConfiguration conf, long seed) {
        conf.getDefaultConfiguration().setSeed(seed);
        conf.getVertices().values().forEach(v -> {
            if (v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv && lv.getLayerConf() != null) {
                lv.getLayerConf().setSeed(seed);
            }
        });
        StableActivations.install(conf);
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** A MultiLayerNetwork initialised from {@code conf}, every layer seeded with {@code seed}. */
    static MultiLayerNetwork initialised(MultiLayerConfiguration conf, long seed) {
        conf.getConfs().forEach(c -> c.setSeed(seed));
        StableActivations.install(conf);
        MultiLayerNetwork m = new MultiLayerNetwork(conf);
        m.init();
        return m;
    }

    /**
     * ND4J 1.0.0-M2.1's orthogonal sampler hangs or crashes the JVM (measured here): refuse
     * rather than take the user's process down.
     */
    static void refuseBrokenSamplers(String json) throws VerifyException {
        if (json.contains("OrthogonalDistribution") || json.contains("\"orthogonal\"")) {
            throw new VerifyException("the model uses an orthogonal weight distribution, whose ND4J 1.0.0-M2.1 "
                    + "sampler crashes; gradflow cannot initialise it for a training run (the static lint still "
                    + "covers it)");
        }
    }

    static boolean isKeras(Format f) {
        return f == Format.KERAS_H5 || f == Format.KERAS_JSON || f == Format.KERAS_V3;
    }
}
