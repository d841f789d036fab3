package io.gradflow.ingest.dsl;

import io.gradflow.ingest.Finish;
import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ReadException.Problem;
import io.gradflow.ingest.ReadException;
import io.gradflow.ingest.dsl.GradflowDslParser.ActivationLayerContext;
import io.gradflow.ingest.dsl.GradflowDslParser.ActivationOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.AsOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.BatchNormContext;
import io.gradflow.ingest.dsl.GradflowDslParser.BiasOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.BlockContext;
import io.gradflow.ingest.dsl.GradflowDslParser.BranchStmtContext;
import io.gradflow.ingest.dsl.GradflowDslParser.CallContext;
import io.gradflow.ingest.dsl.GradflowDslParser.ConvContext;
import io.gradflow.ingest.dsl.GradflowDslParser.DefaultsStmtContext;
import io.gradflow.ingest.dsl.GradflowDslParser.DenseContext;
import io.gradflow.ingest.dsl.GradflowDslParser.DropoutLayerContext;
import io.gradflow.ingest.dsl.GradflowDslParser.DropoutOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.FileContext;
import io.gradflow.ingest.dsl.GradflowDslParser.ForgetBiasOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.GlobalPoolContext;
import io.gradflow.ingest.dsl.GradflowDslParser.InitOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.InputStmtContext;
import io.gradflow.ingest.dsl.GradflowDslParser.JoinStmtContext;
import io.gradflow.ingest.dsl.GradflowDslParser.LayerNormContext;
import io.gradflow.ingest.dsl.GradflowDslParser.LayerStmtContext;
import io.gradflow.ingest.dsl.GradflowDslParser.LossOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.ModelStmtContext;
import io.gradflow.ingest.dsl.GradflowDslParser.PrecisionOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.PrecisionStmtContext;
import io.gradflow.ingest.dsl.GradflowDslParser.NameContext;
import io.gradflow.ingest.dsl.GradflowDslParser.NumberContext;
import io.gradflow.ingest.dsl.GradflowDslParser.OptionContext;
import io.gradflow.ingest.dsl.GradflowDslParser.OutputContext;
import io.gradflow.ingest.dsl.GradflowDslParser.PaddingOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.PoolContext;
import io.gradflow.ingest.dsl.GradflowDslParser.RecurrentContext;
import io.gradflow.ingest.dsl.GradflowDslParser.RepeatStmtContext;
import io.gradflow.ingest.dsl.GradflowDslParser.ResidualStmtContext;
import io.gradflow.ingest.dsl.GradflowDslParser.SizeContext;
import io.gradflow.ingest.dsl.GradflowDslParser.StatementContext;
import io.gradflow.ingest.dsl.GradflowDslParser.StrideOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.UpdaterOptContext;
import io.gradflow.model.Activation;
import io.gradflow.model.Format;
import io.gradflow.model.GraphException;
import io.gradflow.model.Interrupts;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.NumberFormat;
import io.gradflow.model.PaddingMode;
import io.gradflow.model.Precision;
import io.gradflow.model.SourcePos;
import io.gradflow.model.Suppression;
import io.gradflow.model.TensorShape;
import io.gradflow.model.WeightInit;
import io.gradflow.model.activation.Activations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.jspecify.annotations.Nullable;

/**
 * Walks a parsed DSL file and builds the model graph: expands repeats, wires residual blocks and
 * branches, applies defaults and per-layer options, names layers, and reports every semantic error
 * (unknown names, out-of-range numbers, shape mismatches, undefined branches...) with its position.
 */
final class GraphBuilder extends GradflowDslBaseVisitor<Void> {

    /** Largest repeat count: beyond it a design is more likely a typo than a network. */
    static final int MAX_REPEAT = Limits.MAX_REPEAT;
    /** Largest model after expansion, so that nested repeats cannot exhaust memory. */
    static final int MAX_LAYERS = Limits.MAX_LAYERS;
    /** Name of the network's input node. */
    static final String INPUT = "input";

    /** What layers get when neither they nor a defaults block say otherwise: DL4J's own defaults. */
    private record Defaults(Activation activation, WeightInit init, double bias, boolean hasBias,
                            Node.Updater updater) {

        static final Defaults DL4J = new Defaults(Activation.SIGMOID,
                WeightInit.fanScaled("xavier", 1, WeightInit.Fan.AVG, WeightInit.Shape.NORMAL), 0, true,
                DslNames.DEFAULT_UPDATER);
    }

    /** A named branch: where its output is, and whether a join has used it. */
    private static final class Branch {
        final String output;
        final Token token;
        boolean joined;

        Branch(String output, Token token) {
            this.output = output;
            this.token = token;
        }
    }

    /** A block being visited: its defaults, its branches, and the suppressions its layers inherit. */
    private static final class Scope {
        final String kind;
        Defaults defaults;
        /** The lines of the suppressions that cover every layer inside (the blocks' opening lines). */
        final Set<Integer> suppressedBy;
        final Map<String, Branch> branches = new LinkedHashMap<>();
        /** A join here named a branch that does not exist: an unjoined branch is then likely that typo. */
        boolean undefinedJoined;

        Scope(String kind, Defaults defaults, Set<Integer> suppressedBy) {
            this.kind = kind;
            this.defaults = defaults;
            this.suppressedBy = suppressedBy;
        }
    }

    /** A merge whose inputs must agree in shape, checked once shapes are known. */
    private record Merge(String node, boolean residual, boolean concat, String op, List<String> labels,
                         SourcePos pos) { }

    private final String source;
    private final String fallbackName;
    private final Directives directives;
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> problemAt = new HashSet<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Token> definedBy = new HashMap<>();
    private final Set<String> explicitNames = new HashSet<>();
    private final Map<String, Integer> counters = new HashMap<>();
    /** The layers each suppression (by its line) covers. */
    private final Map<Integer, Set<String>> covered = new LinkedHashMap<>();
    private final Set<Integer> usedLines = new HashSet<>();
    private final List<Merge> merges = new ArrayList<>();

