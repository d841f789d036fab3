package io.gradflow.ingest.dsl;

import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ReadException.Problem;
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
import io.gradflow.ingest.dsl.GradflowDslParser.NameContext;
import io.gradflow.ingest.dsl.GradflowDslParser.OutputContext;
import io.gradflow.ingest.dsl.GradflowDslParser.PaddingOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.PoolContext;
import io.gradflow.ingest.dsl.GradflowDslParser.RecurrentContext;
import io.gradflow.ingest.dsl.GradflowDslParser.RepeatStmtContext;
import io.gradflow.ingest.dsl.GradflowDslParser.ResidualStmtContext;
import io.gradflow.ingest.dsl.GradflowDslParser.SepContext;
import io.gradflow.ingest.dsl.GradflowDslParser.StatementContext;
import io.gradflow.ingest.dsl.GradflowDslParser.StrideOptContext;
import io.gradflow.ingest.dsl.GradflowDslParser.UpdaterOptContext;
import io.gradflow.model.SourcePos;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.jspecify.annotations.Nullable;

/**
 * Collects syntax errors as {@code line:col} problems (1-based columns) in words a user can act
 * on: "dense needs a width, e.g. `dense 64`" rather than ANTLR's token sets. One error per line:
 * what the parser reports after recovering on the same line is an echo of the first.
 */
final class SyntaxErrors extends BaseErrorListener {

    /** What each statement or option needs, for errors inside its required part. */
    private static final Map<Class<?>, String> USAGE = Map.ofEntries(
            Map.entry(ModelStmtContext.class, "model needs a name, e.g. `model deep_sigmoid`"),
            Map.entry(InputStmtContext.class,
                    "input needs a shape: `input 64`, `input 3x32x32` or `input 77 x 50 steps`"),
            Map.entry(RepeatStmtContext.class, "repeat needs a count and a block, e.g. `repeat 20 { dense 64 }`"),
            Map.entry(ResidualStmtContext.class, "residual needs a block, e.g. `residual { dense 64; dense 64 }`"),
            Map.entry(BranchStmtContext.class, "branch needs a name and a block, e.g. `branch a { dense 64 }`"),
            Map.entry(JoinStmtContext.class,
                    "join needs an operation and two or more branches, e.g. `join add a b`"),
            Map.entry(DefaultsStmtContext.class, "defaults needs a block, e.g. `defaults { activation relu init he }`"),
            Map.entry(DenseContext.class, "dense needs a width, e.g. `dense 64`"),
            Map.entry(ConvContext.class, "conv needs a kernel size and a number of filters, e.g. `conv 3x3 32`"),
            Map.entry(PoolContext.class, "pool needs a type and a size, e.g. `pool max 2x2`"),
            Map.entry(GlobalPoolContext.class, "globalpool needs a type: `globalpool avg` or `globalpool max`"),
            Map.entry(ActivationLayerContext.class, "activation needs a function, e.g. `activation relu`"),
            Map.entry(DropoutLayerContext.class, "dropout needs a rate, e.g. `dropout 0.5`"),
            Map.entry(RecurrentContext.class, "%s needs a width, e.g. `%s 128`"),
            Map.entry(OutputContext.class, "output needs a width, e.g. `output 10 softmax loss mcxent`"),
            Map.entry(ActivationOptContext.class, "activation needs a function, e.g. `activation relu`"),
            Map.entry(InitOptContext.class, "init needs an initialiser, e.g. `init he` or `init normal(0, 0.01)`"),
            Map.entry(BiasOptContext.class, "bias needs a value: `bias 0.1` or `bias none`"),
            Map.entry(ForgetBiasOptContext.class, "forgetbias needs a value, e.g. `forgetbias 1`"),
            Map.entry(DropoutOptContext.class, "dropout needs a rate, e.g. `dropout 0.5`"),
            Map.entry(StrideOptContext.class, "stride needs a size, e.g. `stride 2` or `stride 2x2`"),
            Map.entry(PaddingOptContext.class, "padding needs `same`, `valid` or a size, e.g. `padding 1`"),
            Map.entry(LossOptContext.class, "loss needs a loss function, e.g. `loss mcxent`"),
            Map.entry(UpdaterOptContext.class, "updater needs an optimiser, e.g. `updater adam(0.001)`"),
            Map.entry(AsOptContext.class, "as needs a name, e.g. `as encoder`"));

