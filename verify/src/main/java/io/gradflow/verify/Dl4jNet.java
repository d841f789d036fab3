package io.gradflow.verify;

import io.gradflow.convert.Dl4jJsonWriter;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.verify.dl4j.GradientProbe;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Deeplearning4j network (MultiLayerNetwork or ComputationGraph) seen through gradflow's node
 * names, so both kinds are measured the same way.
 */
public abstract class Dl4jNet {

    /** Parameter keys that hold weights (not biases, not normalisation statistics). */
    private static final List<String> WEIGHT_KEYS = List.of("W", "pW", "fW", "bW");

    final ModelGraph graph;
    /** Per node, the DL4J vertex holding its output, where it is not the node's own name. */
    Map<String, String> vertexOf = Map.of();
    /** Per node, the keys of its weight arrays, where they are not DL4J's usual ones. */
    Map<String, List<String>> weightKeys = Map.of();
    /** Per DL4J vertex, the probe on its activation's backward pass. */
    Map<String, GradientProbe> probes = Map.of();

    Dl4jNet(ModelGraph graph) {
        this.graph = graph;
    }

    public static Dl4jNet of(Object net, ModelGraph graph) {
        if (net instanceof MultiLayerNetwork m) {
            return new Multi(m, graph);
        }
        return new Graph((ComputationGraph) net, graph);
    }

    /**
     * A network gradflow built from the graph: where each node's output is, which arrays are its
     * weights, and the probes on the layers' backward passes.
     */
    static Dl4jNet of(ComputationGraph net, ModelGraph graph, Map<String, String> vertexOf,
                      Map<String, List<String>> weightKeys, Map<String, GradientProbe> probes) {
        Graph g = new Graph(net, graph);
        g.vertexOf = Map.copyOf(vertexOf);
        g.weightKeys = Map.copyOf(weightKeys);
        g.probes = Map.copyOf(probes);
        return g;
    }

    /** The DL4J vertex whose output is the node's. */
    String vertex(String node) {
        return vertexOf.getOrDefault(node, node);
    }

    /** The probe on the node's backward pass, or null. */
    @Nullable GradientProbe probe(String node) {
        return probes.get(vertex(node));
    }

    /** The probe in front of a recurrent node's input, or null. */
    @Nullable GradientProbe timeProbe(String node) {
        return probes.get(node + Dl4jJsonWriter.TIME_PROBE);
    }

    /** Forgets what the probes saw. */
    void resetProbes() {
        probes.values().forEach(GradientProbe::reset);
    }

    /** Turns the probes on (measurements) or off (training, where they would only cost time). */
    public void watch(boolean on) {
        probes.values().forEach(p -> p.watch(on));
    }

    private List<String> weightKeys(Node n) {
        return weightKeys.getOrDefault(n.name(), WEIGHT_KEYS);
    }

    /** The underlying DL4J network. */
    public abstract Object network();

    /** The layer configurations that first read network input {@code i}, nearest first. */
    abstract List<org.deeplearning4j.nn.conf.layers.Layer> readersOfInput(int i);

