package io.gradflow.fix;

import java.util.List;
import java.util.Map;

/**
 * Which fixes each rule's findings offer, in the order they are tried: the one place the rules
 * and the fixes meet. A rule missing here offers none. {@code FixCatalogueTest} keeps it to rules
 * that exist.
 */
public final class FixCatalogue {

    private static final Map<String, List<FixKind>> BY_RULE = Map.ofEntries(
            // deep-saturating-stack: normalise before each sigmoid, or leave sigmoid altogether
            Map.entry("GF001", List.of(FixKind.BATCH_NORM, FixKind.ACTIVATION)),
            // init-activation-mismatch, symmetric-init, unscaled-init: the initialiser its activation needs
            // (a scaled initialiser such as VarianceScaling or orthogonal keeps its class and gets the gain)
            Map.entry("GF002", List.of(FixKind.INIT)),
            Map.entry("GF003", List.of(FixKind.INIT)),
            Map.entry("GF004", List.of(FixKind.INIT)),
            Map.entry("GF005", List.of(FixKind.BATCH_NORM)),
            Map.entry("GF006", List.of(FixKind.RESIDUAL)),
            Map.entry("GF007", List.of(FixKind.BIAS)),
            // vanishing- and exploding-gradient: an initialiser off for its activation across the worst
            // span (orthogonal and identity initialisers, which no cause rule judges), else normalisation
            Map.entry("GF010", List.of(FixKind.INIT, FixKind.BATCH_NORM)),
            Map.entry("GF011", List.of(FixKind.INIT, FixKind.BATCH_NORM)),
            // out-of-range: a 16-bit format's range left; float32's holds what the other findings do not cause
            Map.entry("GF014", List.of(FixKind.DATA_TYPE)),
            // unstable-through-time: an LSTM whose forget gate starts half closed (vanishing only)
            Map.entry("GF017", List.of(FixKind.FORGET_BIAS)));

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
