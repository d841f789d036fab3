package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/** A concatenation of branches along the channel (feature) axis: each part keeps its own moments. */
public final class ConcatKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.CONCAT;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        if (all.isEmpty() || all.stream().anyMatch(s -> !s.known())) {
            return TensorShape.UNKNOWN;
        }
        long size = 0;
        for (TensorShape s : all) {
            if (s.size() < 0) {
                size = -1;
                break;
            }
            size += s.size();
        }
        TensorShape f = all.get(0);
        return new TensorShape(f.kind(), size, f.spatial(), f.time());
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return out.clone();
    }

    /** The moments of the concatenation: each input weighted by its width. */
    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        double total = 0;
        double mean = 0;
        double unit = 0;
        double within = 0;
        double pattern = 0;
        for (int i = 0; i < n.inputs().size(); i++) {
            Moments xi = f.input(n, i);
            double w = Math.max(f.shape(n.inputs().get(i)).size(), 1);
            total += w;
            mean += w * xi.mean();
            unit += w * (xi.su() + xi.mean() * xi.mean());
            within += w * xi.sx();
            pattern += w * xi.sp();
        }
        if (total == 0) {
            return LayerState.of(x, f.networkInput());
        }
        mean /= total;
        return LayerState.of(x, new Moments(mean, Math.max(unit / total - mean * mean, 0), within / total,
                pattern / total));
    }

    /** Each input's part of the gradient is its own: the same second moment to every input. */
    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        return Back.of(out);
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("concatenation keeps mean field");
    }

    /** The layout every input reaches DL4J in, reporting a merge of different ones. */
    static Dl4jLayout sameLayout(Node n, Dl4jContext c) {
        Dl4jLayout in = c.inLayout(n);
        for (String i : n.inputs()) {
            if (c.layout(i) != in) {
                c.problem("its inputs reach DL4J in different layouts ('" + n.inputs().get(0) + "' as " + in + ", '"
                        + i + "' as " + c.layout(i) + "); DL4J's vertices cannot merge them");
                break;
            }
        }
        return in;
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("MergeVertex");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                Dl4jLayout in = sameLayout(n, c);
                long sum = 0;
                for (String i : n.inputs()) {
                    sum += c.shape(i).size();
                }
                if (c.verify() && c.shape(n.name()).size() != sum) {
                    c.problem("it joins its inputs along an axis other than the features or channels, which DL4J's "
                            + "MergeVertex does not");
                }
                return new Dl4jConfig.Vertex(Dl4jJson.obj("@class", Dl4jContext.VERTICES + "MergeVertex",
                        "mergeAxis", 1, "modified", false), in);
            }
        };
    }
}
