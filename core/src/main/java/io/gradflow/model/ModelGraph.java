package io.gradflow.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The intermediate model every reader produces and every analysis reads: nodes in topological
 * order, their edges, the network's inputs and outputs, and the shape of each node's output
 * where it is known.
 */
public final class ModelGraph {

    private final String source;
    private final Format format;
    private final String name;
    private final List<Node> nodes;
    private final Map<String, Node> byName;
    private final Map<String, Integer> positions;
    private final Map<String, List<String>> consumers;
    private final List<String> outputs;
    private final Map<String, TensorShape> shapes;
    private final Map<String, String> meta;
    private final List<Suppression> suppressions;
    private final List<String> assumptions;
    private final NumberFormat numbers;

    private ModelGraph(String source, Format format, String name, List<Node> nodes,
                       List<String> outputs, Map<String, TensorShape> shapes, Map<String, String> meta,
                       List<Suppression> suppressions, List<String> assumptions, @Nullable NumberFormat numbers) {
        this.numbers = numbers == null ? NumberFormat.DEFAULT : numbers;
        this.source = source;
        this.format = format;
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.outputs = List.copyOf(outputs);
        this.shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
        this.meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
        this.suppressions = List.copyOf(suppressions);
        this.assumptions = List.copyOf(assumptions);
        // sized for every node at once: a graph is rebuilt at each reader step, and growing three
        // maps of 100,000 entries by doubling was a third of building one (JFR samples)
        int room = this.nodes.size() * 4 / 3 + 1;
        Map<String, Node> index = new HashMap<>(room);
        Map<String, Integer> at = new HashMap<>(room);
        Map<String, List<String>> users = new HashMap<>(room);
        for (int i = 0; i < this.nodes.size(); i++) {
            Node n = this.nodes.get(i);
            index.put(n.name(), n);
            at.putIfAbsent(n.name(), i);
            users.putIfAbsent(n.name(), new ArrayList<>());
            for (String in : n.inputs()) {
                users.computeIfAbsent(in, k -> new ArrayList<>()).add(n.name());
            }
        }
        this.byName = index;
        this.positions = at;
        this.consumers = users;
    }

    /**
     * Builds a graph from nodes in any order, sorting them topologically (stable to the given
     * order). Outputs default to the nodes nobody consumes.
     *
     * @throws GraphException for duplicate names, dangling inputs or cycles
     */
    public static ModelGraph of(String source, Format format, String name, List<Node> nodes,
                                List<String> outputs, Map<String, TensorShape> shapes,
                                Map<String, String> meta) throws GraphException {
        Map<String, Node> index = index(nodes);
        List<Node> sorted = topologicalOrder(nodes, index);
        List<String> outs = outputs;
        if (outs == null || outs.isEmpty()) {
            outs = new ArrayList<>();
            Map<String, Integer> used = new HashMap<>();
            for (Node n : sorted) {
                for (String in : n.inputs()) {
                    used.merge(in, 1, Integer::sum);
                }
            }
            for (Node n : sorted) {
                if (!used.containsKey(n.name()) && n.kind() != LayerKind.INPUT) {
                    outs.add(n.name());
                }
            }
        } else {
            for (String o : outs) {
                if (!index.containsKey(o)) {
                    throw new GraphException("network output '" + o + "' is not a layer", SourcePos.NONE);
                }
            }
        }
        return new ModelGraph(source, format, name, sorted, outs, shapes == null ? Map.of() : shapes,
                meta == null ? Map.of() : meta, List.of(), List.of(), null);
    }

    /**
     * Checks what {@link #of} checks (unique names, every input a layer, no cycle) without
     * building the graph: readers call it before they walk their nodes themselves.
     */
    public static void checkWiring(List<Node> nodes) throws GraphException {
        topologicalOrder(nodes, index(nodes));
    }

