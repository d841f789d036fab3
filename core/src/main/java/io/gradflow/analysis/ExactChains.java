package io.gradflow.analysis;

import io.gradflow.kinds.BatchNormKind;
import io.gradflow.kinds.Grad;
import io.gradflow.kinds.LayerState;
import io.gradflow.kinds.MeanField;
import io.gradflow.kinds.Slopes;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import io.gradflow.model.activation.Activations;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Element-wise chains followed exactly ({@link Orbit}): a chain starts where a unit is Gaussian
 * (the input, a randomly initialised dense layer's pre-activation) and goes on through
 * identity-initialised square dense layers, activations, batch norm and residual adds of feature
 * vectors. Once an identity-initialised layer is on it, its values replace the mean-field
 * moments, and backwards the gradient is carried conditional on where the chain started.
 * Every other kind ends a chain: there mean field stands.
 */
final class ExactChains {

    /** What the analysis knows of one node along a chain. */
    private static final class Link {
        @Nullable Orbit orbit;
        @Nullable Orbit preOrbit;
        boolean exact;
        // the gradient's second moment conditional on the chain's start, arriving and leaving
        double @Nullable [] out2z;
        boolean out2zConditional;
        double @Nullable [] inz;
    }

    private final Map<String, Link> links = new HashMap<>();
    /**
     * A chain is exact only once an identity-initialised dense layer is on it: without one in the
     * model nothing here changes a number, and the grids (1601 values per node and step) are not
     * worth drawing.
     */
    private final boolean active;

    ExactChains(ModelGraph g) {
        boolean any = false;
        for (Node n : g.nodes()) {
            any |= n.kind() == LayerKind.DENSE && n.weightInit() != null
                    && n.weightInit().family() == WeightInit.Family.IDENTITY;
        }
        this.active = any;
    }

    private Link link(String node) {
        return links.computeIfAbsent(node, k -> new Link());
    }

    boolean exact(String node) {
        Link l = links.get(node);
        return l != null && l.exact;
    }

    /** Follows the chain through {@code n}; returns its state, with exact moments where the chain knows them. */
    LayerState forward(Node n, LayerState s, double keep, Propagation p) {
        if (!active) {
            return s;
        }
        TensorShape shape = p.shape(n.name());
        if (shape.kind() != TensorShape.Kind.FF && !(n.kind() == LayerKind.INPUT
                && shape.kind() == TensorShape.Kind.UNKNOWN)) {
            return s;
        }
        Link l = link(n.name());
        Link in = n.inputs().isEmpty() ? null : link(n.inputs().get(0));
        Orbit x = in == null ? null : in.orbit;
        Activation a = MeanField.activation(n);
        if (a.is(Activations.UNKNOWN) || a.is(Activations.SOFTMAX)) {
            return s;
        }
        double normFactor = s.normFactor();
        switch (n.kind()) {
            case INPUT -> {
                if (s.out().su() <= 0) {
                    l.orbit = Orbit.gaussian(n.name(), s.out().mean(), s.out().sx());
                }
                return s;
            }
            case DENSE -> {
                if (keep < 1 || n.layerNorm()) {
                    return s;
                }
                double bias = n.hasBias() ? n.biasInit() : 0;
                if (Objects.requireNonNull(s.weights(), "a dense layer has weights").identity()) {
                    if (x == null || MeanField.widthIn(n, p) != n.nOut()) {
                        return s;
                    }
                    double gain = Objects.requireNonNull(n.weightInit(), "identity weights come from an init").gain();
                    l.preOrbit = x.map(v -> gain * v + bias);
                    l.exact = true;
                } else if (s.pre() != null && s.pre().su() <= 1e-9 * Math.max(s.pre().sx(), 1e-300)) {
                    l.preOrbit = Orbit.gaussian(n.name(), s.pre().mean(), s.pre().sx());
                } else {
                    return s;
                }
                l.orbit = l.preOrbit.apply(a);
            }
            case ACTIVATION -> {
                if (x == null) {
                    return s;
                }
                l.preOrbit = x;
                l.orbit = x.apply(a);
                l.exact = Objects.requireNonNull(in, "x came from it").exact;
            }
            case BATCH_NORM -> {
                if (x == null) {
                    return s;
                }
                double m = x.mean();
                double sd = Math.sqrt(Math.max(x.variance(), 1e-12));
                double gamma = n.gamma();
                double beta = n.beta();
                l.orbit = x.map(v -> gamma * (v - m) / sd + beta);
                l.exact = Objects.requireNonNull(in, "x came from it").exact;
                if (l.exact) {
                    normFactor = gamma * gamma / (sd * sd) * BatchNormKind.unitScaleJensen(n, p);
                }
            }
            case ELEMENTWISE -> {
                Node.Merge op = n.merge() == null ? Node.Merge.ADD : n.merge();
                if (op != Node.Merge.ADD && op != Node.Merge.AVERAGE && op != Node.Merge.SUBTRACT) {
                    return s;
                }
                Orbit acc = null;
                boolean exact = false;
                for (int i = 0; i < n.inputs().size(); i++) {
                    Link li = links.get(n.inputs().get(i));
                    if (li == null || li.orbit == null || acc != null && !acc.root().equals(li.orbit.root())) {
                        return s;
                    }
                    exact |= li.exact;
                    acc = acc == null ? li.orbit : acc.plus(li.orbit, op == Node.Merge.SUBTRACT ? -1 : 1);
                }
                if (acc == null) {
                    return s;
                }
                l.orbit = op == Node.Merge.AVERAGE ? acc.map(v -> v / n.inputs().size()) : acc;
                l.exact = exact;
            }
            default -> {
                return s;
            }
        }
        if (!l.orbit.finite() || l.preOrbit != null && !l.preOrbit.finite()) {
            l.orbit = null;
            l.preOrbit = null;
            l.exact = false;
            return s;
        }
        if (!l.exact) {
            return s;
        }
        LayerState out = s.withNormFactor(normFactor);
        if (l.preOrbit == null) {
            return out.withOut(l.orbit.moments());
        }
        double[] sl = l.preOrbit.slopeSquares(a);
        double ms = 0;
        for (int i = 0; i < sl.length; i++) {
            ms += Orbit.W[i] * a.slope(l.preOrbit.values()[i]);
        }
        Slopes slopes = new Slopes(Orbit.expect(sl), Orbit.expect(Orbit.times(sl, sl)), ms * ms);
        return out.exact(l.orbit.moments(), l.preOrbit.moments(), slopes);
    }

    /**
     * Through an activation on an element-wise chain: the gradient's second moment conditional on
     * the chain's start times phi'^2 there, so that a unit whose slopes stay large along its own
     * path keeps its gradient. Used when the arriving gradient depends on the start, else the
     * mean-field product is the same.
     */
    Grad conditional(Node n, Grad pre) {
        Link l = links.get(n.name());
        if (l == null || l.preOrbit == null || l.out2z == null) {
            return pre;
        }
        l.inz = Orbit.times(l.out2z, l.preOrbit.slopeSquares(MeanField.activation(n)));
        if (!l.out2zConditional || !(pre.g() > 0)) {
            return pre;
        }
        double exact = Orbit.expect(l.inz);
        return pre.scale(exact / pre.g());
    }

    /** The gradient leaving {@code n} conditional on its chain, once {@code in} is known. */
    void backward(Node n, LayerState s, Grad out, Grad in) {
        Link l = links.get(n.name());
        if (l == null || l.orbit == null || l.out2z == null) {
            return;
        }
        if (n.kind() == LayerKind.BATCH_NORM || n.kind() == LayerKind.ELEMENTWISE) {
            l.inz = Orbit.times(l.out2z, out.g() > 0 ? in.g() / out.g() : 0);
        } else if (n.kind() == LayerKind.DENSE
                && Objects.requireNonNull(s.weights(), "a dense layer has weights").identity() && l.inz != null) {
            double gain = Objects.requireNonNull(n.weightInit(), "identity weights come from an init").gain();
            l.inz = Orbit.times(l.inz, gain * gain);
        } else if (n.kind() != LayerKind.ACTIVATION) {
            l.inz = null;
        }
    }

    /** Carries {@code gi}, the gradient {@code n} sends to its input {@code target}, along their chain. */
    @SuppressWarnings("NullAway") // carried holds only where l and l.inz are not null
    void distribute(Node n, String target, Grad gi, Grad in) {
        if (!active) {
            return;
        }
        Link t = links.get(target);
        if (t == null || t.orbit == null) {
            return;
        }
        Link l = links.get(n.name());
        boolean carried = l != null && l.inz != null && l.orbit != null && l.orbit.root().equals(t.orbit.root());
        double[] zi = carried ? (n.kind() == LayerKind.ELEMENTWISE && in.g() > 0
                ? Orbit.times(l.inz, gi.g() / in.g()) : l.inz) : Orbit.constant(gi.g());
        t.out2z = t.out2z == null ? zi : plus(t.out2z, zi);
        t.out2zConditional |= carried && (l.exact || l.out2zConditional);
    }

    /** Forgets what a backward pass left, for another to run over the same forward pass. */
    void resetBackward() {
        for (Link l : links.values()) {
            l.out2z = null;
            l.inz = null;
            l.out2zConditional = false;
        }
    }

    /** Scales every gradient the chains hold by {@code f} (the backward pass moved its common scale). */
    void rescale(double f) {
        for (Link l : links.values()) {
            if (l.out2z != null) {
                l.out2z = Orbit.times(l.out2z, f);
            }
            if (l.inz != null) {
                l.inz = Orbit.times(l.inz, f);
            }
        }
    }

    private static double[] plus(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }
}
