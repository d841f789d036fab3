package io.gradflow.verify.dl4j;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.jspecify.annotations.Nullable;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's GRU (reset_after, the tf.keras 2 and Keras 3 form), which Deeplearning4j does not have,
 * as a SameDiff layer unrolled over the sequence: z = g(x W_z + b_z + h U_z + r_z), r likewise,
 * h~ = f(x W_h + b_h + r * (h U_h + r_h)), h' = z h + (1 - z) h~, with Keras's gate order (z, r, h)
 * in its arrays W [nIn, 3n], RW [n, 3n], b and rb [1, 3n]. Run both ways when {@code bidirectional}
 * names how to join the directions (CONCAT, ADD, MUL, AVERAGE), its arrays then prefixed "f" and
 * "b" as DL4J's Bidirectional prefixes them. Input [batch, nIn, steps] (NCW); output every step or
 * the last.
 */
public final class GatedRecurrentUnit extends SameDiffLayer {

    private long nIn;
    private long nOut;
    private IActivation activation;
    private IActivation gateActivation;
    private boolean returnSequences = true;
    private @Nullable String bidirectional;

    /** For Jackson. */
    @SuppressWarnings("NullAway.Init") // Jackson sets the activations from the JSON right after
    public GatedRecurrentUnit() {
    }

    public long getNIn() {
        return nIn;
    }

    public void setNIn(long nIn) {
        this.nIn = nIn;
    }

    public long getNOut() {
        return nOut;
    }

    public void setNOut(long nOut) {
        this.nOut = nOut;
    }

    public IActivation getActivation() {
        return activation;
    }

    public void setActivation(IActivation activation) {
        this.activation = activation;
    }

    public IActivation getGateActivation() {
        return gateActivation;
    }

    public void setGateActivation(IActivation gateActivation) {
        this.gateActivation = gateActivation;
    }

    public boolean isReturnSequences() {
        return returnSequences;
    }

    public void setReturnSequences(boolean returnSequences) {
        this.returnSequences = returnSequences;
    }

    public @Nullable String getBidirectional() {
        return bidirectional;
    }

    public void setBidirectional(@Nullable String bidirectional) {
        this.bidirectional = bidirectional;
    }

    private String[] directions() {
        return bidirectional == null ? new String[] {""} : new String[] {"f", "b"};
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        for (String d : directions()) {
            params.addWeightParam(d + "W", nIn, 3 * nOut);
            params.addWeightParam(d + "RW", nOut, 3 * nOut);
            params.addBiasParam(d + "b", 1, 3 * nOut);
            params.addBiasParam(d + "rb", 1, 3 * nOut);
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // gradflow's verifier draws every array; zeros until then
        params.values().forEach(p -> p.assign(0));
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        int steps = (int) x.getShape()[2];
        if (bidirectional == null) {
            return run(sd, x, p, "", steps, false);
        }
        SDVariable f = run(sd, x, p, "f", steps, false);
        SDVariable b = run(sd, x, p, "b", steps, true);
        return switch (bidirectional) {
            case "ADD" -> f.add(b);
            case "MUL" -> f.mul(b);
            case "AVERAGE" -> f.add(b).mul(0.5);
            default -> sd.concat(1, f, b);
        };
    }

    /** One direction; the backward one reads the steps last to first and returns them in their order. */
    private SDVariable run(SameDiff sd, SDVariable x, Map<String, SDVariable> p, String d, int steps, boolean reverse) {
        SDVariable w = p.get(d + "W");
        SDVariable rw = p.get(d + "RW");
        SDVariable b = p.get(d + "b");
        SDVariable rb = p.get(d + "rb");
        SDVariable[] xs = sd.unstack(x, 2, steps);
        SDVariable h = null;
        SDVariable[] out = new SDVariable[steps];
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            SDVariable[] xw = sd.split(xs[t].mmul(w).add(b), 3, 1);
            SDVariable[] hw = sd.split(h == null ? rb : h.mmul(rw).add(rb), 3, 1);
            SDVariable z = SameDiffActivations.apply(sd, gateActivation, xw[0].add(hw[0]));
            SDVariable r = SameDiffActivations.apply(sd, gateActivation, xw[1].add(hw[1]));
            SDVariable cand = SameDiffActivations.apply(sd, activation, xw[2].add(r.mul(hw[2])));
            SDVariable keep = z.rsub(1.0).mul(cand);
            h = h == null ? keep : z.mul(h).add(keep);
            out[t] = h;
        }
        return returnSequences ? sd.stack(2, out) : Objects.requireNonNull(h, "a sequence has a step");
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        long width = "CONCAT".equals(bidirectional) ? 2 * nOut : nOut;
        if (!returnSequences) {
            return InputType.feedForward(width);
        }
        long steps = inputType instanceof InputType.InputTypeRecurrent r ? r.getTimeSeriesLength() : -1;
        return InputType.recurrent(width, steps);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (nIn <= 0 || override) {
            nIn = ((InputType.InputTypeRecurrent) inputType).getSize();
        }
    }

    /** DL4J 1.0.0-M2.1's SameDiff layers pass back twice the gradient; this one runs halved ({@link HalvedSameDiffLayer}). */
    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
            INDArray paramsView, boolean initialise, DataType dataType) {
        return HalvedSameDiffLayer.of(conf, index, paramsView, initialise, dataType);
    }
}
