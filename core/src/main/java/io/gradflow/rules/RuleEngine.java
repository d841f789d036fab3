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
     * Runs the cause and advice rules, then the verdict rules where no cause rule reported an
     * error (after configuration): a bad verdict is reported once, by the rule that names its cause
     * where one does. Inline suppressions leave out findings, not causes.
     *
     * @param suppressions rule ids suppressed per layer name (inline suppressions), may be empty
     */
    public static List<Finding> run(ModelGraph model, GradientAnalysis analysis, RuleConfig config,
                                    Map<String, Set<String>> suppressions) {
        RuleContext ctx = new RuleContext(model, analysis, config);
        List<Finding> out = new ArrayList<>();
        boolean explained = false;
        for (Rule r : BuiltInRules.all()) {
            if (r.info().role() != RuleInfo.Role.VERDICT) {
                explained |= apply(r, ctx, suppressions, out);
            }
        }
        if (!explained) {
            for (Rule r : BuiltInRules.all()) {
                if (r.info().role() == RuleInfo.Role.VERDICT) {
                    apply(r, ctx, suppressions, out);
                }
            }
        }
        out.sort(Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column)
                .thenComparing(Finding::rule));
        return out;
    }

    /** Adds an enabled rule's findings at their configured severity; true when a cause reported an error. */
    private static boolean apply(Rule r, RuleContext ctx, Map<String, Set<String>> suppressions, List<Finding> out) {
        RuleInfo info = r.info();
        RuleConfig config = ctx.config();
        if (!config.enabled(info.id())) {
            return false;
        }
        boolean cause = false;
        for (Finding f : r.check(ctx)) {
            Finding effective = config.severityOverridden(info.id()) ? f.withSeverity(config.severity(info)) : f;
            cause |= info.role() == RuleInfo.Role.CAUSE && effective.severity() == Severity.ERROR;
            if (f.layer() == null || !suppressed(suppressions.get(f.layer()), info)) {
                out.add(effective);
            }
        }
        return cause;
    }

    private static boolean suppressed(Set<String> ids, RuleInfo info) {
        return ids != null && (ids.contains(info.id()) || ids.contains(info.name()) || ids.contains("*"));
    }
}
