package io.gradflow.fix;

import io.gradflow.ingest.dsl.GradflowDslLexer;
import io.gradflow.ingest.dsl.GradflowDslParser;
import io.gradflow.ingest.dsl.GradflowDslParser.ActivationLayerContext;
import io.gradflow.ingest.dsl.GradflowDslParser.ActivationOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.BiasOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.ForgetBiasOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.InitOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.LayerContext;
import io.gradflow.ingest.dsl.GradflowDslParser.OptionContext;
import io.gradflow.ingest.dsl.GradflowDslParser.OutputContext;
import io.gradflow.ingest.dsl.GradflowDslParser.PrecisionOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.PrecisionStmtContext;
import io.gradflow.model.InitScheme;
import io.gradflow.model.LayerKind;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.WeightInit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.jspecify.annotations.Nullable;

/**
 * A gradflow DSL model: its parse tree, so that a fix edits the layer statement a node came from
 * (an option replaced, or added at the statement's end), never the {@code defaults} block other
 * layers share, and keeps the comments and layout of everything else. A statement inside a
 * {@code repeat} makes several nodes; it is edited once.
 */
final class DslText extends ModelText {

    private final String text;
    /** 1 when the file starts with a byte-order mark, which the reader (and so the parser here) skips. */
    private final int base;
    private final CommonTokenStream tokens;
    private final Map<Long, LayerContext> layers = new HashMap<>();
    /** The names of every `precision` statement and option, in the file's order. */
    private final List<ParserRuleContext> precisions = new ArrayList<>();
    /** UTF-16 offset of each code point ANTLR counts, where the text has characters outside the BMP. */
    private final int @Nullable [] offsets;

    private DslText(String text, int base, CommonTokenStream tokens, GradflowDslParser.FileContext file) {
        this.text = text;
        this.base = base;
        this.tokens = tokens;
        collect(file);
        String parsed = text.substring(base);
        if (parsed.codePointCount(0, parsed.length()) == parsed.length()) {
            this.offsets = null;
        } else {
            int[] o = new int[parsed.codePointCount(0, parsed.length()) + 1];
            int cp = 0;
            for (int i = 0; i < parsed.length(); i = parsed.offsetByCodePoints(i, 1)) {
                o[cp++] = i;
            }
            o[cp] = parsed.length();
            this.offsets = o;
        }
    }

    /** Parses the text; null when it does not parse (a model that failed to read is never fixed). */
    static @Nullable DslText parse(String text) {
        int base = text.startsWith("\uFEFF") ? 1 : 0;
        GradflowDslLexer lexer = new GradflowDslLexer(CharStreams.fromString(text.substring(base)));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        GradflowDslParser parser = new GradflowDslParser(tokens);
        parser.removeErrorListeners();
        GradflowDslParser.FileContext file = parser.file();
        if (parser.getNumberOfSyntaxErrors() > 0) {
            return null;
        }
        tokens.fill();
        return new DslText(text, base, tokens, file);
    }

    private void collect(ParseTree t) {
        if (t instanceof LayerContext l) {
            layers.put(key(l.getStart().getLine(), l.getStart().getCharPositionInLine() + 1), l);
        }
        if (t instanceof PrecisionStmtContext p) {
            precisions.add(p.name());
        } else if (t instanceof PrecisionOptContext p) {
            precisions.add(p.name());
        }
        for (int i = 0; i < t.getChildCount(); i++) {
            collect(t.getChild(i));
        }
    }

    private static long key(int line, int column) {
        return ((long) line << 32) | column;
    }

    /** The statement a node came from, by the position the reader gave it. */
    private @Nullable LayerContext statement(Node n) {
        return layers.get(key(n.pos().line(), n.pos().column()));
    }

    private int start(Token t) {
        return base + (offsets == null ? t.getStartIndex() : offsets[t.getStartIndex()]);
    }

    /** Offset just past the token. */
    private int end(Token t) {
        return base + (offsets == null ? t.getStopIndex() + 1 : offsets[t.getStopIndex() + 1]);
    }

