package io.gradflow.verify.dl4j;

import org.jspecify.annotations.Nullable;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer's own activation, wrapped so the backward pass shows the gradient arriving at the
 * layer's output (what the analysis predicts per layer) on its way through: the sum of its
 * squares, and per time step for a sequence [batch, features, steps]. Forward it is the wrapped
 * activation; the verifier reads and resets the sums between measurements.
 */
public final class GradientProbe extends BaseActivationFunction {

    private IActivation of;
    private transient double sumSquares;
    private transient long count;
    private transient double @Nullable [] stepSquares;
    private transient long stepCount;
    private transient boolean nonFinite;
    private transient boolean watching = true;

    /** For Jackson. */
    @SuppressWarnings("NullAway.Init") // Jackson sets the wrapped activation from the JSON right after
    public GradientProbe() {
    }

    public GradientProbe(IActivation of) {
        this.of = of;
    }

    public IActivation getOf() {
        return of;
    }

    public void setOf(IActivation of) {
        this.of = of;
    }

    /** Whether backward passes are watched (training turns it off: it costs a pass over every gradient). */
    public void watch(boolean on) {
        watching = on;
    }

    /** Forgets what earlier backward passes brought. */
    public void reset() {
        sumSquares = 0;
        count = 0;
        stepSquares = null;
        stepCount = 0;
        nonFinite = false;
    }

    /** RMS of the gradients seen since the last reset, NaN when none came. */
    public double rms() {
        return count == 0 ? Double.NaN : Math.sqrt(sumSquares / count);
    }

    /** Whether a NaN or infinity arrived. */
    public boolean nonFinite() {
        return nonFinite;
    }

    /** RMS per time step of the sequence gradients seen, or null when none was a sequence. */
    public double @Nullable [] stepRms() {
        if (stepSquares == null || stepCount == 0) {
            return null;
        }
        double[] out = new double[stepSquares.length];
        for (int t = 0; t < out.length; t++) {
            out[t] = Math.sqrt(stepSquares[t] / stepCount);
        }
        return out;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        return of.getActivation(in, training);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        if (!watching) {
            return of.backprop(in, epsilon);
        }
        INDArray e = epsilon.castTo(DataType.DOUBLE);
        double ss = e.mul(e).sumNumber().doubleValue();
        if (Double.isFinite(ss)) {
            sumSquares += ss;
            count += e.length();
        } else {
            nonFinite = true;
        }
        if (e.rank() == 3 && Double.isFinite(ss)) {
            int steps = (int) e.size(2);
            if (stepSquares == null || stepSquares.length != steps) {
                stepSquares = new double[steps];
                stepCount = 0;
            }
            INDArray perStep = e.mul(e).sum(0, 1);
            for (int t = 0; t < steps; t++) {
                stepSquares[t] += perStep.getDouble(t);
            }
            stepCount += e.size(0) * e.size(1);
        }
        return of.backprop(in, epsilon);
    }

    @Override
    public String toString() {
        return String.valueOf(of);
    }
}
