package io.gradflow.report;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.model.ModelGraph;
import io.gradflow.rules.Finding;
import java.util.List;

/** One model's lint result: the model, what the analysis predicted and what the rules found. */
public record ModelResult(ModelGraph model, GradientAnalysis analysis, List<Finding> findings) {

    public ModelResult {
        findings = List.copyOf(findings);
    }
}
