package io.gradflow.verify.dl4j;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationGELU;
import org.nd4j.linalg.activations.impl.ActivationMish;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSwish;

/**
 * Swaps the Deeplearning4j activations whose native ops overflow to NaN or infinity for large
 * inputs (swish, GELU, mish, softplus) for the same functions in stable forms, in every layer of a
 * configuration or built network: the verifier measures the network's mathematics, not an
 * overflow inside one of DL4J's formulas. Any other activation is left as it is.
 */
public final class StableActivations {

    private StableActivations() {
    }

    /** The stable form of {@code a}, or {@code a} itself when DL4J's own is stable. */
    public static IActivation of(IActivation a) {
        if (a instanceof GradientProbe p) {
            p.setOf(of(p.getOf()));
            return p;
        }
        // exact classes: a subclass (the stable ones among them) is someone's own computation
        if (a.getClass() == ActivationSwish.class) {
            return new StableSwish();
        }
        if (a.getClass() == ActivationGELU.class) {
            return new StableGelu(((ActivationGELU) a).isPrecise());
        }
        if (a.getClass() == ActivationMish.class) {
            return new StableMish();
        }
        if (a.getClass() == ActivationSoftPlus.class) {
            return new StableSoftPlus();
        }
        return a;
    }

    /** Every layer of {@code conf}; call before the network is built from it. */
    public static void install(MultiLayerConfiguration conf) {
        conf.getConfs().forEach(c -> install(c.getLayer()));
    }

    /** Every layer vertex of {@code conf}; call before the network is built from it. */
    public static void install(ComputationGraphConfiguration conf) {
        conf.getVertices().values().forEach(v -> {
            if (v instanceof LayerVertex lv && lv.getLayerConf() != null) {
                install(lv.getLayerConf().getLayer());
            }
        });
    }

    /**
     * A built network (a restored zip, an imported Keras model): its layers read their activation
     * from the configuration objects they were built with, so swapping it there takes effect.
     */
    public static void install(Object net) {
        if (net instanceof MultiLayerNetwork m) {
            install(m.getLayerWiseConfigurations());
        } else if (net instanceof ComputationGraph g) {
            install(g.getConfiguration());
        }
    }

    private static void install(@Nullable Layer l) {
        if (l instanceof BaseLayer bl && bl.getActivationFn() != null) {
            bl.setActivationFn(of(bl.getActivationFn()));
        } else if (l instanceof ActivationLayer al && al.getActivationFn() != null) {
            al.setActivationFn(of(al.getActivationFn()));
        } else if (l instanceof BaseWrapperLayer w) {
            install(w.getUnderlying());
        } else if (l instanceof Bidirectional b) {
            install(b.getFwd());
            install(b.getBwd());
        } else if (l instanceof FrozenLayer f) {
            install(f.getLayer());
        }
    }
}