    private @Nullable String modelName;
    private @Nullable Token modelToken;
    private @Nullable Token inputToken;
    private @Nullable Token outputToken;
    private @Nullable String outputName;
    private @Nullable Token lastLayerToken;
    private @Nullable String current;
    @SuppressWarnings("NullAway.Init") // set when the visit enters the file, before any statement is read
    private Scope scope;
    private boolean broken;
    private boolean tooBig;
    private boolean reportedAfterOutput;
    /** A width, size, kernel, stride or padding was wrong: shapes would be guesses, so they are not checked. */
    private boolean sizesWrong;
    private @Nullable Token precisionToken;
    /**
     * The model's number format: float32 unless a `precision` statement says otherwise, with
     * Deeplearning4j's per-example gradients (the DSL's models are DL4J networks).
     */
    private NumberFormat numbers = NumberFormat.DEFAULT.withPerExampleGradients(true);
    /** The `precision` option of the layer statement being read, for {@link #add} to set. */
    private @Nullable Precision layerPrecision;

    GraphBuilder(String source, String fallbackName, Directives directives, List<Problem> earlier) {
        this.source = source;
        this.fallbackName = fallbackName;
        this.directives = directives;
        earlier.forEach(p -> error(p.pos(), p.message()));
    }

    // ---------------------------------------------------------------- the whole file

    /** Builds the graph, or throws with every problem found (and those passed in). */
    ModelGraph build(FileContext file) throws ReadException {
        collectExplicitNames(file);
        scope = new Scope("file", Defaults.DL4J, Set.of());
        // nested repeats multiply: count before expanding, so `repeat 1000 { repeat 1000 { ... } }`
        // is one error at once rather than a million visits
        if (expansion(file.statement(), true) > MAX_LAYERS) {
            tooBig = true;
            throw failure();
        }
        for (StatementContext s : file.statement()) {
            Interrupts.check();
            visit(s);
        }
        closeScope(scope);
        finish();
        // a wrong size leaves a placeholder that would cause false shape errors; a wrong name does not
        if (broken || sizesWrong || outputName == null || tooBig) {
            throw failure();
        }
        ModelGraph g;
        try {
            g = ModelGraph.of(source, Format.GRADFLOW_DSL, modelName != null ? modelName : fallbackName, nodes,
                    List.of(outputName), Map.of(), Map.of("language", "gradflow DSL")).withNumberFormat(numbers);
        } catch (GraphException e) {
            // the builder wires only what it defined, so this is a bug, but say where it happened
            error(e.pos(), e.getMessage());
            throw failure();
        }
        g = Finish.shapes(g);
        checkShapes(g);
        if (!problems.isEmpty()) {
            throw failure();
        }
        List<Suppression> written = new ArrayList<>();
        for (Directives.Directive d : directives.all().values()) {
            written.add(new Suppression(pos(d.comment()), List.copyOf(d.rules()),
                    covered.getOrDefault(d.comment().getLine(), Set.of())));
        }
        return g.withSuppressions(written);
    }

    /**
     * Statements the list expands to, repeats multiplied out (at most {@link #MAX_LAYERS} + 1:
     * past it the count stops); with {@code report}, the first repeat that alone expands past the
     * limit, or the statement where the total passes it, is the error.
     */
    private long expansion(List<StatementContext> statements, boolean report) {
        long total = 0;
        for (StatementContext s : statements) {
            long n = 1;
            if (s instanceof RepeatStmtContext r) {
                Double v = r.number().BAD_NUMBER() != null ? null : Double.valueOf(r.number().getText());
                long count = v == null || v != Math.rint(v) || v < 1 || v > MAX_REPEAT ? 1 : v.longValue();
                long inner = expansion(r.block().statement(), false);
                n = Math.min(count * inner, MAX_LAYERS + 1L);
                if (report && n > MAX_LAYERS) {
                    error(r.getStart(), "this repeat expands to more than " + Limits.count(MAX_LAYERS) + " layers ("
                            + count + " times a block of " + Limits.count(inner) + (inner > MAX_LAYERS ? " or more" : "")
                            + "), over the limit: lower the repeat counts");
                    return n;
                }
            } else if (s instanceof ResidualStmtContext r) {
                n = expansion(r.block().statement(), report) + 1;
            } else if (s instanceof BranchStmtContext b) {
                n = expansion(b.block().statement(), report);
            }
            total = Math.min(total + n, MAX_LAYERS + 1L);
            if (total > MAX_LAYERS) {
                if (report && problems.isEmpty()) {
                    error(s.getStart(), "the model expands to more than " + Limits.count(MAX_LAYERS) + " layers by "
                            + "here, over the limit: lower the repeat counts");
                }
                return total;
            }
        }
        return total;
    }

