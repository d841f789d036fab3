package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.Objects;

/**
 * A recurrent layer run through its time steps, forward and back: the moments of the hidden state
 * (and an LSTM's or GRU's cell and gates) at each step, and the gradient's second moment back
 * through the steps. Shared by the recurrent kinds and the bidirectional wrapper.
 */
final class Recurrence {

    /** Per step numbers the backward pass needs. */
    record Run(int steps, double vW, double mW, double vR, double mR, Fans fans, Fans rfans, double[] slope2,
               double[][] gate, double[] cellSecond, double[] cellSlope2, double[] cellOut2, double[] fSecond,
               double[] oSecond, double[] iSecond, double[] gSecond) implements KindData { }

    private Recurrence() {
    }

    /** Gates of a recurrent kind: a simple RNN 1, an LSTM 4, a GRU 3. */
    static int gates(Node core) {
        return switch (core.kind()) {
            case LSTM -> 4;
            case GRU -> 3;
            default -> 1;
        };
    }

    /** Output shape of a recurrent layer: every step, or the last. */
    static TensorShape shape(Node n, TensorShape in) {
        long t = in.kind() == TensorShape.Kind.RNN ? in.time() : n.timeSteps();
        return n.returnSequences() ? TensorShape.rnn(n.nOut(), t) : TensorShape.ff(n.nOut());
    }

    static int steps(Node n, Forward f) {
        TensorShape in = f.inShape(n);
        long t = in.kind() == TensorShape.Kind.RNN && in.time() > 0 ? in.time() : n.timeSteps();
        if (t <= 0) {
            f.assume("sequence length not given: assumed " + f.assumedTimeSteps() + " steps");
            t = f.assumedTimeSteps();
        }
        return (int) Math.min(t, 10_000);
    }

    /** Runs {@code core}'s weights through the steps of {@code outer}'s input; returns the state and the output. */
    static LayerState forward(Node outer, Node core, Moments x, Forward f) {
        long nIn = core.nIn() > 0 ? core.nIn() : MeanField.widthIn(outer, f);
        int t = steps(outer, f);
        int gates = gates(core);
        Fans fans = gates == 1 ? Fans.dense(nIn, core.nOut()) : Fans.gated(core, nIn, gates);
        Fans rfans = Fans.recurrent(core, nIn, gates);
        double[] w = MeanField.weightMoments(core, core.weightInit(), fans, f);
        double[] rw = MeanField.weightMoments(core, core.recurrentInit() != null ? core.recurrentInit()
                : core.weightInit(), rfans, f);
        Activation act = core.activation() == null ? Activation.TANH : core.activation();
        Activation gateAct = core.gateActivation() == null ? Activation.SIGMOID : core.gateActivation();
        ActivationMoments math = f.math();
        double b = core.hasBias() ? core.biasInit() : 0;
        double[] slope2 = new double[t];
        boolean gated = core.kind() != LayerKind.SIMPLE_RNN;
        double[][] gate = new double[gated ? 4 : 0][t];
        double[] cellSecond = new double[gated ? t : 0];
        double[] cellSlope2 = new double[gated ? t : 0];
        double[] cellOut2 = new double[gated ? t : 0];
        double[] fSecond = new double[gated ? t : 0];
        double[] oSecond = new double[gated ? t : 0];
        double[] iSecond = new double[gated ? t : 0];
        double[] gSecond = new double[gated ? t : 0];
        Moments h = new Moments(0, 0, 0);
        double sumMean = 0;
        double sumUnit = 0;
        double sumWithin = 0;
        Moments c = new Moments(0, 0, 0);
        for (int i = 0; i < t; i++) {
            Moments fromX = MeanField.linear(x, w[0], w[1], fans.connIn(), 0);
            Moments fromH = MeanField.linear(h, rw[0], rw[1], rfans.connIn(), 0);
            Moments pre = fromX.plus(fromH);
            if (!gated) {
                pre = new Moments(pre.mean() + b, pre.su(), pre.sx());
                slope2[i] = math.slopeSquare(act, pre);
                h = math.apply(act, pre);
            } else {
                Moments pi = new Moments(pre.mean() + b, pre.su(), pre.sx());
                Moments pf = new Moments(pre.mean() + core.forgetGateBias(), pre.su(), pre.sx());
                Moments gi = math.apply(gateAct, pi);
                Moments gf = math.apply(gateAct, pf);
                Moments go = gi;
                Moments gg = math.apply(act, pi);
                boolean gru = core.kind() == LayerKind.GRU;
                double fMean = gru ? 1 - gi.mean() : gf.mean();
                double fSec = gru ? 1 - 2 * gi.mean() + gi.second() : gf.second();
                double cMean = fMean * c.mean() + gi.mean() * gg.mean();
                double cSec = fSec * c.second() + gi.second() * gg.second()
                        + 2 * fMean * c.mean() * gi.mean() * gg.mean();
                fSecond[i] = fSec;
                iSecond[i] = gi.second();
                gSecond[i] = gg.second();
                oSecond[i] = gru ? 1 : go.second();
                gate[0][i] = math.slopeSquare(gateAct, pi);
                gate[1][i] = math.slopeSquare(gateAct, pf);
                gate[2][i] = gru ? 0 : math.slopeSquare(gateAct, pi);
                gate[3][i] = math.slopeSquare(act, pi);
                cellSecond[i] = c.second();
                c = new Moments(cMean, 0, Math.max(cSec - cMean * cMean, 0));
                if (gru) {
                    cellSlope2[i] = 1;
                    cellOut2[i] = c.second();
                    h = c;
                } else {
                    Moments tc = math.apply(act, c);
                    cellSlope2[i] = math.slopeSquare(act, c);
                    cellOut2[i] = tc.second();
                    h = new Moments(go.mean() * tc.mean(), 0,
                            Math.max(go.second() * tc.second() - go.mean() * tc.mean() * go.mean() * tc.mean(), 0));
                }
                slope2[i] = gate[3][i];
            }
            sumMean += h.mean();
            sumUnit += h.su() + h.mean() * h.mean();
            sumWithin += h.sx();
        }
        Moments out;
        if (!outer.returnSequences()) {
            out = h;
        } else {
            double mean = sumMean / t;
            out = new Moments(mean, Math.max(sumUnit / t - mean * mean, 0), sumWithin / t);
        }
        Run run = new Run(t, w[0], w[1], rw[0], rw[1], fans, rfans, slope2, gate, cellSecond, cellSlope2, cellOut2,
                fSecond, oSecond, iSecond, gSecond);
        return new LayerState(x, out, x, Slopes.ONE, 1, new Weights(w[0], w[1], fans.initIn(), fans, false), t, 0,
                run);
    }

