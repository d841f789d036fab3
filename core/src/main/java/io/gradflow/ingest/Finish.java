package io.gradflow.ingest;

import io.gradflow.kinds.Kind;
import io.gradflow.kinds.Kinds;
import io.gradflow.model.Interrupts;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The step every reader's graph goes through before anything reads it: each node's output shape
 * from its kind's shape rule, spatial sizes carried back from a later layer that states them
 * (a DL4J CnnToFeedForward preprocessor, a flatten into a dense layer of known width), the
 * widths a file leaves to the shapes, and the sizes gradflow assumes where the file gives none.
 * After it, nothing asks which format a model came from.
 */
public final class Finish {

    /** The spatial size assumed per dimension of an input whose size the file does not give. */
    public static final int ASSUMED_SPATIAL = 32;

    private Finish() {
    }

    /** Shapes and widths, then assumed sizes for inputs of unknown spatial size. */
    public static ModelGraph finish(ModelGraph g) throws ReadException {
        return withAssumedSizes(shapes(g), ASSUMED_SPATIAL);
    }

    /** Shapes and the widths that follow from them; no assumptions (the DSL checks these). */
    public static ModelGraph shapes(ModelGraph g) throws ReadException {
        Map<String, TensorShape> shapes = forward(g, Map.of());
        Map<String, TensorShape> back = backward(g, shapes);
        if (!back.isEmpty()) {
            shapes = forward(g, back);
        }
        List<Node> nodes = new ArrayList<>(g.nodes().size());
        for (Node n : g.nodes()) {
            nodes.add(fillWidths(n, inputShape(n, shapes), shapes.getOrDefault(n.name(), TensorShape.UNKNOWN)));
        }
        return g.with(nodes, shapes);
    }

