package io.gradflow.rules.transformer;

import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.rules.Category;
import io.gradflow.rules.Finding;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleContext;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.RuleOption;
import io.gradflow.rules.Severity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.List;
import java.util.Locale;

/**
 * A post-LN residual stack (a layer norm after each residual addition, as the original
 * Transformer and BERT place it) deep enough that its first steps need a learning-rate warm-up.
 */
public final class PostLnDepth implements Rule {

    public static final RuleInfo INFO = new RuleInfo("GF016", "post-ln-depth", Severity.INFO,
            Category.NORMALIZATION,
            "A deep post-LN residual stack needs a learning-rate warm-up, or pre-LN placement", "0.2.0")
            .withOptions(RuleOption.integer("minSublayers", 12))
            .withRole(RuleInfo.Role.ADVICE);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    /**
     * The layer norms that follow a residual addition directly: the addition's only consumer, and
     * the addition sums a branch with weights and its own input (post-LN placement).
     */
    static List<Node> postLnNorms(ModelGraph g) {
        List<Node> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.kind() != LayerKind.ELEMENTWISE || n.merge() != Node.Merge.ADD || n.inputs().size() < 2) {
                continue;
            }
            List<String> users = g.consumers(n.name());
            if (users.size() != 1) {
                continue;
            }
            Node u = Objects.requireNonNull(g.node(users.get(0)), "a consumer is a layer of the graph");
            if (u.kind() == LayerKind.LAYER_NORM && residual(g, n)) {
                out.add(u);
            }
        }
        return out;
    }

    /**
     * Whether an addition sums a branch with the branch's own input: one input lies upstream of
     * another (embeddings summed side by side are no residual).
     */
    private static boolean residual(ModelGraph g, Node add) {
        for (String skip : add.inputs()) {
            for (String branch : add.inputs()) {
                if (!branch.equals(skip) && upstream(g, skip, branch)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code from} feeds {@code to}, looking a bounded number of nodes back. */
    private static boolean upstream(ModelGraph g, String from, String to) {
        Deque<String> todo = new ArrayDeque<>(List.of(to));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty() && seen.size() < 256) {
            String cur = todo.pop();
            if (!seen.add(cur)) {
                continue;
            }
            for (String in : Objects.requireNonNull(g.node(cur), "an input is a layer of the graph").inputs()) {
                if (in.equals(from)) {
                    return true;
                }
                todo.push(in);
            }
        }
        return false;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
        int min = (int) ctx.option(INFO, "minSublayers", 12);
        List<Node> norms = postLnNorms(ctx.model());
        if (norms.size() < Math.max(min, 1)) {
            return List.of();
        }
        Node first = norms.get(0);
        Node last = norms.get(norms.size() - 1);
        String msg = String.format(Locale.US, "layers '%s'..'%s': %d residual additions each followed by a layer "
                        + "norm (post-LN, %d or more): at initialisation the weight gradients near the output of "
                        + "such a stack are large, and without a learning-rate warm-up its first updates can "
                        + "diverge (Xiong et al. 2020); pre-LN stacks do not need one",
                first.name(), last.name(), norms.size(), min);
        return List.of(ctx.finding(INFO, Severity.INFO, first, msg,
                "warm the learning rate up over the first few thousand steps, or move each layer norm to the "
                        + "start of its residual branch (pre-LN: x + F(LN(x))) with one final layer norm"));
    }
}
