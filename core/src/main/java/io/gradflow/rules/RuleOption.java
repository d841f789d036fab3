package io.gradflow.rules;

/**
 * A numeric option a rule reads from the configuration ({@code rules.GF001.options.minLayers}),
 * declared beside the rule so a configuration file can be checked against it.
 *
 * @param name         the key in the configuration
 * @param defaultValue the value the rule uses when none is configured
 * @param integer      whether only whole numbers make sense (a count of layers)
 */
public record RuleOption(String name, double defaultValue, boolean integer) {

    public static RuleOption integer(String name, int defaultValue) {
        return new RuleOption(name, defaultValue, true);
    }

    public static RuleOption decimal(String name, double defaultValue) {
        return new RuleOption(name, defaultValue, false);
    }
}
