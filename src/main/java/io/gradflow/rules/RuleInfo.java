package io.gradflow.rules;

/**
 * A rule's metadata, kept beside its code.
 *
 * @param id       stable id, never reused ("GF001")
 * @param name     kebab-case name that names the problem ("deep-saturating-stack")
 * @param severity default severity: the most severe the rule reports unless configured
 * @param category what kind of problem
 * @param summary  one line for listings
 * @param since    version that introduced it
 */
public record RuleInfo(String id, String name, Severity severity, Category category, String summary,
                       String since) {

    /** Path of the rule's page, relative to the repository root. */
    public String page() {
        return "rules/" + id + "-" + name + ".md";
    }
}
