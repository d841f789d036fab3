package io.gradflow.rules.precision;

import io.gradflow.analysis.NumericRange;
import io.gradflow.analysis.NumericRange.Direction;
import io.gradflow.analysis.NumericRange.Event;
import io.gradflow.analysis.NumericRange.LossScale;
import io.gradflow.analysis.NumericRange.Quantity;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.Precision;
import io.gradflow.rules.Blocks;
import io.gradflow.rules.Category;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleContext;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The predicted activations or gradients leave the range of the number format the model computes
 * in: activations that overflow make the loss infinite and every gradient NaN; weight gradients
 * that round to zero stop their layers learning. For gradients it says which power-of-two loss
 * scale (as dynamic loss scaling applies one) would bring them all into range, or that none can.
 */
public final class OutOfRange implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF014", "out-of-range", Severity.ERROR,
            Category.NUMBER_RANGE,
            "Predicted activations or gradients overflow, or round to zero, in the model's number format",
            "0.2.0")
            .withRole(RuleInfo.Role.CAUSE);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        NumericRange range = ctx.analysis().range();
        if (range == null) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        if (range.forward() != null) {
            out.add(forward(ctx, range.forward()));
            return out;
        }
        List<List<Event>> runs = runs(ctx.model(), range.gradients());
        for (List<Event> run : runs) {
            out.add(gradients(ctx, range, run));
        }
        return out;
    }

    private static Finding forward(RuleContext ctx, Event e) {
        Node n = Objects.requireNonNull(ctx.model().node(e.layer()), "events name layers of the model");
        Precision p = e.precision();
        String msg;
        String fix;
        if (e.direction() == Direction.OVERFLOW) {
            msg = String.format(Locale.US, "layer '%s': the predicted activation RMS is %s, past %s's largest "
                            + "value (%s) by %s decades: the forward pass overflows to infinity, the loss is not a "
                            + "number and so is every gradient",
                    n.name(), power(e.log10Rms()), p.id(), num(p.max()), decades(e.decades()));
            fix = "scale the initialisers to the nonlinearity (He for ReLU, Xavier for tanh, fan-in scaled for "
                    + "the rest) or normalise the layers before it"
                    + (p == Precision.FLOAT16 ? "; or compute this part of the model in float32" : "");
        } else {
            msg = String.format(Locale.US, "layer '%s': the predicted activation RMS is %s, under %s's smallest "
                            + "value (%s): %s of its entries round to zero and the output no longer depends on "
                            + "the input",
                    n.name(), power(e.log10Rms()), p.id(), num(p.minSubnormal()), percent(e.flushed()));
            fix = "scale the initialisers to the nonlinearity (He for ReLU, Xavier for tanh) or normalise the layers "
                    + "before it";
        }
        return ctx.finding(INFO, Severity.ERROR, n, msg, fix);
    }

    /**
     * Events of one direction on consecutive layers (in the model's order) make one finding;
     * weight-gradient events lead, a layer's gradient event joins its weight gradient's.
     */
    private static List<List<Event>> runs(ModelGraph g, List<Event> events) {
        List<List<Event>> runs = new ArrayList<>();
        List<Event> sorted = new ArrayList<>(events);
        List<String> order = g.nodes().stream().map(Node::name).toList();
        // the graph's index of names: a list's indexOf in the comparator was quadratic (100,000 layers: minutes)
        sorted.sort((a, b) -> Integer.compare(g.indexOf(a.layer()), g.indexOf(b.layer())));
        for (Direction d : Direction.values()) {
            List<Event> run = null;
            int lastIndex = -2;
            for (Event e : sorted) {
                if (e.direction() != d) {
                    continue;
                }
                int i = g.indexOf(e.layer());
                if (run == null || !adjacent(g, order, lastIndex, i)) {
                    run = new ArrayList<>();
                    runs.add(run);
                }
                run.add(e);
                lastIndex = i;
            }
        }
        return runs;
    }

    /** No weighted layer between the two positions (only weightless nodes or the same layer). */
    private static boolean adjacent(ModelGraph g, List<String> order, int a, int b) {
        if (a < 0) {
            return false;
        }
        for (int i = a + 1; i < b; i++) {
            if (Objects.requireNonNull(g.node(order.get(i)), "the order lists the graph's layers").hasWeights()) {
                return false;
            }
        }
        return true;
    }

    private static Finding gradients(RuleContext ctx, NumericRange range, List<Event> run) {
        ModelGraph g = ctx.model();
        Node first = Objects.requireNonNull(g.node(run.get(0).layer()), "events name layers of the model");
        Node last = Objects.requireNonNull(g.node(run.get(run.size() - 1).layer()), "events name layers of the model");
        Direction d = run.get(0).direction();
        Precision p = run.get(0).precision();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double fLo = 1;
        double fHi = 0;
        boolean weights = false;
        boolean reaching = false;
        for (Event e : run) {
            lo = Math.min(lo, e.log10Rms());
            hi = Math.max(hi, e.log10Rms());
            if (e.quantity() == Quantity.WEIGHT_GRADIENT) {
                weights = true;
                fLo = Math.min(fLo, e.flushed());
                fHi = Math.max(fHi, e.flushed());
            } else {
                reaching = true;
            }
        }
        boolean one = first == last;
        String what = weights && reaching
                ? (one ? "its weight gradient and the gradient reaching it"
                : "their weight gradients and the gradients reaching them")
                : weights ? (one ? "its weight gradient" : "their weight gradients")
                : (one ? "the gradient reaching it" : "the gradients reaching them");
        String rms = power(lo).equals(power(hi)) ? "RMS " + power(lo) : "RMS " + power(lo) + " to " + power(hi);
        String msg;
        if (d == Direction.UNDERFLOW) {
            msg = String.format(Locale.US, "%s: %s (%s) round to zero in %s, whose smallest value is %s",
                    Blocks.span(first, last), what, rms, p.id(), num(p.minSubnormal()));
            if (weights) {
                msg += percent(fLo).equals(percent(fHi))
                        ? String.format(Locale.US, ": %s of the entries are zero at initialisation", percent(fHi))
                        : String.format(Locale.US, ": %s to %s of the entries are zero at initialisation",
                        percent(fLo), percent(fHi));
            }
        } else {
            msg = String.format(Locale.US, "%s: %s (%s) overflow %s, whose largest value is %s",
                    Blocks.span(first, last), what, rms, p.id(), num(p.max()));
        }
        LossScale s = range.lossScale();
        Severity sev = Severity.ERROR;
        String fix;
        boolean wide = p == Precision.FLOAT32 || p == Precision.FLOAT64;
        if (wide || s == null) {
            msg += d == Direction.UNDERFLOW ? "; no learning rate trains a layer whose gradient is zero"
                    : "; the first update makes the weights infinite";
            fix = d == Direction.UNDERFLOW
                    ? "fix the architecture that makes the gradient vanish (the other findings say where)"
                    : "fix the architecture that makes the gradient explode (the other findings say where)";
        } else if (!s.fits()) {
            msg += String.format(Locale.US, "; no loss scale brings every gradient into range: lifting the "
                            + "smallest to %s's normal range takes 2^%d, and the largest allows at most 2^%d",
                    p.id(), s.minLog2(), s.maxLog2());
            fix = "compute in float32 or bfloat16 (its range is float32's), or fix the architecture that spreads the "
                    + "gradients over so many decades";
        } else {
            int k = s.advisedLog2();
            msg += String.format(Locale.US, "; a loss scale of 2^%d (%s) brings every weight gradient and gradient "
                    + "into %s's range", k, num(Math.pow(2, k)), p.id());
            if (s.dynamicReaches()) {
                sev = Severity.INFO;
                msg += ", and the dynamic loss scaling of the model's mixed policy finds it (it starts at 2^"
                        + LossScale.DYNAMIC_START + " and halves on overflow)";
                fix = "nothing to do while dynamic loss scaling is on; with a fixed loss scale, use 2^" + k;
            } else if (s.dynamic()) {
                sev = Severity.WARNING;
                msg += String.format(Locale.US, ", which dynamic loss scaling reaches only after about %d steps "
                        + "(it starts at 2^%d and doubles every 2000)", (k - LossScale.DYNAMIC_START) * 2000,
                        LossScale.DYNAMIC_START);
                fix = "start dynamic loss scaling at 2^" + k + " (Keras: LossScaleOptimizer(optimizer, "
                        + "initial_scale=2**" + k + "))";
            } else {
                fix = "multiply the loss by 2^" + k + " before the backward pass and divide the gradients by it "
                        + "before the update (dynamic loss scaling does this: Keras LossScaleOptimizer, PyTorch "
                        + "GradScaler); or compute in float32";
            }
        }
        return ctx.finding(INFO, sev, first, msg, fix);
    }

    /** 10^x with one decimal, or in scientific form when x itself is huge. */
    static String power(double log10) {
        if (Math.abs(log10) < 1e6) {
            return String.format(Locale.US, "10^%.1f", log10);
        }
        return String.format(Locale.US, "10^(%.2g)", log10);
    }

    static String decades(double d) {
        return Math.abs(d) < 1e6 ? String.format(Locale.US, "%.1f", d) : String.format(Locale.US, "%.2g", d);
    }

    static String num(double v) {
        return v >= 1 && v < 1e6 && v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.US, "%.2g", v);
    }

    static String percent(double f) {
        return f >= 0.995 && f < 1 ? ">99%" : String.format(Locale.US, "%.0f%%", 100 * f);
    }
}
