package io.gradflow.verify.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/** x times a constant plus a constant (Keras's Rescaling with both a scale and an offset). */
public final class ScaleShiftActivation extends BaseActivationFunction {

    private double scale = 1;
    private double shift;

    /** For Jackson. */
    public ScaleShiftActivation() {
    }

    public ScaleShiftActivation(double scale, double shift) {
        this.scale = scale;
        this.shift = shift;
    }

    public double getScale() {
        return scale;
    }

    public void setScale(double scale) {
        this.scale = scale;
    }

    public double getShift() {
        return shift;
    }

    public void setShift(double shift) {
        this.shift = shift;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        return in.muli(scale).addi(shift);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        return new Pair<>(epsilon.mul(scale), null);
    }

    @Override
    public String toString() {
        return "scaleshift(" + scale + ", " + shift + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaleShiftActivation s && s.scale == scale && s.shift == shift;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(scale) * 31 + Double.hashCode(shift);
    }
}
