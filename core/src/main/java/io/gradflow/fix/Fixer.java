package io.gradflow.fix;

import io.gradflow.json.JsonSyntaxException;
import io.gradflow.model.Activation;
import io.gradflow.model.InitScheme;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.Precision;
import io.gradflow.model.WeightInit;
import io.gradflow.model.activation.Activations;
import io.gradflow.rules.Blocks;
import io.gradflow.rules.Blocks.Block;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Finding;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.Severity;
import io.gradflow.rules.InitScale;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Works out the fixes a model's findings offer, as edits on the text the model was read from (a
 * JSON or DSL file's text, or the JSON inside an HDF5 file or a zip). Used by {@code lint --fix}
 * and by the language server's code actions.
 */
public final class Fixer {

    /** How far (as a factor) an initialiser's scale may stray from its nonlinearity's need (GF002's). */
    static final double TOLERANCE = 1.45;

    private final ModelGraph model;
    private final ModelText text;
    private final Map<String, Block> blocks;

    private Fixer(ModelGraph model, ModelText text) {
        this.model = model;
        this.text = text;
        this.blocks = Blocks.blocks(model).stream()
                .collect(Collectors.toMap(b -> b.layer().name(), Function.identity(), (a, b) -> a));
    }

    /**
     * A fixer for a model and the text it was read from; null when the text cannot be edited (a
     * format with no text, or text that no longer parses).
     */
    public static @Nullable Fixer of(ModelGraph model, String source) {
        ModelText t;
        try {
            t = switch (model.format()) {
                case DL4J_JSON -> new Dl4jText(JsonText.parse(source));
                case KERAS_JSON, KERAS_H5, KERAS_V3 -> new KerasText(JsonText.parse(source));
                case GRADFLOW_DSL -> DslText.parse(source);
            };
        } catch (JsonSyntaxException e) {
            return null;
        }
        return t == null ? null : new Fixer(model, t);
    }

    /**
     * Every fix the finding offers, best first: its rule's, then those of the rules whose findings
     * it stands for (the same layers); a kind the file cannot express is left out.
     */
    public List<Fix> fixes(Finding f) {
        Set<FixKind> kinds = new LinkedHashSet<>(FixCatalogue.offered(f.rule()));
        for (Finding.Related r : f.related()) {
            kinds.addAll(FixCatalogue.offered(r.rule()));
        }
        List<Fix> out = new ArrayList<>();
        for (FixKind k : kinds) {
            Fix fix = fix(k, f);
            if (fix != null && !fix.edits().isEmpty() && out.stream().noneMatch(o -> o.kind() == fix.kind())) {
                out.add(fix);
            }
        }
        return out;
    }

    /**
     * The fixes to apply to these findings together: each finding's first fix that is safe (or,
     * with {@code unsafe}, its first at all, for a warning or an error: a structural change for an
     * informational note would be out of proportion), leaving out any that touches text another one
     * chosen before it touches (the next pass gets it).
     */
    public List<Fix> choose(List<Finding> findings, boolean unsafe) {
        List<Fix> chosen = new ArrayList<>();
        List<Edit> taken = new ArrayList<>();
        for (Finding f : findings) {
            for (Fix fix : fixes(f)) {
                if (!fix.safe() && (!unsafe || !f.severity().atLeast(Severity.WARNING))) {
                    continue;
                }
                if (!fix.overlaps(taken)) {
                    chosen.add(fix);
                    taken.addAll(fix.edits());
                }
                break;
            }
        }
        return chosen;
    }

    private @Nullable Fix fix(FixKind kind, Finding f) {
        if (kind == FixKind.DATA_TYPE) {
            return float32(f);
        }
        if (kind == FixKind.FORGET_BIAS) {
            return forgetBias(f);
        }
        List<Block> span = span(f);
        if (span.isEmpty()) {
            return null;
        }
        return switch (kind) {
            case INIT, GAIN -> init(f, span);
            case BIAS -> bias(f, span);
            case DATA_TYPE -> float32(f);
            case FORGET_BIAS -> forgetBias(f);
            case ACTIVATION -> activation(f, span);
            case BATCH_NORM -> batchNorm(f, span);
            case RESIDUAL -> residual(f, span);
        };
    }

