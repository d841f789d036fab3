package io.gradflow.verify;

import io.gradflow.kinds.Dl4jParam;
import io.gradflow.kinds.Fans;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Fills a freshly built network's parameters the way the file's framework would: every array a
 * kind declares ({@link Dl4jParam}) drawn from the model's initialiser with gradflow's own sampler
 * ({@link io.gradflow.model.WeightInit#sample}), or set to its constants, then moved into DL4J's
 * layout. DL4J's own initialisers are never used (its orthogonal sampler crashes, and its names
 * mean other variances than Keras's). Deterministic for a seed: each array has its own stream.
 */
final class ParamFill {

    /** What was drawn: per node, its arrays' labels, for the report and the tests. */
    record Filled(Map<String, List<String>> arrays, long values) { }

    private ParamFill() {
    }

    /**
     * Sets every declared array of {@code table} (DL4J's parameter table, keys "vertex_key").
     *
     * @throws VerifyException when the network has an array no kind declared (it would keep a
     *                         placeholder) or a declared array does not fit the network's
     */
    static Filled fill(Map<String, INDArray> table, Map<String, String> vertexOf,
                       Map<String, List<Dl4jParam>> params, long seed, Progress progress) throws VerifyException {
        Map<String, List<String>> labels = new LinkedHashMap<>();
        List<String> filled = new ArrayList<>();
        long values = 0;
        int done = 0;
        for (Map.Entry<String, List<Dl4jParam>> e : params.entrySet()) {
            String vertex = vertexOf.getOrDefault(e.getKey(), e.getKey());
            progress.step("drawing the weights", ++done, params.size());
            for (Dl4jParam p : e.getValue()) {
                String key = vertex + "_" + p.key();
                INDArray target = table.get(key);
                if (target == null) {
                    throw new VerifyException("layer '" + e.getKey() + "': Deeplearning4j's network has no array '"
                            + p.key() + "' where gradflow draws one (gradflow's mistake; please report it)");
                }
                if (target.length() != count(p.shape())) {
                    throw new VerifyException("layer '" + e.getKey() + "': array '" + p.key() + "' holds "
                            + target.length() + " values in Deeplearning4j, gradflow draws " + count(p.shape())
                            + " (gradflow's mistake; please report it)");
                }
                INDArray v = values(p, new SplittableRandom(streamSeed(seed, key)));
                target.assign(v.reshape('c', target.shape()).castTo(target.dataType()));
                filled.add(key);
                values += target.length();
                labels.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(p.toString());
            }
        }
        for (String key : table.keySet()) {
            if (!filled.contains(key)) {
                throw new VerifyException("Deeplearning4j's network has an array '" + key + "' gradflow does not "
                        + "know how to initialise (gradflow's mistake; please report it)");
            }
        }
        return new Filled(labels, values);
    }

    /** The values of one array in DL4J's layout, row-major. */
    static INDArray values(Dl4jParam p, SplittableRandom r) {
        if (!p.drawn()) {
            double[] c = p.constants();
            long[] shape = p.shape();
            INDArray out = Nd4j.create(DataType.DOUBLE, shape, 'c');
            if (c.length <= 1) {
                return out.assign(c.length == 0 ? 0 : c[0]);
            }
            long block = shape[shape.length - 1] / c.length;
            INDArray flat = out.reshape('c', -1, shape[shape.length - 1]);
            for (int b = 0; b < c.length; b++) {
                flat.get(NDArrayIndex.all(), NDArrayIndex.interval(b * block, (b + 1) * block)).assign(c[b]);
            }
            return out;
        }
        Fans f = Objects.requireNonNull(p.fans(), "a drawn array has its fans");
        long[] source = p.source();
        double[] drawn = Objects.requireNonNull(p.init(), "drawn() said so")
                .sample(source, f.initIn(), f.initOut(), f.legacyShape(), r);
        INDArray a = Nd4j.create(drawn, source, 'c');
        int[] blocks = p.blocks();
        if (blocks.length > 1) {
            long last = source[source.length - 1];
            long size = last / blocks.length;
            INDArray flat = a.reshape('c', -1, last);
            INDArray re = Nd4j.create(DataType.DOUBLE, flat.shape(), 'c');
            for (int j = 0; j < blocks.length; j++) {
                re.get(NDArrayIndex.all(), NDArrayIndex.interval(j * size, (j + 1) * size))
                        .assign(flat.get(NDArrayIndex.all(), NDArrayIndex.interval(blocks[j] * size, (blocks[j] + 1) * size)));
            }
            a = re.reshape('c', source);
        }
        int[] perm = p.permutation();
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) {
            identity &= perm[i] == i;
        }
        return identity ? a : a.permute(perm).dup('c');
    }

    private static long count(long[] shape) {
        return Arrays.stream(shape).reduce(1, (x, y) -> x * y);
    }

    /** A seed per array: the run's seed mixed with the array's key (SplittableRandom's own mixing). */
    static long streamSeed(long seed, String key) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * key.hashCode())).nextLong();
    }
}
