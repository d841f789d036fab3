package io.gradflow.kinds;

import io.gradflow.math.Hermite;
import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.TensorShape;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A recurrent layer run through its time steps, forward and back: the moments of the hidden state
 * (and an LSTM's or GRU's cell and gates) at each step, and the gradient's second moment back
 * through the steps. Shared by the recurrent kinds and the bidirectional wrapper.
 */
final class Recurrence {

    /** Per step numbers the backward pass needs. */
    record Run(int steps, double vW, double mW, double vR, double mR, Fans fans, Fans rfans, double[] slope2,
               double[][] gate, double[] cellSecond, double[] cellSlope2, double[] cellOut2, double[] fMean,
               double[] fSecond, double[] oSecond, double[] iSecond, double[] gSecond,
               double[] rSecond, double[] coherent, double[] cross, double[] candMean, double[] cellMean,
               double positions, IdentityRecurrence.@Nullable Paths paths, @Nullable Memory memory,
               FiniteSample.@Nullable Diagonal diagonal, @Nullable LayerState time, double @Nullable [][] tied)
            implements KindData {

        Run(int steps, double vW, double mW, double vR, double mR, Fans fans, Fans rfans, double[] slope2,
            double[][] gate, double[] cellSecond, double[] cellSlope2, double[] cellOut2, double[] fMean,
            double[] fSecond, double[] oSecond, double[] iSecond, double[] gSecond,
            double[] rSecond, double[] coherent, double[] cross, double[] candMean, double[] cellMean,
            double positions, IdentityRecurrence.@Nullable Paths paths) {
            this(steps, vW, mW, vR, mR, fans, rfans, slope2, gate, cellSecond, cellSlope2, cellOut2, fMean, fSecond,
                    oSecond, iSecond, gSecond, rSecond, coherent, cross, candMean, cellMean, positions, paths, null,
                    null, null, null);
        }

        /** The steps the figures through the steps follow: the time track where there is one (section 8.8). */
        Run timed() {
            return time == null ? this : time.own(Run.class);
        }

        /** A simple RNN's recurrent kernel's mean-field gain on the second moment, one step back. */
        double simpleGain() {
            return (vR + mR * mR) * rfans.connOut();
        }

        Run withTime(LayerState track) {
            return new Run(steps, vW, mW, vR, mR, fans, rfans, slope2, gate, cellSecond, cellSlope2, cellOut2, fMean,
                    fSecond, oSecond, iSecond, gSecond, rSecond, coherent, cross, candMean, cellMean, positions, paths,
                    memory, diagonal, track, tied);
        }
    }

    /**
     * A GRU's steps seen as a stationary process (docs/theory.md section 8.9): its update gate's
     * pre-activation's correlation from one step to the next at one unit ({@code rho}, an AR(1)
     * equivalent), the pre-activation's mean and deviation per step, and the power spectrum of its
     * state over {@link #FREQUENCIES} frequencies (mean 1), which a GRU above reads as its input's;
     * or an LSTM's ({@code lstm}, section 8.8), whose spectrum an LSTM above reads and whose
     * persistent forget gate lifts each step's gain by {@code lift}.
     */
    record Memory(double rho, double[] mu, double[] sd, double[] spectrum, double @Nullable [] input, double lift,
                  boolean lstm, double gateStill, double stateStill, int units) {
        /** A GRU's memory without the units' static offsets: its walk holds the gate's correlation itself, no lift. */
        Memory(double rho, double[] mu, double[] sd, double[] spectrum, double @Nullable [] input) {
            this(rho, mu, sd, spectrum, input, 1, false, 0, 0, 0);
        }

        /** The same with the units' static offsets: {@code still[0]} of the gate's variance, {@code still[1]} of the state's second moment. */
        Memory withStill(double[] still, int n) {
            return new Memory(rho, mu, sd, spectrum, input, lift, lstm, still[0], still[1], n);
        }
    }

    /**
     * What drives a GRU's state at its last step (section 8.9): the variances of the candidate's
     * input and recurrent parts, the state's second moment, the mean update gate {@code E[z]}, the
     * candidate's mean slope, {@code E[r^2]}, the candidate's variance and second moment, the
     * update gate's variance, and the state's product with the next candidate {@code E[h_(t-1) hh_t]}
     * (section 8.10; nil over inputs drawn afresh at every step).
     */
    record Drive(double inputVar, double recurrentVar, double stateSecond, double update, double slope,
                 double resetSecond, double candidateVar, double gateVar, double candidateSecond,
                 double stateCandidate) {
        /** Inputs drawn afresh at every step: the state and the next candidate unrelated. */
        Drive(double inputVar, double recurrentVar, double stateSecond, double update, double slope,
              double resetSecond, double candidateVar, double gateVar, double candidateSecond) {
            this(inputVar, recurrentVar, stateSecond, update, slope, resetSecond, candidateVar, gateVar,
                    candidateSecond, 0);
        }
    }

    /**
     * What drives an LSTM's cell and state at its last step (section 8.8): the variances of the
     * input and recurrent parts, the cell's second moment, the mean forget gate, the candidate's
     * mean factor {@code E[i] E[tanh']}, the state's {@code E[o] E[tanh'(c)]}, the state's second
     * moment and the recurrent kernel's coherent gain.
     */
    record LstmDrive(double inputVar, double recurrentVar, double cellSecond, double forget, double candidate,
                     double out, double stateSecond, double coherentGain) { }

    /** Frequencies of a state's power spectrum. */
    static final int FREQUENCIES = 512;

    /** The autocorrelation is summed over its lags while it stays above this. */
    static final double CORRELATION_FLOOR = 0.05;

    /** The longest sequence whose steps' alignment (docs/theory.md section 8.8) is passed down. */
    static final int CORRELATED_STEPS = 1_000;

    private Recurrence() {
    }

