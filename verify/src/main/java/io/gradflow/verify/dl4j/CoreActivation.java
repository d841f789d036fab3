package io.gradflow.verify.dl4j;

import io.gradflow.model.Activation;
import io.gradflow.model.activation.ActivationFunction;
import io.gradflow.model.activation.Activations;
import org.jspecify.annotations.Nullable;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A gradflow activation function as a Deeplearning4j activation, forward and backward: its values
 * and slope as gradflow defines them ({@link ActivationFunction#phi}, {@link ActivationFunction#slope}),
 * for the functions and parameters DL4J has no class for (Keras's exponential, exact GELU, hard
 * SiLU, Keras 3's hard sigmoid...). Element by element in Java, so slower than DL4J's own.
 */
public final class CoreActivation extends BaseActivationFunction {

    private String function;
    private double alpha = Double.NaN;
    private double beta = Double.NaN;
    private transient @Nullable Activation resolved;

    /** For Jackson. */
    @SuppressWarnings("NullAway.Init") // Jackson sets function from the JSON right after
    public CoreActivation() {
    }

    public CoreActivation(String function, double alpha, double beta) {
        this.function = function;
        this.alpha = alpha;
        this.beta = beta;
    }

    public String getFunction() {
        return function;
    }

    public void setFunction(String function) {
        this.function = function;
        this.resolved = null;
    }

    public double getAlpha() {
        return alpha;
    }

    public void setAlpha(double alpha) {
        this.alpha = alpha;
        this.resolved = null;
    }

    public double getBeta() {
        return beta;
    }

    public void setBeta(double beta) {
        this.beta = beta;
        this.resolved = null;
    }

    private Activation activation() {
        if (resolved == null) {
            ActivationFunction fn = Activations.byId(function).orElseThrow(
                    () -> new IllegalStateException("gradflow has no activation function '" + function + "'"));
            resolved = new Activation(fn, alpha, beta, null);
        }
        return resolved;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        Activation a = activation();
        double[] x = in.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < x.length; i++) {
            x[i] = a.phi(x[i]);
        }
        in.assign(Nd4j.create(x, in.shape(), 'c').castTo(in.dataType()));
        return in;
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        Activation a = activation();
        double[] x = in.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] e = epsilon.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < x.length; i++) {
            x[i] = e[i] * a.slope(x[i]);
        }
        in.assign(Nd4j.create(x, in.shape(), 'c').castTo(in.dataType()));
        return new Pair<>(in, null);
    }

    @Override
    public String toString() {
        return activation().label();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoreActivation c && String.valueOf(c.function).equals(String.valueOf(function))
                && Double.compare(c.alpha, alpha) == 0 && Double.compare(c.beta, beta) == 0;
    }

    @Override
    public int hashCode() {
        return String.valueOf(function).hashCode() * 31 + Double.hashCode(alpha);
    }
}
