package io.gradflow.rules;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.model.ModelGraph;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs the enabled rules over one model and applies the configuration to what they find. */
public final class RuleEngine {

    private RuleEngine() {
    }

    /**
     * @param suppressions rule ids suppressed per layer name (inline suppressions), may be empty
     */
    public static List<Finding> run(ModelGraph model, GradientAnalysis analysis, RuleConfig config,
                                    Map<String, Set<String>> suppressions) {
        RuleContext ctx = new RuleContext(model, analysis, config);
        List<Finding> out = new ArrayList<>();
        for (Rule r : BuiltInRules.all()) {
            RuleInfo info = r.info();
            if (!config.enabled(info.id())) {
                continue;
            }
            for (Finding f : r.check(ctx)) {
                if (f.layer() != null && suppressed(suppressions.get(f.layer()), info)) {
                    continue;
                }
                out.add(config.severityOverridden(info.id()) ? f.withSeverity(config.severity(info)) : f);
            }
        }
        out.sort(Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column)
                .thenComparing(Finding::rule));
        return out;
    }

    private static boolean suppressed(Set<String> ids, RuleInfo info) {
        return ids != null && (ids.contains(info.id()) || ids.contains(info.name()) || ids.contains("*"));
    }
}
