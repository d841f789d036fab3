package io.gradflow.rules;

import io.gradflow.analysis.Thresholds;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Which rules run, at what severity, with which options. Built from defaults, a configuration
 * file or the command line; immutable once built.
 */
public final class RuleConfig {

    public static final RuleConfig DEFAULT = new RuleConfig(Map.of(), Map.of(), Map.of(), Thresholds.DEFAULT);

    private final Map<String, Boolean> enabled;
    private final Map<String, Severity> severities;
    private final Map<String, Map<String, Double>> options;
    private final Thresholds thresholds;

    public RuleConfig(Map<String, Boolean> enabled, Map<String, Severity> severities,
                      Map<String, Map<String, Double>> options, Thresholds thresholds) {
        this.enabled = Map.copyOf(enabled);
        this.severities = Map.copyOf(severities);
        Map<String, Map<String, Double>> o = new HashMap<>();
        options.forEach((k, v) -> o.put(k, Map.copyOf(v)));
        this.options = Collections.unmodifiableMap(o);
        this.thresholds = thresholds;
    }

    public boolean enabled(String ruleId) {
        return enabled.getOrDefault(ruleId, true);
    }

    /** The configured severity for a rule, or its default. */
    public Severity severity(RuleInfo info) {
        return severities.getOrDefault(info.id(), info.severity());
    }

    /** Whether the user pinned this rule's severity (rules then report at that level). */
    public boolean severityOverridden(String ruleId) {
        return severities.containsKey(ruleId);
    }

    /** A numeric option of a rule, or {@code dflt}. */
    public double option(String ruleId, String key, double dflt) {
        Map<String, Double> m = options.get(ruleId);
        return m == null ? dflt : m.getOrDefault(key, dflt);
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    public Map<String, Boolean> enabledMap() {
        return enabled;
    }

    public Map<String, Severity> severityMap() {
        return severities;
    }

    public Map<String, Map<String, Double>> optionMap() {
        return options;
    }
}