    /** Gates of a recurrent kind: a simple RNN 1, an LSTM 4, a GRU 3. */
    static int gates(Node core) {
        return switch (core.kind()) {
            case LSTM, CONV_LSTM -> 4;
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
        return steps(in.kind() == TensorShape.Kind.RNN && in.time() > 0 ? in.time() : n.timeSteps(), f);
    }

    /** {@code t} steps, or the assumed sequence length (noted) when the file gives none; at most 10,000. */
    static int steps(long t, Forward f) {
        if (t <= 0) {
            f.assume("sequence length not given: assumed " + f.assumedTimeSteps() + " steps");
            t = f.assumedTimeSteps();
        }
        return (int) Math.min(t, 10_000);
    }

    /** Runs {@code core}'s weights through the steps of {@code outer}'s input; returns the state and the output. */
    static LayerState forward(Node outer, Node core, Moments x, Forward f) {
        long nIn = core.nIn() > 0 ? core.nIn() : MeanField.widthIn(outer, f);
        int gates = gates(core);
        Fans fans = gates == 1 ? Fans.dense(nIn, core.nOut()) : Fans.gated(core, nIn, gates);
        return forward(outer, core, x, f, steps(outer, f), fans, Fans.recurrent(core, nIn, gates), 1);
    }

    /**
     * The same over {@code t} steps with the input and recurrent weights' fans given (a
     * convolutional LSTM's count kernel taps), the weight gradients summing over {@code positions}
     * values per step.
     */
    static LayerState forward(Node outer, Node core, Moments x, Forward f, int t, Fans fans, Fans rfans,
                              double positions) {
        LayerState plain = run(outer, core, x, f, t, fans, rfans, positions, null);
        if (core.kind() != LayerKind.LSTM || outer != core || positions != 1) {
            return plain;
        }
        // an LSTM over another LSTM's states: its cells sum candidates correlated over the steps and
        // its forget gates persist; the figures through the steps follow a second run that sees it
        // (the time track, fed the track below), the levels the first (docs/theory.md section 8.8)
        LayerState below = outer.inputs().isEmpty() ? null : f.state(outer.inputs().get(0));
        if (below == null || !(below.own() instanceof Run r)) {
            return plain;
        }
        Memory memory = r.timed().memory();
        LayerState track = r.time();
        if (memory == null || !memory.lstm()) {
            return plain;
        }
        Moments xTime = track == null ? below.out() : track.out();
        LayerState timed = run(outer, core, xTime, f, t, fans, rfans, positions, memory.spectrum());
        return new LayerState(plain.in(), plain.out(), plain.pre(), plain.slopes(), plain.normFactor(),
                plain.weights(), plain.positions(), plain.patternRelVar(), plain.own(Run.class).withTime(timed));
    }

    /**
     * One run through the steps; an LSTM's cell sums its candidates with the correlation of {@code
     * lstmInput}, its input's spectrum, where given (a GRU reads its input's spectrum itself).
     */
    private static LayerState run(Node outer, Node core, Moments x, Forward f, int t, Fans fans, Fans rfans,
                                  double positions, double @Nullable [] lstmInput) {
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
        double[] fMeans = new double[gated ? t : 0];
        double[] fSecond = new double[gated ? t : 0];
        double[] oSecond = new double[gated ? t : 0];
        double[] iSecond = new double[gated ? t : 0];
        double[] gSecond = new double[gated ? t : 0];
        double[] rSecond = new double[gated ? t : 0];
        // a simple RNN's slopes' coherent share per step (a tied random kernel, section 8.7)
        double[] coherent = new double[t];
        double[] cross = new double[gated ? t : 0];
        double[] candMean = new double[gated ? t : 0];
        double[] cellMean = new double[gated ? t : 0];
        boolean gru = core.kind() == LayerKind.GRU;
        // the diagonal's pre-activation per step: a GRU's update gate for its memory (section 8.9),
        // any gated layer's for the finite sample's figure (section 8.11)
        double[] diagMu = new double[gated ? t : 0];
        double[] diagVar = new double[gated ? t : 0];
        // the last step's figures for the state's spectrum (section 8.9)
        Drive last = null;
        double lastCross = 0;
        double lastGateSlope = 0;
        double lastResetMean = 0;
        LstmDrive lstmLast = null;
        if (!gated && outer == core && positions == 1 && IdentityRecurrence.applies(core, t)) {
            return identity(outer, core, x, f, t, fans, rfans, w, act, b, slope2);
        }
        // a GRU over another GRU's states: its input's correlation from one step to the next
        // (section 8.10), and per step the candidate's linear response to it and its weight
        double[] inSpectrum = gru ? inputSpectrum(outer, f) : lstmInput;
        double[] inCorr = lagCorrelations(inSpectrum, t);
        double[] candLin = new double[inCorr != null ? t : 0];
        double[] candWeight = new double[candLin.length];
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
                double slope = math.slopeMean(act, pre);
                coherent[i] = slope2[i] > 0 ? Math.min(slope * slope / slope2[i], 1) : 0;
                h = math.apply(act, pre);
            } else {
                Moments pi = new Moments(pre.mean() + b, pre.su(), pre.sx());
                // an LSTM's forget gate starts at its own bias (1 by default); a GRU's second gate
                // is its reset gate, which has no such bias: it starts at the layer's bias like the
                // update gate (Keras draws every GRU bias with bias_initializer, zeros by default)
                Moments pf = new Moments(pre.mean() + (gru ? b : core.forgetGateBias()), pre.su(), pre.sx());
                Moments gi = math.apply(gateAct, pi);
                Moments gf = math.apply(gateAct, pf);
                Moments go = gi;
                Moments gg = math.apply(act, pi);
                double fMean = gru ? 1 - gi.mean() : gf.mean();
                double fSec = gru ? 1 - 2 * gi.mean() + gi.second() : gf.second();
                double cMean = fMean * c.mean() + gi.mean() * gg.mean();
                double cSec = fSec * c.second() + gi.second() * gg.second()
                        + 2 * fMean * c.mean() * gi.mean() * gg.mean();
                if (inCorr != null) {
                    candLin[i] = math.slopeMean(act, pi) * Math.sqrt(Math.max(fromX.su() + fromX.sx(), 0));
                    candWeight[i] = gi.mean();
                    lastCross = stateCandidate(inCorr, candLin, candWeight, fMeans, i);
                    // a GRU's state and candidate are weighed by z and 1 - z of one gate; an LSTM's
                    // cell and candidate by its forget and input gates, independent
                    cSec += 2 * (gru ? Math.max(fMean - fSec, 0) : fMean * gi.mean()) * lastCross;
                }
                fMeans[i] = fMean;
                fSecond[i] = fSec;
                iSecond[i] = gi.second();
                gSecond[i] = gg.second();
                // a GRU's reset gate (Keras's reset_after, as the verifier builds it) scales the
                // candidate's recurrent part, not its input part
                rSecond[i] = gru ? gf.second() : 1;
                // the share of the recurrent path's gain that is the same at every step: the
                // squared means over the mean squares of the factors it is multiplied by
                double slope = math.slopeMean(act, pi);
                double share = slope * slope / Math.max(math.slopeSquare(act, pi), 1e-300)
                        * (gru ? gf.mean() * gf.mean() / Math.max(gf.second(), 1e-300)
                        * gi.mean() * gi.mean() / Math.max(gi.second(), 1e-300)
                        : gi.mean() * gi.mean() / Math.max(gi.second(), 1e-300)
                        * go.mean() * go.mean() / Math.max(go.second(), 1e-300));
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
                    double cs = math.slopeMean(act, c);
                    share *= cs * cs / Math.max(cellSlope2[i], 1e-300);
                    h = new Moments(go.mean() * tc.mean(), 0,
                            Math.max(go.second() * tc.second() - go.mean() * tc.mean() * go.mean() * tc.mean(), 0));
                }
                // the mean factors from the cell's gradient to the candidate's pre-activation (the
                // only gate whose factors have a non-zero mean) and from the output's to the cell's
                candMean[i] = gi.mean() * slope;
                cellMean[i] = gru ? 1 : go.mean() * math.slopeMean(act, c);
                slope2[i] = gate[3][i];
                coherent[i] = Math.min(Math.max(share, 0), 1);
                // E[D A] / E[A] for the diagonal D and the candidate's factors A of one unit at this
                // step: a GRU's D is its update gate z and A holds 1 - z (E[z (1 - z)] / E[1 - z]),
                // an LSTM's forget gate is independent of the candidate's factors (E[f])
                cross[i] = gru ? Math.max(fMean - fSec, 0) / Math.max(gi.mean(), 1e-300) : fMean;
                diagMu[i] = gru ? pi.mean() : pf.mean();
                diagVar[i] = pi.su() + pi.sx();
                if (!gru && i == t - 1) {
                    double k = go.mean() * math.slopeMean(act, c);
                    double units = Math.max(rfans.connOut() / 4, 1);
                    lstmLast = new LstmDrive(fromX.su() + fromX.sx(), fromH.su() + fromH.sx(), c.second(), fMean,
                            gi.mean() * slope, k, h.second(), (rw[0] + rw[1] * rw[1]) * units * k * k
                            * gi.mean() * slope * gi.mean() * slope);
                }
                if (gru) {
                    if (i == t - 1) {
                        lastGateSlope = math.slopeMean(gateAct, pi);
                        lastResetMean = gf.mean();
                        last = new Drive(fromX.su() + fromX.sx(), fromH.su() + fromH.sx(), cellSecond[i], fMean, slope,
                                gf.second(), gg.second() - gg.mean() * gg.mean(), gi.second() - gi.mean() * gi.mean(),
                                gg.second(), lastCross);
                    }
                }
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
        Memory memory = null;
        boolean stationary = outer == core && positions == 1 && t > 1;
        if (stationary && last != null) {
            memory = memory(inSpectrum, inCorr, last, diagMu, deviations(diagVar), t).withStill(
                    still(last, lastGateSlope, lastResetMean, inputStill(outer, f), fans.connIn()), (int) core.nOut());
        } else if (stationary && lstmLast != null) {
            memory = lstmMemory(inSpectrum, lstmLast, diagMu, deviations(diagVar), t);
        }
        // a simple RNN's random recurrent kernel, the same matrix at every step (section 8.7): the
        // powers of a sample of such matrices of its width, made once for the analysis
        double[][] tied = !gated && positions == 1 ? TiedKernel.sampled(core, t, f) : null;
        Run run = new Run(t, w[0], w[1], rw[0], rw[1], fans, rfans, slope2, gate, cellSecond, cellSlope2, cellOut2,
                fMeans, fSecond, oSecond, iSecond, gSecond, rSecond, coherent, cross, candMean, cellMean, positions,
                null, memory, gated ? new FiniteSample.Diagonal(diagMu, diagVar, gateAct, gru) : null, null, tied);
        return new LayerState(x, out, x, Slopes.ONE, 1, new Weights(w[0], w[1], fans.initIn(), fans, false),
                t * positions, 0, run);
    }

