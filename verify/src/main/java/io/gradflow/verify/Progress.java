package io.gradflow.verify;

/**
 * Where a verification is, as it goes: the phases (reading, building, drawing the weights,
 * measuring, training) and the steps within them. The child process sends them to the one the
 * user started, which shows them; an implementation may end a run that is over its time budget by
 * throwing {@link OverBudget}.
 */
public interface Progress {

    /** A phase begins. */
    void phase(String what);

    /** Step {@code i} of {@code n} of a phase. */
    void step(String what, int i, int n);

    /** Reports nothing, never stops anything. */
    Progress NONE = new Progress() {
        @Override
        public void phase(String what) {
        }

        @Override
        public void step(String what, int i, int n) {
        }
    };

    /** The model's time budget ran out during {@code phase}. */
    final class OverBudget extends RuntimeException {

        private final String phase;

        public OverBudget(String phase) {
            super("time budget reached while " + phase, null, false, false);
            this.phase = phase;
        }

        public String phase() {
            return phase;
        }
    }
}
