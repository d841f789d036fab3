package io.gradflow.rules;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.model.ModelGraph;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
        List<Finding> reported = together(out);
        reported.sort(Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column)
                .thenComparing(Finding::rule));
        return reported;
    }

    /**
     * One problem, one finding: findings of several rules about the same run of layers and the
     * same decades (a deep sigmoid stack is also a stack without normalisation and without skip
     * connections) become one, the most severe (the earlier rule on a tie), with the others as
     * related notes.
     */
    private static List<Finding> together(List<Finding> found) {
        Map<String, List<Finding>> bySpan = new LinkedHashMap<>();
        List<Finding> out = new ArrayList<>();
        for (Finding f : found) {
            if (f.span() == null || f.layer() == null) {
                out.add(f);
            } else {
                String key = f.layer() + '\u0000' + f.span().last() + '\u0000'
                        + Math.round(f.span().decades() * 10);
                bySpan.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
            }
        }
        for (List<Finding> same : bySpan.values()) {
            Finding lead = same.get(0);
            for (Finding f : same) {
                if (f.severity().atLeast(lead.severity()) && f.severity() != lead.severity()) {
                    lead = f;
                }
            }
            List<Finding.Related> related = new ArrayList<>();
            for (Finding f : same) {
                if (f != lead) {
                    related.add(f.asRelated());
                }
            }
            out.add(related.isEmpty() ? lead : lead.withRelated(related));
        }
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

    private static boolean suppressed(@Nullable Set<String> ids, RuleInfo info) {
        return ids != null && (ids.contains(info.id()) || ids.contains(info.name()) || ids.contains("*"));
    }
}
