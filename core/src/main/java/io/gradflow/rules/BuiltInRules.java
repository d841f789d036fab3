package io.gradflow.rules;

import io.gradflow.rules.configuration.UnusedSuppression;
import io.gradflow.rules.dead.DeadReluRisk;
import io.gradflow.rules.exploding.ExplodingGradient;
import io.gradflow.rules.initialization.InitActivationMismatch;
import io.gradflow.rules.initialization.SymmetricInit;
import io.gradflow.rules.initialization.UnscaledInit;
import io.gradflow.rules.normalization.MissingNormalization;
import io.gradflow.rules.precision.OutOfRange;
import io.gradflow.rules.recurrent.UnstableThroughTime;
import io.gradflow.rules.skip.MissingSkipConnections;
import io.gradflow.rules.transformer.PostLnDepth;
import io.gradflow.rules.unsupported.UnknownActivation;
import io.gradflow.rules.unsupported.UnsupportedLayer;
import io.gradflow.rules.vanishing.DeepSaturatingStack;
import io.gradflow.rules.vanishing.VanishingGradient;
import java.util.List;
import java.util.Optional;

/** The ordered list of every built-in rule: explicit, no classpath scanning. */
public final class BuiltInRules {

    private static final List<Rule> ALL = List.of(
            new DeepSaturatingStack(),
            new InitActivationMismatch(),
            new SymmetricInit(),
            new UnscaledInit(),
            new MissingNormalization(),
            new MissingSkipConnections(),
            new DeadReluRisk(),
            new OutOfRange(),
            new UnstableThroughTime(),
            new PostLnDepth(),
            new VanishingGradient(),
            new ExplodingGradient(),
            new UnsupportedLayer(),
            new UnknownActivation(),
            new UnusedSuppression());

    private BuiltInRules() {
    }

    public static List<Rule> all() {
        return ALL;
    }

    /** A rule by id ("GF001") or name ("deep-saturating-stack"), case-insensitive. */
    public static Optional<Rule> find(String idOrName) {
        for (Rule r : ALL) {
            if (r.info().id().equalsIgnoreCase(idOrName) || r.info().name().equalsIgnoreCase(idOrName)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