    /**
     * Gives inputs of unknown spatial size the assumed one, so positions are counted, and says so
     * in the graph's assumptions.
     */
    public static ModelGraph withAssumedSizes(ModelGraph g, int spatial) throws ReadException {
        boolean changed = false;
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            TensorShape s = g.shape(n.name());
            if (n.kind() == LayerKind.INPUT && s.kind() == TensorShape.Kind.CNN) {
                long[] sp = s.spatial();
                boolean any = false;
                for (int i = 0; i < sp.length; i++) {
                    if (sp[i] < 0) {
                        sp[i] = spatial;
                        any = true;
                    }
                }
                if (any) {
                    n = n.toBuilder().outputShape(TensorShape.cnn(s.size(), sp)).inputShape(null).build();
                    changed = true;
                }
            }
            nodes.add(n);
        }
        if (!changed) {
            return g;
        }
        return shapes(g.with(nodes, Map.of())).withAssumption("the file does not give the input's spatial size: "
                + "assumed " + spatial + " per dimension");
    }

    /** The shape arriving at a node: what the file declares, else its first producer's output. */
    static TensorShape inputShape(Node n, Map<String, TensorShape> shapes) {
        if (n.inputShape() != null && n.inputShape().known()) {
            return n.inputShape();
        }
        if (n.inputs().isEmpty()) {
            return n.outputShape() != null ? n.outputShape() : TensorShape.UNKNOWN;
        }
        return shapes.getOrDefault(n.inputs().get(0), TensorShape.UNKNOWN);
    }

    private static Map<String, TensorShape> forward(ModelGraph g, Map<String, TensorShape> known)
            throws ReadException {
        Map<String, TensorShape> shapes = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            Interrupts.check();
            TensorShape pinned = known.get(n.name());
            Kind kind = Kinds.of(n.kind());
            TensorShape out;
            if (n.kind() == LayerKind.INPUT) {
                out = kind.outputShape(n, TensorShape.UNKNOWN, List.of());
            } else if (n.outputShape() != null && n.outputShape().known()) {
                out = n.outputShape();
            } else {
                List<TensorShape> all = new ArrayList<>();
                for (String i : n.inputs()) {
                    all.add(shapes.getOrDefault(i, TensorShape.UNKNOWN));
                }
                out = kind.outputShape(n, inputShape(n, shapes), all);
            }
            TensorShape s = pinned != null ? merge(out, pinned) : out;
            withinLimits(n, s);
            shapes.put(n.name(), s);
        }
        return shapes;
    }

    /**
     * A shape the file gives or that follows from it must stay within {@link Limits}: past them
     * the arithmetic of the layers after it would overflow, and no real network is there.
     */
    private static void withinLimits(Node n, TensorShape s) throws ReadException {
        if (!s.known()) {
            return;
        }
        String what = null;
        if (s.size() > Limits.MAX_WIDTH) {
            what = Limits.count(s.size()) + " channels or features, over the limit of " + Limits.count(Limits.MAX_WIDTH);
        }
        double volume = Math.max(s.size(), 1);
        for (long x : s.spatial()) {
            if (x > Limits.MAX_SIZE) {
                what = "a spatial size of " + Limits.count(x) + ", over the limit of " + Limits.count(Limits.MAX_SIZE);
            }
            volume *= Math.max(x, 1);
        }
        if (s.time() > Limits.MAX_SIZE) {
            what = Limits.count(s.time()) + " time steps, over the limit of " + Limits.count(Limits.MAX_SIZE);
        }
        volume *= Math.max(s.time(), 1);
        if (what == null && volume > Limits.MAX_VOLUME) {
            what = String.format(Locale.US, "%.3g values per example, over the limit of %s", volume,
                    Limits.count(Limits.MAX_VOLUME));
        }
        if (what != null) {
            throw new ReadException("layer '" + n.name() + "': its output " + s + " has " + what, n.pos());
        }
    }

    /** Prefer the sizes {@code a} knows, take the rest from {@code b}. */
    private static TensorShape merge(TensorShape a, TensorShape b) {
        if (!a.known()) {
            return b;
        }
        if (a.kind() != b.kind() || a.dims() != b.dims()) {
            return a;
        }
        long[] sp = a.spatial();
        for (int i = 0; i < sp.length; i++) {
            if (sp[i] < 0) {
                sp[i] = b.spatialAt(i);
            }
        }
        return new TensorShape(a.kind(), a.size() > 0 ? a.size() : b.size(), sp, a.time() > 0 ? a.time() : b.time());
    }

    // ---------------------------------------------------------------- backward spatial fill

    private static Map<String, TensorShape> backward(ModelGraph g, Map<String, TensorShape> shapes) {
        Map<String, TensorShape> pinned = new HashMap<>();
        List<Node> nodes = g.nodes();
        for (int idx = nodes.size() - 1; idx >= 0; idx--) {
            Node n = nodes.get(idx);
            // what the node receives, as declared by its preprocessor or carried back from later
            TensorShape declared = n.inputShape();
            if (declared == null && n.inputs().size() == 1) {
                declared = flattenedSquare(n, shapes.getOrDefault(n.inputs().get(0), TensorShape.UNKNOWN));
            }
            if (declared == null || declared.kind() != TensorShape.Kind.CNN || n.inputs().isEmpty()) {
                TensorShape outKnown = pinned.get(n.name());
                if (outKnown == null || n.inputs().isEmpty()) {
                    continue;
                }
                declared = invert(n, outKnown, shapes.getOrDefault(n.inputs().get(0), TensorShape.UNKNOWN));
                if (declared == null) {
                    continue;
                }
            }
            // a merge's inputs all have its spatial size
            List<String> producers = n.kind() == LayerKind.ELEMENTWISE || n.kind() == LayerKind.CONCAT
                    ? n.inputs() : List.of(n.inputs().get(0));
            for (String producer : producers) {
                TensorShape have = shapes.getOrDefault(producer, TensorShape.UNKNOWN);
                if (have.kind() == TensorShape.Kind.CNN && hasUnknownSpatial(have)
                        && declared.dims() == have.dims() && !pinned.containsKey(producer)) {
                    pinned.put(producer, merge(have, TensorShape.cnn(have.size(), declared.spatial())));
                }
            }
        }
        return pinned;
    }

    /**
     * A dense layer that flattens a 2-D feature map of unknown size: its nIn is channels x h x w;
     * when that is a square, take it (the usual case, and what DL4J's own examples do).
     */
    private static @Nullable TensorShape flattenedSquare(Node n, TensorShape in) {
        if ((n.kind() != LayerKind.DENSE && n.kind() != LayerKind.OUTPUT) || n.nIn() <= 0
                || in.kind() != TensorShape.Kind.CNN || in.dims() != 2 || in.size() <= 0
                || !hasUnknownSpatial(in) || n.nIn() % in.size() != 0) {
            return null;
        }
        long area = n.nIn() / in.size();
        long side = Math.round(Math.sqrt(area));
        return side * side == area && side > 0 ? TensorShape.cnn(in.size(), side, side) : null;
    }

    private static boolean hasUnknownSpatial(TensorShape s) {
        for (long v : s.spatial()) {
            if (v < 0) {
                return true;
            }
        }
        return false;
    }

    /** The input shape a node must have had to produce {@code out}, or null if not invertible. */
    private static @Nullable TensorShape invert(Node n, TensorShape out, TensorShape inNow) {
        if (inNow.kind() != TensorShape.Kind.CNN) {
            return null;
        }
        long[] sp = Kinds.of(n.kind()).inputSpatial(n, out.spatial());
        return sp == null ? null : TensorShape.cnn(inNow.size(), sp);
    }

    // ---------------------------------------------------------------- widths

    private static Node fillWidths(Node n, TensorShape in, TensorShape out) {
        if (n.kind() == LayerKind.INPUT) {
            return n;
        }
        Kind kind = Kinds.of(n.kind());
        Node.Builder b = null;
        if (n.nIn() <= 0 && in.known()) {
            long nIn = kind.inputWidth(n, in);
            if (nIn > 0) {
                b = n.toBuilder().nIn(nIn);
                if (n.wrapped() != null && n.wrapped().nIn() < 0) {
                    b.wrapped(n.wrapped().toBuilder().nIn(nIn).build());
                }
            }
        }
        long nOut = kind.outputWidth(n, in, out);
        if (nOut != n.nOut()) {
            b = (b == null ? n.toBuilder() : b).nOut(nOut);
        }
        return b == null ? n : b.build();
    }
}
