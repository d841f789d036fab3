package io.gradflow.kinds;

import io.gradflow.model.Node;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** How Deeplearning4j 1.0.0-M2.1 builds a kind: the class names it reads and the JSON it writes. */
public interface Dl4jPart {

    /** Simple names of the DL4J layer and vertex classes that are this kind, the one written first. */
    List<String> classes();

    /** The node's configuration; problems go to {@code c}. */
    Dl4jConfig write(Node n, Dl4jContext c);

    /**
     * A kind DL4J cannot build from gradflow's model: the classes DL4J files use for it (read, not
     * written) and why; a null reason says the layer's type cannot be written.
     */
    static Dl4jPart unsupported(@Nullable String why, String... classes) {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of(classes);
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                c.problem(why != null ? why : "a " + n.type() + " layer cannot be written as "
                        + Dl4jContext.TARGET + " JSON");
                return new Dl4jConfig.Unsupported();
            }
        };
    }
}