    /**
     * The hidden layers the finding speaks of: its layer, through its span's last one, in the
     * model's order; for a verdict about the signal, which has no span, every hidden layer.
     */
    private List<Block> span(Finding f) {
        List<Block> out = new ArrayList<>();
        boolean verdict = BuiltInRules.find(f.rule()).map(r -> r.info().role() == RuleInfo.Role.VERDICT).orElse(false);
        if (f.span() == null && verdict) {
            return Blocks.blocks(model);
        }
        if (f.layer() == null) {
            return out;
        }
        String last = f.span() != null ? f.span().last() : f.layer();
        boolean in = false;
        for (Node n : model.nodes()) {
            in |= n.name().equals(f.layer());
            Block b = blocks.get(n.name());
            if (in && b != null) {
                out.add(b);
            }
            if (in && n.name().equals(last)) {
                break;
            }
        }
        return out;
    }

    private @Nullable Fix init(Finding f, List<Block> span) {
        List<Edit> edits = new ArrayList<>();
        List<Block> changed = new ArrayList<>();
        boolean gainOnly = true;
        for (Block b : span) {
            if (!offScale(b)) {
                continue;
            }
            ModelText.InitChange c = text.init(b.layer(), scheme(b.activation()));
            if (c == null) {
                return null;
            }
            edits.addAll(c.edits());
            changed.add(b);
            gainOnly &= c.gainOnly();
        }
        if (changed.isEmpty()) {
            return null;
        }
        InitScheme s = scheme(changed.get(0).activation());
        String what = gainOnly ? "give the initialiser the gain " + name(s) + " init has" : "use " + name(s) + " init";
        return new Fix(gainOnly ? FixKind.GAIN : FixKind.INIT, what + " in " + layers(changed), f.rule(), f.layer(),
                edits);
    }

    private @Nullable Fix bias(Finding f, List<Block> span) {
        Block b = span.get(0);
        List<Edit> edits = text.zeroBias(b.layer());
        return edits == null ? null : new Fix(FixKind.BIAS, "start the bias of " + layers(List.of(b)) + " at 0",
                f.rule(), f.layer(), edits);
    }

    /**
     * The forget-gate bias at 1, for a finding that the gradient vanishes through an LSTM's steps
     * (its span's decades: below 0) while its forget gate starts below 1. Not where it explodes
     * through them: a wider-open gate would not help there.
     */
    private @Nullable Fix forgetBias(Finding f) {
        Node n = f.layer() == null ? null : model.node(f.layer());
        if (n == null || n.frozen() || n.core().kind() != LayerKind.LSTM || !(n.core().forgetGateBias() < 1)
                || f.span() == null || !(f.span().decades() < 0)) {
            return null;
        }
        List<Edit> edits = text.forgetBias(n);
        return edits == null || edits.isEmpty() ? null : new Fix(FixKind.FORGET_BIAS, String.format(Locale.US,
                "start the forget-gate bias of layer '%s' at 1 instead of %.3g", n.name(), n.core().forgetGateBias()),
                f.rule(), f.layer(), edits);
    }

    /**
     * The model in float32, for a warning or an error about a 16-bit format's range (an
     * informational one says dynamic loss scaling already copes). The fix does not judge whether
     * float32's range holds the figures: a gradient that vanishes there too is the other
     * findings' to fix, and GF014 says so again after the fix.
     */
    private @Nullable Fix float32(Finding f) {
        Precision p = model.numberFormat().compute();
        if (!f.severity().atLeast(Severity.WARNING) || p != Precision.FLOAT16 && p != Precision.BFLOAT16) {
            return null;
        }
        List<Edit> edits = text.float32();
        return edits == null ? null : new Fix(FixKind.DATA_TYPE, "compute the model in float32 instead of "
                + p.id(), f.rule(), f.layer(), edits);
    }

