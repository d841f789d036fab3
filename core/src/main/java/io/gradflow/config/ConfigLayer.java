package io.gradflow.config;

import io.gradflow.analysis.Thresholds;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.Severity;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What one part of a configuration file says (its top level, or one override): changes laid over
 * a {@link RuleConfig}, later layers winning.
 *
 * @param enabled    rule id to on or off
 * @param severities rule id to the pinned severity
 * @param reset      rule ids set to "on", which return to their default severity
 * @param options    rule id to option values
 * @param thresholds threshold name to value (vanishingDecades, explodingDecades, signalDecades)
 */
record ConfigLayer(Map<String, Boolean> enabled, Map<String, Severity> severities, Set<String> reset,
                   Map<String, Map<String, Double>> options, Map<String, Double> thresholds) {

    /** Changes nothing. */
    static final ConfigLayer NONE = new ConfigLayer(Map.of(), Map.of(), Set.of(), Map.of(), Map.of());

    static final String VANISHING = "vanishingDecades";
    static final String EXPLODING = "explodingDecades";
    static final String SIGNAL = "signalDecades";

    RuleConfig over(RuleConfig base) {
        Map<String, Boolean> on = new HashMap<>(base.enabledMap());
        on.putAll(enabled);
        Map<String, Severity> sev = new HashMap<>(base.severityMap());
        reset.forEach(sev::remove);
        sev.putAll(severities);
        Map<String, Map<String, Double>> opts = new HashMap<>();
        base.optionMap().forEach((k, v) -> opts.put(k, new HashMap<>(v)));
        options.forEach((k, v) -> opts.computeIfAbsent(k, x -> new HashMap<>()).putAll(v));
        Thresholds t = base.thresholds();
        Thresholds th = new Thresholds(thresholds.getOrDefault(VANISHING, t.vanishingDecades()),
                thresholds.getOrDefault(EXPLODING, t.explodingDecades()),
                thresholds.getOrDefault(SIGNAL, t.signalDecades()));
        return new RuleConfig(on, sev, opts, th);
    }
}
