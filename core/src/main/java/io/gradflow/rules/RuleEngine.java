package io.gradflow.rules;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.model.Interrupts;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Suppression;
import io.gradflow.rules.configuration.UnusedSuppression;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
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
     * where one does. Inline suppressions leave out findings, not causes; one that silenced nothing
     * is itself a finding (GF015) when that rule is on.
     *
     * @param suppressions the inline suppressions the model's file writes, may be empty
     */
    public static List<Finding> run(ModelGraph model, GradientAnalysis analysis, RuleConfig config,
                                    List<Suppression> suppressions) {
        RuleContext ctx = new RuleContext(model, analysis, config);
        List<Finding> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        boolean explained = false;
        for (Rule r : BuiltInRules.all()) {
            if (r.info().role() != RuleInfo.Role.VERDICT) {
                explained |= apply(r, ctx, suppressions, used, out);
            }
        }
        if (!explained) {
            for (Rule r : BuiltInRules.all()) {
                if (r.info().role() == RuleInfo.Role.VERDICT) {
                    apply(r, ctx, suppressions, used, out);
                }
            }
        }
        if (config.enabled(UnusedSuppression.INFO.id())) {
            out.addAll(unused(model, config, suppressions, used));
        }
        List<Finding> reported = together(out);
        reported.sort(BY_PLACE);
        return reported;
    }

    /**
     * Line, column, rule. One lambda of this class, which the start-up archive keeps, where
     * Comparator's comparing/thenComparing chain spun three classes at run time on every lint.
     */
    private static final Comparator<Finding> BY_PLACE = (a, b) -> {
        int c = Integer.compare(a.line(), b.line());
        if (c == 0) {
            c = Integer.compare(a.column(), b.column());
        }
        return c != 0 ? c : a.rule().compareTo(b.rule());
    };

    /**
     * The suppressions that silenced nothing, one finding each naming the rules that did not
     * fire. A rule the configuration turns off for this file is not counted against a
     * suppression (it may be on elsewhere), nor is GF015 itself when the suppression names it.
     */
    private static List<Finding> unused(ModelGraph model, RuleConfig config, List<Suppression> suppressions,
                                        Set<String> used) {
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < suppressions.size(); i++) {
            Suppression s = suppressions.get(i);
            if (s.rules().stream().anyMatch(w -> RuleSelector.matches(w, UnusedSuppression.INFO))) {
                continue;
            }
            List<String> idle = new ArrayList<>();
            boolean anyOn = false;
            for (String written : s.rules()) {
                boolean on = false;
                boolean fired = false;
                for (RuleInfo info : RuleSelector.resolve(written)) {
                    on |= config.enabled(info.id());
                    fired |= used.contains(i + "\u0000" + info.id());
                }
                anyOn |= on;
                if (on && !fired) {
                    idle.add(written);
                }
            }
            if (!idle.isEmpty()) {
                out.add(UnusedSuppression.finding(model, s, idle, anyOn && idle.size() == s.rules().size()));
            }
        }
        return out;
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

    /**
     * Adds an enabled rule's findings at their configured severity, leaving out those an inline
     * suppression covers (and recording which suppression was used, as "index NUL rule id");
     * true when a cause reported an error.
     */
    private static boolean apply(Rule r, RuleContext ctx, List<Suppression> suppressions, Set<String> used,
                                 List<Finding> out) {
        RuleInfo info = r.info();
        RuleConfig config = ctx.config();
        if (!config.enabled(info.id())) {
            return false;
        }
        Interrupts.check();
        boolean cause = false;
        for (Finding f : r.check(ctx)) {
            Finding effective = config.severityOverridden(info.id()) ? f.withSeverity(config.severity(info)) : f;
            cause |= info.role() == RuleInfo.Role.CAUSE && effective.severity() == Severity.ERROR;
            boolean silenced = false;
            for (int i = 0; i < suppressions.size(); i++) {
                Suppression s = suppressions.get(i);
                if (s.covers(f.layer()) && s.rules().stream().anyMatch(w -> RuleSelector.matches(w, info))) {
                    used.add(i + "\u0000" + info.id());
                    silenced = true;
                }
            }
            if (!silenced) {
                out.add(effective);
            }
        }
        return cause;
    }
}
