package io.gradflow.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * JSON syntax errors in gradflow's words. Jackson's messages name its own classes and switches
 * ("StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION", "code 125", "JSON String, Number, Array"),
 * which mean nothing to someone who mistyped a comma; this reads what went wrong out of them and
 * says it plainly. What it does not recognise becomes "invalid JSON" at the parser's position,
 * never the library's text.
 */
final class JsonMessages {

    /** Deepest nesting read: far beyond any model, short of a stack overflow. */
    static final int MAX_DEPTH = 500;
    /** Longest string read (a Keras model_config is one string): 64 MiB. */
    static final int MAX_STRING = 64 * 1024 * 1024;

    private static final Pattern UNEXPECTED_CHAR =
            Pattern.compile("^Unexpected character \\('(.+?)' \\(code \\d+\\)\\)( in numeric value)?: (.*)$");
    private static final Pattern UNRECOGNIZED_TOKEN = Pattern.compile("^Unrecognized token '(.*?)'");
    private static final Pattern NON_STANDARD_TOKEN = Pattern.compile("^Non-standard token '(.*?)'");
    private static final Pattern CLOSE_MARKER = Pattern.compile("^Unexpected close marker '(.)': expected '(.)'");
    private static final Pattern NOTHING_TO_CLOSE = Pattern.compile("^Unexpected close marker '(.)'");
    private static final Pattern END_IN_CONTAINER = Pattern.compile("^Unexpected end-of-input: expected close marker "
            + "for (Object|Array)");
    private static final Pattern ESCAPE = Pattern.compile("^Unrecognized character escape '(.+?)'");
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '(.*)'");
    /** A comment in strict JSON. */
    static final String COMMENT = "comments are not allowed in this JSON file";
    /** Where Jackson says a container started: "... line: 3, column: 5]". */
    private static final Pattern STARTED = Pattern.compile("line: (\\d+), column: (\\d+)\\]");

    private JsonMessages() {
    }

    /** What is wrong, without "invalid JSON: " and without the position (the caller adds both). */
    static String describe(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            return m.contains("nesting depth") ? "nested more than " + MAX_DEPTH + " levels deep"
                    : m.contains("Number value length") ? "a number with more digits than gradflow reads"
                    : "a value longer than gradflow reads (" + MAX_STRING / (1024 * 1024) + " MiB)";
        }
        Matcher x;
        if ((x = UNEXPECTED_CHAR.matcher(m)).find()) {
            return unexpected(x.group(1), x.group(2) != null, x.group(3));
        }
        if ((x = UNRECOGNIZED_TOKEN.matcher(m)).find()) {
            return "unexpected word '" + shorten(x.group(1)) + "': expected a value (a \"string\", a number, "
                    + "an object, an array, true, false or null)";
        }
        if ((x = NON_STANDARD_TOKEN.matcher(m)).find()) {
            return "'" + x.group(1) + "' is not a JSON value (write a number)";
        }
        if ((x = END_IN_CONTAINER.matcher(m)).find()) {
            String what = x.group(1).equals("Object") ? "object" : "array";
            Matcher at = STARTED.matcher(m);
            return "unexpected end of file inside the " + what + (at.find() ? " opened at line " + at.group(1)
                    + " column " + at.group(2) : "") + " (truncated JSON?)";
        }
        if (m.startsWith("Unexpected end-of-input in VALUE_STRING") || m.startsWith("Unexpected end-of-input in "
                + "field name") || m.startsWith("Unexpected end-of-input") && m.contains("closing quote")) {
            return "unexpected end of file inside a string (truncated JSON, or a missing closing quote?)";
        }
        if (m.startsWith("Unexpected end-of-input") && (m.contains("Object entries") || m.contains("Array entries"))) {
            return "unexpected end of file inside " + (m.contains("Object") ? "an object" : "an array")
                    + " (truncated JSON?)";
        }
        if (m.startsWith("Unexpected end-of-input")) {
            return "unexpected end of file (truncated JSON?)";
        }
        if ((x = CLOSE_MARKER.matcher(m)).find()) {
            Matcher at = STARTED.matcher(m);
            return "unexpected '" + x.group(1) + "': expected '" + x.group(2) + "' to close the "
                    + (x.group(2).equals("]") ? "array" : "object")
                    + (at.find() ? " opened at line " + at.group(1) + " column " + at.group(2) : "");
        }
        if ((x = NOTHING_TO_CLOSE.matcher(m)).find()) {
            return "unexpected '" + x.group(1) + "': nothing is open to close";
        }
        if (m.startsWith("Illegal unquoted character")) {
            return "a control character (a line break or a tab) inside a string: write it as \\n or \\t";
        }
        if ((x = ESCAPE.matcher(m)).find()) {
            return "unknown escape '\\" + x.group(1) + "' in a string (JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t "
                    + "and \\uXXXX)";
        }
        if (m.startsWith("Invalid numeric value: Leading zeroes")) {
            return "malformed number: a number cannot start with 0 unless it is 0 (write 1, not 01)";
        }
        if (m.startsWith("Invalid numeric value")) {
            return "malformed number";
        }
        if ((x = DUPLICATE.matcher(m)).find()) {
            return "key '" + shorten(x.group(1)) + "' appears twice in this object (which one counts would be a guess)";
        }
        if (m.startsWith("Invalid UTF-8") || m.contains("Invalid UTF-8")) {
            return "not UTF-8 text (an invalid byte sequence)";
        }
        if (m.startsWith("Illegal character") || m.startsWith("Invalid white space character")) {
            return "a character JSON does not allow here";
        }
        return "the text is not valid JSON here";
    }

    /** The key a "key given twice" error names, or null for any other error. */
    static @Nullable String duplicateKey(JsonProcessingException e) {
        Matcher m = DUPLICATE.matcher(e.getOriginalMessage() == null ? "" : e.getOriginalMessage());
        return m.find() ? m.group(1) : null;
    }

    private static String unexpected(String ch, boolean inNumber, String reason) {
        String what = "unexpected " + (ch.equals("'") ? "\"'\"" : "'" + ch + "'");
        if (inNumber) {
            return "malformed number: " + what;
        }
        if (reason.startsWith("was expecting double-quote to start field name")) {
            return what + ": expected a key in double quotes" + (ch.equals("}") ? " (a comma before '}'?)"
                    : ch.equals("'") ? " (JSON quotes with \", not ')" : ch.equals(",") ? "" : " (keys are quoted: \"key\")");
        }
        if (reason.startsWith("was expecting a colon")) {
            return what + ": expected ':' after the key";
        }
        if (reason.startsWith("was expecting comma to separate Object")) {
            return what + ": expected ',' or '}' (a missing comma?)";
        }
        if (reason.startsWith("was expecting comma to separate Array")) {
            return what + ": expected ',' or ']' (a missing comma?)";
        }
        if (reason.startsWith("maybe a (non-standard) comment")) {
            return COMMENT;
        }
        if (reason.startsWith("expected a hex-digit")) {
            return what + ": a \\u escape needs four hexadecimal digits";
        }
        if (reason.startsWith("expected a valid value") || reason.startsWith("expected a value")) {
            return what + ": expected a value" + (ch.equals("]") ? " (a comma before ']'?)"
                    : ch.equals("'") ? " (JSON quotes strings with \", not ')" : "");
        }
        return what;
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
