package io.gradflow.rules;

import java.util.List;
import java.util.Optional;

/**
 * A rule's metadata, kept beside its code.
 *
 * @param id       stable id, never reused ("GF001")
 * @param name     kebab-case name that names the problem ("deep-saturating-stack")
 * @param severity default severity: the most severe the rule reports unless configured
 * @param category what kind of problem
 * @param summary  one line for listings
 * @param since    version that introduced it
 * @param options  the numeric options it reads from the configuration
 * @param role     how its findings relate to the model's verdict
 */
public record RuleInfo(String id, String name, Severity severity, Category category, String summary,
                       String since, List<RuleOption> options, Role role) {

    /** How a rule's findings relate to the model's verdict; the engine orders and gates rules by it. */
    public enum Role {
        /** Names a cause of a bad verdict: an error from it explains the verdict. */
        CAUSE,
        /** Reports a bad verdict itself, only where no cause rule reported an error (the engine checks). */
        VERDICT,
        /** Advice independent of the verdict. */
        ADVICE
    }

    public RuleInfo {
        options = List.copyOf(options);
    }

    /** A rule without options, giving advice. */
    public RuleInfo(String id, String name, Severity severity, Category category, String summary, String since) {
        this(id, name, severity, category, summary, since, List.of(), Role.ADVICE);
    }

    /** The same rule, declaring the options it reads. */
    public RuleInfo withOptions(RuleOption... declared) {
        return new RuleInfo(id, name, severity, category, summary, since, List.of(declared), role);
    }

    /** The same rule in another role. */
    public RuleInfo withRole(Role r) {
        return new RuleInfo(id, name, severity, category, summary, since, options, r);
    }

    public Optional<RuleOption> option(String key) {
        return options.stream().filter(o -> o.name().equals(key)).findFirst();
    }

    /** Path of the rule's page, relative to the repository root. */
    public String page() {
        return "rules/" + id + "-" + name + ".md";
    }
}
