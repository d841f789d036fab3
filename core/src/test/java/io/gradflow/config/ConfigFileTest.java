package io.gradflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradflow.analysis.Thresholds;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.Severity;
import io.gradflow.rules.vanishing.DeepSaturatingStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The gradflow.json schema: what it accepts, and a located error for everything else. */
class ConfigFileTest {

    private static final Path DIR = Path.of("/repo");

    @Test
    void readmeExampleSwitchesRulesPinsSeveritiesSetsOptionsAndThresholds() throws ConfigException {
        ConfigFile c = parse("""
                {
                  "rules": {"GF006": "off", "GF005": "error", "GF001": {"severity": "warning", "options": {"minLayers": 4}}},
                  "thresholds": {"vanishingDecades": 2.5, "explodingDecades": 4, "signalDecades": 3},
                  "overrides": [{"files": ["legacy/**", "*.h5"], "rules": {"GF002": "off"}}]
                }
                """);
        RuleConfig r = c.forFile(DIR.resolve("models/a.json"));
        assertThat(r.enabled("GF006")).isFalse();
        assertThat(r.enabled("GF002")).isTrue();
        assertThat(r.severityOverridden("GF005")).isTrue();
        assertThat(r.severity(DeepSaturatingStack.INFO)).isEqualTo(Severity.WARNING);
        assertThat(r.option("GF001", "minLayers", 3)).isEqualTo(4);
        assertThat(r.option("GF001", "warnDecades", 1.0)).isEqualTo(1.0);
        assertThat(r.thresholds()).isEqualTo(new Thresholds(2.5, 4, 3));
    }

    @Test
    void overridesApplyToMatchingFilesInOrderOverTheTopLevel() throws ConfigException {
        ConfigFile c = parse("""
                {
                  "rules": {"GF006": "off"},
                  "thresholds": {"vanishingDecades": 5},
                  "overrides": [
                    {"files": ["legacy/**"], "rules": {"GF002": "off", "GF006": "on"}, "thresholds": {"signalDecades": 6}},
                    {"files": ["legacy/keep/*.json"], "rules": {"GF002": "warning"}}
                  ]
                }
                """);
        RuleConfig legacy = c.forFile(DIR.resolve("legacy/a/b.json"));
        assertThat(legacy.enabled("GF002")).isFalse();
        assertThat(legacy.enabled("GF006")).isTrue();
        assertThat(legacy.thresholds()).isEqualTo(new Thresholds(5, 3, 6));
        RuleConfig kept = c.forFile(DIR.resolve("legacy/keep/c.json"));
        assertThat(kept.enabled("GF002")).isTrue();
        assertThat(kept.severityMap()).containsEntry("GF002", Severity.WARNING);
        RuleConfig elsewhere = c.forFile(DIR.resolve("models/legacy.json"));
        assertThat(elsewhere.enabled("GF002")).isTrue();
        assertThat(elsewhere.enabled("GF006")).isFalse();
        assertThat(elsewhere.thresholds()).isEqualTo(new Thresholds(5, 3, 3));
    }

    @Test
    void onReturnsARuleToItsDefaultSeverity() throws ConfigException {
        ConfigFile c = parse("""
                {"rules": {"GF005": "error"}, "overrides": [{"files": ["x/**"], "rules": {"GF005": "on"}}]}
                """);
        assertThat(c.forFile(DIR.resolve("a.json")).severityOverridden("GF005")).isTrue();
        assertThat(c.forFile(DIR.resolve("x/a.json")).severityOverridden("GF005")).isFalse();
    }

    @Test
    void patternsFollowGitignoreConventions() throws ConfigException {
        ConfigFile c = parse("""
                {"overrides": [
                  {"files": ["*.h5"], "rules": {"GF001": "off"}},
                  {"files": ["**/gen/*.json"], "rules": {"GF002": "off"}},
                  {"files": ["./vendor/"], "rules": {"GF003": "off"}}
                ]}
                """);
        assertThat(c.forFile(DIR.resolve("deep/down/m.h5")).enabled("GF001")).isFalse();
        assertThat(c.forFile(DIR.resolve("m.h5")).enabled("GF001")).isFalse();
        assertThat(c.forFile(DIR.resolve("m.json")).enabled("GF001")).isTrue();
        assertThat(c.forFile(DIR.resolve("gen/a.json")).enabled("GF002")).isFalse();
        assertThat(c.forFile(DIR.resolve("x/gen/a.json")).enabled("GF002")).isFalse();
        assertThat(c.forFile(DIR.resolve("x/gen/y/a.json")).enabled("GF002")).isTrue();
        assertThat(c.forFile(DIR.resolve("vendor/a/b.json")).enabled("GF003")).isFalse();
        assertThat(c.forFile(DIR.resolve("src/vendor/b.json")).enabled("GF003")).isTrue();
    }

