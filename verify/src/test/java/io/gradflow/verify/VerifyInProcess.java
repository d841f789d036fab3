package io.gradflow.verify;

import io.gradflow.rules.RuleConfig;
import java.nio.file.Path;

/**
 * Verifies models in this process, printing each one's verdicts or the whole stack of what failed:
 * for debugging the builder. Usage: VerifyInProcess MODEL...
 */
public final class VerifyInProcess {

    private VerifyInProcess() {
    }

    public static void main(String[] args) {
        Verifier.Options o = new Verifier.Options(0, 4, 42, 1, 0, false, Verifier.Options.DEFAULT.timeSteps());
        for (String a : args) {
            try {
                VerifyReport r = new Verifier(o, Progress.NONE).verify(Path.of(a), a, RuleConfig.DEFAULT);
                System.out.printf("%s: predicted %s (%.2f, %.2f), measured %s (%.2f, %.2f)%n", a,
                        r.lint().analysis().verdict(), r.lint().analysis().firstToLastDecades(),
                        r.lint().analysis().signalDecades(), r.atInit().verdict(), r.atInit().firstToLastDecades(),
                        r.atInit().signalDecades());
            } catch (Exception | Error e) {
                System.out.println(a + ": FAILED " + e);
                Throwable c = e.getCause() != null ? e.getCause() : e;
                c.printStackTrace(System.out);
            }
        }
    }
}