    /**
     * The gradient back through the steps, given {@code gOut} at each step's output (the last
     * only when the layer returns the last); returns the gradient's second moment at the input
     * and the layer's pre-activation and weight gradients.
     */
    static Back backward(Node outer, Node core, LayerState s, double gOut, double inputScale) {
        Run r = s.own(Run.class);
        int t = r.steps();
        double units = Math.max(core.nOut(), 1);
        double rec = (r.vR() + r.mR() * r.mR()) * r.rfans().connOut();
        double gInSum = 0;
        double wgSum = 0;
        if (core.kind() == LayerKind.SIMPLE_RNN) {
            double gNext = 0;
            for (int i = t - 1; i >= 0; i--) {
                double inject = outer.returnSequences() || i == t - 1 ? gOut : 0;
                double ga = inject + rec * gNext;
                double gp = r.slope2()[i] * ga;
                gNext = gp;
                wgSum += gp;
                gInSum += gp * (r.vW() + r.mW() * r.mW()) * r.fans().connOut();
            }
        } else {
            double gateSumNext = 0;
            double gcNext = 0;
            double fNext = 0;
            for (int i = t - 1; i >= 0; i--) {
                double inject = outer.returnSequences() || i == t - 1 ? gOut : 0;
                double gh = inject + (r.vR() + r.mR() * r.mR()) * units * gateSumNext;
                double gc = gh * r.oSecond()[i] * r.cellSlope2()[i] + gcNext * fNext;
                double go = gh * r.cellOut2()[i] * r.gate()[2][i];
                double gi = gc * r.gSecond()[i] * r.gate()[0][i];
                double gf = gc * r.cellSecond()[i] * r.gate()[1][i];
                double gg = gc * r.iSecond()[i] * r.gate()[3][i];
                double sum = gi + gf + go + gg;
                gateSumNext = sum;
                gcNext = gc;
                fNext = r.fSecond()[i];
                wgSum += sum / 4;
                gInSum += (r.vW() + r.mW() * r.mW()) * units * sum;
            }
        }
        return Back.of(new Grad(inputScale * (gInSum / t), 0, 0, 0), wgSum / t,
                Objects.requireNonNull(s.in(), "a recurrent layer has an input").second() * wgSum);
    }
}