    @Test
    void ruleNamesAreAliasesOfIds() throws ConfigException {
        ConfigFile c = parse("{\"rules\": {\"missing-skip-connections\": \"off\", \"gf005\": \"info\"}}");
        assertThat(c.forFile(DIR.resolve("a.json")).enabled("GF006")).isFalse();
        assertThat(c.forFile(DIR.resolve("a.json")).severityMap()).containsEntry("GF005", Severity.INFO);
    }

    @Test
    void unknownTopLevelKeyIsAnErrorAtTheKey() {
        assertError("{\n  \"rules\": {},\n  \"rulez\": {}\n}",
                "gradflow.json:3:3: error: unknown key 'rulez' (did you mean 'rules'?)");
    }

    @Test
    void unknownRuleIdIsAnErrorNotSilence() {
        assertError("{\"rules\": {\"GF999\": \"off\"}}",
                "gradflow.json:1:12: error: rules: unknown rule 'GF999' ('gradflow rules' lists them)");
    }

    @Test
    void unknownOptionNamesTheOptionsTheRuleHas() {
        assertError("{\"rules\": {\"GF001\": {\"options\": {\"minLayer\": 4}}}}",
                "gradflow.json:1:34: error: rules.GF001.options: unknown option 'minLayer' "
                        + "(GF001 has minLayers and warnDecades)");
        assertError("{\"rules\": {\"GF003\": {\"options\": {\"x\": 1}}}}",
                "gradflow.json:1:34: error: rules.GF003.options: unknown option 'x' (GF003 has no options)");
    }

    @Test
    void wrongValueTypesAreErrorsAtTheValue() {
        assertError("{\"rules\": {\"GF001\": \"fatal\"}}", "gradflow.json:1:21: error: rules.GF001: expected "
                + "\"off\", \"on\", \"error\", \"warning\" or \"info\", not \"fatal\"");
        assertError("{\"rules\": {\"GF001\": 3}}", "gradflow.json:1:21: error: rules.GF001: expected \"off\", \"on\", "
                + "\"error\", \"warning\" or \"info\" or {\"severity\": ..., \"options\": {...}}, not 3");
        assertError("{\"rules\": {\"GF001\": {\"options\": {\"minLayers\": \"4\"}}}}",
                "gradflow.json:1:47: error: rules.GF001.options.minLayers: expected a number, not \"4\"");
        assertError("{\"rules\": {\"GF001\": {\"options\": {\"minLayers\": 2.5}}}}",
                "gradflow.json:1:47: error: rules.GF001.options.minLayers: expected a whole number, not 2.5");
        assertError("{\"thresholds\": {\"vanishingDecades\": 0}}", "gradflow.json:1:37: error: "
                + "thresholds.vanishingDecades: expected a positive number of decades, not 0");
        assertError("{\"overrides\": {}}", "gradflow.json:1:15: error: overrides: expected an array of "
                + "{\"files\": [...], \"rules\": {...}}");
        assertError("[]", "gradflow.json:1:1: error: a configuration is a JSON object with \"rules\", \"select\", "
                + "\"exclude\"... (see the README)");
    }

    @Test
    void unknownKeysInsideRulesThresholdsAndOverridesAreErrors() {
        assertError("{\"rules\": {\"GF001\": {\"level\": \"off\"}}}",
                "gradflow.json:1:22: error: rules.GF001: unknown key 'level' (expected severity or options)");
        assertError("{\"thresholds\": {\"depth\": 3}}", "gradflow.json:1:17: error: thresholds: unknown key 'depth' "
                + "(expected vanishingDecades, explodingDecades or signalDecades)");
        assertError("{\"overrides\": [{\"files\": [\"a\"], \"rule\": {}}]}", "gradflow.json:1:33: error: "
                + "overrides[0]: unknown key 'rule' (did you mean 'rules'?)");
    }

    @Test
    void overrideNeedsFilesThatAreValidPatterns() {
        assertError("{\"overrides\": [{\"rules\": {}}]}", "gradflow.json:1:16: error: overrides[0]: \"files\" is "
                + "required (glob patterns relative to this file's directory)");
        assertError("{\"overrides\": [{\"files\": []}]}",
                "gradflow.json:1:26: error: overrides[0].files: expected a non-empty array of glob patterns");
        assertThatThrownBy(() -> parse("{\"overrides\": [{\"files\": [\"[\"]}]}"))
                .hasMessageStartingWith("gradflow.json:1:27: error: overrides[0].files: invalid pattern '['");
    }

    @Test
    void aRuleConfiguredTwiceUnderTwoNamesIsAnError() {
        assertError("{\"rules\": {\"GF001\": \"off\", \"deep-saturating-stack\": \"error\"}}",
                "gradflow.json:1:28: error: rules: GF001 is configured twice ('GF001' and 'deep-saturating-stack')");
    }

