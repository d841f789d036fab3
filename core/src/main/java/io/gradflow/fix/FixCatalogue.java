package io.gradflow.fix;

import java.util.List;
import java.util.Map;

/**
 * Which fixes each rule's findings offer, in the order they are tried: the one place the rules
 * and the fixes meet. A rule missing here offers none. {@code FixCatalogueTest} keeps it to rules
 * that exist.
 */
public final class FixCatalogue {

    private static final Map<String, List<FixKind>> BY_RULE = Map.of(
            // deep-saturating-stack: normalise before each sigmoid, or leave sigmoid altogether
            "GF001", List.of(FixKind.BATCH_NORM, FixKind.ACTIVATION),
            // init-activation-mismatch, symmetric-init, unscaled-init: the initialiser its activation needs
            // (a scaled initialiser such as VarianceScaling or orthogonal keeps its class and gets the gain)
            "GF002", List.of(FixKind.INIT),
            "GF003", List.of(FixKind.INIT),
            "GF004", List.of(FixKind.INIT),
            "GF005", List.of(FixKind.BATCH_NORM),
            "GF006", List.of(FixKind.RESIDUAL),
            "GF007", List.of(FixKind.BIAS),
            // vanishing- and exploding-gradient: an initialiser off for its activation across the worst
            // span (orthogonal and identity initialisers, which no cause rule judges), else normalisation
            "GF010", List.of(FixKind.INIT, FixKind.BATCH_NORM),
            "GF011", List.of(FixKind.INIT, FixKind.BATCH_NORM),
            // out-of-range: a 16-bit format's range left; float32's holds what the other findings do not cause
            "GF014", List.of(FixKind.DATA_TYPE));

    private FixCatalogue() {
    }

    /** The kinds of fix a rule's findings offer, best first; empty when none. */
    public static List<FixKind> offered(String rule) {
        return BY_RULE.getOrDefault(rule, List.of());
    }

    /** Every rule id that offers a fix. */
    public static Map<String, List<FixKind>> all() {
        return BY_RULE;
    }
}
