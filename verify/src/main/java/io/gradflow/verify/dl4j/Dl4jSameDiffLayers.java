package io.gradflow.verify.dl4j;

import java.util.Map;

/**
 * Deeplearning4j's own layers and vertices defined in SameDiff, which in DL4J 1.0.0-M2.1 pass back
 * twice the true gradient ({@link HalvedSameDiffLayer}), and the classes verify runs in their
 * place: the same configuration fields, the halved runtime. A user's configuration names DL4J's
 * classes by their full name in its {@code "@class"} fields; verify rewrites those names before
 * DL4J reads the configuration, so that what it measures is the network the file describes.
 */
public final class Dl4jSameDiffLayers {

    private static final Map<String, String> HALVED = Map.of(
            "org.deeplearning4j.nn.conf.layers.SelfAttentionLayer", HalvedSelfAttentionLayer.class.getName(),
            "org.deeplearning4j.nn.conf.layers.LearnedSelfAttentionLayer",
            HalvedLearnedSelfAttentionLayer.class.getName(),
            "org.deeplearning4j.nn.conf.layers.RecurrentAttentionLayer", HalvedRecurrentAttentionLayer.class.getName(),
            "org.deeplearning4j.nn.conf.graph.AttentionVertex", HalvedAttentionVertex.class.getName());

    private Dl4jSameDiffLayers() {
    }

    /** Whether the configuration JSON names one of DL4J's doubling classes. */
    public static boolean present(String json) {
        for (String dl4j : HALVED.keySet()) {
            if (json.contains(quoted(dl4j))) {
                return true;
            }
        }
        return false;
    }

    /** The configuration JSON with each of DL4J's doubling classes replaced by verify's halved one. */
    public static String halved(String json) {
        String out = json;
        for (Map.Entry<String, String> e : HALVED.entrySet()) {
            out = out.replace(quoted(e.getKey()), quoted(e.getValue()));
        }
        return out;
    }

    private static String quoted(String className) {
        return "\"" + className + "\"";
    }
}
