package io.gradflow.ingest.dsl;

import io.gradflow.ingest.Finish;
import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ReadException;
import io.gradflow.ingest.ReadException.Problem;
import io.gradflow.model.Interrupts;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.SourcePos;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.UnbufferedTokenStream;
import org.antlr.v4.runtime.atn.ATNState;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.tree.ErrorNode;
import org.antlr.v4.runtime.tree.ParseTreeListener;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Reads a gradflow DSL model ({@code .gflow}; docs/dsl.md) into the model graph. Every syntax
 * error of the file is reported in one pass (the first {@link Limits#MAX_ERRORS}, then a count);
 * if there are none, every semantic error; the graph exists only when there are neither. Blocks
 * nest at most {@link Limits#MAX_NESTING} deep and a file holds at most {@link Limits#MAX_LAYERS}
 * statements, so neither the parser's recursion nor its memory follows a hostile file.
 */
public final class DslReader {

    private DslReader() {
    }

    /**
     * @param source the path as the user gave it, for reports
     * @param text   the file's content
     * @throws ReadException with all the problems found, in file order
     */
    public static ModelGraph read(String source, String text) throws ReadException {
        SyntaxErrors syntax = new SyntaxErrors();
        GradflowDslLexer lexer = new GradflowDslLexer(CharStreams.fromString(text, source));
        lexer.removeErrorListeners();
        lexer.addErrorListener(syntax);
        CommonTokenStream tokens = new CommonTokenStream(new Guard(lexer));
        GradflowDslParser parser = new GradflowDslParser(tokens);
        parser.removeErrorListeners();
        parser.addParseListener(new StatementCount());
        GradflowDslParser.FileContext file;
        try {
            file = parse(parser, tokens, syntax);
        } catch (Guard.TooDeep e) {
            throw new ReadException("blocks nested deeper than " + Limits.MAX_NESTING + " (the limit): a generated "
                    + "file? write the repetition with `repeat`", pos(e.token));
        } catch (StatementCount.TooMany e) {
            throw new ReadException("the file has more than " + Limits.count(Limits.MAX_LAYERS) + " statements, "
                    + "over the limit of " + Limits.count(Limits.MAX_LAYERS) + " layers", pos(e.token));
        } catch (SyntaxErrors.Full e) {
            // the first errors are kept with their messages; the rest of the file is only counted
            List<Problem> problems = sorted(syntax.problems());
            long[] rest = countRest(text, e.token);
            throw ReadException.of(problems, rest[0], rest[1] != 0);
        }
        syntax.separators(file);

        List<Problem> problems = new ArrayList<>(syntax.problems());
        if (!problems.isEmpty()) {
            throw ReadException.of(sorted(problems));
        }
        List<Token> comments = new ArrayList<>();
        for (Token t : tokens.getTokens()) {
            if (t.getType() == GradflowDslLexer.COMMENT) {
                comments.add(t);
            }
        }
        List<Problem> directiveProblems = new ArrayList<>();
        Directives directives = Directives.scan(comments, directiveProblems);
        return Finish.finish(new GraphBuilder(source, modelName(source), directives, directiveProblems).build(file));
    }

    /**
     * SLL prediction first, which gives the same tree as full LL whenever it succeeds and is
     * linear in the file (full LL resolved `dense 64 activation relu` afresh on every line: a
     * 10,000-layer file took seconds); full LL with error recovery where it fails.
     */
    private static GradflowDslParser.FileContext parse(GradflowDslParser parser, CommonTokenStream tokens,
                                                       SyntaxErrors syntax) {
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.setErrorHandler(new BailErrorStrategy());
        try {
            return parser.file();
        } catch (Guard.TooDeep | StatementCount.TooMany e) {
            throw e;
        } catch (ParseCancellationException e) {
            // a syntax error (or a decision SLL cannot make): parse again, reporting every error
            tokens.seek(0);
            parser.reset();
            parser.removeParseListeners();
            parser.addParseListener(new StatementCount());
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            parser.addErrorListener(syntax);
            parser.setErrorHandler(new LineRecovery());
            return parser.file();
        }
    }

    private static List<Problem> sorted(List<Problem> problems) {
        List<Problem> s = new ArrayList<>(problems);
        s.sort(Comparator.comparingInt((Problem p) -> p.pos().line()).thenComparingInt(p -> p.pos().column()));
        return s;
    }

    /**
     * Lines with syntax errors after {@code after}'s line, counted by parsing the rest of the file
     * without a tree and without keeping tokens: a file of errors costs its text, not a token per
     * character. The count starts on a fresh line, so an error that spans the cut counts once.
     * Returns {count, 1 when the count stopped early and is a floor}.
     */
    private static long[] countRest(String text, Token after) {
        int from = after.getStopIndex() + 1;
        while (from < text.length() && text.charAt(from) != '\n') {
            from++;
        }
        // the line the parse stopped on has an error (the one past the limit): it counts
        if (from >= text.length()) {
            return new long[] {1, 0};
        }
        GradflowDslLexer lexer = new GradflowDslLexer(CharStreams.fromString(text.substring(from + 1)));
        lexer.removeErrorListeners();
        GradflowDslParser parser = new GradflowDslParser(new UnbufferedTokenStream<>(new Guard(lexer)));
        parser.setBuildParseTree(false);
        // SLL and a recovery that skips to the line's end without working out what was expected:
        // a count needs neither, and ANTLR's full recovery costs milliseconds per error
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.removeErrorListeners();
        parser.setErrorHandler(new SkipLine());
        LineCounter counter = new LineCounter();
        parser.addErrorListener(counter);
        try {
            parser.file();
        } catch (RuntimeException e) {
            // nesting past the limit or an end the recovery cannot pass: what was counted is a floor
            return new long[] {counter.lines + 2, 1};
        }
        return new long[] {counter.lines + 1, 0};
    }

    /** For counting: an error ends its line, and nothing is computed for a message. */
    private static final class SkipLine extends DefaultErrorStrategy {
        @Override
        public Token recoverInline(Parser recognizer) {
            throw new InputMismatchException(recognizer);
        }

        @Override
        public void reportError(Parser recognizer, RecognitionException e) {
            if (!inErrorRecoveryMode(recognizer)) {
                beginErrorCondition(recognizer);
                recognizer.notifyErrorListeners(e.getOffendingToken(), "", e);
            }
        }

        @Override
        public void recover(Parser recognizer, RecognitionException e) {
            skipLine(recognizer);
            endErrorCondition(recognizer);
        }

        @Override
        public void sync(Parser recognizer) {
            // a token nothing here can take (where a statement list goes on): counted, and its line skipped
            if (inErrorRecoveryMode(recognizer)) {
                return;
            }
            ATNState s = recognizer.getInterpreter().atn.states.get(recognizer.getState());
            int la = recognizer.getInputStream().LA(1);
            IntervalSet next = recognizer.getATN().nextTokens(s);
            if (next.contains(la) || next.contains(Token.EPSILON)) {
                return;
            }
            recognizer.notifyErrorListeners(recognizer.getCurrentToken(), "", null);
            skipLine(recognizer);
        }

        /** To the line's end, and at least one token, so that an error there cannot repeat forever. */
        private static void skipLine(Parser recognizer) {
            TokenStream in = recognizer.getInputStream();
            if (in.LA(1) != Token.EOF) {
                recognizer.consume();
            }
            while (in.LA(1) != Token.EOF && in.LA(1) != GradflowDslLexer.NL && in.LA(1) != GradflowDslLexer.SEMI) {
                recognizer.consume();
            }
        }
    }

    /** Counts the lines with syntax errors, as {@link SyntaxErrors} reports one per line. */
    private static final class LineCounter extends BaseErrorListener {
        long lines;
        int last = -1;

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                                String msg, RecognitionException e) {
            if (line != last) {
                last = line;
                lines++;
            }
        }
    }

    /**
     * The lexer's tokens on their way to the parser: braces counted, so that nesting past the
     * limit stops the parse before the parser's recursion follows it, and the file's time budget
     * checked as the tokens pass.
     */
    private static final class Guard implements TokenSource {
        private final TokenSource lexer;
        private int depth;
        private int seen;

        /** Blocks nested past the limit, at the brace that went too deep. */
        static final class TooDeep extends ParseCancellationException {
            private static final long serialVersionUID = 1L;
            final transient Token token;

            TooDeep(Token token) {
                this.token = token;
            }
        }

        Guard(TokenSource lexer) {
            this.lexer = lexer;
        }

        @Override
        public Token nextToken() {
            if ((++seen & 0xfff) == 0) {
                Interrupts.check();
            }
            Token t = lexer.nextToken();
            if (t.getType() == GradflowDslLexer.LBRACE && ++depth > Limits.MAX_NESTING) {
                throw new TooDeep(t);
            }
            if (t.getType() == GradflowDslLexer.RBRACE && depth > 0) {
                depth--;
            }
            return t;
        }

        @Override
        public int getLine() {
            return lexer.getLine();
        }

        @Override
        public int getCharPositionInLine() {
            return lexer.getCharPositionInLine();
        }

        @Override
        public CharStream getInputStream() {
            return lexer.getInputStream();
        }

        @Override
        public String getSourceName() {
            return lexer.getSourceName();
        }

        @Override
        public void setTokenFactory(TokenFactory<?> factory) {
            lexer.setTokenFactory(factory);
        }

        @Override
        public TokenFactory<?> getTokenFactory() {
            return lexer.getTokenFactory();
        }
    }

    /** Stops a parse at the statement past {@link Limits#MAX_LAYERS}: no model has that many lines. */
    private static final class StatementCount implements ParseTreeListener {
        private int statements;

        /** More statements than the limit, at the one past it. */
        static final class TooMany extends ParseCancellationException {
            private static final long serialVersionUID = 1L;
            final transient Token token;

            TooMany(Token token) {
                this.token = token;
            }
        }

        @Override
        public void exitEveryRule(ParserRuleContext ctx) {
            if (ctx instanceof GradflowDslParser.StatementContext && ++statements > Limits.MAX_LAYERS) {
                throw new TooMany(ctx.getStart());
            }
        }

        @Override
        public void enterEveryRule(ParserRuleContext ctx) {
            // counted on exit
        }

        @Override
        public void visitTerminal(TerminalNode node) {
            // not a statement
        }

        @Override
        public void visitErrorNode(ErrorNode node) {
            // not a statement
        }
    }

    private static SourcePos pos(Token t) {
        return SourcePos.of(t.getLine(), t.getCharPositionInLine() + 1);
    }

    /** A model without a `model` statement is named after its file. */
    private static String modelName(String source) {
        String n = source.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1);
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
