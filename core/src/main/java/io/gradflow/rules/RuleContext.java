package io.gradflow.rules;

import io.gradflow.analysis.GradientAnalysis;
import io.gradflow.analysis.LayerProfile;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What a rule reads: the model, its analysis and the configuration. */
public record RuleContext(ModelGraph model, GradientAnalysis analysis, RuleConfig config) {

    public @Nullable LayerProfile profile(Node n) {
        return analysis.profile(n.name());
    }

    /** A finding located at a node (or at the model when {@code node} is null). */
    public Finding finding(RuleInfo info, Severity severity, @Nullable Node node, String message, String fix) {
        if (node == null) {
            return new Finding(info.id(), info.name(), severity, info.category(), message, fix,
                    model.source(), 0, 0, null, "");
        }
        // a layer read as another (a QKeras quantised layer as its float one) says so in every finding on it
        String said = node.kind() != LayerKind.OPAQUE && node.detail() != null ? message + " (" + node.detail() + ")"
                : message;
        return new Finding(info.id(), info.name(), severity, info.category(), said, fix,
                model.source(), node.pos().line(), node.pos().column(), node.name(), node.pos().pointer());
    }

    /**
     * A finding about the run of layers from {@code first} to {@code last} across which the
     * gradient changes by {@code decades}: findings of other rules with the same span are the same
     * problem, and the engine reports them once.
     */
    public Finding finding(RuleInfo info, Severity severity, Node first, Node last, double decades, String message,
                           String fix) {
        Finding f = finding(info, severity, first, message, fix);
        return new Finding(f.rule(), f.name(), f.severity(), f.category(), f.message(), f.fix(), f.source(),
                f.line(), f.column(), f.layer(), f.pointer(), new Finding.Span(last.name(), decades), List.of());
    }

    public double option(RuleInfo info, String key, double dflt) {
        return config.option(info.id(), key, dflt);
    }
}
