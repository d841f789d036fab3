package io.gradflow.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Works out each node's output shape from the inputs' shapes and the layer geometry, and fills
 * input widths ({@code nIn}) the file left out. Spatial sizes that only a later layer states (a
 * DL4J CnnToFeedForward preprocessor) are carried back through convolutions and pooling.
 */
public final class ShapeInference {

    private ShapeInference() {
    }

    public static ModelGraph infer(ModelGraph g) {
        Map<String, TensorShape> shapes = forward(g, Map.of());
        Map<String, TensorShape> back = backward(g, shapes);
        if (!back.isEmpty()) {
            shapes = forward(g, back);
        }
        List<Node> nodes = new ArrayList<>(g.nodes().size());
        for (Node n : g.nodes()) {
            nodes.add(fillWidths(n, inputShape(g, n, shapes), lastAxisDense(g)));
        }
        return g.with(nodes, shapes);
    }

    /** The shape arriving at a node: what the file declares, else its first producer's output. */
    public static TensorShape inputShape(ModelGraph g, Node n, Map<String, TensorShape> shapes) {
        if (n.inputShape() != null && n.inputShape().known()) {
            return n.inputShape();
        }
        if (n.inputs().isEmpty()) {
            return n.outputShape() != null ? n.outputShape() : TensorShape.UNKNOWN;
        }
        return shapes.getOrDefault(n.inputs().get(0), TensorShape.UNKNOWN);
    }

