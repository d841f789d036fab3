package io.gradflow.rules;

import java.util.List;

/** A check over one model and its analysis. Implementations are small and stateless. */
public interface Rule {

    RuleInfo info();

    /** The findings for this model, at the severity the rule judges; the engine applies config. */
    List<Finding> check(RuleContext ctx);
}