    /** The statement keyword of contexts that take options. */
    private static final Map<Class<?>, String> OWNER = Map.ofEntries(
            Map.entry(DenseContext.class, "dense"),
            Map.entry(ConvContext.class, "conv"),
            Map.entry(PoolContext.class, "pool"),
            Map.entry(GlobalPoolContext.class, "globalpool"),
            Map.entry(BatchNormContext.class, "batchnorm"),
            Map.entry(LayerNormContext.class, "layernorm"),
            Map.entry(ActivationLayerContext.class, "activation"),
            Map.entry(DropoutLayerContext.class, "dropout"),
            Map.entry(RecurrentContext.class, ""),
            Map.entry(OutputContext.class, "output"),
            Map.entry(JoinStmtContext.class, "join"),
            Map.entry(DefaultsStmtContext.class, "defaults"));

    private final List<Problem> problems = new ArrayList<>();
    private final Set<Integer> lines = new HashSet<>();

    /**
     * An error on one more line than {@link Limits#MAX_ERRORS}: the parse stops there, and the
     * reader counts the rest of the file's errors without keeping them.
     */
    static final class Full extends ParseCancellationException {
        private static final long serialVersionUID = 1L;
        final transient Token token;

        Full(Token token) {
            this.token = token;
        }
    }

    List<Problem> problems() {
        return problems;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                            String msg, RecognitionException e) {
        if (problems.size() >= Limits.MAX_ERRORS && !lines.contains(line) && offendingSymbol instanceof Token t) {
            throw new Full(t);
        }
        if (!(recognizer instanceof Parser parser) || !(offendingSymbol instanceof Token token)) {
            // the lexer has a catch-all token, so this is a safety net: keep ANTLR's words
            add(line, charPositionInLine + 1, msg);
            return;
        }
        IntervalSet expected = e != null && e.getExpectedTokens() != null ? e.getExpectedTokens()
                : parser.getExpectedTokens();
        ParserRuleContext ctx = e != null && e.getCtx() instanceof ParserRuleContext c ? c : parser.getContext();
        if (token.getType() == Token.EOF) {
            Token open = unclosed(parser.getInputStream(), token.getTokenIndex());
            if (open != null) {
                add(open.getLine(), open.getCharPositionInLine() + 1, "this '" + open.getText()
                        + "' is never closed: the file ends before its '" + (open.getText().equals("{") ? "}" : ")")
                        + "'");
                return;
            }
        }
        add(token.getLine(), token.getCharPositionInLine() + 1, message(parser, token, expected, ctx));
    }

    private void add(int line, int column, String message) {
        if (lines.add(line)) {
            problems.add(new Problem(SourcePos.of(line, column), message));
        }
    }

