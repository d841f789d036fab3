package io.gradflow.config;

import io.gradflow.rules.Rule;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.RuleSelector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which rules run, in ruff's terms: {@code select} replaces the rules that were on (all of them,
 * by default), {@code extend-select} adds to them, {@code ignore} takes some away. Selectors are
 * ids, id prefixes (GF00), names or ALL; where two disagree about a rule the more specific wins
 * (select GF00 with ignore GF001 leaves GF001 off; ignore GF00 with extend-select GF001 turns it
 * on), and on equal footing ignore wins, as in ruff.
 *
 * @param select       the selectors that replace the selection, or null when not given
 * @param extendSelect selectors added to it
 * @param ignore       selectors taken away
 */
public record RuleSelection(@Nullable List<String> select, List<String> extendSelect, List<String> ignore) {

    /** Selects nothing and ignores nothing: the rules stay as they were. */
    public static final RuleSelection NONE = new RuleSelection(null, List.of(), List.of());

    public RuleSelection {
        select = select == null ? null : List.copyOf(select);
        extendSelect = List.copyOf(extendSelect);
        ignore = List.copyOf(ignore);
    }

    /** Whether it changes anything. */
    public boolean isEmpty() {
        return select == null && extendSelect.isEmpty() && ignore.isEmpty();
    }

    /** The configuration with this selection laid over which rules are on. */
    public RuleConfig over(RuleConfig base) {
        if (isEmpty()) {
            return base;
        }
        Map<String, Boolean> on = new HashMap<>(base.enabledMap());
        if (select != null) {
            for (Rule r : BuiltInRules.all()) {
                on.put(r.info().id(), false);
            }
        }
        record Step(String selector, boolean on, int breadth, int order) { }
        List<Step> steps = new ArrayList<>();
        for (String s : select == null ? List.<String>of() : select) {
            steps.add(new Step(s, true, RuleSelector.breadth(s), 0));
        }
        for (String s : extendSelect) {
            steps.add(new Step(s, true, RuleSelector.breadth(s), 0));
        }
        for (String s : ignore) {
            steps.add(new Step(s, false, RuleSelector.breadth(s), 1));
        }
        // broad first, so that the specific ones have the last word; on a tie, ignore last
        steps.sort(Comparator.comparingInt((Step s) -> -s.breadth()).thenComparingInt(Step::order));
        for (Step s : steps) {
            for (RuleInfo info : RuleSelector.resolve(s.selector())) {
                on.put(info.id(), s.on());
            }
        }
        return new RuleConfig(on, base.severityMap(), base.optionMap(), base.thresholds());
    }
}