    private @Nullable Fix activation(Finding f, List<Block> span) {
        List<Edit> edits = new ArrayList<>();
        List<Block> changed = new ArrayList<>();
        for (Block b : span) {
            if (!b.activation().saturating()) {
                continue;
            }
            List<Edit> relu = text.relu(b.applier());
            ModelText.InitChange he = text.init(b.layer(), InitScheme.HE);
            if (relu == null || he == null) {
                return null;
            }
            edits.addAll(relu);
            edits.addAll(he.edits());
            changed.add(b);
        }
        return changed.isEmpty() ? null : new Fix(FixKind.ACTIVATION, "use ReLU with He init instead of "
                + changed.get(0).activation().label() + " in " + layers(changed), f.rule(), f.layer(), edits);
    }

    private @Nullable Fix batchNorm(Finding f, List<Block> span) {
        List<ModelText.Site> sites = new ArrayList<>();
        List<Block> changed = new ArrayList<>();
        for (Block b : span) {
            if (b.normalized()) {
                continue;
            }
            sites.add(site(b));
            changed.add(b);
        }
        if (sites.isEmpty()) {
            return null;
        }
        Set<String> taken = new HashSet<>();
        model.nodes().forEach(n -> taken.add(n.name()));
        List<Edit> edits = text.batchNorm(model, sites, taken);
        return edits == null ? null : new Fix(FixKind.BATCH_NORM, "insert batch normalisation before the "
                + "nonlinearity of " + layers(changed), f.rule(), f.layer(), edits);
    }

    private @Nullable Fix residual(Finding f, List<Block> span) {
        List<ModelText.Site> sites = span.stream().map(Fixer::site).toList();
        List<Edit> edits = text.residual(model, sites);
        return edits == null ? null : new Fix(FixKind.RESIDUAL, "wrap the layers of " + layers(span)
                + " that keep their width in residual blocks", f.rule(), f.layer(), edits);
    }

    private static ModelText.Site site(Block b) {
        boolean own = b.applier() == b.layer() && !b.activation().is(Activations.IDENTITY);
        return new ModelText.Site(b.layer(), b.activation(), own, b.normalized());
    }

    /** Whether a layer's initialiser is off for its nonlinearity (or constant), by GF002's tolerance. */
    private static boolean offScale(Block b) {
        Node n = b.layer();
        WeightInit w = n.weightInit();
        if (w == null || b.normalized() || n.kind().recurrent() || n.kind() == LayerKind.ATTENTION || n.frozen()
                || b.activation().is(Activations.SOFTMAX) || b.activation().is(Activations.UNKNOWN)) {
            return false;
        }
        double ideal = InitScale.ideal(b.activation());
        double r = switch (w.family()) {
            case FAN_SCALED -> InitScale.nominal(w) / ideal;
            case ORTHOGONAL, IDENTITY -> w.gain() * w.gain() / ideal;
            case DISTRIBUTION -> w.symmetric() ? 0 : Double.NaN;
            case CONSTANT -> 0;
            case UNKNOWN -> 1;
        };
        // a fixed distribution ignores the fan-in whatever its spread: every finding naming one means it
        return Double.isNaN(r) || r > TOLERANCE || r < 1 / TOLERANCE;
    }

    static InitScheme scheme(Activation a) {
        return a.fn().recommendedScheme();
    }

    private static String name(InitScheme s) {
        return switch (s) {
            case HE -> "He";
            case LECUN -> "LeCun";
            case XAVIER -> "Xavier";
        };
    }

    private static String layers(List<Block> bs) {
        Node a = bs.get(0).layer();
        Node b = bs.get(bs.size() - 1).layer();
        return Blocks.span(a, b);
    }
}