    @Test
    void everyProblemIsReportedOneLineEachInFileOrder() {
        assertThatThrownBy(() -> parse("{\n\"x\": 1,\n\"rules\": {\"GF999\": \"off\"}\n}"))
                .hasMessage("gradflow.json:2:1: error: unknown key 'x' (expected extend, root, select, extend-select, ignore, per-file-ignores, exclude, extend-exclude, rules, "
                        + "thresholds or overrides)\n"
                        + "gradflow.json:3:11: error: rules: unknown rule 'GF999' ('gradflow rules' lists them)");
    }

    @Test
    void invalidJsonIsOneLocatedLine() {
        assertThatThrownBy(() -> parse("{\"rules\": {\"GF001\": \"off\""))
                .hasMessageStartingWith("gradflow.json:1:").hasMessageContaining("error: invalid JSON");
    }

    @Test
    void commentsAndTrailingCommasAreAllowedButAKeyTwiceIsNot() throws ConfigException {
        ConfigFile c = parse("""
                {
                  // why GF006 is off: the models are shallow
                  "rules": {"GF006": "off",},  /* trailing commas too */
                }
                """);
        assertThat(c.forFile(DIR.resolve("m.json")).enabled("GF006")).isFalse();
        assertError("{\"rules\": {}, \"rules\": {}}", "gradflow.json:1:15: error: invalid JSON: key 'rules' appears "
                + "twice in this object (which one counts would be a guess)");
    }

    @Test
    void selectExtendSelectAndIgnoreFollowRuff() throws ConfigException {
        RuleConfig only = parse("{\"select\": [\"GF00\"], \"ignore\": [\"GF001\"]}").forFile(DIR.resolve("m.json"));
        assertThat(only.enabled("GF002")).isTrue();
        assertThat(only.enabled("GF001")).as("the more specific ignore wins").isFalse();
        assertThat(only.enabled("GF010")).as("not selected").isFalse();
        RuleConfig back = parse("{\"ignore\": [\"GF00\"], \"extend-select\": [\"unscaled-init\"]}")
                .forFile(DIR.resolve("m.json"));
        assertThat(back.enabled("GF004")).as("the more specific select wins").isTrue();
        assertThat(back.enabled("GF003")).isFalse();
        assertThat(back.enabled("GF010")).isTrue();
        RuleConfig all = parse("{\"select\": [\"ALL\"], \"ignore\": [\"ALL\"], \"extend-select\": [\"GF015\"]}")
                .forFile(DIR.resolve("m.json"));
        assertThat(all.enabled("GF015")).isTrue();
        assertThat(all.enabled("GF001")).as("ignore wins a tie").isFalse();
    }

    @Test
    void prefixesAndNamesWorkWhereverARuleIsNamed() throws ConfigException {
        RuleConfig r = parse("{\"rules\": {\"GF00\": \"warning\", \"GF001\": \"off\"}}").forFile(DIR.resolve("m.json"));
        assertThat(r.enabled("GF001")).as("the id is more specific than the prefix").isFalse();
        assertThat(r.severityMap()).containsEntry("GF002", Severity.WARNING).containsEntry("GF007", Severity.WARNING)
                .doesNotContainKey("GF010");
        assertError("{\"rules\": {\"GF00\": {\"options\": {\"minLayers\": 2}}}}", "gradflow.json:1:32: error: "
                + "rules.GF00.options: options belong to one rule, and 'GF00' picks 7; give the rule's id");
        assertError("{\"select\": [\"deep-saturatin\"]}",
                "gradflow.json:1:13: error: select: unknown rule 'deep-saturatin' (did you mean 'deep-saturating-stack'?)");
    }

    @Test
    void perFileIgnoresTurnRulesOffForTheFilesTheyMatch() throws ConfigException {
        ConfigFile c = parse("{\"per-file-ignores\": {\"legacy/**\": [\"GF001\", \"missing-normalization\"], "
                + "\"*.h5\": [\"GF00\"]}}");
        RuleConfig legacy = c.forFile(DIR.resolve("legacy/a/b.json"));
        assertThat(legacy.enabled("GF001")).isFalse();
        assertThat(legacy.enabled("GF005")).isFalse();
        assertThat(legacy.enabled("GF006")).isTrue();
        assertThat(c.forFile(DIR.resolve("m/x.h5")).enabled("GF003")).isFalse();
        assertThat(c.forFile(DIR.resolve("m/x.json")).enabled("GF001")).isTrue();
        assertError("{\"per-file-ignores\": {\"a/*\": \"GF001\"}}", "gradflow.json:1:30: error: per-file-ignores.a/*: "
                + "expected an array of rule ids, prefixes (GF00) or names, not \"GF001\"");
    }

    private static ConfigFile parse(String text) throws ConfigException {
        return ConfigFile.parse(text.getBytes(StandardCharsets.UTF_8), DIR, "gradflow.json");
    }

    private static void assertError(String text, String message) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
