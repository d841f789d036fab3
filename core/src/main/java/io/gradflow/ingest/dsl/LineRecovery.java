package io.gradflow.ingest.dsl;

import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.ATNState;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's recovery, except that a bad token where a statement list starts (the first line of the
 * file or of a block) is skipped to the end of its line as it would be anywhere else in the list;
 * the default would abandon the whole list, and the errors on later lines with it.
 */
final class LineRecovery extends DefaultErrorStrategy {

    @Override
    public void sync(Parser recognizer) throws RecognitionException {
        ATNState s = recognizer.getInterpreter().atn.states.get(recognizer.getState());
        boolean statementList = recognizer.getContext() instanceof GradflowDslParser.FileContext
                || recognizer.getContext() instanceof GradflowDslParser.BlockContext;
        if (!statementList || s.getStateType() != ATNState.STAR_LOOP_ENTRY || inErrorRecoveryMode(recognizer)) {
            super.sync(recognizer);
            return;
        }
        int la = recognizer.getInputStream().LA(1);
        IntervalSet next = recognizer.getATN().nextTokens(s);
        if (next.contains(la) || next.contains(Token.EPSILON)) {
            super.sync(recognizer);
            return;
        }
        reportUnwantedToken(recognizer);
        consumeUntil(recognizer, recognizer.getExpectedTokens().or(getErrorRecoverySet(recognizer)));
    }
}
