package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.List;

/** Pooling over every position of a feature map or step of a sequence: one value per channel. */
public final class GlobalPoolingKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.GLOBAL_POOLING;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return in.known() ? TensorShape.ff(in.size()) : TensorShape.UNKNOWN;
    }

    private static Node.Pooling type(Node n) {
        return n.pooling() == null ? Node.Pooling.MAX : n.pooling();
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        TensorShape in = f.inShape(n);
        double p = in.positions();
        if (!(p > 0)) {
            p = in.kind() == TensorShape.Kind.RNN ? f.assumedTimeSteps()
                    : f.assumedSpatial() * f.assumedSpatial();
            f.assume("positions before global pooling '" + n.name() + "' unknown: assumed " + (long) p);
        }
        // a positional pattern has no mean over positions: pooling all of them removes it
        Moments c = new Moments(x.mean(), x.su() - x.sp(), x.sx());
        Moments out = switch (type(n)) {
            case AVG -> new Moments(x.mean(), c.su(), x.sx() / p);
            case SUM -> new Moments(x.mean() * p, c.su() * p * p, x.sx() * p);
            case MAX, PNORM -> f.math().maxOf(new Moments(x.mean(), c.su(), x.sx() + x.sp()), p);
        };
        return new LayerState(x, out, null, Slopes.ONE, 1, null, p, 0, null);
    }

    /** Every position gets the pooled gradient: it is coherent across positions. */
    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        double p = s.positions();
        return Back.of(switch (type(n)) {
            case AVG -> new Grad(out.g() / (p * p), out.g() / (p * p), out.gm() / (p * p), out.gm() / (p * p));
            case SUM -> new Grad(out.g(), out.g(), out.gm(), out.gm());
            case MAX, PNORM -> new Grad(out.g() / p, 0, out.gm() / (p * p), out.gm() / (p * p));
        });
    }

    @Override
    public Simulation simulation() {
        return Simulation.unsupported("pooling keeps mean field");
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("GlobalPoolingLayer");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                return new Dl4jConfig.Layer(Dl4jJson.obj("@class", Dl4jContext.LAYERS + "GlobalPoolingLayer",
                        "collapseDimensions", true,
                        "constraints", null,
                        "gradientNormalization", "None",
                        "gradientNormalizationThreshold", 0.0,
                        "idropout", null,
                        "layerName", n.name(),
                        "pnorm", 2,
                        "poolingDimensions", null,
                        "poolingType", type(n).name()), Dl4jLayout.FF);
            }
        };
    }
}
