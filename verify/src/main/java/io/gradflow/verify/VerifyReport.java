package io.gradflow.verify;

import io.gradflow.report.ModelResult;
import io.gradflow.rules.Finding;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One model's verification: the static result, the measurements at initialisation and after the
 * training steps, and what each finding's check found.
 *
 * @param lint      the static prediction and findings
 * @param run       what the training run measured
 * @param checks    one per finding
 */
public record VerifyReport(ModelResult lint, Run run, List<Check> checks) {

    /**
     * What one training run measured, as the process that ran it sends it back.
     *
     * @param atInit       measured at initialisation
     * @param after        measured after the training steps (null when no step ran)
     * @param env          where it ran
     * @param weights      where the weights came from
     * @param cut          what the time budget cut, or null
     * @param seconds      wall time of building, measuring and training
     * @param trainSeconds wall time of the training steps alone
     * @param notes        what the run assumed or changed (sequence length, left-out dropout...)
     * @param format       the number format the network computed in ("float32", "float16")
     */
    public record Run(Measurement atInit, @Nullable Measurement after, Environment env, String weights,
                      @Nullable String cut,
                      double seconds, double trainSeconds, List<String> notes, String format) {

        public Run {
            notes = notes == null ? List.of() : List.copyOf(notes);
            format = format == null ? "float32" : format;
        }
    }

    /** What a finding's check found, and the numbers it found it with. */
    public record Check(Finding finding, Checks.Status status, String evidence) { }

    public VerifyReport {
        checks = List.copyOf(checks);
    }

    public Measurement atInit() {
        return run.atInit();
    }

    public @Nullable Measurement after() {
        return run.after();
    }
}