    /**
     * The correlation at lags 0 to {@code t - 1} of a process of power spectrum {@code spectrum}
     * (mean 1 over {@link #FREQUENCIES} frequencies), or null where there is none (steps drawn
     * afresh, uncorrelated).
     */
    static double @Nullable [] lagCorrelations(double @Nullable [] spectrum, int t) {
        if (spectrum == null || spectrum.length != FREQUENCIES) {
            return null;
        }
        int n = FREQUENCIES;
        double[] rho = new double[Math.min(t, n / 2)];
        for (int lag = 0; lag < rho.length; lag++) {
            double c = 0;
            for (int j = 0; j < n; j++) {
                c += spectrum[j] * Math.cos(2 * Math.PI * j * lag / n);
            }
            rho[lag] = c / n;
        }
        return rho;
    }

    /**
     * {@code E[h_(i-1) hh_i]}, a GRU's state before step {@code i} against that step's candidate
     * when the input is correlated over the steps (docs/theory.md section 8.10): the state is the
     * earlier candidates, each weighted by its {@code E[1 - z]} and the later steps' {@code E[z]},
     * and two candidates {@code k} steps apart share their linear responses times the input's
     * correlation at lag {@code k}.
     *
     * @param corr       the input's correlation per lag
     * @param candLin    per step, the candidate's mean slope times its input part's deviation
     * @param candWeight per step, the candidate's mean weight {@code E[1 - z]}
     * @param keep       per step, the state's mean weight {@code E[z]}
     */
    static double stateCandidate(double[] corr, double[] candLin, double[] candWeight, double[] keep, int i) {
        double sum = 0;
        double carry = 1;
        for (int k = 1; k <= i && k < corr.length; k++) {
            sum += carry * candWeight[i - k] * candLin[i - k] * candLin[i] * corr[k];
            carry *= keep[i - k];
            if (carry < 1e-12) {
                break;
            }
        }
        return sum;
    }

    /** The gate's pre-activation deviation per step, from its variances. */
    private static double[] deviations(double[] var) {
        double[] sd = new double[var.length];
        for (int i = 0; i < var.length; i++) {
            sd[i] = Math.sqrt(Math.max(var[i], 0));
        }
        return sd;
    }

    /**
     * Each unit's static offsets (docs/theory.md section 8.10): the share of the update gate's
     * pre-activation variance and of the state's second moment that is a unit's own mean, the same
     * for every example and step. The state settles where {@code E[(1 - z)(hh - h)]} is nil: at its
     * candidate's mean less {@code Cov(z, hh) / E[1 - z]}. The covariance is a unit's own, its gate
     * and candidate reading the input through two columns of the kernel: {@code E[sigmoid']
     * E[tanh'] w_z . w_h Var(x)}, of variance {@code (E[sigmoid'] E[tanh'])^2 v_x^2 / n_x} over the
     * units ({@code v_x} the input part's variance from what changes over the steps). The
     * candidate's mean passes on the input's static part, {@code E[tanh']^2} of its share of
     * {@code v_x}, and the reset gate's mean feeds the state's own back through the recurrent part.
     *
     * @param inStill the input's static share of its second moment (0 over inputs drawn afresh)
     * @param fanIn   the inputs each unit sums
     */
    static double[] still(Drive last, double gateSlope, double resetMean, double inStill, double fanIn) {
        double varX = last.inputVar();
        double varH = last.recurrentVar();
        double h2 = last.stateSecond();
        double ts = last.slope();
        double weight = 1 - last.update();
        if (!(h2 > 0) || !(weight > 0) || !(fanIn > 0) || !(varX + varH > 0)) {
            return new double[] {0, 0};
        }
        double changing = varX * (1 - inStill);
        double own = Math.pow(gateSlope * ts / weight, 2) * changing * changing / fanIn;
        double passed = ts * ts * varX * inStill;
        double feedback = Math.min(ts * ts * resetMean * resetMean * varH / h2, 0.99);
        double state = Math.min((own + passed) / (1 - feedback) / h2, 1);
        double gate = Math.min((varX * inStill + varH * state) / (varX + varH), 1);
        return new double[] {gate, state};
    }

    /** The static share of a GRU's state below (section 8.10), or 0 for inputs drawn afresh. */
    private static double inputStill(Node outer, Forward f) {
        if (outer.inputs().isEmpty()) {
            return 0;
        }
        LayerState below = f.state(outer.inputs().get(0));
        if (below != null && below.own() instanceof Run r && r.memory() != null) {
            return r.memory().stateStill();
        }
        return 0;
    }

    /** The power spectrum of a GRU's state below (mean 1), or null for steps drawn afresh. */
    private static double @Nullable [] inputSpectrum(Node outer, Forward f) {
        if (outer.inputs().isEmpty()) {
            return null;
        }
        LayerState below = f.state(outer.inputs().get(0));
        Memory m = below != null && below.own() instanceof Run r ? r.memory() : null;
        return m != null && !m.lstm() ? m.spectrum() : null;
    }