    private static Map<String, Node> index(List<Node> nodes) throws GraphException {
        Map<String, Node> index = new LinkedHashMap<>();
        for (Node n : nodes) {
            if (index.put(n.name(), n) != null) {
                throw new GraphException("duplicate layer name '" + n.name() + "'", n.pos());
            }
        }
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                if (!index.containsKey(in)) {
                    throw new GraphException("layer '" + n.name() + "' takes input from '" + in
                            + "', which is not defined", n.pos());
                }
            }
        }
        return index;
    }

    private static List<Node> topologicalOrder(List<Node> nodes, Map<String, Node> index)
            throws GraphException {
        Map<String, Integer> pending = new HashMap<>();
        Map<String, List<Node>> users = new HashMap<>();
        for (Node n : nodes) {
            pending.put(n.name(), n.inputs().size());
            for (String in : n.inputs()) {
                users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            order.put(nodes.get(i).name(), i);
        }
        // a priority by file order keeps the result stable and close to what the user wrote
        PriorityQueue<Node> ready = new PriorityQueue<>(
                (a, b) -> Integer.compare(Objects.requireNonNull(order.get(a.name())),
                        Objects.requireNonNull(order.get(b.name()))));
        for (Node n : nodes) {
            if (n.inputs().isEmpty()) {
                ready.add(n);
            }
        }
        List<Node> out = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            out.add(n);
            for (Node u : users.getOrDefault(n.name(), List.of())) {
                // a node may take the same input twice (x + x): count every edge
                int left = pending.merge(u.name(), -1, Integer::sum);
                if (left == 0) {
                    ready.add(u);
                }
            }
        }
        if (out.size() != nodes.size()) {
            Node on = onCycle(nodes, index, pending);
            throw new GraphException("the graph has a cycle through layer '" + on.name() + "'"
                    + (on.inputs().contains(on.name()) ? " (it takes its own output as input)" : ""), on.pos());
        }
        return out;
    }

    /**
     * A node on a cycle, for the error: what the sort left over is the cycles and what lies after
     * them, so walking back along inputs that were left over ends on one.
     */
    private static Node onCycle(List<Node> nodes, Map<String, Node> index, Map<String, Integer> pending) {
        Node first = null;
        for (Node n : nodes) {
            if (pending.getOrDefault(n.name(), 0) > 0) {
                first = n;
                break;
            }
        }
        Node cur = Objects.requireNonNull(first, "the sort left a node over");
        Set<String> seen = new HashSet<>();
        while (seen.add(cur.name())) {
            Node back = null;
            for (String in : cur.inputs()) {
                if (pending.getOrDefault(in, 0) > 0) {
                    back = index.get(in);
                    break;
                }
            }
            if (back == null) {
                break;
            }
            cur = back;
        }
        return cur;
    }

    /** A copy with other nodes (same order constraints) and shapes; used by inference passes. */
    public ModelGraph with(List<Node> newNodes, Map<String, TensorShape> newShapes) {
        return new ModelGraph(source, format, name, newNodes, outputs, newShapes, meta, suppressions, assumptions,
                numbers);
    }

    /** A copy with the inline suppressions its file writes (DSL comments, DL4J "gradflow" members). */
    public ModelGraph withSuppressions(List<Suppression> written) {
        return new ModelGraph(source, format, name, nodes, outputs, shapes, meta, written, assumptions, numbers);
    }

    /** A copy that records something the ingest step assumed because the file does not say it. */
    public ModelGraph withAssumption(String note) {
        List<String> a = new ArrayList<>(assumptions);
        a.add(note);
        return new ModelGraph(source, format, name, nodes, outputs, shapes, meta, suppressions, a, numbers);
    }

    /** What the ingest step assumed (sizes the file does not give), in the order it assumed them. */
    /** The same graph computing in {@code f}. */
    public ModelGraph withNumberFormat(NumberFormat f) {
        return new ModelGraph(source, format, name, nodes, outputs, shapes, meta, suppressions, assumptions, f);
    }

    /** The number format the model trains in (float32 where the file does not say). */
    public NumberFormat numberFormat() {
        return numbers;
    }

    /** The format {@code n} computes in: its own where it says, else the model's. */
    public Precision precision(Node n) {
        return n.precision() != null ? n.precision() : numbers.compute();
    }

    public List<String> assumptions() {
        return assumptions;
    }

    /** The inline suppressions the file writes, in file order; empty for formats without them. */
    public List<Suppression> suppressions() {
        return suppressions;
    }

    /** The rules silenced per layer name (whole-model suppressions aside). */
    public Map<String, Set<String>> suppressedByLayer() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Suppression s : suppressions) {
            for (String layer : s.layers()) {
                out.computeIfAbsent(layer, k -> new LinkedHashSet<>()).addAll(s.rules());
            }
        }
        return out;
    }

    public String source() {
        return source;
    }

    public Format format() {
        return format;
    }

    public String name() {
        return name;
    }

    /** All nodes in topological order. */
    public List<Node> nodes() {
        return nodes;
    }

    public @Nullable Node node(@Nullable String nodeName) {
        return byName.get(nodeName);
    }

    /** The node's place in {@link #nodes()}, or -1: per-node lists that follow that order are read by it. */
    public int indexOf(String nodeName) {
        Integer i = positions.get(nodeName);
        return i == null ? -1 : i;
    }

    /** Names of the nodes that read this node's output. */
    public List<String> consumers(String nodeName) {
        return consumers.getOrDefault(nodeName, List.of());
    }

    public List<Node> inputs() {
        return nodes.stream().filter(n -> n.kind() == LayerKind.INPUT).toList();
    }

    public List<String> outputs() {
        return outputs;
    }

    /** Output shape of a node, UNKNOWN when the file does not allow it to be worked out. */
    public TensorShape shape(String nodeName) {
        return shapes.getOrDefault(nodeName, TensorShape.UNKNOWN);
    }

    public Map<String, TensorShape> shapes() {
        return shapes;
    }

    /** Facts about the file: framework version, backend, format generation. */
    public Map<String, String> meta() {
        return meta;
    }

    /** Number of layers as users count them: every node but the inputs. */
    public int layerCount() {
        return (int) nodes.stream().filter(n -> n.kind() != LayerKind.INPUT).count();
    }

    /** Nodes reachable backwards from {@code from}, nearest first. */
    public List<Node> ancestors(String from) {
        List<Node> out = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>(Objects.requireNonNull(node(from), "a layer of this graph").inputs());
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String s = todo.poll();
            if (seen.add(s)) {
                Node n = Objects.requireNonNull(node(s), "an input is a layer of the graph");
                out.add(n);
                todo.addAll(n.inputs());
            }
        }
        return out;
    }
}
