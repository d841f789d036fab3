package io.gradflow.report;

import io.gradflow.rules.Finding;
import io.gradflow.rules.Severity;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything one lint run produced, in the order the inputs were given.
 *
 * @param baselined how many findings a baseline held back (they are not in {@code models})
 */
public record LintReport(List<ModelResult> models, List<InputError> errors, int baselined) {

    public LintReport {
        models = List.copyOf(models);
        errors = List.copyOf(errors);
    }

    public LintReport(List<ModelResult> models, List<InputError> errors) {
        this(models, errors, 0);
    }

    public long count(Severity s) {
        return models.stream().flatMap(m -> m.findings().stream()).filter(f -> f.severity() == s).count();
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