    private ReadException failure() {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt((Problem p) -> p.pos().line()).thenComparingInt(p -> p.pos().column()));
        return ReadException.of(sorted);
    }

    private void finish() {
        SourcePos start = SourcePos.of(1, 1);
        if (inputToken == null && !broken) {
            error(start, "the model has no input: declare it first, e.g. `input 64`");
        } else if (lastLayerToken == null && inputToken != null) {
            error(pos(inputToken), "the model has no layers: add some after the input, e.g. `dense 64`, and end "
                    + "with an output layer");
        } else if (outputToken == null && lastLayerToken != null) {
            error(pos(lastLayerToken), "the model has no output layer: end it with one, e.g. "
                    + "`output 10 softmax loss mcxent`");
        }
        for (Directives.Directive d : directives.all().values()) {
            if (!usedLines.contains(d.comment().getLine())) {
                error(pos(d.comment()), "this suppression is on a line with no layer: put it at the end of the "
                        + "line that defines the layer (or opens the block)");
            }
        }
    }

    // ---------------------------------------------------------------- statements

    @Override
    public Void visitModelStmt(ModelStmtContext ctx) {
        if (!atTop(ctx.getStart(), "model")) {
            return null;
        }
        if (modelToken != null) {
            error(ctx.getStart(), "the model is named twice (first at line " + modelToken.getLine() + ")");
            return null;
        }
        modelToken = ctx.getStart();
        modelName = ctx.name().getText();
        return null;
    }

    @Override
    public Void visitPrecisionStmt(PrecisionStmtContext ctx) {
        if (!atTop(ctx.getStart(), "precision")) {
            return null;
        }
        if (precisionToken != null) {
            error(ctx.getStart(), "the precision is set twice (first at line " + precisionToken.getLine() + ")");
            return null;
        }
        precisionToken = ctx.getStart();
        try {
            numbers = DslNames.precision(ctx.name().getText()).withPerExampleGradients(true);
        } catch (DslNames.BadName e) {
            error(ctx.name().getStart(), e.getMessage());
        }
        return null;
    }

    @Override
    public Void visitInputStmt(InputStmtContext ctx) {
        Token t = ctx.getStart();
        if (!atTop(t, "input")) {
            return null;
        }
        if (inputToken != null) {
            error(t, "the input is declared twice (first at line " + inputToken.getLine() + ")");
            return null;
        }
        if (lastLayerToken != null) {
            // already reported at the first layer
            return null;
        }
        inputToken = t;
        long[] size = size(ctx.size(), "input size");
        if (size == null) {
            broken = true;
            return null;
        }
        boolean steps = ctx.STEPS() != null;
        TensorShape shape = null;
        Token at = ctx.size().getStart();
        // the first size is the width or the channels, the others are spatial sizes or steps
        if (over(at, new long[] {size[0]}, Limits.MAX_WIDTH, "the input's width")
                || over(at, Arrays.copyOfRange(size, 1, size.length), Limits.MAX_SIZE, "an input size")) {
            broken = true;
            return null;
        }
        if (steps && size.length == 2) {
            shape = TensorShape.rnn(size[0], size[1]);
        } else if (steps) {
            error(at, "a sequence input has a width and a length: `input 77 x 50 steps`");
        } else if (size.length == 1) {
            shape = TensorShape.ff(size[0]);
        } else if (size.length == 3) {
            shape = TensorShape.cnn(size[0], size[1], size[2]);
        } else if (size.length == 2) {
            error(at, "`input " + at.getText() + "` is ambiguous: write `input " + size[0] + " x " + size[1]
                    + " steps` for sequences of width " + size[0] + " and length " + size[1]
                    + ", or `input CxHxW` for images");
        } else {
            error(at, "an image input has three sizes, channels x height x width, e.g. `input 3x32x32`");
        }
        if (shape == null) {
            broken = true;
            return null;
        }
        Node n = Node.builder(INPUT, LayerKind.INPUT).type("input").nOut(shape.size()).outputShape(shape)
                .hasBias(false).pos(pos(t, INPUT)).build();
        definedBy.put(INPUT, t);
        place(n, t);
        return null;
    }

    @Override
    public Void visitDefaultsStmt(DefaultsStmtContext ctx) {
        Map<String, OptionContext> o = options("defaults", ctx.option());
        Defaults d = scope.defaults;
        Activation act = o.containsKey("activation")
                ? activation(((ActivationOptContext) o.get("activation")).call()) : d.activation();
        WeightInit init = o.containsKey("init") ? init(((InitOptContext) o.get("init")).call()) : d.init();
        double bias = d.bias();
        boolean hasBias = d.hasBias();
        if (o.containsKey("bias")) {
            Double b = bias((BiasOptContext) o.get("bias"));
            hasBias = b != null && !b.isNaN();
            bias = hasBias ? b : 0;
        }
        Node.Updater up = o.containsKey("updater") ? updater(((UpdaterOptContext) o.get("updater")).call())
                : d.updater();
        scope.defaults = new Defaults(act != null ? act : d.activation(), init != null ? init : d.init(), bias,
                hasBias, up != null ? up : d.updater());
        return null;
    }

    @Override
    public Void visitRepeatStmt(RepeatStmtContext ctx) {
        Token t = ctx.getStart();
        usedLines.add(t.getLine());
        NumberContext countCtx = ctx.number();
        Double v = number(countCtx);
        int count = 1;
        if (v != null) {
            if (v != Math.rint(v)) {
                error(countCtx.getStart(), "the repeat count must be a whole number, got " + countCtx.getText());
            } else if (v < 1 || v > MAX_REPEAT) {
                error(countCtx.getStart(), "the repeat count must be between 1 and " + MAX_REPEAT + ", got "
                        + countCtx.getText());
            } else {
                count = v.intValue();
            }
        }
        if (ctx.block().statement().isEmpty()) {
            error(ctx.block().getStart(), "empty repeat block: put the layers to repeat inside, e.g. "
                    + "`repeat 20 { dense 64 }`");
            return null;
        }
        for (int i = 0; i < count && !tooBig; i++) {
            block(ctx.block(), "repeat", t);
        }
        return null;
    }

    @Override
    public Void visitResidualStmt(ResidualStmtContext ctx) {
        Token t = ctx.getStart();
        usedLines.add(t.getLine());
        if (ctx.block().statement().isEmpty()) {
            error(ctx.block().getStart(), "empty residual block: put the layers of F in y = x + F(x) inside, "
                    + "e.g. `residual { dense 64; dense 64 }`");
            return null;
        }
        String x = current;
        block(ctx.block(), "residual", t);
        String fx = current;
        if (x == null || fx == null || tooBig) {
            return null;
        }
        if (fx.equals(x)) {
            error(ctx.block().getStart(), "this residual block has no layers: y = x + F(x) needs F, e.g. "
                    + "`residual { dense 64; dense 64 }`");
            return null;
        }
        Node.Builder b = Node.builder(null, LayerKind.ELEMENTWISE).type("residual").merge(Node.Merge.ADD)
                .hasBias(false);
        String name = add(b, t, "add", null, List.of(x, fx));
        if (name != null) {
            merges.add(new Merge(name, true, false, "add", List.of(), pos(t)));
        }
        return null;
    }

    @Override
    public Void visitBranchStmt(BranchStmtContext ctx) {
        Token t = ctx.getStart();
        usedLines.add(t.getLine());
        String branchName = ctx.name().getText();
        Branch earlier = scope.branches.get(branchName);
        // a joined branch's name is free again, so every block can have its own `skip`
        if (earlier != null && !earlier.joined) {
            error(ctx.name().getStart(), "branch '" + branchName + "' is already defined in this block (line "
                    + earlier.token.getLine() + ") and not joined yet");
            return null;
        }
        String fork = current;
        block(ctx.block(), "branch", t);
        String out = current;
        current = fork;
        if (out != null) {
            scope.branches.remove(branchName);
            scope.branches.put(branchName, new Branch(out, ctx.name().getStart()));
        }
        return null;
    }

    @Override
    public Void visitJoinStmt(JoinStmtContext ctx) {
        Token t = ctx.getStart();
        usedLines.add(t.getLine());
        DslNames.Join op = null;
        try {
            op = DslNames.join(ctx.op.getText());
        } catch (DslNames.BadName e) {
            error(ctx.op.getStart(), e.getMessage());
        }
        Map<String, OptionContext> o = options("join", ctx.option());
        List<NameContext> names = ctx.name().subList(1, ctx.name().size());
        List<String> inputs = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (NameContext n : names) {
            Branch b = scope.branches.get(n.getText());
            if (b == null) {
                scope.undefinedJoined = true;
                String hint = Suggest.hint(n.getText(), scope.branches.keySet());
                error(n.getStart(), "undefined branch '" + n.getText() + "'" + (!hint.isEmpty() ? hint
                        : scope.branches.isEmpty() ? ": define it before the join in this block, e.g. `branch "
                        + n.getText() + " { dense 64 }`"
                        : ": this block defines " + quoted(scope.branches.keySet())));
                continue;
            }
            b.joined = true;
            inputs.add(b.output);
            labels.add("branch '" + n.getText() + "'");
        }
        if (names.size() < 2) {
            error(t, "join needs two or more branches, e.g. `join add a b`");
            return null;
        }
        if (op == null || inputs.size() != names.size()) {
            return null;
        }
        Node.Builder b = op.concat() ? Node.builder(null, LayerKind.CONCAT).type("join concat").hasBias(false)
                : Node.builder(null, LayerKind.ELEMENTWISE).type("join " + op.name()).merge(op.merge()).hasBias(false);
        String name = add(b, t, op.name(), (AsOptContext) o.get("as"), inputs);
        if (name != null) {
            merges.add(new Merge(name, false, op.concat(), op.name(), labels, pos(t)));
        }
        return null;
    }

    @Override
    public Void visitLayerStmt(LayerStmtContext ctx) {
        return visit(ctx.layer());
    }

    private void block(BlockContext block, String kind, Token opener) {
        Set<Integer> inherited = new LinkedHashSet<>(scope.suppressedBy);
        if (!directives.on(opener.getLine()).isEmpty()) {
            inherited.add(opener.getLine());
        }
        Scope outer = scope;
        scope = new Scope(kind, outer.defaults, inherited);
        for (StatementContext s : block.statement()) {
            if (tooBig) {
                break;
            }
            Interrupts.check();
            visit(s);
        }
        closeScope(scope);
        scope = outer;
    }

    private void closeScope(Scope s) {
        if (s.undefinedJoined) {
            return;
        }
        for (Map.Entry<String, Branch> e : s.branches.entrySet()) {
            if (!e.getValue().joined) {
                error(e.getValue().token, "branch '" + e.getKey() + "' is never joined: combine it with others, "
                        + "e.g. `join add " + e.getKey() + " ...` or `join concat " + e.getKey() + " ...`");
            }
        }
    }

    private boolean atTop(Token t, String what) {
        if (!scope.kind.equals("file")) {
            error(t, what + " belongs at the top level, not inside a " + scope.kind + " block");
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- layers

    @Override
    public Void visitDense(DenseContext ctx) {
        Map<String, OptionContext> o = options("dense", ctx.option());
        Long width = whole(ctx.number(), "the width of dense");
        Node.Builder b = Node.builder(null, LayerKind.DENSE).type("dense").nOut(width == null ? 1 : width)
                .layerNorm(o.containsKey("layernorm"));
        weighted(b, o, scope.defaults.activation());
        add(b, ctx.getStart(), "dense", (AsOptContext) o.get("as"), null);
        return null;
    }

    @Override
    public Void visitConv(ConvContext ctx) {
        Map<String, OptionContext> o = options("conv", ctx.option());
        int[] kernel = kernel(ctx.size(), "conv");
        Long filters = whole(ctx.number(), "the number of filters of conv");
        Node.Builder b = Node.builder(null, LayerKind.CONV).type("conv").dims(2).nOut(filters == null ? 1 : filters)
                .kernel(kernel == null ? new int[] {1, 1} : kernel).stride(stride(o, new int[] {1, 1}))
                .dilation(1, 1);
        padding(b, o);
        weighted(b, o, scope.defaults.activation());
        add(b, ctx.getStart(), "conv", (AsOptContext) o.get("as"), null);
        return null;
    }

    @Override
    public Void visitPool(PoolContext ctx) {
        Map<String, OptionContext> o = options("pool", ctx.option());
        Node.Pooling type = pooling(ctx.name());
        int[] kernel = kernel(ctx.size(), "pool");
        int[] k = kernel == null ? new int[] {2, 2} : kernel;
        Node.Builder b = Node.builder(null, LayerKind.POOLING).type("pool").dims(2).pooling(type)
                .kernel(k).stride(stride(o, k)).dilation(1, 1).hasBias(false);
        padding(b, o);
        add(b, ctx.getStart(), "pool", (AsOptContext) o.get("as"), null);
        return null;
    }

    @Override
    public Void visitGlobalPool(GlobalPoolContext ctx) {
        Map<String, OptionContext> o = options("globalpool", ctx.option());
        Node.Builder b = Node.builder(null, LayerKind.GLOBAL_POOLING).type("globalpool").pooling(pooling(ctx.name()))
                .hasBias(false);
        add(b, ctx.getStart(), "globalpool", (AsOptContext) o.get("as"), null);
        return null;
    }

    @Override
    public Void visitBatchNorm(BatchNormContext ctx) {
        Map<String, OptionContext> o = options("batchnorm", ctx.option());
        Node.Builder b = Node.builder(null, LayerKind.BATCH_NORM).type("batchnorm").hasBias(false).gamma(1).beta(0)
                .updater(scope.defaults.updater());
        add(b, ctx.getStart(), "bn", (AsOptContext) o.get("as"), null);
        return null;
    }

    @Override
    public Void visitLayerNorm(LayerNormContext ctx) {
        Map<String, OptionContext> o = options("layernorm", ctx.option());
        Node.Builder b = Node.builder(null, LayerKind.LAYER_NORM).type("layernorm").hasBias(false).gamma(1).beta(0);
        add(b, ctx.getStart(), "ln", (AsOptContext) o.get("as"), null);
        return null;
    }

    @Override
    public Void visitActivationLayer(ActivationLayerContext ctx) {
        Map<String, OptionContext> o = options("activation", ctx.option());
        Activation a = activation(ctx.call());
        Node.Builder b = Node.builder(null, LayerKind.ACTIVATION).type("activation")
                .activation(a == null ? Activation.IDENTITY : a).hasBias(false);
        add(b, ctx.getStart(), "act", (AsOptContext) o.get("as"), null);
        return null;
    }

    @Override
    public Void visitDropoutLayer(DropoutLayerContext ctx) {
        Map<String, OptionContext> o = options("dropout", ctx.option());
        Double rate = rate(ctx.number());
        Node.Builder b = Node.builder(null, LayerKind.DROPOUT).type("dropout").dropRate(rate == null ? 0 : rate)
                .hasBias(false);
        add(b, ctx.getStart(), "dropout", (AsOptContext) o.get("as"), null);
        return null;
    }

    @Override
    public Void visitRecurrent(RecurrentContext ctx) {
        String keyword = ctx.kind.getText();
        Map<String, OptionContext> o = options(keyword, ctx.option());
        Long width = whole(ctx.number(), "the width of " + keyword);
        LayerKind kind = switch (ctx.kind.getType()) {
            case GradflowDslLexer.LSTM -> LayerKind.LSTM;
            case GradflowDslLexer.GRU -> LayerKind.GRU;
            default -> LayerKind.SIMPLE_RNN;
        };
        Node.Builder b = Node.builder(null, kind).type(keyword).nOut(width == null ? 1 : width)
                .returnSequences(!o.containsKey("last")).layerNorm(o.containsKey("layernorm"));
        if (kind != LayerKind.SIMPLE_RNN) {
            b.gateActivation(Activation.SIGMOID).forgetGateBias(1.0);
        }
        if (o.get("forgetbias") instanceof ForgetBiasOptContext f) {
            Double v = number(f.number());
            if (v != null) {
                b.forgetGateBias(v);
            }
        }
        // recurrent layers squash with tanh unless told otherwise, whatever the defaults say
        WeightInit init = weighted(b, o, Activation.TANH);
        b.recurrentInit(init);
        if (o.containsKey("bias") && ((BiasOptContext) o.get("bias")).name() != null) {
            error(o.get("bias").getStart(), keyword + " always has a bias (as in DL4J): `bias none` is for dense, "
                    + "conv and output");
        } else if (!o.containsKey("bias") && !scope.defaults.hasBias()) {
            // `defaults { bias none }` does not reach recurrent layers, which cannot drop their bias
            b.hasBias(true).biasInit(0);
        }
        add(b, ctx.getStart(), kind == LayerKind.SIMPLE_RNN ? "rnn" : keyword, (AsOptContext) o.get("as"), null);
        return null;
    }

    @Override
    public Void visitOutput(OutputContext ctx) {
        Token t = ctx.getStart();
        Map<String, OptionContext> o = options("output", ctx.option());
        Long width = whole(ctx.number(), "the width of output");
        if (ctx.call() != null && o.containsKey("activation")) {
            error(o.get("activation").getStart(), "the output's activation is given twice: once after its width "
                    + "and once with `activation`");
        }
        Activation act = ctx.call() != null ? activation(ctx.call())
                : o.containsKey("activation") ? activation(((ActivationOptContext) o.get("activation")).call())
                : Activation.SOFTMAX;
        DslNames.Loss loss = new DslNames.Loss("mcxent", "MCXENT");
        if (o.containsKey("loss")) {
            NameContext lossName = ((LossOptContext) o.get("loss")).name();
            try {
                loss = DslNames.loss(lossName.getText());
            } catch (DslNames.BadName e) {
                error(lossName.getStart(), e.getMessage());
                loss = null;
            }
        }
        if (act != null && loss != null && width != null) {
            outputCombination(t, act, loss, width);
        }
        Node.Builder b = Node.builder(null, LayerKind.OUTPUT).type("output").nOut(width == null ? 1 : width)
                .loss(loss == null ? "MCXENT" : loss.model());
        weighted(b, o, Activation.SOFTMAX);
        b.activation(act == null ? Activation.SOFTMAX : act);
        if (!scope.kind.equals("file")) {
            error(t, "the output layer belongs at the top level, after the last layer, not inside a " + scope.kind
                    + " block");
            lastLayerToken = t;
            outputToken = outputToken == null ? t : outputToken;
            broken = true;
            return null;
        }
        String name = add(b, t, "output", (AsOptContext) o.get("as"), null);
        if (outputToken == null) {
            // a null name means add() reported why; the graph is not built then
            outputToken = t;
            outputName = name;
        }
        return null;
    }

    /** The activation and loss pairs DL4J refuses when it initialises the network, refused here first. */
    private void outputCombination(Token t, Activation act, DslNames.Loss loss, long width) {
        // values in [0, 1]; DL4J's own list of activations outside that range is shorter (it lets GELU through)
        boolean probabilities = act.is(Activations.SOFTMAX) || act.is(Activations.SIGMOID)
                || act.is(Activations.HARDSIGMOID) || act.is(Activations.RECTIFIEDTANH);
        if (act.is(Activations.SOFTMAX) && width == 1) {
            error(t, "softmax over a single output is always 1: use `output 1 sigmoid loss xent` for a binary "
                    + "output, or two or more outputs");
        } else if (act.is(Activations.SOFTMAX) && loss.name().equals("xent")) {
            error(t, "softmax with loss xent (binary cross-entropy): use softmax with mcxent for one class per "
                    + "example, or sigmoid with xent for independent labels");
        } else if (act.is(Activations.SIGMOID) && loss.name().equals("mcxent")) {
            error(t, "sigmoid with loss mcxent (multi-class cross-entropy): use softmax with mcxent for one class "
                    + "per example, or sigmoid with xent for independent labels");
        } else if (!probabilities && List.of("mcxent", "xent", "negativeloglikelihood", "sparse_mcxent")
                .contains(loss.name())) {
            error(t, "loss " + loss.name() + " expects probabilities, but " + act.label() + " does not give values "
                    + "in 0..1: use softmax (or sigmoid with xent), or a regression loss such as mse");
        }
    }

    /** Activation, initialiser, bias, dropout and updater of a layer with weights; returns the initialiser. */
    private WeightInit weighted(Node.Builder b, Map<String, OptionContext> o, Activation dflt) {
        Defaults d = scope.defaults;
        Activation act = o.containsKey("activation")
                ? activation(((ActivationOptContext) o.get("activation")).call()) : dflt;
        WeightInit init = o.containsKey("init") ? init(((InitOptContext) o.get("init")).call()) : d.init();
        double bias = d.bias();
        boolean hasBias = d.hasBias();
        if (o.containsKey("bias")) {
            Double v = bias((BiasOptContext) o.get("bias"));
            hasBias = v != null && !v.isNaN();
            bias = hasBias ? v : 0;
        }
        double drop = 0;
        if (o.containsKey("dropout")) {
            Double r = rate(((DropoutOptContext) o.get("dropout")).number());
            drop = r == null ? 0 : r;
        }
        WeightInit w = init != null ? init : d.init();
        b.activation(act != null ? act : dflt).weightInit(w).hasBias(hasBias).biasInit(bias).dropRate(drop)
                .updater(d.updater());
        return w;
    }

    /**
     * Names and places a layer after the current one (or after {@code inputs}).
     *
     * @return its name, or null when it could not be placed
     */
    private @Nullable String add(Node.Builder b, Token at, String prefix, @Nullable AsOptContext as,
                                 @Nullable List<String> inputs) {
        lastLayerToken = at;
        usedLines.add(at.getLine());
        if (tooBig) {
            return null;
        }
        if (nodes.size() >= MAX_LAYERS) {
            tooBig = true;
            error(at, "the model expands to more than " + MAX_LAYERS + " layers: lower the repeat counts");
            return null;
        }
        if (inputToken == null || broken) {
            if (inputToken == null && !broken) {
                error(at, "a layer before the input: declare the input first, e.g. `input 64`");
            }
            broken = true;
            return null;
        }
        if (outputToken != null) {
            if (!reportedAfterOutput) {
                error(at, "'" + at.getText() + "' comes after the output layer (line " + outputToken.getLine()
                        + "): the output must be the last layer");
                reportedAfterOutput = true;
            }
            return null;
        }
        String name = as != null ? explicitName(as) : autoName(prefix);
        if (name == null) {
            return null;
        }
        b.name(name).inputs(inputs != null ? inputs : List.of(current)).pos(pos(at, name));
        if (layerPrecision != null) {
            b.precision(layerPrecision);
            layerPrecision = null;
        }
        place(b.build(), at);
        return name;
    }

    private void place(Node n, Token at) {
        nodes.add(n);
        current = n.name();
        usedLines.add(at.getLine());
        Set<Integer> by = new LinkedHashSet<>(scope.suppressedBy);
        if (!directives.on(at.getLine()).isEmpty()) {
            by.add(at.getLine());
        }
        for (int line : by) {
            covered.computeIfAbsent(line, k -> new LinkedHashSet<>()).add(n.name());
        }
    }

    private @Nullable String explicitName(AsOptContext as) {
        Token t = as.name().getStart();
        String name = t.getText();
        Token earlier = definedBy.get(name);
        if (earlier != null) {
            if (earlier == t) {
                error(t, "layer name '" + name + "' is used once per repetition: a named layer cannot be inside "
                        + "`repeat` (drop `as " + name + "` to get numbered names)");
            } else {
                error(t, "duplicate layer name '" + name + "' (first at line " + earlier.getLine() + ")");
            }
            return null;
        }
        definedBy.put(name, t);
        return name;
    }

    private String autoName(String prefix) {
        if (prefix.equals("output") && !explicitNames.contains("output") && !definedBy.containsKey("output")) {
            definedBy.put("output", null);
            return "output";
        }
        int i = counters.getOrDefault(prefix, 0);
        String name;
        do {
            name = prefix + "_" + i++;
        } while (explicitNames.contains(name) || definedBy.containsKey(name));
        counters.put(prefix, i);
        definedBy.put(name, null);
        return name;
    }

    private void collectExplicitNames(ParseTree t) {
        if (t instanceof AsOptContext as) {
            explicitNames.add(as.name().getText());
        }
        for (int i = 0; i < t.getChildCount(); i++) {
            collectExplicitNames(t.getChild(i));
        }
    }

    // ---------------------------------------------------------------- options and values

    /** The options of one statement by keyword, reporting options it does not take and repeats. */
    private Map<String, OptionContext> options(String owner, List<OptionContext> given) {
        List<String> allowed = Objects.requireNonNull(DslNames.OPTIONS.get(owner), "every owner has its options");
        Map<String, OptionContext> out = new LinkedHashMap<>();
        for (OptionContext o : given) {
            Token t = o.getStart();
            String key = t.getText();
            if (!allowed.contains(key)) {
                error(t, owner.equals("defaults")
                        ? "'" + key + "' cannot be a default: defaults take activation, init, bias and updater"
                        : key.equals("updater") ? "the updater is set for the whole model, in `defaults { updater "
                        + "adam(0.001) }`"
                        : "'" + key + "' is not an option of " + owner + (allowed.size() == 1
                        ? ": " + owner + " takes only `as NAME`"
                        : ": " + owner + " takes " + String.join(", ", allowed)));
            } else if (out.containsKey(key)) {
                error(t, "'" + key + "' is given twice");
            } else {
                out.put(key, o);
            }
        }
        // every layer statement reads its options and then places its layer (add)
        layerPrecision = null;
        if (out.get("precision") instanceof PrecisionOptContext p) {
            try {
                layerPrecision = DslNames.precision(p.name().getText()).compute();
            } catch (DslNames.BadName e) {
                error(p.name().getStart(), e.getMessage());
            }
        }
        return out;
    }

    private @Nullable Activation activation(CallContext c) {
        List<Double> args = args(c);
        if (args == null) {
            return null;
        }
        try {
            return DslNames.activation(c.name().getText(), args);
        } catch (DslNames.BadName e) {
            error(c.getStart(), e.getMessage());
            return null;
        }
    }

    private @Nullable WeightInit init(CallContext c) {
        List<Double> args = args(c);
        if (args == null) {
            return null;
        }
        try {
            return DslNames.init(c.name().getText(), args);
        } catch (DslNames.BadName e) {
            error(c.getStart(), e.getMessage());
            return null;
        }
    }

    private Node.@Nullable Updater updater(CallContext c) {
        List<Double> args = args(c);
        if (args == null) {
            return null;
        }
        try {
            return DslNames.updater(c.name().getText(), args);
        } catch (DslNames.BadName e) {
            error(c.getStart(), e.getMessage());
            return null;
        }
    }

    private Node.Pooling pooling(NameContext n) {
        try {
            return DslNames.pooling(n.getText());
        } catch (DslNames.BadName e) {
            error(n.getStart(), e.getMessage());
            return Node.Pooling.MAX;
        }
    }

    /** A call's numeric arguments, or null when one is malformed (already reported). */
    private @Nullable List<Double> args(CallContext c) {
        List<Double> out = new ArrayList<>();
        for (NumberContext n : c.number()) {
            Double v = number(n);
            if (v == null) {
                return null;
            }
            out.add(v);
        }
        return out;
    }

    /** The bias value, NaN for `bias none`, null when wrong (reported). */
    private @Nullable Double bias(BiasOptContext o) {
        if (o.name() != null) {
            if (o.name().getText().equals("none")) {
                return Double.NaN;
            }
            error(o.name().getStart(), "bias takes a number or `none`, not '" + o.name().getText() + "'");
            return null;
        }
        return number(o.number());
    }

    private @Nullable Double rate(NumberContext n) {
        Double v = number(n);
        if (v != null && !(v >= 0 && v < 1)) {
            error(n.getStart(), "a dropout rate is the probability of dropping a unit, from 0 up to (not "
                    + "including) 1; got " + n.getText());
            return null;
        }
        return v;
    }

    private int[] stride(Map<String, OptionContext> o, int[] dflt) {
        if (!o.containsKey("stride")) {
            return dflt;
        }
        long[] s = size(((StrideOptContext) o.get("stride")).size(), "stride");
        if (s == null) {
            return dflt;
        }
        if (s.length > 2) {
            sizesWrong = true;
            error(o.get("stride").getStart(), "a stride has one or two sizes, e.g. `stride 2` or `stride 2x1`");
            return dflt;
        }
        if (over(o.get("stride").getStart(), s, Limits.MAX_WINDOW, "stride")) {
            return dflt;
        }
        return s.length == 1 ? new int[] {(int) s[0], (int) s[0]} : new int[] {(int) s[0], (int) s[1]};
    }

    private void padding(Node.Builder b, Map<String, OptionContext> o) {
        b.paddingMode(PaddingMode.TRUNCATE).padding(0, 0);
        if (!o.containsKey("padding")) {
            return;
        }
        PaddingOptContext p = (PaddingOptContext) o.get("padding");
        if (p.name() != null) {
            switch (p.name().getText()) {
                case "same" -> b.paddingMode(PaddingMode.SAME);
                case "valid" -> { }
                default -> sizeError(p.name().getStart(), "padding is `same`, `valid` or a size, not '"
                        + p.name().getText() + "'" + Suggest.hint(p.name().getText(), List.of("same", "valid")));
            }
            return;
        }
        long[] s = sizeAllowingZero(p.size());
        if (s == null) {
            sizesWrong = true;
            return;
        }
        if (s.length > 2) {
            sizeError(p.getStart(), "padding has one or two sizes, e.g. `padding 1` or `padding 1x2`");
            return;
        }
        if (over(p.size().getStart(), s, Limits.MAX_PADDING, "padding")) {
            return;
        }
        b.padding(s.length == 1 ? new int[] {(int) s[0], (int) s[0]} : new int[] {(int) s[0], (int) s[1]});
    }

    private int @Nullable [] kernel(SizeContext s, String what) {
        long[] k = size(s, what + " kernel size");
        if (k == null) {
            return null;
        }
        if (k.length != 2) {
            sizesWrong = true;
            error(s.getStart(), what + " takes a 2-D kernel, height x width, e.g. `" + what + " "
                    + (k.length == 1 ? k[0] + "x" + k[0] : "3x3") + (what.equals("conv") ? " 32`" : "`"));
            return null;
        }
        if (over(s.getStart(), k, Limits.MAX_WINDOW, what + " kernel size")) {
            return null;
        }
        return new int[] {(int) k[0], (int) k[1]};
    }

    /** True (reported) when a size is past its limit: nothing after would make sense of it. */
    private boolean over(Token at, long[] values, long max, String what) {
        for (long v : values) {
            if (v > max) {
                sizeError(at, what + " " + v + " exceeds the limit of " + Limits.count(max));
                return true;
            }
        }
        return false;
    }

    /** The sizes of a width or an HxW-style size, each a whole number of at least 1; null if wrong. */
    private long @Nullable [] size(SizeContext s, String what) {
        long[] v = sizeAllowingZero(s);
        if (v == null) {
            sizesWrong = true;
            return null;
        }
        for (long x : v) {
            if (x < 1) {
                error(s.getStart(), what + " must be at least 1, got " + s.getText());
                sizesWrong = true;
                return null;
            }
        }
        return v;
    }

    private long @Nullable [] sizeAllowingZero(SizeContext s) {
        if (s.DIMS() != null) {
            String[] parts = s.DIMS().getText().replaceAll("[ \\t]", "").split("[xX]");
            long[] v = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    v[i] = Integer.parseInt(parts[i]);
                } catch (NumberFormatException e) {
                    error(s.getStart(), "size " + parts[i] + " is too large");
                    return null;
                }
            }
            return v;
        }
        Long w = wholeAllowingZero(s.number(), "a size");
        return w == null ? null : new long[] {w};
    }

    /** A whole number of at least 1, or null when it is not (reported). */
    private @Nullable Long whole(NumberContext n, String what) {
        Long v = wholeAllowingZero(n, what);
        if (v != null && v < 1) {
            error(n.getStart(), what + " must be at least 1, got " + n.getText());
            v = null;
        }
        if (v != null && v > Limits.MAX_WIDTH) {
            error(n.getStart(), what + " " + v + " exceeds the limit of " + Limits.count(Limits.MAX_WIDTH));
            v = null;
        }
        sizesWrong |= v == null;
        return v;
    }

    private @Nullable Long wholeAllowingZero(NumberContext n, String what) {
        Double v = number(n);
        if (v == null) {
            return null;
        }
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            error(n.getStart(), what + " must be a whole number, got " + n.getText());
            return null;
        }
        if (v < 0) {
            error(n.getStart(), what + " must not be negative, got " + n.getText());
            return null;
        }
        return v.longValue();
    }

    private @Nullable Double number(NumberContext n) {
        if (n.BAD_NUMBER() != null) {
            error(n.getStart(), "'" + n.getText() + "' is not a number");
            return null;
        }
        double v = Double.parseDouble(n.getText());
        if (Double.isInfinite(v)) {
            error(n.getStart(), "'" + n.getText() + "' is too large");
            return null;
        }
        return v;
    }

    // ---------------------------------------------------------------- shapes

    /** Checks what needs the shapes: layer inputs of the right kind, kernels that fit, merges that agree. */
    private void checkShapes(ModelGraph g) {
        for (Node n : g.nodes()) {
            if (n.kind() == LayerKind.INPUT) {
                continue;
            }
            String producer = n.inputs().get(0);
            TensorShape in = g.shape(producer);
            switch (n.kind()) {
                case CONV, POOLING -> {
                    if (in.kind() != TensorShape.Kind.CNN) {
                        error(n.pos(), n.type() + " needs images (declare `input CxHxW`), but " + from(g, producer)
                                + " gives " + describe(in));
                    } else {
                        for (long s : g.shape(n.name()).spatial()) {
                            if (s < 1) {
                                int[] k = n.kernel();
                                error(n.pos(), n.type() + " kernel " + k[0] + "x" + k[1] + " does not fit "
                                        + describe(in) + " from " + from(g, producer));
                                break;
                            }
                        }
                    }
                }
                case GLOBAL_POOLING -> {
                    if (in.kind() != TensorShape.Kind.CNN && in.kind() != TensorShape.Kind.RNN) {
                        error(n.pos(), "globalpool needs images or sequences, but " + from(g, producer) + " gives "
                                + describe(in));
                    }
                }
                case SIMPLE_RNN, LSTM, GRU -> {
                    if (in.kind() != TensorShape.Kind.RNN) {
                        error(n.pos(), n.type() + " needs sequences (declare `input N x T steps`), but "
                                + from(g, producer) + " gives " + describe(in)
                                + (in.kind() == TensorShape.Kind.FF
                                && Objects.requireNonNull(g.node(producer), "an input is a layer").kind().recurrent()
                                ? " (drop `last` there to pass the whole sequence on)" : ""));
                    }
                }
                default -> { }
            }
            if (n.weightInit() != null && n.weightInit().family() == WeightInit.Family.IDENTITY) {
                identityFits(n);
            }
        }
        for (Merge m : merges) {
            Node n = Objects.requireNonNull(g.node(m.node()), "a merge is a layer");
            List<TensorShape> shapes = n.inputs().stream().map(g::shape).toList();
            boolean agree = true;
            for (TensorShape s : shapes) {
                agree &= m.concat() ? concatenable(shapes.get(0), s) : s.equals(shapes.get(0));
            }
            if (agree) {
                continue;
            }
            if (m.residual()) {
                TensorShape x = shapes.get(0);
                TensorShape fx = shapes.get(1);
                error(m.pos(), x.kind() == TensorShape.Kind.FF && fx.kind() == TensorShape.Kind.FF
                        ? "residual block changes the width from " + x.size() + " to " + fx.size()
                        + ": y = x + F(x) needs F(x) as wide as x (make the block's last layer " + x.size()
                        + " wide, or use branches with a projection)"
                        : "residual block changes the shape from " + describe(x) + " to " + describe(fx)
                        + ": y = x + F(x) needs F(x) shaped like x");
            } else {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < shapes.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(m.labels().get(i)).append(" gives ")
                            .append(describe(shapes.get(i)));
                }
                error(m.pos(), m.concat()
                        ? "join concat needs branches that differ only in width: " + sb
                        : "join " + m.op() + " needs branches of the same shape: " + sb);
            }
        }
    }

    /** Identity init sets W = I (times the gain): the weights must be square, conv kernels odd. */
    private void identityFits(Node n) {
        if (n.kind() == LayerKind.LSTM || n.kind() == LayerKind.GRU) {
            error(n.pos(), "identity init cannot initialise the gate weights of " + n.type() + " (they are not "
                    + "square): use orthogonal");
        } else if (n.nIn() != n.nOut()) {
            error(n.pos(), "identity init needs as many inputs as outputs, but '" + n.name() + "' maps " + n.nIn()
                    + " to " + n.nOut());
        } else if (n.kind() == LayerKind.CONV && Arrays.stream(n.kernel()).anyMatch(k -> k % 2 == 0)) {
            error(n.pos(), "identity init needs an odd kernel, but '" + n.name() + "' has " + n.kernel()[0] + "x"
                    + n.kernel()[1]);
        }
    }

    private static boolean concatenable(TensorShape a, TensorShape b) {
        return a.kind() == b.kind() && Arrays.equals(a.spatial(), b.spatial()) && a.time() == b.time();
    }

    private static String from(ModelGraph g, String producer) {
        return Objects.requireNonNull(g.node(producer), "an input is a layer").kind() == LayerKind.INPUT ? "the input"
                : "'" + producer + "'";
    }

    /** A shape in words: width 64, images 3x32x32, sequences of width 77 over 50 steps. */
    static String describe(TensorShape s) {
        return switch (s.kind()) {
            case FF -> "width " + s.size();
            case CNN -> {
                if (Arrays.stream(s.spatial()).anyMatch(x -> x < 1)) {
                    yield "images with " + s.size() + " channels";
                }
                StringBuilder b = new StringBuilder("images ").append(s.size());
                for (long x : s.spatial()) {
                    b.append('x').append(x);
                }
                yield b.toString();
            }
            case RNN -> "sequences of width " + s.size() + (s.time() > 0 ? " over " + s.time() + " steps" : "");
            case UNKNOWN -> "an unknown shape";
        };
    }

    // ---------------------------------------------------------------- errors and positions

    private void error(Token t, String message) {
        error(pos(t), message);
    }

    private void sizeError(Token t, String message) {
        sizesWrong = true;
        error(pos(t), message);
    }

    /** Records a problem; one per position, since a repeated block reports the same one each time. */
    private void error(SourcePos p, String message) {
        if (problemAt.add(p.line() + ":" + p.column())) {
            problems.add(new Problem(SourcePos.of(p.line(), p.column()), message));
        }
    }

    private static SourcePos pos(Token t) {
        return SourcePos.of(t.getLine(), t.getCharPositionInLine() + 1);
    }

    private static SourcePos pos(Token t, String pointer) {
        return new SourcePos(t.getLine(), t.getCharPositionInLine() + 1, pointer);
    }

    private static String quoted(Set<String> names) {
        List<String> q = names.stream().map(n -> "'" + n + "'").toList();
        return String.join(", ", q);
    }
}
