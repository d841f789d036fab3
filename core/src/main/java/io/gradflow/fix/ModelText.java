package io.gradflow.fix;

import io.gradflow.model.Activation;
import io.gradflow.model.InitScheme;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A model's source text in one format and the edits each kind of fix makes to it. Every method
 * answers null where the file cannot be edited that way (a legacy layout, a wrapped layer, a
 * functional Keras graph for structural changes); the fix is then not offered.
 */
abstract class ModelText {

    /** Edits to a layer's initialiser; {@code gainOnly} when its class stays and only its scale changes. */
    record InitChange(List<Edit> edits, boolean gainOnly) { }

    /**
     * One layer of a run a structural fix changes: the weighted layer, the nonlinearity it feeds,
     * whether that layer applies it itself (for batch normalisation before it, the layer then
     * becomes linear, followed by the normalisation and an activation layer with the
     * nonlinearity), and whether a normalisation already follows it.
     */
    record Site(Node layer, Activation activation, boolean ownActivation, boolean normalized) { }

    /** Edits that give the layer the initialiser {@code scheme} (or the matching gain). */
    abstract @Nullable InitChange init(Node layer, InitScheme scheme);

    /** Edits that start the layer's bias at 0. */
    abstract @Nullable List<Edit> zeroBias(Node layer);

    /**
     * Edits that start the forget-gate bias of an LSTM (or of both LSTMs a bidirectional wrapper
     * holds) at 1; null where the file cannot say it.
     */
    abstract @Nullable List<Edit> forgetBias(Node layer);

    /** Edits that make the node (a layer or an activation layer) apply ReLU. */
    abstract @Nullable List<Edit> relu(Node applier);

    /**
     * Edits that put batch normalisation at each site, named so as not to clash with {@code taken}.
     * The graph tells who consumes each layer.
     */
    abstract @Nullable List<Edit> batchNorm(ModelGraph g, List<Site> sites, Set<String> taken);

    /**
     * Edits that make the model compute in float32 where it declares a 16-bit format (float16,
     * bfloat16 or a mixed policy of either); null where the file declares none or cannot say it.
     */
    @Nullable List<Edit> float32() {
        return null;
    }

    /** Whether a declared number format's name is a 16-bit one (HALF, float16, mixed_bfloat16...). */
    static boolean narrow(@Nullable String name) {
        return name != null && (name.contains("16") || name.equalsIgnoreCase("half"));
    }

    /**
     * Edits that wrap each layer that keeps its width in a residual block, y = x + F(x), with
     * batch normalisation inside F where none follows the layer (an unnormalised branch would add
     * its variance block after block); null where the format has no residual block to write.
     */
    @Nullable List<Edit> residual(ModelGraph g, List<Site> sites) {
        return null;
    }

    /** A name based on {@code base} that is not in {@code taken} (which then holds it). */
    static String fresh(String base, Set<String> taken) {
        String n = base;
        int i = 2;
        while (!taken.add(n)) {
            n = base + "_" + i++;
        }
        return n;
    }

    /**
     * A node's JSON pointer inside its text: a container's entry ("model_config#/config/layers/3")
     * is left off; a pointer of the file itself starts with '/' and may hold '#' in a name.
     */
    static String pointer(Node n) {
        String p = n.pos().pointer();
        int hash = p.indexOf('#');
        return !p.startsWith("/") && hash >= 0 ? p.substring(hash + 1) : p;
    }
}
