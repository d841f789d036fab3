package io.gradflow.ingest.dsl;

import io.gradflow.ingest.Finish;
import io.gradflow.ingest.ReadException;
import io.gradflow.ingest.ReadException.Problem;
import io.gradflow.model.ModelGraph;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;

/**
 * Reads a gradflow DSL model ({@code .gflow}; docs/dsl.md) into the model graph. Every syntax
 * error of the file is reported in one pass; if there are none, every semantic error; the graph
 * exists only when there are neither.
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
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        GradflowDslParser parser = new GradflowDslParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(syntax);
        parser.setErrorHandler(new LineRecovery());
        GradflowDslParser.FileContext file = parser.file();
        syntax.separators(file);

        List<Problem> problems = new ArrayList<>(syntax.problems());
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt((Problem p) -> p.pos().line()).thenComparingInt(p -> p.pos().column()));
            throw ReadException.of(problems);
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

    /** A model without a `model` statement is named after its file. */
    private static String modelName(String source) {
        String n = source.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1);
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