    /**
     * A GRU's state and update gate as stationary processes over the steps (docs/theory.md section
     * 8.9), linearised about the mean factors: the state keeps {@code E[z]} of itself and takes
     * {@code E[1 - z]} of the candidate, whose pre-activation sums the input (of spectrum {@code in},
     * white where null) and the reset gate times the kernel's share of the state; what the
     * candidate's and the update gate's non-linear parts add is white. The update gate's
     * pre-activation has the input's spectrum and the state's in proportion to their variances;
     * its autocorrelation, summed over the lags while above {@link #CORRELATION_FLOOR}, gives an
     * integrated time {@code tau} and the AR(1) correlation of the same time, {@code (tau - 1) /
     * (tau + 1)}.
     *
     * @param inCorrelation the input's correlation per lag ({@link #lagCorrelations} of {@code in}),
     *                      kept in the memory for the input weights' gradient
     * @param last what drives the state at the last step
     */
    static Memory memory(double @Nullable [] in, double @Nullable [] inCorrelation, Drive last, double[] mu,
                         double[] sd, int t) {
        double varX = last.inputVar();
        double varH = last.recurrentVar();
        double h2 = last.stateSecond();
        double m = last.update();
        double ts = last.slope();
        double r2 = last.resetSecond();
        double noise = Math.max(last.candidateVar() - ts * ts * (varX + r2 * varH), 0);
        // the update gate's fluctuation times what it moves the state by, h_(t-1) - hh_t, whose
        // second moment takes off the state's product with the candidate (section 8.10)
        double gateNoise = last.gateVar() * Math.max(h2 + last.candidateSecond() - 2 * last.stateCandidate(), 0);
        double feedback = h2 > 0 ? (1 - m) * (1 - m) * ts * ts * r2 * varH / h2 : 0;
        int n = FREQUENCIES;
        double[] state = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double sx = in == null || in.length != n ? 1 : in[j];
            double w = 2 * Math.PI * j / n;
            double den = Math.max(1 - 2 * m * Math.cos(w) + m * m - feedback, 1e-9);
            state[j] = ((1 - m) * (1 - m) * (ts * ts * varX * sx + noise) + gateNoise) / den;
            sum += state[j];
        }
        for (int j = 0; j < n; j++) {
            state[j] = sum > 0 ? state[j] * n / sum : 1;
        }
        double[] gateSpec = new double[n];
        double total = 0;
        for (int j = 0; j < n; j++) {
            double sx = in == null || in.length != n ? 1 : in[j];
            gateSpec[j] = varX * sx + varH * state[j];
            total += gateSpec[j];
        }
        return new Memory(ar1(gateSpec, total, t), mu, sd, state, inCorrelation);
    }

    /**
     * An LSTM's steps as a stationary process (docs/theory.md section 8.8): its cell keeps {@code
     * E[f]} of itself and takes the input gate's mean times the candidate's linear part, driven by the
     * input (of spectrum {@code in}, white where null) and the kernel's share of the other units'
     * states; what the gates' fluctuations and the non-linear parts add is white, sized so that the
     * cell's variance is its moment. The state is {@code E[o] E[tanh'(c)]} times the cell plus a white
     * rest. The forget gate's pre-activation has the input's spectrum and the state's in proportion to
     * their variances; its integrated time gives an AR(1) correlation, and where the input is
     * correlated over the steps (an LSTM below) {@link #persistence} the lift of the step gain.
     */
    static Memory lstmMemory(double @Nullable [] in, LstmDrive last, double[] mu, double[] sd, int t) {
        double varX = last.inputVar();
        double varH = last.recurrentVar();
        double c2 = last.cellSecond();
        double m = last.forget();
        double a = last.candidate() * last.candidate();
        double k2 = last.out() * last.out();
        double h2 = last.stateSecond();
        int n = FREQUENCIES;
        double white = Math.max(h2 - k2 * c2, 0);
        double perH = h2 > 0 ? varH / h2 : 0;
        // plain loops over arrays: one loop holding the ternaries and two sums crashed OpenJDK 17's
        // C2 (its superword pass, TypeVect::xmeet)
        double[] sx = new double[n];
        if (in != null && in.length == n) {
            System.arraycopy(in, 0, sx, 0, n);
        } else {
            Arrays.fill(sx, 1);
        }
        // the cell's filter, its own mean gate and the other units' states through the kernel
        double[] den = new double[n];
        for (int j = 0; j < n; j++) {
            den[j] = filter(m, a * perH * k2, 2 * Math.PI * j / n);
        }
        double sumDriven = 0;
        double sumInv = 0;
        for (int j = 0; j < n; j++) {
            sumDriven += a * (varX * sx[j] + perH * white) / den[j];
            sumInv += 1 / den[j];
        }
        // the white drive that makes the cell's variance its moment
        double rest = sumInv > 0 ? Math.max(c2 - sumDriven / n, 0) / (sumInv / n) : 0;
        double[] state = new double[n];
        double[] gate = new double[n];
        double sum = 0;
        double total = 0;
        for (int j = 0; j < n; j++) {
            double cell = (a * (varX * sx[j] + perH * white) + rest) / den[j];
            state[j] = k2 * cell + white;
            sum += state[j];
        }
        for (int j = 0; j < n; j++) {
            gate[j] = varX * sx[j] + perH * state[j];
            total += gate[j];
        }
        if (sum > 0) {
            double scale = n / sum;
            for (int j = 0; j < n; j++) {
                state[j] *= scale;
            }
        } else {
            Arrays.fill(state, 1);
        }
        double rho = ar1(gate, total, t);
        double lift = in == null ? 1 : persistence(mu[t - 1], sd[t - 1], rho, last.coherentGain());
        return new Memory(rho, mu, sd, state, null, lift, true, 0, 0, 0);
    }

    /**
     * The AR(1) equivalent of a gate's pre-activation from its power spectrum over {@code
     * spectrum.length} frequencies ({@code total} their sum): the integrated time {@code tau = 1 + 2
     * sum c(lag)} over the lags below {@code t} until the correlation falls under {@link
     * #CORRELATION_FLOOR}, and the AR(1) of the same integrated time, {@code (tau - 1) / (tau + 1)}.
     */
    private static double ar1(double[] spectrum, double total, int t) {
        int n = spectrum.length;
        double tau = 1;
        for (int lag = 1; lag < Math.min(t, n / 2) && total > 0; lag++) {
            double c = 0;
            for (int j = 0; j < n; j++) {
                c += spectrum[j] * Math.cos(2 * Math.PI * j * lag / n);
            }
            c /= total;
            if (c < CORRELATION_FLOOR) {
                break;
            }
            tau += 2 * c;
        }
        return (tau - 1) / (tau + 1);
    }

    /** {@code |1 - m e^(-iw)|^2 - feedback}, kept above nil. */
    private static double filter(double m, double feedback, double w) {
        return Math.max(1 - 2 * m * Math.cos(w) + m * m - feedback, 1e-9);
    }

    /** Nodes of the persistent gate's grid (section 8.8). */
    private static final int GATE_NODES = 25;

    private static final Hermite GATE_RULE = new Hermite(GATE_NODES);

    /**
     * The second-moment lift of a step's gain when each unit's forget gate, of pre-activation {@code
     * N(mu, sd^2)}, persists over the steps as an AR(1) process of lag-one correlation {@code rho}
     * beside a tied recurrent kernel of coherent gain {@code b} (docs/theory.md section 8.8): the
     * squared ratio of the walk's step gain to the same walk's with the gate drawn afresh.
     */
    static double persistence(double mu, double sd, double rho, double b) {
        if (!(b > 0) || !(sd > 0) || !(rho > 0)) {
            return 1;
        }
        double z0 = walkGain(mu, sd, 0, b);
        double z1 = walkGain(mu, sd, Math.min(rho, 0.999), b);
        return z0 > 0 && z1 > z0 ? (z1 / z0) * (z1 / z0) : 1;
    }

    /**
     * The step gain {@code z} of the walk: a gradient arriving on a unit through the kernel stays
     * there some steps, multiplied by that unit's gates, and leaves through the kernel again; {@code
     * X = sum over stays of their products over z^(stay + 1)} satisfies {@code X_t = (1 + d_t
     * X_(t-1)) / z}, and the pairs of paths the tied kernel adds close where {@code b E[X^2] = 1}.
     * The gate's standardised pre-activation is held on Gauss-Hermite nodes.
     */
    static double walkGain(double mu, double sd, double rho, double b) {
        int n = GATE_NODES;
        double[] x = new double[n];
        double[] w = new double[n];
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = GATE_RULE.node(i);
            w[i] = GATE_RULE.weight(i);
            d[i] = 1 / (1 + Math.exp(-(mu + sd * x[i])));
        }
        double[][] p = new double[n][n];
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                double e = rho <= 0 ? 0 : x[j] - rho * x[i];
                p[i][j] = rho <= 0 ? w[j] : Math.exp(-0.5 * (e * e / (1 - rho * rho) - x[j] * x[j])) * w[j];
                row += p[i][j];
            }
            for (int j = 0; j < n; j++) {
                p[i][j] /= row;
            }
        }
        double lo = Math.max(radius(d, p, 1), Math.sqrt(radius(d, p, 2))) * (1 + 1e-6) + 1e-12;
        if (excess(lo, d, p, w, b) <= 0) {
            return lo;
        }
        // the gain lies within sqrt(b) of the diagonal's radius once the kernel's pairs close
        double hi = lo + Math.sqrt(b) + 1e-3;
        while (excess(hi, d, p, w, b) > 0) {
            hi += hi - lo;
        }
        for (int it = 0; it < 40; it++) {
            double mid = 0.5 * (lo + hi);
            if (excess(mid, d, p, w, b) > 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** The spectral radius of {@code diag(d^power) p} (positive entries: power iteration). */
    private static double radius(double[] d, double[][] p, int power) {
        int n = d.length;
        double[] v = new double[n];
        Arrays.fill(v, 1);
        double r = 0;
        for (int it = 0; it < 500; it++) {
            double[] u = new double[n];
            double norm = 0;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += p[i][j] * v[j];
                }
                u[i] = Math.pow(d[i], power) * s;
                norm = Math.max(norm, u[i]);
            }
            if (norm <= 0) {
                return 0;
            }
            for (int i = 0; i < n; i++) {
                u[i] /= norm;
            }
            boolean done = Math.abs(norm - r) < 1e-12 * norm;
            r = norm;
            v = u;
            if (done) {
                break;
            }
        }
        return r;
    }

    /** {@code b E[X^2] - 1} at step gain {@code z}. */
    private static double excess(double z, double[] d, double[][] p, double[] w, double b) {
        int n = d.length;
        double[][] a1 = new double[n][n];
        double[][] a2 = new double[n][n];
        double[] ones = new double[n];
        for (int i = 0; i < n; i++) {
            ones[i] = 1;
            for (int j = 0; j < n; j++) {
                a1[i][j] = (i == j ? z : 0) - d[i] * p[i][j];
                a2[i][j] = (i == j ? z * z : 0) - d[i] * d[i] * p[i][j];
            }
        }
        double[] m1 = solve(a1, ones);
        double[] rhs = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += p[i][j] * m1[j];
            }
            rhs[i] = 1 + 2 * d[i] * s;
        }
        double[] m2 = solve(a2, rhs);
        double e = 0;
        for (int i = 0; i < n; i++) {
            e += w[i] * m2[i];
        }
        return b * e - 1;
    }

    /** Gaussian elimination with partial pivoting ({@code a} is overwritten). */
    private static double[] solve(double[][] a, double[] y) {
        int n = y.length;
        double[] b = y.clone();
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
                    piv = r;
                }
            }
            double[] tr = a[c];
            a[c] = a[piv];
            a[piv] = tr;
            double tb = b[c];
            b[c] = b[piv];
            b[piv] = tb;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                if (f != 0) {
                    for (int k = c; k < n; k++) {
                        a[r][k] -= f * a[c][k];
                    }
                    b[r] -= f * b[c];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    /**
     * A simple RNN over an identity recurrent kernel: each unit's own recursion, on sampled paths
     * ({@link IdentityRecurrence}, docs/theory.md section 8.7).
     */
    private static LayerState identity(Node outer, Node core, Moments x, Forward f, int t, Fans fans, Fans rfans,
                                       double[] w, Activation act, double b, double[] slope2) {
        double gain = Objects.requireNonNull(core.recurrentInit(), "an identity kernel").gain();
        int examples = Math.max(1, f.batch());
        double[][] in = IdentityRecurrence.inputPaths(outer, x, f, t,
                IdentityRecurrence.paths(t, fans.connIn(), (int) core.nOut(), examples));
        double[] mean = new double[t];
        double[] second = new double[t];
        IdentityRecurrence.Paths p = IdentityRecurrence.forward(in, w[0] + w[1] * w[1], fans.connIn(),
                IdentityRecurrence.Tails.of(core.weightInit()), b, gain, act,
                outer.returnSequences(), mean, second, examples);
        for (int i = 0; i < t; i++) {
            double s = 0;
            for (double[] row : p.slopes()) {
                s += row[i] * row[i];
            }
            slope2[i] = s / p.slopes().length;
        }
        Moments out;
        if (!outer.returnSequences()) {
            out = new Moments(mean[t - 1], 0, Math.max(second[t - 1] - mean[t - 1] * mean[t - 1], 0));
        } else {
            double m = 0;
            double q = 0;
            for (int i = 0; i < t; i++) {
                m += mean[i] / t;
                q += second[i] / t;
            }
            out = new Moments(m, 0, Math.max(q - m * m, 0));
        }
        Run run = new Run(t, w[0], w[1], gain * gain / Math.max(rfans.connIn(), 1), 0, fans, rfans, slope2,
                new double[0][t], new double[0], new double[0], new double[0], new double[0], new double[0],
                new double[0], new double[0], new double[0], new double[0], new double[0], new double[0],
                new double[0], new double[0], 1, p);
        return new LayerState(x, out, x, Slopes.ONE, 1, new Weights(w[0], w[1], fans.initIn(), fans, false), t, 0,
                run);
    }

    /**
     * The gradient back through the steps, given {@code out} at the layer's output (at every step
     * as {@link Backward#stepShape} spreads it, or at the last step only when the layer returns
     * the last); for a bidirectional layer both directions, the second reading the sequence
     * backwards. Returns the gradient's second moment at the input (the mean over the steps),
     * the layer's pre-activation and input-weight gradients, and the spread over the input's
     * steps with the recurrence's figures (docs/theory.md section 8).
     *
     * @param gOut the second moment arriving per unit and step (for a product merge, already
     *             multiplied by the other direction's output)
     */
    static Back backward(Node outer, Node core, LayerState s, double gOut, Backward b, boolean bidirectional) {
        Run r = s.own(Run.class);
        int t = r.steps();
        if (r.paths() != null && !bidirectional) {
            return identityBackward(outer, s, r, gOut, b);
        }
        double[] inject = inject(outer, t, gOut, b);
        // counting the input kernels as the same matrices at every step (section 8.8): the
        // arriving gradient's steps aligned as the recurrent layer above says, and this layer's
        // own alignment passed down; it gives the figures through the steps (and a GRU's levels,
        // below)
        boolean aligning = !bidirectional && t <= CORRELATED_STEPS && core.kind() != LayerKind.SIMPLE_RNN;
        Back.Aligned above = aligning ? b.stepAlignment(outer) : null;
        if (above != null && (above.shape().length != t || above.correlation().length != t)) {
            above = null;
        }
        double[][] passed = aligning ? new double[t][] : null;
        double[] pre = new double[1];
        // with nothing aligned above, the one pass gives the levels and this layer's alignment alike;
        // a GRU over another's states follows its update gate's correlation over the steps (section
        // 8.9). A GRU's forward pass sees its input's correlation over the steps (section 8.10), so
        // its levels take the same pass as its figures through the steps and its input weights'
        // gradient sums the steps with both correlations; an LSTM's levels wait for its forward
        // pass to see the same correlation, and stay as the pass without alignment or memory gives
        Run rt = r.timed();
        boolean remembers = rt != r || r.memory() != null && r.memory().rho() > 0 && core.kind() == LayerKind.GRU;
        boolean levels = core.kind() == LayerKind.GRU;
        double[] logIn = through(r, core, inject, pre, null, above == null && !remembers ? passed : null, false);
        double[] timeLog = logIn;
        double[] timePre = new double[1];
        if (above == null && remembers) {
            timeLog = through(rt, core, inject, timePre, null, passed);
        }
        if (above != null) {
            double[] alignedInject = inject;
            if (outer.returnSequences()) {
                alignedInject = new double[t];
                for (int i = 0; i < t; i++) {
                    alignedInject[i] = gOut * above.shape()[i];
                }
            }
            timeLog = through(rt, core, alignedInject, timePre, above.correlation(), passed);
        }
        // a GRU's levels are the figures' pass where it is another pass than the first
        if (levels && timeLog != logIn) {
            logIn = timeLog;
            pre[0] = timePre[0];
        }
        double[] last = new double[t];
        last[t - 1] = 1;
        double[] alone = through(rt, core, last, new double[1], null, null);
        // a simple RNN's random recurrent kernel is the same matrix at every step (section 8.7):
        // the figures through the steps are a sample of networks' own, the levels stay mean field's
        double[] stepsBelow = null;
        double[][] tied = bidirectional ? null : r.tied();
        if (tied != null) {
            double[] renewal = TiedKernel.through(inject, r.slope2(), r.coherent(), r.simpleGain(), tied);
            double[] renewalAlone = outer.returnSequences()
                    ? TiedKernel.through(last, r.slope2(), r.coherent(), r.simpleGain(), tied) : renewal;
            if (renewal != null && renewalAlone != null) {
                timeLog = renewal;
                alone = renewalAlone;
                stepsBelow = renewal;
            }
        }
        // a gradient entering at one end reaches the far end through one direction alone
        double own = 0.5 * (alone[0] - alone[t - 1]);
        // one batch's sample of the products of gates that a gradient entering at the last step
        // alone meets falls short of their expectation (section 8.11)
        FiniteSample.Diagonal diagonal = rt.diagonal();
        // a GRU's gate keeps its own correlation over the steps (8.9) and its unit's offset (8.10)
        Memory gruMemory = core.kind() == LayerKind.GRU && rt.memory() != null && !rt.memory().lstm()
                ? rt.memory() : null;
        double[] sample = bidirectional || diagonal == null ? new double[0]
                : FiniteSample.profile(diagonal, FiniteSample.jumps(rt, core), t,
                        (double) core.nOut() * Math.max(1, b.batch()),
                        gruMemory == null ? 0 : gruMemory.rho(), gruMemory == null ? 0 : gruMemory.gateStill());
        double shortfall = sample.length == 0 ? 0 : 0.5 * sample[0] / Math.log(10);
        own += shortfall;
        // the layer below reads this layer's gradient at each step as one batch's sample of it:
        // where it enters at the last step alone, each step's is short by its own path's length
        double[] handed = timeLog;
        if (sample.length == t && !outer.returnSequences() && passed != null) {
            handed = new double[t];
            for (int i = 0; i < t; i++) {
                handed[i] = timeLog[i] + sample[i] / Math.log(10);
            }
        }
        double decades;
        if (bidirectional) {
            // the backward direction's step i is the sequence's step t - 1 - i; it returns its own
            // last step, the sequence's first, when the layer returns the last
            double[] back = through(r, core, outer.returnSequences() ? reversed(inject) : inject, pre, null, null);
            for (int i = 0; i < t; i++) {
                logIn[i] = logSum(logIn[i], back[t - 1 - i]);
            }
            decades = 0.5 * (logIn[(t - 1) / 2] - Math.max(logIn[0], logIn[t - 1]));
        } else {
            decades = 0.5 * (timeLog[0] - timeLog[t - 1]);
            if (!outer.returnSequences()) {
                decades += shortfall;
            }
        }
        double top = top(logIn);
        // the layer below receives this layer's gradient at each step as the networks do
        double[] spread = shape(stepsBelow != null ? stepsBelow : logIn);
        double gIn = top == Double.NEGATIVE_INFINITY ? 0 : relativeMean(logIn, top) * Math.pow(10, Math.min(top, 300));
        double directions = bidirectional ? 2 : 1;
        double gPre = pre[0] / (t * directions);
        // the input weights' gradient sums the steps' incoherent products and is averaged over
        // the batch, as a dense layer's is over its positions
        Moments in = Objects.requireNonNull(s.in(), "forward keeps a recurrent layer's input");
        double wg = MeanField.weightGradient(t * r.positions(), in, new Grad(gPre, 0, 0, 0), b.batch());
        if (levels && r.memory() != null && r.memory().input() != null && passed != null) {
            wg *= stepCoherence(timeLog, passed, r.memory().input());
        }
        return new Back(new Grad(gIn, 0, 0, 0), gPre, wg, null,
                new Back.Steps(spread, t, nanToZero(decades), nanToZero(own),
                        passed == null ? null : new Back.Aligned(shape(handed), passed)));
    }

    /**
     * What the loss delivers at each of the {@code t} steps of the layer's output: {@code gOut} at
     * every step (spread as {@link Backward#stepShape} says) when it returns its sequence, else at
     * the last step only.
     */
    private static double[] inject(Node outer, int t, double gOut, Backward b) {
        double[] inject = new double[t];
        if (!outer.returnSequences()) {
            inject[t - 1] = gOut;
            return inject;
        }
        double[] shape = b.stepShape(outer);
        for (int i = 0; i < t; i++) {
            inject[i] = gOut * (shape == null || shape.length != t ? 1 : shape[i]);
        }
        return inject;
    }

    /** Second moments per step (log10) relative to their mean over the steps; all 1 where none is positive. */
    private static double[] shape(double[] log) {
        double top = top(log);
        double mean = relativeMean(log, top);
        double[] spread = new double[log.length];
        for (int i = 0; i < log.length; i++) {
            spread[i] = relative(log[i], top) / mean;
        }
        return spread;
    }

    /** The largest of the log10 second moments ({@code -infinity} where there are none). */
    private static double top(double[] log) {
        double top = Double.NEGATIVE_INFINITY;
        for (double l : log) {
            top = Math.max(top, l);
        }
        return top;
    }

    /** The mean over the steps of the second moments relative to the largest, {@code top}. */
    private static double relativeMean(double[] log, double top) {
        double mean = 0;
        for (double l : log) {
            mean += relative(l, top) / log.length;
        }
        return mean;
    }

    /** One step's second moment relative to the largest (1 where none is positive). */
    private static double relative(double log, double top) {
        return top == Double.NEGATIVE_INFINITY ? 1 : Math.pow(10, log - top);
    }

    /**
     * The gradient back along an identity recurrence's paths, the injection as the layer above
     * passed it down (an identity recurrence above: its gradient paths, correlated over the steps)
     * or independent from step to step; passes the gradient paths at its own input on.
     */
    private static Back identityBackward(Node outer, LayerState s, Run r, double gOut, Backward b) {
        IdentityRecurrence.Paths p = Objects.requireNonNull(r.paths(), "an identity recurrence");
        int t = r.steps();
        double[] inject = inject(outer, t, gOut, b);
        double[][] above = outer.returnSequences() ? b.stepPaths(outer) : null;
        int m = p.slopes().length;
        double[][] d = IdentityRecurrence.backward(p, inject, gOut, above);
        double[] diag = new double[t];
        double mean = 0;
        double wg = 0;
        for (int q = 0; q < m; q++) {
            // the weight gradient pairs a path's gradient with another path's input: a unit and
            // an input unit, summed over the steps with their correlation
            double[] xs = p.inputs()[(q + m / 2 + 1) % p.inputs().length];
            double sum = 0;
            for (int i = 0; i < t; i++) {
                diag[i] += d[q][i] * d[q][i] / m;
                sum += d[q][i] * xs[i];
            }
            wg += sum * sum / m;
        }
        for (int i = 0; i < t; i++) {
            mean += diag[i] / t;
        }
        double[] spread = new double[t];
        for (int i = 0; i < t; i++) {
            spread[i] = mean > 0 ? diag[i] / mean : 1;
        }
        double toInput = (r.vW() + r.mW() * r.mW()) * r.fans().connOut();
        // what the layer below receives: each of its units sums this layer's units' gradients
        double[][] down = null;
        if (mean > 0 && Double.isFinite(mean)) {
            down = IdentityRecurrence.mix(d, m, (r.vW() + r.mW() * r.mW()) / (toInput * mean), r.fans().connOut(),
                    p.tails(), new SplittableRandom(0xD0A7L + t), p.examples());
        }
        double[] own = IdentityRecurrence.lastOnly(p, t);
        // a network's figure: the mean over network-sized samples of units, not the pooled paths'
        // (docs/theory.md 8.7)
        double decades = IdentityRecurrence.timeDecades(d, (int) outer.nOut(), p.examples());
        double ownDecades = 0.5 * (Math.log10(own[0]) - Math.log10(own[t - 1]));
        // the input weights' gradient sums the steps with their correlation; the examples of the
        // batch add incoherently
        return new Back(new Grad(toInput * mean, 0, 0, 0), mean, wg / Math.max(b.batch(), 1), null,
                new Back.Steps(spread, t, nanToZero(decades), nanToZero(ownDecades), down));
    }

    /**
     * How much more an input weight's gradient, summed over the steps, holds than the sum of the
     * steps' energies when the input and the gates' gradients are both correlated over the steps
     * (docs/theory.md section 8.10): {@code sum over i, s of sqrt(S_i S_s) rho_x(|i - s|) P(i, s)}
     * over {@code sum of S_i}, with {@code S_i} the gates' gradient energy at step {@code i} (log10
     * in {@code log}), {@code P} their correlation ({@code passed[i][s - i - 1]}) and {@code rho_x}
     * the input's correlation per lag.
     */
    static double stepCoherence(double[] log, double[][] passed, double[] inputCorrelation) {
        int t = log.length;
        double top = top(log);
        if (top == Double.NEGATIVE_INFINITY) {
            return 1;
        }
        double[] amp = new double[t];
        double diag = 0;
        for (int i = 0; i < t; i++) {
            amp[i] = Math.pow(10, 0.5 * (log[i] - top));
            diag += amp[i] * amp[i];
        }
        double off = 0;
        for (int i = 0; i < t; i++) {
            double[] row = passed[i];
            if (row == null || amp[i] == 0) {
                continue;
            }
            for (int s = i + 1; s < t && s - i < inputCorrelation.length && s - i - 1 < row.length; s++) {
                off += 2 * amp[i] * amp[s] * row[s - i - 1] * inputCorrelation[s - i];
            }
        }
        return diag > 0 ? Math.max(1 + off / diag, 0) : 1;
    }

    /** -infinity minus -infinity (no gradient at either end) is no change. */
    private static double nanToZero(double d) {
        return Double.isNaN(d) ? 0 : d;
    }

    /** log10(10^a + 10^b). */
    private static double logSum(double a, double b) {
        double hi = Math.max(a, b);
        if (hi == Double.NEGATIVE_INFINITY) {
            return hi;
        }
        return hi + Math.log10(Math.pow(10, a - hi) + Math.pow(10, b - hi));
    }

    private static double[] reversed(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    /**
     * One direction's pass back through the steps: log10 of the gradient's second moment reaching
     * the layer's input at each step (-infinity where none does), given what the loss injects at
     * each step's output; adds the sum over steps of the pre-activation gradient (averaged over
     * an LSTM's or GRU's gates) to {@code preSum[0]}. The carried gradient is held at a power of
     * ten of its own, so that hundreds of steps of decay or growth stay within a double.
     *
     * <p>{@code aligned}, where not null, says how the injected gradient at step {@code i} is
     * aligned with the one at a later step {@code s} ({@code aligned[i][s - i - 1]}, a correlation
     * coefficient); {@code passed}, where not null, receives the same for the gradient this layer
     * passes to its input (docs/theory.md section 8.8).
     */
    static double[] through(Run r, Node core, double[] inject, double[] preSum, double @Nullable [][] aligned,
                            double @Nullable [][] passed) {
        return through(r, core, inject, preSum, aligned, passed, true);
    }

    /**
     * The same, the update gate's correlation over the steps (section 8.9) followed where {@code
     * remember} and the run has it.
     */
    static double[] through(Run r, Node core, double[] inject, double[] preSum, double @Nullable [][] aligned,
                            double @Nullable [][] passed, boolean remember) {
        int t = r.steps();
        // outputs each hidden value feeds per gate: the layer's units, times a convolution's taps
        int gates = gates(core);
        double units = Math.max(r.rfans().connOut() / gates, 1);
        double inUnits = Math.max(r.fans().connOut() / gates, 1);
        double wIn = r.vW() + r.mW() * r.mW();
        double[] logIn = new double[t];
        boolean simple = core.kind() == LayerKind.SIMPLE_RNN;
        double rec = simple ? r.simpleGain() : (r.vR() + r.mR() * r.mR()) * units;
        // the gradient carried to the step before (a simple RNN's pre-activation; an LSTM's or
        // GRU's gates and cell), worth its value times 10^exp
        double carried = 0;
        double cell = 0;
        double exp = 0;
        double fNext = 0;
        double fMeanNext = 0;
        double qNext = 0;
        double oNext = 0;
        double cohNext = 0;
        double candNext = 0;
        double crossNext = 0;
        // a GRU's pairs of paths back through the steps, the recurrent matrix the same at every
        // step; an LSTM's carried gradient's age in steps (weighted by where its energy entered)
        // and its last step's coherent gain (docs/theory.md section 8.5)
        Memory memory = remember ? r.memory() : null;
        PathPairs pairs = core.kind() != LayerKind.GRU ? null : memory == null ? new PathPairs(t, 0)
                : new PathPairs(t, memory.rho(), memory.gateStill(), memory.units());
        double muNext = 0;
        double sdNext = 0;
        double age = 0;
        double gain = 0;
        double keep = 1;
        // the steps' alignment (section 8.8): log10 of the cell gradient's second moment per step,
        // mean factor times sqrt(injected / cell) per step (a), mean forget gate times the root of
        // consecutive cell moments (ratio), and the cell gradients' correlation with later steps'
        boolean align = !simple && (aligned != null || passed != null);
        double[] cellLog = new double[align ? t : 0];
        double[] a = new double[align ? t : 0];
        double[] ratio = new double[align ? t : 0];
        double[] q = new double[align ? t : 0];
        double[] corrNext = new double[0];
        for (int i = t - 1; i >= 0; i--) {
            if (!simple && i < t - 1) {
                double p = r.oSecond()[i] * r.cellSlope2()[i];
                // only the candidate's path is multiplied by factors of non-zero mean; the gates'
                // paths carry the cell or the candidate (mean zero) and add incoherently
                double hPath = rec * (p * qNext + oNext);
                double tied = rec * p * candNext * cohNext;
                double diag = fMeanNext * fMeanNext;
                double incoherent = fNext + hPath;
                double coherent;
                if (pairs != null) {
                    coherent = pairs.step(incoherent, Math.sqrt(tied) * crossNext, diag + tied,
                            Math.sqrt(diag * tied), fNext, rec * p * candNext, muNext, sdNext, diag);
                } else {
                    double noise = Math.max(fNext - diag, 0) + hPath - tied;
                    gain = coherentGain(diag, tied, age, gain);
                    // what the noise adds is not aligned with the carried gradient: it starts afresh
                    keep = gain + noise > 0 ? gain / (gain + noise) : 0;
                    coherent = gain + noise;
                    if (memory != null) {
                        // an LSTM over another's states: its forget gates persist (section 8.8)
                        coherent *= memory.lift();
                    }
                }
                if (incoherent > 0) {
                    double k = coherent / incoherent;
                    carried *= k;
                    cell *= k;
                }
            }
            double in = inject[i];
            if (in > 0) {
                double le = Math.floor(Math.log10(in));
                if (carried == 0 && cell == 0 || le - exp > 200) {
                    double f = Math.pow(10, Math.max(-300, exp - le));
                    carried *= f;
                    cell *= f;
                    exp = le;
                }
            }
            double injected = in > 0 ? in * Math.pow(10, Math.max(-300, -exp)) : 0;
            double sum;
            double back;
            if (simple) {
                sum = r.slope2()[i] * (injected + rec * carried);
                preSum[0] += sum * Math.pow(10, Math.min(300, exp));
                logIn[i] = log(sum * wIn * r.fans().connOut(), exp);
                back = sum;
            } else {
                double p = r.oSecond()[i] * r.cellSlope2()[i];
                double past = rec * carried * p + cell * fNext;
                double fresh = injected * p;
                if (pairs != null && past + fresh > 0) {
                    pairs.inject(fresh / (past + fresh));
                }
                age = past + fresh > 0 ? (age + 1) * keep * past / (past + fresh) : 0;
                double gh = injected + rec * carried;
                double gc = gh * p + cell * fNext;
                // the fresh gradient's alignment with what the cell carries from later steps
                double[] toLater = null;
                if (align && aligned != null && in > 0 && i < t - 1) {
                    toLater = new double[t - 1 - i];
                    double d = 0;
                    for (int s = t - 1; s > i; s--) {
                        d = aligned[i][s - i - 1] * a[s] + (s < t - 1 ? ratio[s] * d : 0);
                        toLater[s - i - 1] = d;
                    }
                    if (d > 0) {
                        double logCross = Math.log10(2 * fMeanNext * r.cellMean()[i] * d)
                                + 0.5 * (Math.log10(in) + cellLog[i + 1]);
                        gc += Math.pow(10, Math.max(-300, Math.min(300, logCross - exp)));
                    }
                }
                double go = gh * r.cellOut2()[i] * r.gate()[2][i];
                double gi = gc * r.gSecond()[i] * r.gate()[0][i];
                double gf = gc * r.cellSecond()[i] * r.gate()[1][i];
                double gg = gc * r.iSecond()[i] * r.gate()[3][i];
                sum = gi + gf + go + gg;
                back = gi + gf + go + gg * r.rSecond()[i];
                cell = gc;
                fNext = r.fSecond()[i];
                fMeanNext = r.fMean()[i];
                candNext = r.iSecond()[i] * r.gate()[3][i] * r.rSecond()[i];
                qNext = r.gSecond()[i] * r.gate()[0][i] + r.cellSecond()[i] * r.gate()[1][i] + candNext;
                oNext = r.cellOut2()[i] * r.gate()[2][i];
                cohNext = r.coherent()[i];
                crossNext = r.cross()[i];
                if (memory != null) {
                    muNext = memory.mu()[i];
                    sdNext = memory.sd()[i];
                }
                preSum[0] += sum / 4 * Math.pow(10, Math.min(300, exp));
                logIn[i] = log(wIn * inUnits * sum, exp);
                if (align) {
                    corrNext = alignStep(r, i, t, in, gc, sum, exp, toLater, corrNext, cellLog, a, ratio, q, passed);
                }
            }
            carried = back;
            double big = Math.max(carried, cell);
            if (big > 1e100 || big > 0 && big < 1e-100) {
                double shift = Math.floor(Math.log10(big));
                double f = Math.pow(10, -shift);
                carried *= f;
                cell *= f;
                exp += shift;
            }
        }
        return logIn;
    }

    /**
     * One step of the alignment's bookkeeping (docs/theory.md section 8.8), after step {@code i}'s
     * cell gradient ({@code gc}) and gates' ({@code sum}) are known at scale 10^{@code exp}:
     * records the step's figures and returns the cell gradient's correlation with every later
     * step's, {@code toLater} being the injected gradient's (normalised) alignment with them;
     * fills {@code passed[i]} with the input gradient's correlation with the later steps'.
     */
    private static double[] alignStep(Run r, int i, int t, double in, double gc, double sum, double exp,
                                      double @Nullable [] toLater, double[] corrNext, double[] cellLog,
                                      double[] a, double[] ratio, double[] q, double @Nullable [][] passed) {
        cellLog[i] = gc > 0 ? Math.log10(gc) + exp : Double.NEGATIVE_INFINITY;
        boolean live = gc > 0;
        a[i] = live && in > 0 ? r.cellMean()[i] * Math.pow(10, 0.5 * (Math.log10(in) - cellLog[i])) : 0;
        ratio[i] = live && i < t - 1 && cellLog[i + 1] > Double.NEGATIVE_INFINITY
                ? r.fMean()[i + 1] * Math.pow(10, 0.5 * (cellLog[i + 1] - cellLog[i])) : 0;
        q[i] = live ? sum / gc : 0;
        double[] corr = new double[t - 1 - i];
        for (int s = i + 1; s < t; s++) {
            double later = s == i + 1 ? 1 : corrNext[s - i - 2];
            corr[s - i - 1] = ratio[i] * later + (toLater == null ? 0 : a[i] * toLater[s - i - 1]);
        }
        if (passed != null) {
            double[] row = new double[t - 1 - i];
            for (int s = i + 1; s < t; s++) {
                double norm = Math.sqrt(q[i] * q[s]);
                row[s - i - 1] = norm > 0 ? Math.min(1, r.candMean()[i] * r.candMean()[s] * corr[s - i - 1] / norm) : 0;
            }
            passed[i] = row;
        }
        return corr;
    }

    /**
     * The second-moment gain of one step back for a gradient {@code age} steps old, when each step
     * multiplies it by a diagonal of mean square {@code diag} (the forget gate's mean, squared)
     * plus the same random recurrent matrix of gain {@code hPath}: with the matrix tied across
     * steps, the paths that apply it the same number of times add coherently, and the gain runs
     * from diag + hPath at the first step towards (sqrt(diag) + sqrt(hPath))^2 (the ratio of
     * consecutive sums of C(n, j)^2 diag^(n-j) hPath^j, Legendre's recurrence). {@code last} is the
     * previous step's gain.
     */
    static double coherentGain(double diag, double hPath, double age, double last) {
        double sum = diag + hPath;
        if (age <= 0 || last <= 0) {
            return sum;
        }
        double diff = diag - hPath;
        double g = (2 * age + 1) / (age + 1) * sum - age / (age + 1) * diff * diff / last;
        // the recurrence's limit bounds it where a fractional age or a changing step leaves it
        return Math.min(Math.max(g, sum), Math.pow(Math.sqrt(diag) + Math.sqrt(hPath), 2));
    }

    private static double log(double v, double exp) {
        return v > 0 ? Math.log10(v) + exp : Double.NEGATIVE_INFINITY;
    }
}