    private static String message(Parser parser, Token token, IntervalSet expected, ParserRuleContext ctx) {
        int type = token.getType();
        String text = token.getText();
        if (type == GradflowDslLexer.UNEXPECTED_CHAR) {
            return "unexpected character '" + text + "'" + (text.equals("=")
                    ? ": write options as `activation relu`, with no '='" : "");
        }
        if (type == GradflowDslLexer.RBRACE && unclosed(parser.getInputStream(), token.getTokenIndex()) == null) {
            return "unexpected '}': no '{' is open";
        }
        if (ctx instanceof FileContext || ctx instanceof BlockContext) {
            Token prev = previous(parser.getInputStream(), token.getTokenIndex());
            if (prev == null || prev.getType() == GradflowDslLexer.NL || prev.getType() == GradflowDslLexer.SEMI
                    || prev.getType() == GradflowDslLexer.LBRACE) {
                return atStatement(token);
            }
            for (int i = ctx.getChildCount() - 1; i >= 0; i--) {
                if (ctx.getChild(i) instanceof StatementContext last && last.getStop() == prev) {
                    return afterStatement(token, last);
                }
            }
            return "unexpected " + describe(token);
        }
        boolean statementStart = expected.contains(GradflowDslLexer.DENSE);
        boolean optionStart = expected.contains(GradflowDslLexer.INIT);
        if (statementStart) {
            return atStatement(token);
        }
        if (optionStart) {
            return atOption(token, ctx);
        }
        ParserRuleContext named = ctx instanceof NameContext ? ctx.getParent() : ctx;
        if (keyword(text) && expected.contains(GradflowDslLexer.ID) && (named instanceof ModelStmtContext
                || named instanceof BranchStmtContext || named instanceof JoinStmtContext
                || named instanceof AsOptContext)) {
            return "'" + text + "' is a keyword and cannot be a name: choose another, e.g. '" + text + "_1'";
        }
        CallContext call = enclosing(ctx, CallContext.class);
        if (call != null && call.LPAREN() != null) {
            String fn = call.name().getText();
            if (expected.contains(GradflowDslLexer.RPAREN) && isEnd(type)) {
                return "missing ')' after the arguments of '" + fn + "('";
            }
            return "the arguments of '" + fn + "' are numbers separated by ',', e.g. normal(0, 0.01); found "
                    + describe(token);
        }
        for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
            String usage = USAGE.get(c.getClass());
            if (usage != null) {
                if (c instanceof RecurrentContext r) {
                    usage = String.format(Locale.US, usage, r.kind.getText(), r.kind.getText());
                }
                return usage + "; found " + describe(token);
            }
        }
        return "unexpected " + describe(token);
    }

    /** An error where a statement should start. */
    private static String atStatement(Token token) {
        String text = token.getText();
        if (DslNames.ALL_OPTIONS.contains(text)) {
            return "'" + text + "' is an option, not a statement: put it on the layer's line (`dense 64 " + text
                    + " ...`) or in `defaults { }`";
        }
        if (token.getType() == GradflowDslLexer.ID) {
            String c = Suggest.closest(text, DslNames.STATEMENTS);
            return "unknown statement '" + text + "'" + (c != null ? " (did you mean '" + c + "'?)"
                    : ": a statement starts with a layer (dense, conv, pool, lstm, output...) or with model, input, "
                    + "defaults, repeat, residual, branch or join");
        }
        return "expected a statement, found " + describe(token);
    }

    /** A token that follows a complete statement on its line. */
    private static String afterStatement(Token token, StatementContext last) {
        if (last instanceof LayerStmtContext l) {
            return atOption(token, l.layer());
        }
        if (last instanceof JoinStmtContext j) {
            return atOption(token, j);
        }
        String keyword = last.getStart().getText();
        if (last.getStop().getType() == GradflowDslLexer.RBRACE) {
            return "unexpected " + describe(token) + " after the '}' that closes " + keyword
                    + ": start a new line or put ';' before it";
        }
        return "unexpected " + describe(token) + ": " + switch (keyword) {
            case "model" -> "model takes only a name";
            case "input" -> "input takes only a shape: `input 64`, `input 3x32x32` or `input 77 x 50 steps`";
            default -> keyword + " is complete before it";
        };
    }

    /**
     * Statements in a list need a line break or ';' between them; the grammar leaves that to this
     * check so that its lists are LL(1) and recover line by line.
     */
    void separators(ParserRuleContext list) {
        boolean afterStatement = false;
        for (int i = 0; i < list.getChildCount(); i++) {
            var child = list.getChild(i);
            if (child instanceof StatementContext s) {
                if (afterStatement) {
                    Token t = s.getStart();
                    add(t.getLine(), t.getCharPositionInLine() + 1, "missing ';' or line break before '"
                            + t.getText() + "'");
                }
                afterStatement = true;
                s.accept(new GradflowDslBaseVisitor<Void>() {
                    @Override
                    public Void visitBlock(BlockContext b) {
                        separators(b);
                        return null;
                    }
                });
            } else if (child instanceof SepContext || child instanceof org.antlr.v4.runtime.tree.TerminalNode) {
                afterStatement = afterStatement && !(child instanceof SepContext);
            }
        }
    }

    /** The token before {@code index} on the default channel, or null. */
    private static @Nullable Token previous(TokenStream tokens, int index) {
        for (int i = index - 1; i >= 0; i--) {
            Token t = tokens.get(i);
            if (t.getChannel() == Token.DEFAULT_CHANNEL) {
                return t;
            }
        }
        return null;
    }

    /** An error where an option (or the end of the statement) should come. */
    private static String atOption(Token token, ParserRuleContext ctx) {
        String owner = null;
        for (ParserRuleContext c = ctx; c != null && owner == null; c = c.getParent()) {
            owner = OWNER.get(c.getClass());
            if (c instanceof RecurrentContext r) {
                owner = r.kind.getText();
            }
        }
        String text = token.getText();
        if (DslNames.STATEMENTS.contains(text) && !DslNames.ALL_OPTIONS.contains(text)) {
            return "missing ';' or line break before '" + text + "'";
        }
        if (token.getType() != GradflowDslLexer.ID) {
            return "unexpected " + describe(token) + (owner == null ? "" : " in " + owner);
        }
        if ("defaults".equals(owner)) {
            return "unknown setting '" + text + "' in defaults" + Suggest.hint(text,
                    Objects.requireNonNull(DslNames.OPTIONS.get(owner), "defaults has its options"))
                    + ": defaults take activation, init, bias and updater";
        }
        if (DslNames.isActivation(text) && !"activation".equals(owner)) {
            return "'" + text + "' needs its keyword: `activation " + text + "`";
        }
        if (DslNames.isInit(text)) {
            return "'" + text + "' needs its keyword: `init " + text + "`";
        }
        List<String> options = owner == null ? DslNames.ALL_OPTIONS
                : Objects.requireNonNull(DslNames.OPTIONS.get(owner), "every owner has its options");
        String c = Suggest.closest(text, options);
        return "unknown option '" + text + "'" + (owner == null ? "" : " for " + owner)
                + (c != null ? " (did you mean '" + c + "'?)" : options.isEmpty() ? ""
                : ": " + owner + " takes " + String.join(", ", options));
    }

    private static boolean keyword(String text) {
        return DslNames.STATEMENTS.contains(text) || DslNames.ALL_OPTIONS.contains(text) || text.equals("steps");
    }

    private static boolean isEnd(int type) {
        return type == Token.EOF || type == GradflowDslLexer.NL || type == GradflowDslLexer.SEMI;
    }

    /** The token in words: 'relu', '3', end of line, end of file. */
    static String describe(Token t) {
        return switch (t.getType()) {
            case Token.EOF -> "end of file";
            case GradflowDslLexer.NL -> "end of line";
            default -> "'" + t.getText() + "'";
        };
    }

    /** The innermost '{' or '(' still open before token {@code upto}, or null. */
    private static Token unclosed(TokenStream tokens, int upto) {
        Deque<Token> open = new ArrayDeque<>();
        for (int i = 0; i < upto && i < tokens.size(); i++) {
            Token t = tokens.get(i);
            switch (t.getType()) {
                case GradflowDslLexer.LBRACE, GradflowDslLexer.LPAREN -> open.push(t);
                case GradflowDslLexer.RBRACE -> {
                    while (!open.isEmpty() && open.peek().getType() == GradflowDslLexer.LPAREN) {
                        open.pop();
                    }
                    open.poll();
                }
                case GradflowDslLexer.RPAREN -> {
                    if (!open.isEmpty() && open.peek().getType() == GradflowDslLexer.LPAREN) {
                        open.pop();
                    }
                }
                // parentheses never span lines
                case GradflowDslLexer.NL -> {
                    while (!open.isEmpty() && open.peek().getType() == GradflowDslLexer.LPAREN) {
                        open.pop();
                    }
                }
                default -> { }
            }
        }
        return open.peek();
    }

    private static <T> @Nullable T enclosing(ParserRuleContext ctx, Class<T> type) {
        for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
