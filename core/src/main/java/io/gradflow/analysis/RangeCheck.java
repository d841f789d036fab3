package io.gradflow.analysis;

import io.gradflow.kinds.LayerState;
import io.gradflow.kinds.MeanField;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Losses;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.NumberFormat;
import io.gradflow.model.Precision;
import io.gradflow.model.activation.Activations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Puts the backward pass's relative gradients on the absolute scale a framework stores them at
 * and checks them against the format each layer computes in (docs/theory.md section 13): which
 * weight gradients and gradients overflow or round to zero, and which power-of-two loss scale
 * would bring them all into range.
 *
 * <p>The scale: the loss gradient at an output layer's pre-activation has, per example and
 * element, RMS sqrt((1 - 1/C) / C) for softmax cross-entropy over C classes at initialisation
 * (the predictions are near uniform), 0.5 for a sigmoid with binary labels, and
 * 2 sqrt(E[z^2] + 1) / C for a squared error averaged over C outputs against unit-variance
 * targets. Where the loss is the batch mean (Keras) every gradient in the backward pass carries a
 * factor 1/B and the weight gradient is the batch average; where the framework divides by B only
 * in the updater (Deeplearning4j), the backward pass holds per-example gradients and the weight
 * gradient is the batch sum.
 */
final class RangeCheck {

    private static final double LOG10_2 = Math.log10(2);

    private RangeCheck() {
    }

    /** Checks the profiles' gradients against their formats, filling in their absolute figures. */
    static NumericRange check(ModelGraph g, Propagation p, List<LayerProfile> profiles,
                              SignalPropagation.Options opts) {
        NumberFormat numbers = g.numberFormat();
        double out = outputGradientLog10(g, p);
        double batch = Math.log10(Math.max(opts.batch(), 1));
        double gradShift = out - (numbers.perExampleGradients() ? 0 : batch);
        double wgShift = out + (numbers.perExampleGradients() ? batch : 0);
        List<NumericRange.Event> events = new ArrayList<>();
        int minLog2 = Integer.MIN_VALUE;
        int maxLog2 = Integer.MAX_VALUE;
        Precision narrowest = null;
        boolean any = false;
        for (int i = profiles.size() - 1; i >= 0; i--) {
            LayerProfile lp = profiles.get(i);
            Node n = lp.node();
            if (n.kind() == LayerKind.INPUT) {
                continue;
            }
            Precision prec = g.precision(n);
            double[] r = p.result(n.name());
            double absG = Double.isFinite(r[0]) ? 0.5 * r[0] + gradShift : Double.NaN;
            boolean learns = n.hasWeights() && !n.frozen();
            double absW = learns && Double.isFinite(lp.logWeightGradient()) ? lp.logWeightGradient() + wgShift
                    : Double.NaN;
            double flushed = Double.isNaN(absW) ? 0 : Propagation.flushed(absW, prec);
            LayerProfile.Logs l = lp.logs();
            profiles.set(i, lp.withLogs(new LayerProfile.Logs(l.activation(), l.gradient(), l.weightGradient(),
                    prec, absG, absW, flushed, l.range())));
            for (double v : new double[] {absG, absW}) {
                if (Double.isNaN(v)) {
                    continue;
                }
                any = true;
                minLog2 = Math.max(minLog2, (int) Math.ceil((prec.log10MinNormal() - v) / LOG10_2));
                maxLog2 = Math.min(maxLog2,
                        (int) Math.floor((prec.log10Max() - v - Propagation.PEAK_LOG10) / LOG10_2));
                if (narrowest == null || prec.narrowerThan(narrowest)) {
                    narrowest = prec;
                }
            }
            event(events, n, NumericRange.Quantity.WEIGHT_GRADIENT, absW, prec);
            event(events, n, NumericRange.Quantity.GRADIENT, absG, prec);
        }
        NumericRange.LossScale scale = null;
        if (any && (!events.isEmpty() || numbers.dynamicLossScaling())) {
            scale = new NumericRange.LossScale(minLog2, maxLog2, narrowest, numbers.dynamicLossScaling());
        }
        return new NumericRange(numbers, p.forwardEvent(), events, scale, out);
    }

    private static void event(List<NumericRange.Event> events, Node n, NumericRange.Quantity q, double log10Rms,
                              Precision p) {
        if (Double.isNaN(log10Rms)) {
            return;
        }
        if (log10Rms + Propagation.PEAK_LOG10 > p.log10Max()) {
            events.add(new NumericRange.Event(n.name(), q, NumericRange.Direction.OVERFLOW, p, log10Rms,
                    p.log10Max(), 0));
            return;
        }
        double flushed = Propagation.flushed(log10Rms, p);
        if (flushed >= 0.5) {
            events.add(new NumericRange.Event(n.name(), q, NumericRange.Direction.UNDERFLOW, p, log10Rms,
                    p.log10MinSubnormal(), flushed));
        }
    }

    /**
     * What the gradients' range means for the verdict, or null where it changes nothing: a
     * gradient that overflows explodes, one that rounds to zero vanishes, unless the framework's
     * dynamic loss scaling finds a scale that holds them all.
     */
    static @Nullable Verdict verdict(NumericRange range) {
        if (range.gradients().isEmpty()) {
            return null;
        }
        NumericRange.LossScale s = range.lossScale();
        if (s != null && s.dynamic() && s.fits()) {
            return null;
        }
        for (NumericRange.Event e : range.gradients()) {
            if (e.direction() == NumericRange.Direction.OVERFLOW) {
                return Verdict.EXPLODING;
            }
        }
        return Verdict.VANISHING;
    }

    /** The assumption behind the absolute figures, for the report's list. */
    static String assumption(ModelGraph g, NumericRange range, SignalPropagation.Options opts) {
        NumberFormat f = g.numberFormat();
        return String.format(Locale.US, "numbers in %s%s; the input has RMS %s; the loss gradient at the output "
                        + "has RMS %.2g per example, %s over a batch of %d",
                f.describe(), f.declared() == null ? " (the file does not say)" : "",
                trim(opts.input().rms()), Math.pow(10, range.outputGradientLog10()),
                f.perExampleGradients() ? "summed in the backward pass and averaged in the updater"
                        : "averaged in the loss", opts.batch());
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.US, "%.3g", v);
    }

    /**
     * log10 of the per-example RMS of the loss gradient at the output layers' pre-activation,
     * the largest over the outputs.
     */
    static double outputGradientLog10(ModelGraph g, Propagation p) {
        double best = Double.NEGATIVE_INFINITY;
        for (String o : g.outputs()) {
            Node n = Objects.requireNonNull(g.node(o), "an output is a layer");
            long c = Math.max(n.nOut(), 1);
            Activation a = MeanField.activation(n);
            double rms;
            if (Losses.regression(n.loss())) {
                LayerState s = p.stateOf(o);
                double z2 = s == null || !s.out().finite() ? 1 : s.out().second();
                rms = 2 * Math.sqrt(z2 + 1) / c;
            } else if (a.is(Activations.SOFTMAX)) {
                rms = Math.sqrt((1 - 1.0 / Math.max(c, 2)) / c);
            } else if (a.is(Activations.SIGMOID) || a.is(Activations.HARDSIGMOID)) {
                rms = 0.5;
            } else {
                rms = 1 / Math.sqrt(c);
            }
            best = Math.max(best, Math.log10(rms));
        }
        return best == Double.NEGATIVE_INFINITY ? 0 : best;
    }
}