    /**
     * The data layout the network expects on input {@code i}: "NHWC" or "NDHWC" where its first
     * spatial layer is channels-last (Keras imports are), else "NCHW"-like (null). Read from the
     * first layer that declares a layout, through a getter returning DL4J's layout enum.
     */
    public @Nullable String inputLayout(int i) {
        for (org.deeplearning4j.nn.conf.layers.Layer l : readersOfInput(i)) {
            for (java.lang.reflect.Method m : l.getClass().getMethods()) {
                if (m.getParameterCount() != 0 || !m.getReturnType().isEnum()) {
                    continue;
                }
                String type = m.getReturnType().getSimpleName();
                if (!type.equals("CNN2DFormat") && !type.equals("DataFormat")) {
                    continue;
                }
                try {
                    Object v = m.invoke(l);
                    if (v != null) {
                        String f = v.toString();
                        return f.equals("NHWC") || f.equals("NDHWC") ? f : null;
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // a getter that fails tells nothing about the layout
                }
            }
        }
        return null;
    }

    /** Activations of every node (training mode applies dropout, as fit does). */
    public abstract Map<String, INDArray> activations(INDArray[] features, boolean train);

    /** Network outputs in inference mode. */
    public abstract INDArray[] outputs(INDArray[] features);

    /** Computes the gradient for one batch; returns the DL4J gradient map keyed by DL4J names. */
    abstract Map<String, INDArray> gradients(INDArray[] features, INDArray[] labels);

    /** One training step with the network's own updater. */
    public abstract void fit(INDArray[] features, INDArray[] labels);

    /** Score (loss) of the last gradient computation or fit. */
    public abstract double score();

    /** DL4J's parameter-key prefix for a node ("3" in a MultiLayerNetwork, the name in a graph). */
    abstract String prefix(String node);

    public abstract INDArray params();

    /** Current weights per node (the same keys the gradients use). */
    public Map<String, INDArray> weights() {
        Map<String, INDArray> table = paramTable();
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            INDArray w = pick(table, n);
            if (w != null) {
                out.put(n.name(), w);
            }
        }
        return out;
    }

    abstract Map<String, INDArray> paramTable();

    /** Per node, the mean square of its weight gradient for this batch. */
    public Map<String, Double> weightGradientMeanSquares(INDArray[] features, INDArray[] labels) {
        return meanSquares(weightGradients(features, labels));
    }

    /** Per node, the mean square of its weight gradient (as {@link #weightGradients} gives it). */
    static Map<String, Double> meanSquares(Map<String, INDArray> gradients) {
        Map<String, Double> out = new LinkedHashMap<>();
        gradients.forEach((node, w) -> {
            double norm = w.norm2Number().doubleValue();
            out.put(node, norm * norm / w.length());
        });
        return out;
    }

