package io.gradflow.kinds;

import io.gradflow.model.Node;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A kind's part in the finite-width simulation: one batch forward and back through real arrays
 * at the model's widths. Kinds the simulation does not cover say why ({@link #unsupported}).
 */
public interface Simulation {

    /** Why this node cannot be simulated, or null when it can. */
    @Nullable String refuse(Node n, SimGraph g);

    /** Multiply-adds one batch costs this node (for the simulation's budget). */
    default long work(Node n, SimGraph g, int batch) {
        return 0;
    }

    /** The node's weights for one drawn network ([in][out], row-major), or null when it has none. */
    default double @Nullable [] draw(Node n, SimGraph g, SplittableRandom r) {
        return null;
    }

    /** True for the node where the loss gradient starts (it computes its own, whatever arrives). */
    default boolean lossSource() {
        return false;
    }

    /** The node's output for one batch ([batch][width], row-major). */
    double[] forward(Node n, SimPass p);

    /** Sends {@code gy}, the loss gradient at the node's output, to its inputs and records what it measures. */
    void backward(Node n, double[] gy, SimPass p);

    /** A kind the simulation does not cover, and why. */
    static Simulation unsupported(String why) {
        return new Simulation() {
            @Override
            public String refuse(Node n, SimGraph g) {
                return why;
            }

            @Override
            public double[] forward(Node n, SimPass p) {
                throw new IllegalStateException("not simulated: " + why);
            }

            @Override
            public void backward(Node n, double[] gy, SimPass p) {
                throw new IllegalStateException("not simulated: " + why);
            }
        };
    }
}
