package io.gradflow.verify;

import io.gradflow.verify.dl4j.GradientProbe;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;

/**
 * Puts a {@link GradientProbe} on every layer's activation of a built network, so the backward
 * pass shows each layer's output gradient. Layers whose activation lives elsewhere (SameDiff
 * layers, vertices) have none, nor has a softmax output, whose loss skips its backward pass; the
 * measurement reads their weight gradients only.
 */
final class Probes {

    private Probes() {
    }

    /** The probes by the name of the layer they watch. */
    static Map<String, GradientProbe> attach(ComputationGraph net) {
        Map<String, GradientProbe> out = new LinkedHashMap<>();
        for (Layer l : net.getLayers()) {
            GradientProbe p = attach(l, null);
            if (p != null) {
                out.put(l.conf().getLayer().getLayerName(), p);
            }
        }
        return out;
    }

    /** Wraps the activation of {@code l} (both directions of a bidirectional layer in one probe). */
    private static @Nullable GradientProbe attach(@Nullable Layer l, @Nullable GradientProbe shared) {
        if (l instanceof BidirectionalLayer b) {
            GradientProbe p = attach(inner(b, "fwd"), null);
            Layer bwd = inner(b, "bwd");
            if (p != null && bwd != null && bwd.conf().getLayer() instanceof BaseLayer bl) {
                bl.setActivationFn(p);
            }
            return p;
        }
        if (l instanceof BaseWrapperLayer w) {
            return attach(w.getUnderlying(), shared);
        }
        if (l == null) {
            return null;
        }
        org.deeplearning4j.nn.conf.layers.Layer conf = l.conf().getLayer();
        if (l instanceof IOutputLayer && conf instanceof BaseLayer bl && bl.getActivationFn() instanceof ActivationSoftmax) {
            // DL4J's cross-entropy losses take the stable gradient yhat - y only when the output's
            // activation is a softmax by class; behind a probe they send -y / yhat through the
            // softmax's backward pass, NaN as soon as a probability rounds to 0. The gradient never
            // passes that activation's backward pass, so there is nothing to probe there
            return null;
        }
        if (conf instanceof BaseLayer bl && bl.getActivationFn() != null && !(bl.getActivationFn() instanceof GradientProbe)) {
            GradientProbe p = shared != null ? shared : new GradientProbe(bl.getActivationFn());
            bl.setActivationFn(p);
            return p;
        }
        if (conf instanceof ActivationLayer a && a.getActivationFn() != null) {
            IActivation fn = a.getActivationFn();
            GradientProbe p = new GradientProbe(fn);
            a.setActivationFn(p);
            return p;
        }
        return null;
    }

    /** One direction of a bidirectional layer (DL4J keeps them private). */
    private static @Nullable Layer inner(BidirectionalLayer b, String field) {
        try {
            Field f = BidirectionalLayer.class.getDeclaredField(field);
            f.setAccessible(true);
            return (Layer) f.get(b);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