    private static Map<String, TensorShape> forward(ModelGraph g, Map<String, TensorShape> known) {
        Map<String, TensorShape> shapes = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            TensorShape pinned = known.get(n.name());
            if (n.kind() == LayerKind.INPUT) {
                TensorShape s = n.outputShape() != null ? n.outputShape()
                        : n.nOut() > 0 ? TensorShape.ff(n.nOut()) : TensorShape.UNKNOWN;
                shapes.put(n.name(), pinned != null ? merge(s, pinned) : s);
                continue;
            }
            TensorShape in = inputShape(g, n, shapes);
            List<TensorShape> all = new ArrayList<>();
            for (String i : n.inputs()) {
                all.add(shapes.getOrDefault(i, TensorShape.UNKNOWN));
            }
            TensorShape out = output(n, in, all, lastAxisDense(g));
            shapes.put(n.name(), pinned != null ? merge(out, pinned) : out);
        }
        return shapes;
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
        return new TensorShape(a.kind(), a.size() > 0 ? a.size() : b.size(), sp,
                a.time() > 0 ? a.time() : b.time());
    }

    /** Keras applies Dense to the last axis of a multi-dimensional input; DL4J flattens it first. */
    private static boolean lastAxisDense(ModelGraph g) {
        return g.format() == Format.KERAS_H5 || g.format() == Format.KERAS_JSON || g.format() == Format.KERAS_V3;
    }

    static TensorShape output(Node n, TensorShape in, List<TensorShape> all, boolean lastAxisDense) {
        if (n.outputShape() != null && n.outputShape().known()) {
            return n.outputShape();
        }
        long out = n.nOut();
        return switch (n.kind()) {
            case INPUT -> in;
            case DENSE, OUTPUT -> dense(n, in, out, lastAxisDense);
            case EMBEDDING -> in.kind() == TensorShape.Kind.RNN || "EmbeddingSequenceLayer".equals(n.type())
                    ? TensorShape.rnn(out, in.kind() == TensorShape.Kind.RNN ? in.time() : n.timeSteps())
                    : n.timeSteps() > 0 ? TensorShape.rnn(out, n.timeSteps()) : TensorShape.ff(out);
            case CONV, DECONV, DEPTHWISE_CONV, SEPARABLE_CONV, LOCALLY_CONNECTED, POOLING -> spatial(n, in);
            case GLOBAL_POOLING -> in.known() ? TensorShape.ff(in.size()) : TensorShape.UNKNOWN;
            case SIMPLE_RNN, LSTM, GRU, BIDIRECTIONAL -> {
                long t = in.kind() == TensorShape.Kind.RNN ? in.time() : n.timeSteps();
                yield n.returnSequences() ? TensorShape.rnn(out, t) : TensorShape.ff(out);
            }
            case CONCAT -> concat(all);
            case ELEMENTWISE, BATCH_NORM, LAYER_NORM, LOCAL_RESPONSE_NORM, ACTIVATION, DROPOUT, SCALE, LOSS ->
                    in;
            case ATTENTION -> in.kind() == TensorShape.Kind.RNN && out > 0 ? TensorShape.rnn(out, in.time()) : in;
            case SHAPE -> reshape(n, in);
            case OPAQUE -> TensorShape.UNKNOWN;
        };
    }

    private static TensorShape dense(Node n, TensorShape in, long out, boolean lastAxis) {
        return switch (in.kind()) {
            case RNN -> TensorShape.rnn(out, in.time());
            case CNN -> lastAxis || n.nIn() > 0 && n.nIn() == in.size() && in.volume() != in.size()
                    ? TensorShape.cnn(out, in.spatial()) : TensorShape.ff(out);
            default -> out > 0 ? TensorShape.ff(out) : TensorShape.UNKNOWN;
        };
    }

    private static TensorShape concat(List<TensorShape> all) {
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

    private static TensorShape spatial(Node n, TensorShape in) {
        long channels = switch (n.kind()) {
            case POOLING -> in.size();
            case DEPTHWISE_CONV -> n.nOut() > 0 ? n.nOut() : in.size() > 0 ? in.size() * n.depthMultiplier() : -1;
            default -> n.nOut();
        };
        if (!in.known()) {
            return n.dims() == 1 ? TensorShape.rnn(channels, -1) : TensorShape.cnn(channels, unknown(n.dims()));
        }
        long[] src = in.kind() == TensorShape.Kind.CNN ? in.spatial()
                : in.kind() == TensorShape.Kind.RNN ? new long[] {in.time()} : unknown(n.dims());
        long[] dst = new long[src.length];
        for (int i = 0; i < src.length; i++) {
            dst[i] = convOut(n, i, src[i]);
        }
        if (in.kind() == TensorShape.Kind.RNN) {
            return TensorShape.rnn(channels, dst[0]);
        }
        return TensorShape.cnn(channels, dst);
    }

    private static long[] unknown(int dims) {
        long[] s = new long[Math.max(dims, 1)];
        java.util.Arrays.fill(s, -1);
        return s;
    }

    private static int at(int[] a, int i, int dflt) {
        if (a.length == 0) {
            return dflt;
        }
        return i < a.length ? a[i] : a[a.length - 1];
    }

    private static boolean same(Node n) {
        String m = n.convMode();
        return m != null && (m.equalsIgnoreCase("same") || m.equalsIgnoreCase("causal"));
    }

    /** Output size along one spatial dimension, -1 if unknown. */
    static long convOut(Node n, int i, long in) {
        if (in < 0) {
            return -1;
        }
        int k = at(n.kernel(), i, 1);
        int s = Math.max(at(n.stride(), i, 1), 1);
        int d = Math.max(at(n.dilation(), i, 1), 1);
        int p = at(n.padding(), i, 0);
        if (n.kind() == LayerKind.DECONV) {
            return same(n) ? in * s : (in - 1) * s + (long) d * (k - 1) + 1 - 2L * p;
        }
        if (same(n)) {
            return (in + s - 1) / s;
        }
        long eff = (long) d * (k - 1) + 1;
        long out = (in + 2L * p - eff) / s + 1;
        return Math.max(out, 0);
    }

    /** Input size that gives {@code out} along one dimension (the inverse of convOut), -1 if unknown. */
    static long convIn(Node n, int i, long out) {
        if (out < 0) {
            return -1;
        }
        int k = at(n.kernel(), i, 1);
        int s = Math.max(at(n.stride(), i, 1), 1);
        int d = Math.max(at(n.dilation(), i, 1), 1);
        int p = at(n.padding(), i, 0);
        if (n.kind() == LayerKind.DECONV) {
            return same(n) ? out / s : (out - 1 - (long) d * (k - 1) + 2L * p) / s + 1;
        }
        if (same(n)) {
            return out * s;
        }
        return (out - 1) * s + (long) d * (k - 1) + 1 - 2L * p;
    }

    private static TensorShape reshape(Node n, TensorShape in) {
        String t = n.type().toLowerCase(java.util.Locale.ROOT);
        if (!in.known()) {
            return TensorShape.UNKNOWN;
        }
        if (t.contains("flatten")) {
            return in.volume() > 0 ? TensorShape.ff(in.volume()) : TensorShape.ff(-1);
        }
        if (t.contains("lasttimestep") || t.contains("globalpool")) {
            return TensorShape.ff(in.size());
        }
        if (t.contains("repeatvector")) {
            return TensorShape.rnn(in.size(), n.timeSteps());
        }
        if (in.kind() == TensorShape.Kind.CNN && (t.contains("padding") || t.contains("cropping")
                || t.contains("upsampling"))) {
            long[] sp = in.spatial();
            int[] pad = n.padding();
            int[] size = n.kernel();
            for (int i = 0; i < sp.length; i++) {
                if (sp[i] < 0) {
                    continue;
                }
                if (t.contains("upsampling")) {
                    sp[i] *= at(size, i, 2);
                } else {
                    long both = pad.length >= 2 * sp.length ? pad[2 * i] + pad[2 * i + 1] : 2L * at(pad, i, 0);
                    sp[i] += t.contains("cropping") ? -both : both;
                }
            }
            return TensorShape.cnn(in.size(), sp);
        }
        return in;
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
    private static TensorShape flattenedSquare(Node n, TensorShape in) {
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
    private static TensorShape invert(Node n, TensorShape out, TensorShape inNow) {
        if (inNow.kind() != TensorShape.Kind.CNN) {
            return null;
        }
        long[] sp = out.spatial();
        switch (n.kind()) {
            case CONV, DECONV, DEPTHWISE_CONV, SEPARABLE_CONV, LOCALLY_CONNECTED, POOLING -> {
                for (int i = 0; i < sp.length; i++) {
                    sp[i] = convIn(n, i, sp[i]);
                }
            }
            case BATCH_NORM, LAYER_NORM, LOCAL_RESPONSE_NORM, ACTIVATION, DROPOUT, SCALE, ELEMENTWISE, CONCAT -> { }
            case SHAPE -> {
                // padding, cropping and upsampling change sizes in a way that inverts
                String t = n.type().toLowerCase(java.util.Locale.ROOT);
                int[] pad = n.padding();
                for (int i = 0; i < sp.length; i++) {
                    if (sp[i] < 0) {
                        continue;
                    }
                    if (t.contains("upsampling")) {
                        sp[i] /= Math.max(at(n.kernel(), i, 2), 1);
                    } else if (t.contains("padding") || t.contains("cropping")) {
                        long both = pad.length >= 2 * sp.length ? pad[2 * i] + pad[2 * i + 1] : 2L * at(pad, i, 0);
                        sp[i] += t.contains("cropping") ? both : -both;
                    } else {
                        return null;
                    }
                }
            }
            default -> {
                return null;
            }
        }
        return TensorShape.cnn(inNow.size(), sp);
    }

    // ---------------------------------------------------------------- widths

    private static Node fillWidths(Node n, TensorShape in, boolean lastAxisDense) {
        if (n.nIn() > 0 || !in.known() || n.kind() == LayerKind.INPUT) {
            return n;
        }
        long nIn = switch (n.kind()) {
            case DENSE, OUTPUT -> in.kind() == TensorShape.Kind.CNN && !lastAxisDense ? in.volume() : in.size();
            default -> in.size();
        };
        if (nIn <= 0) {
            return n;
        }
        Node.Builder b = n.toBuilder().nIn(nIn);
        if (n.wrapped() != null && n.wrapped().nIn() < 0) {
            b.wrapped(n.wrapped().toBuilder().nIn(nIn).build());
        }
        return b.build();
    }
}
