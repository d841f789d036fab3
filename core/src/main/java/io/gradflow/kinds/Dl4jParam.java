package io.gradflow.kinds;

import io.gradflow.model.WeightInit;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One parameter array of a Deeplearning4j layer, as the verifier fills it instead of DL4J's own
 * initialisers: its key in the layer's parameter table, its shape there, and either the
 * initialiser (with the layer's fans) or constants. A drawn array is drawn in its framework's
 * layout ({@code source}: Keras's kernel axes, or DL4J's own) and then moved into DL4J's: the
 * blocks of the source's last axis reordered (an LSTM's gates), then the axes permuted. Only
 * orthogonal and identity draws see the difference; independent draws are the same either way.
 *
 * @param key         DL4J's parameter key ("W", "RW", "b", "gamma"...)
 * @param shape       the array's shape in DL4J
 * @param role        what the array is, for the measurement
 * @param init        the initialiser, or null for constants
 * @param fans        the fans the initialiser uses (null for constants)
 * @param source      the shape the framework draws the array in
 * @param permutation DL4J axis i is source axis permutation[i]
 * @param blocks      DL4J block j of the last axis is source block blocks[j] (empty: one block)
 * @param constants   for constants: one value, or one per block of the last axis (DL4J's order)
 */
public record Dl4jParam(String key, long[] shape, Role role, @Nullable WeightInit init, @Nullable Fans fans,
                        long[] source,
                        int[] permutation, int[] blocks, double[] constants) {

    /** What an array is: the weights the measurement reads, recurrent weights, a bias, or other state. */
    public enum Role { WEIGHTS, RECURRENT, BIAS, OTHER }

    public Dl4jParam {
        shape = shape.clone();
        source = source == null ? shape.clone() : source.clone();
        permutation = permutation == null ? identity(shape.length) : permutation.clone();
        blocks = blocks == null ? new int[0] : blocks.clone();
        constants = constants == null ? new double[0] : constants.clone();
    }

    /**
     * An array drawn by {@code init} in DL4J's own layout; a layer without an initialiser is drawn
     * with the one the mean field models it with ({@link MeanField#orDefault}).
     */
    public static Dl4jParam drawn(String key, Role role, @Nullable WeightInit init, Fans fans, long... shape) {
        return new Dl4jParam(key, shape, role, MeanField.orDefault(init), fans, shape, identity(shape.length),
                new int[0], new double[0]);
    }

    /** Constant values: one for the whole array, or one per equal block of its last axis. */
    public static Dl4jParam constant(String key, Role role, long[] shape, double... values) {
        return new Dl4jParam(key, shape, role, null, null, shape, identity(shape.length), new int[0], values);
    }

    /** The same array drawn in another layout: {@code source} axes, permuted into DL4J's. */
    public Dl4jParam from(long[] sourceShape, int... perm) {
        return new Dl4jParam(key, shape, role, init, fans, sourceShape, perm, blocks, constants);
    }

    /** The same array with the source's last-axis blocks reordered into DL4J's. */
    public Dl4jParam gates(int... order) {
        return new Dl4jParam(key, shape, role, init, fans, source, permutation, order, constants);
    }

    /** The same array under another key (a bidirectional layer's "f" and "b" copies). */
    public Dl4jParam prefixed(String prefix) {
        return new Dl4jParam(prefix + key, shape, role, init, fans, source, permutation, blocks, constants);
    }

    /** Whether the values are drawn (else constant). */
    public boolean drawn() {
        return init != null;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] source() {
        return source.clone();
    }

    @Override
    public int[] permutation() {
        return permutation.clone();
    }

    @Override
    public int[] blocks() {
        return blocks.clone();
    }

    @Override
    public double[] constants() {
        return constants.clone();
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dl4jParam p && p.key.equals(key) && Arrays.equals(p.shape, shape) && p.role == role;
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return key + Arrays.toString(shape) + (init == null ? "=" + Arrays.toString(constants) : "~" + init.label());
    }
}