    private Edit replace(ParserRuleContext c, String with) {
        return new Edit(start(c.getStart()), end(c.getStop()), with);
    }

    /** Appends an option at the end of the statement. */
    private Edit append(LayerContext l, String option) {
        return Edit.insert(end(l.getStop()), " " + option);
    }

    private static <T extends OptionContext> @Nullable T option(LayerContext l, Class<T> type) {
        for (int i = 0; i < l.getChildCount(); i++) {
            if (type.isInstance(l.getChild(i))) {
                return type.cast(l.getChild(i));
            }
        }
        return null;
    }

    @Override
    @Nullable InitChange init(Node layer, InitScheme scheme) {
        LayerContext l = statement(layer);
        if (l == null || l instanceof OutputContext && !layer.hasWeights()) {
            return null;
        }
        String name = switch (scheme) {
            case HE -> "he";
            case LECUN -> "lecun";
            case XAVIER -> "xavier";
        };
        InitOptContext opt = option(l, InitOptContext.class);
        WeightInit w = layer.weightInit();
        if (w != null && w.family() == WeightInit.Family.ORTHOGONAL) {
            // an orthogonal initialiser stays orthogonal, with the gain the nonlinearity needs
            String gain = "orthogonal(" + String.format(Locale.US, "%.4g", Math.sqrt(scheme.scale())) + ")";
            return new InitChange(List.of(opt == null ? append(l, "init " + gain) : replace(opt.call(), gain)), true);
        }
        if (opt == null) {
            return new InitChange(List.of(append(l, "init " + name)), false);
        }
        return new InitChange(List.of(replace(opt.call(), name)), false);
    }

    @Override
    @Nullable List<Edit> float32() {
        List<Edit> edits = new ArrayList<>();
        for (ParserRuleContext name : precisions) {
            if (narrow(text(name).toLowerCase(Locale.ROOT))) {
                edits.add(replace(name, "float32"));
            }
        }
        return edits.isEmpty() ? null : edits;
    }

    @Override
    @Nullable List<Edit> zeroBias(Node layer) {
        LayerContext l = statement(layer);
        if (l == null) {
            return null;
        }
        BiasOptContext opt = option(l, BiasOptContext.class);
        if (opt == null) {
            return List.of(append(l, "bias 0"));
        }
        ParserRuleContext value = opt.number() != null ? opt.number() : opt.name();
        return List.of(replace(value, "0"));
    }

    @Override
    @Nullable List<Edit> forgetBias(Node layer) {
        LayerContext l = statement(layer);
        if (l == null) {
            return null;
        }
        ForgetBiasOptContext opt = option(l, ForgetBiasOptContext.class);
        return List.of(opt == null ? append(l, "forgetbias 1") : replace(opt.number(), "1"));
    }

    @Override
    @Nullable List<Edit> relu(Node applier) {
        LayerContext l = statement(applier);
        if (l == null) {
            return null;
        }
        if (l instanceof ActivationLayerContext a) {
            return List.of(replace(a.call(), "relu"));
        }
        ActivationOptContext opt = option(l, ActivationOptContext.class);
        return List.of(opt == null ? append(l, "activation relu") : replace(opt.call(), "relu"));
    }

    @Override
    @Nullable List<Edit> batchNorm(ModelGraph g, List<Site> sites, Set<String> taken) {
        Map<LayerContext, Site> once = new LinkedHashMap<>();
        for (Site s : sites) {
            LayerContext l = statement(s.layer());
            if (l == null) {
                return null;
            }
            once.putIfAbsent(l, s);
        }
        List<Edit> edits = new ArrayList<>();
        for (Map.Entry<LayerContext, Site> e : once.entrySet()) {
            LayerContext l = e.getKey();
            Site s = e.getValue();
            List<String> added = new ArrayList<>();
            added.add("batchnorm");
            Edit linear = null;
            if (s.ownActivation()) {
                ActivationOptContext opt = option(l, ActivationOptContext.class);
                String act = opt != null ? text(opt.call()) : s.activation().label();
                added.add("activation " + act);
                linear = opt != null ? replace(opt.call(), "identity") : append(l, "activation identity");
            }
            Edit after = after(l, added);
            if (linear != null && linear.start() == after.start() && linear.end() == linear.start()) {
                edits.add(Edit.insert(after.start(), linear.text() + after.text()));
            } else {
                if (linear != null) {
                    edits.add(linear);
                }
                edits.add(after);
            }
        }
        return edits;
    }

