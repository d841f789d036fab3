package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An element-wise combination of branches: a residual add, a subtraction, a product, an average
 * or a maximum (DL4J ElementWiseVertex, Keras Add, Subtract, Multiply, Average, Maximum).
 */
public final class ElementwiseKind implements Kind {

    @Override
    public LayerKind tag() {
        return LayerKind.ELEMENTWISE;
    }

    @Override
    public TensorShape outputShape(Node n, TensorShape in, List<TensorShape> all) {
        return in;
    }

    @Override
    public long[] inputSpatial(Node n, long[] out) {
        return out.clone();
    }

    static Node.Merge op(Node n) {
        return n.merge() == null ? Node.Merge.ADD : n.merge();
    }

    @Override
    public LayerState forward(Node n, Moments x, Forward f) {
        Node.Merge op = op(n);
        List<Moments> xs = new ArrayList<>();
        for (int i = 0; i < n.inputs().size(); i++) {
            xs.add(f.input(n, i));
        }
        if (xs.isEmpty()) {
            return LayerState.of(x, f.networkInput());
        }
        Moments acc = xs.get(0);
        for (int i = 1; i < xs.size(); i++) {
            Moments b = xs.get(i);
            acc = switch (op) {
                case ADD, AVERAGE -> acc.plus(b);
                case SUBTRACT -> new Moments(acc.mean() - b.mean(), acc.su() + b.su(), acc.sx() + b.sx(),
                        acc.sp() + b.sp());
                case PRODUCT -> {
                    double mean = acc.mean() * b.mean();
                    double second = acc.second() * b.second();
                    double su = (acc.mean() * acc.mean() + acc.su()) * (b.mean() * b.mean() + b.su()) - mean * mean;
                    yield new Moments(mean, Math.max(su, 0), Math.max(second - mean * mean - su, 0));
                }
                case MAX -> acc.second() >= b.second() ? acc : b;
            };
        }
        if (op == Node.Merge.AVERAGE) {
            acc = acc.scale(1.0 / xs.size());
        }
        return LayerState.of(x, acc);
    }

    /** A sum passes the gradient to every branch; an average a share; a product times the other factors. */
    @Override
    public Back backward(Node n, LayerState s, Grad out, Backward b) {
        List<String> ins = n.inputs();
        List<Grad> per = new ArrayList<>();
        for (int i = 0; i < ins.size(); i++) {
            per.add(switch (op(n)) {
                case AVERAGE -> out.scale(1 / (ins.size() * (double) ins.size()));
                case PRODUCT -> {
                    double other = 1;
                    for (int j = 0; j < ins.size(); j++) {
                        if (j != i) {
                            other *= Objects.requireNonNull(b.state(ins.get(j)), "inputs run first").out().second();
                        }
                    }
                    yield out.scale(other);
                }
                case MAX -> out.scale(1.0 / ins.size());
                case ADD, SUBTRACT -> out;
            });
        }
        return new Back(out, Double.NaN, Double.NaN, per);
    }

    @Override
    public Simulation simulation() {
        return new Simulation() {
            @Override
            public @Nullable String refuse(Node n, SimGraph g) {
                Node.Merge m = op(n);
                if (m != Node.Merge.ADD && m != Node.Merge.AVERAGE && m != Node.Merge.SUBTRACT) {
                    return "a " + m.name().toLowerCase(Locale.ROOT) + " merge";
                }
                for (String in : n.inputs()) {
                    if (g.width(in) != g.width(n.name())) {
                        return "a merge of branches of different widths";
                    }
                }
                return null;
            }

            @Override
            public double[] forward(Node n, SimPass p) {
                double[] y = p.array(p.batch() * p.width(n.name()));
                Node.Merge m = op(n);
                for (int k = 0; k < n.inputs().size(); k++) {
                    double[] x = p.out(n.inputs().get(k));
                    double sign = m == Node.Merge.SUBTRACT && k > 0 ? -1 : 1;
                    for (int i = 0; i < y.length; i++) {
                        y[i] += sign * x[i];
                    }
                }
                if (m == Node.Merge.AVERAGE) {
                    for (int i = 0; i < y.length; i++) {
                        y[i] /= n.inputs().size();
                    }
                }
                return y;
            }

            @Override
            public void backward(Node n, double[] gy, SimPass p) {
                Node.Merge m = op(n);
                for (int k = 0; k < n.inputs().size(); k++) {
                    double f = (m == Node.Merge.SUBTRACT && k > 0 ? -1 : 1)
                            / (m == Node.Merge.AVERAGE ? (double) n.inputs().size() : 1);
                    double[] d = p.array(gy.length);
                    for (int i = 0; i < d.length; i++) {
                        d[i] = f * gy[i];
                    }
                    if (k == 0) {
                        p.record(n, gy, d, d);
                    }
                    p.send(n.inputs().get(k), d);
                }
            }
        };
    }

    @Override
    public Dl4jPart dl4j() {
        return new Dl4jPart() {
            @Override
            public List<String> classes() {
                return List.of("ElementWiseVertex");
            }

            @Override
            public Dl4jConfig write(Node n, Dl4jContext c) {
                Dl4jLayout in = ConcatKind.sameLayout(n, c);
                String op = switch (op(n)) {
                    case ADD -> "Add";
                    case SUBTRACT -> "Subtract";
                    case PRODUCT -> "Product";
                    case AVERAGE -> "Average";
                    case MAX -> "Max";
                };
                return new Dl4jConfig.Vertex(Dl4jJson.obj("@class", Dl4jContext.VERTICES + "ElementWiseVertex",
                        "op", op), in);
            }
        };
    }
}
