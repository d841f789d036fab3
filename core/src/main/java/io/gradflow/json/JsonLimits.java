package io.gradflow.json;

/**
 * How much JSON one parse accepts: nesting depth, values (every object, array, string, number,
 * boolean and null counts one), and the length of one string. Past a limit the parse stops with
 * a {@link JsonSyntaxException} at the value that crossed it, before memory follows the file.
 *
 * @param maxDepth        deepest nesting of objects and arrays
 * @param maxValues       values in the whole document
 * @param maxStringLength characters in one string or key
 */
public record JsonLimits(int maxDepth, int maxValues, int maxStringLength) {

    /** For small documents gradflow writes and reads itself (configurations, baselines). */
    public static final JsonLimits DEFAULT = new JsonLimits(500, 10_000_000, 64 * 1024 * 1024);

    // Written out: a record's generated equals and hashCode bootstrap through method handles on
    // first use, and the parser's factory cache hashes its limits on every one-file lint (about a
    // tenth of a second under load, by class-loading stamps, spinning classes no archive keeps).

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonLimits l && l.maxDepth == maxDepth && l.maxValues == maxValues
                && l.maxStringLength == maxStringLength;
    }

    @Override
    public int hashCode() {
        return (maxDepth * 31 + maxValues) * 31 + maxStringLength;
    }
}