    /**
     * Per node with weights, its weight-gradient entries for this batch, every weight array of the
     * node flattened into one, in double (a copy: the network reuses its gradient arrays).
     */
    public Map<String, INDArray> weightGradients(INDArray[] features, INDArray[] labels) {
        Map<String, INDArray> g = gradients(features, labels);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            if (!n.hasWeights()) {
                continue;
            }
            List<INDArray> parts = new ArrayList<>();
            for (String k : weightKeys(n)) {
                INDArray w = g.get(prefix(n.name()) + "_" + k);
                if (w != null) {
                    // castTo copies, but returns a double array itself: dup that one
                    parts.add((w.dataType() == DataType.DOUBLE ? w.dup() : w.castTo(DataType.DOUBLE)).reshape(w.length()));
                }
            }
            if (!parts.isEmpty()) {
                out.put(n.name(), parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0])));
            }
        }
        return out;
    }

    @Nullable INDArray pick(Map<String, INDArray> table, Node n) {
        if (!n.hasWeights()) {
            return null;
        }
        for (String k : weightKeys(n)) {
            INDArray w = table.get(prefix(n.name()) + "_" + k);
            if (w != null) {
                return w;
            }
        }
        return null;
    }

    /** Non-input nodes in DL4J's layer order (for a MultiLayerNetwork: index i is layer i). */
    List<Node> layers() {
        List<Node> out = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (n.kind() != LayerKind.INPUT) {
                out.add(n);
            }
        }
        return out;
    }

    static final class Multi extends Dl4jNet {
        private final MultiLayerNetwork net;
        private final Map<String, Integer> index = new HashMap<>();

        Multi(MultiLayerNetwork net, ModelGraph graph) {
            super(graph);
            this.net = net;
            List<Node> layers = layers();
            for (int i = 0; i < layers.size(); i++) {
                index.put(layers.get(i).name(), i);
            }
        }

        @Override
        public Object network() {
            return net;
        }

        @Override
        List<org.deeplearning4j.nn.conf.layers.Layer> readersOfInput(int i) {
            List<org.deeplearning4j.nn.conf.layers.Layer> out = new ArrayList<>();
            for (org.deeplearning4j.nn.conf.NeuralNetConfiguration c : net.getLayerWiseConfigurations().getConfs()) {
                out.add(c.getLayer());
            }
            return out;
        }

        @Override
        public Map<String, INDArray> activations(INDArray[] features, boolean train) {
            List<INDArray> ff = net.feedForward(features[0], train);
            Map<String, INDArray> out = new LinkedHashMap<>();
            List<Node> layers = layers();
            for (Node n : graph.nodes()) {
                if (n.kind() == LayerKind.INPUT) {
                    out.put(n.name(), ff.get(0));
                }
            }
            for (int i = 0; i < layers.size() && i + 1 < ff.size(); i++) {
                out.put(layers.get(i).name(), ff.get(i + 1));
            }
            return out;
        }

        @Override
        public INDArray[] outputs(INDArray[] features) {
            return new INDArray[] {net.output(features[0], false)};
        }

        @Override
        Map<String, INDArray> gradients(INDArray[] features, INDArray[] labels) {
            net.setInput(features[0]);
            net.setLabels(labels[0]);
            net.computeGradientAndScore();
            Gradient g = net.gradient();
            return g.gradientForVariable();
        }

        @Override
        public void fit(INDArray[] features, INDArray[] labels) {
            net.fit(new org.nd4j.linalg.dataset.DataSet(features[0], labels[0]));
        }

        @Override
        public double score() {
            return net.score();
        }

        @Override
        String prefix(String node) {
            Integer i = index.get(node);
            return i == null ? node : Integer.toString(i);
        }

        @Override
        public INDArray params() {
            return net.params();
        }

        @Override
        Map<String, INDArray> paramTable() {
            return net.paramTable();
        }
    }

    static final class Graph extends Dl4jNet {
        private final ComputationGraph net;

        Graph(ComputationGraph net, ModelGraph graph) {
            super(graph);
            this.net = net;
        }

        @Override
        public Object network() {
            return net;
        }

        @Override
        List<org.deeplearning4j.nn.conf.layers.Layer> readersOfInput(int i) {
            var conf = net.getConfiguration();
            List<org.deeplearning4j.nn.conf.layers.Layer> out = new ArrayList<>();
            ArrayDeque<String> queue = new ArrayDeque<>();
            Set<String> seen = new HashSet<>();
            queue.add(conf.getNetworkInputs().get(i));
            while (!queue.isEmpty() && out.size() < 16) {
                String cur = queue.poll();
                for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
                    if (e.getValue().contains(cur) && seen.add(e.getKey())) {
                        if (conf.getVertices().get(e.getKey())
                                instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                                && lv.getLayerConf() != null) {
                            out.add(lv.getLayerConf().getLayer());
                        }
                        queue.add(e.getKey());
                    }
                }
            }
            return out;
        }

        @Override
        public Map<String, INDArray> activations(INDArray[] features, boolean train) {
            Map<String, INDArray> byVertex = net.feedForward(features, train, false);
            Map<String, INDArray> out = new LinkedHashMap<>();
            for (Node n : graph.nodes()) {
                INDArray a = byVertex.get(vertex(n.name()));
                if (a != null) {
                    out.put(n.name(), a);
                }
            }
            return out;
        }

        @Override
        public INDArray[] outputs(INDArray[] features) {
            return net.output(false, features);
        }

        @Override
        Map<String, INDArray> gradients(INDArray[] features, INDArray[] labels) {
            net.setInputs(features);
            net.setLabels(labels);
            net.computeGradientAndScore();
            return net.gradient().gradientForVariable();
        }

        @Override
        public void fit(INDArray[] features, INDArray[] labels) {
            net.fit(new MultiDataSet(features, labels));
        }

        @Override
        public double score() {
            return net.score();
        }

        @Override
        String prefix(String node) {
            return vertex(node);
        }

        @Override
        public INDArray params() {
            return net.params();
        }

        @Override
        Map<String, INDArray> paramTable() {
            return net.paramTable();
        }
    }
}
