package io.gradflow.verify;

import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One model's verification: the static result, the measurements at initialisation and after the
 * training steps, and whether each finding held.
 *
 * @param lint      the static prediction and findings
 * @param atInit    measured at initialisation
 * @param after     measured after the training steps (null when no step ran)
 * @param env       where it ran
 * @param weights   where the weights came from
 * @param checks    one per finding
 * @param cut       what --time-budget cut, or null
 * @param seconds   wall time of building, measuring and training
 * @param trainSeconds wall time of the training steps alone
 */
public record VerifyReport(ModelResult lint, Measurement atInit, @Nullable Measurement after, Environment env,
                           String weights,
                           List<Check> checks, @Nullable String cut, double seconds, double trainSeconds) {

    /** Whether a finding's claim shows in the measurement. */
    public record Check(Finding finding, @Nullable Boolean confirmed, String evidence) { }
}
