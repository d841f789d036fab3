package io.gradflow.analysis;

import java.util.Locale;

/** The model-level prediction. */
public enum Verdict {
    HEALTHY, VANISHING, EXPLODING, UNKNOWN;

    /** The name used in reports. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
