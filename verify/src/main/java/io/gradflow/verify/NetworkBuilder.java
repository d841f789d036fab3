package io.gradflow.verify;

import io.gradflow.ingest.ModelLoader;
import io.gradflow.ingest.ReadException;
import io.gradflow.ingest.ZipContainer;
import io.gradflow.model.Format;
import io.gradflow.model.ModelGraph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Builds the real Deeplearning4j network for a model file: DL4J JSON and model zips through
 * DL4J's own configuration classes, Keras files through KerasModelImport, DSL models through the
 * converter. Weights come from the file when it has them, else from the model's initialisers.
 */
public final class NetworkBuilder {

    /** A built network and where its weights came from. */
    public record Built(Object network, String weights) { }

    private NetworkBuilder() {
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
            throw new VerifyException("the network does not fit in memory: raise the heap with "
                    + "GRADFLOW_JAVA_OPTS=-Xmx8g (and -Dorg.bytedeco.javacpp.maxbytes=8G for ND4J's off-heap memory)");
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
                return new Built(net, "from the file");
            } catch (IOException e) {
                throw new VerifyException("cannot restore the model zip: " + e.getMessage());
            }
        }
        return new Built(fromJson(json, seed), "initialised (seed " + seed + ")");
    }

    /**
     * A freshly initialised network from DL4J configuration JSON (ComputationGraph when it has
     * vertices, else MultiLayer), every layer seeded with {@code seed}.
     */
    public static Object fromJson(String json, long seed) {
        return json.contains("\"vertices\"") ? initialised(ComputationGraphConfiguration.fromJson(json), seed)
                : initialised(MultiLayerConfiguration.fromJson(json), seed);
    }

    /** A ComputationGraph initialised from {@code conf}, every layer seeded with {@code seed}. */
    static ComputationGraph initialised(ComputationGraphConfiguration conf, long seed) {
        conf.getDefaultConfiguration().setSeed(seed);
        conf.getVertices().values().forEach(v -> {
            if (v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv && lv.getLayerConf() != null) {
                lv.getLayerConf().setSeed(seed);
            }
        });
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** A MultiLayerNetwork initialised from {@code conf}, every layer seeded with {@code seed}. */
    static MultiLayerNetwork initialised(MultiLayerConfiguration conf, long seed) {
        conf.getConfs().forEach(c -> c.setSeed(seed));
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
