package io.gradflow.report;

import io.gradflow.rules.Finding;
import io.gradflow.rules.Severity;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything one lint run produced, in the order the inputs were given.
 *
 * @param baselined how many findings a baseline held back (they are not in {@code models})
 * @param skipped   files met while walking that are not models, left out of the run
 */
public record LintReport(List<ModelResult> models, List<InputError> errors, int baselined, List<Skipped> skipped) {

    public LintReport {
        models = List.copyOf(models);
        errors = List.copyOf(errors);
        skipped = List.copyOf(skipped);
    }

    public LintReport(List<ModelResult> models, List<InputError> errors, int baselined) {
        this(models, errors, baselined, List.of());
    }

    public LintReport(List<ModelResult> models, List<InputError> errors) {
        this(models, errors, 0);
    }

    /** The same run with other model results (a baseline's filtering), {@code baselined} more held back. */
    public LintReport withModels(List<ModelResult> kept, int moreBaselined) {
        return new LintReport(kept, errors, baselined + moreBaselined, skipped);
    }

    public long count(Severity s) {
        return models.stream().flatMap(m -> m.findings().stream()).filter(f -> f.severity() == s).count();
    }

    /** Every finding, in report order. */
    public List<Finding> findings() {
        return models.stream().flatMap(m -> m.findings().stream()).toList();
    }

    /** True when any finding is at least as severe as {@code threshold} (never when it is null). */
    public boolean reaches(@Nullable Severity threshold) {
        if (threshold == null) {
            return false;
        }
        return models.stream().flatMap(m -> m.findings().stream()).map(Finding::severity)
                .anyMatch(s -> s.atLeast(threshold));
    }
}