    /**
     * New statements after {@code l}: on lines of their own with its indentation when it ends its
     * line (after its comment), else joined with ';' on its line (a one-line block).
     */
    private Edit after(LayerContext l, List<String> statements) {
        Token next = nextVisible(l.getStop());
        if (next.getType() == GradflowDslLexer.NL || next.getType() == Token.EOF) {
            String nl = next.getType() == GradflowDslLexer.NL && next.getText().equals("\r\n") ? "\r\n" : "\n";
            String indent = indentOf(start(l.getStart()));
            StringBuilder b = new StringBuilder();
            for (String s : statements) {
                b.append(nl).append(indent).append(s);
            }
            int at = next.getType() == Token.EOF ? text.length() : start(next);
            return Edit.insert(at, b.toString());
        }
        StringBuilder b = new StringBuilder();
        for (String s : statements) {
            b.append("; ").append(s);
        }
        return Edit.insert(end(l.getStop()), b.toString());
    }

    @Override
    @Nullable List<Edit> residual(ModelGraph g, List<Site> sites) {
        Map<LayerContext, Site> wrappable = new LinkedHashMap<>();
        Map<LayerContext, Boolean> keeps = new HashMap<>();
        for (Site s : sites) {
            Node n = s.layer();
            LayerContext l = statement(n);
            if (l == null || l instanceof OutputContext) {
                continue;
            }
            // y = x + F(x) needs F to keep the width; a layer that changes it stays outside
            keeps.merge(l, n.nIn() > 0 && n.nIn() == n.nOut() && n.kind() == LayerKind.DENSE, Boolean::logicalAnd);
            wrappable.putIfAbsent(l, s);
        }
        List<Edit> edits = new ArrayList<>();
        for (Map.Entry<LayerContext, Site> e : wrappable.entrySet()) {
            if (!keeps.getOrDefault(e.getKey(), false)) {
                continue;
            }
            LayerContext l = e.getKey();
            Site s = e.getValue();
            ParserRuleContext stmt = l.getParent() != null ? l.getParent() : l;
            StringBuilder block = new StringBuilder("residual { ");
            if (s.normalized()) {
                block.append(text(stmt));
            } else {
                // the branch normalised, so that each block adds a bounded variance
                ActivationOptContext opt = option(l, ActivationOptContext.class);
                if (s.ownActivation()) {
                    String act = opt != null ? text(opt.call()) : s.activation().label();
                    String linear = opt != null
                            ? text.substring(start(stmt.getStart()), start(opt.call().getStart())) + "identity"
                                    + text.substring(end(opt.call().getStop()), end(stmt.getStop()))
                            : text(stmt) + " activation identity";
                    block.append(linear).append("; batchnorm; activation ").append(act);
                } else {
                    block.append(text(stmt)).append("; batchnorm");
                }
            }
            block.append(" }");
            edits.add(new Edit(start(stmt.getStart()), end(stmt.getStop()), block.toString()));
        }
        return edits.isEmpty() ? null : edits;
    }

    private Token nextVisible(Token t) {
        for (int i = t.getTokenIndex() + 1; i < tokens.size(); i++) {
            Token n = tokens.get(i);
            if (n.getChannel() == Token.DEFAULT_CHANNEL) {
                return n;
            }
        }
        return tokens.get(tokens.size() - 1);
    }

    private String text(ParserRuleContext c) {
        return text.substring(start(c.getStart()), end(c.getStop()));
    }

    private String indentOf(int offset) {
        int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
        int i = lineStart;
        while (i < offset && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return text.substring(lineStart, i);
    }
}
