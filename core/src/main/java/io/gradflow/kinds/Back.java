package io.gradflow.kinds;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a node's backward step gives: the gradient it passes back ({@code through}, whose change
 * is the node's gain), the second moment of the gradient at its pre-activation ({@code gPre}, NaN
 * where it has none), the second moment of its weight gradient ({@code wg}, NaN for weightless
 * nodes), and, for merges that treat their inputs differently, one gradient per input.
 */
public record Back(Grad through, double gPre, double wg, @Nullable List<Grad> perInput) {

    /** The same gradient to every input. */
    public static Back of(Grad through) {
        return new Back(through, Double.NaN, Double.NaN, null);
    }

    /** The same gradient to every input, with the node's pre-activation and weight gradients. */
    public static Back of(Grad through, double gPre, double wg) {
        return new Back(through, gPre, wg, null);
    }
}
