package io.gradflow.ingest;

import io.gradflow.json.JsonLimits;
import io.gradflow.json.JsonValue;
import io.gradflow.model.SourcePos;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The largest model gradflow reads and the largest numbers in it, in one place (the README's
 * "Limits" lists them). Every reader checks a value against these where it reads it, so the
 * error names the value's line and column, and nothing later (shape inference, the analysis)
 * meets a number that would make it loop, overflow or allocate past reason. Each limit is far
 * above any real network; a value past one is a typo or a hostile file.
 */
public final class Limits {

    /** Bytes of a JSON or DSL file. */
    public static final long MAX_TEXT_BYTES = 256L * 1024 * 1024;
    /** Bytes of one entry read from a zip (a DL4J configuration.json, a Keras 3 config.json). */
    public static final long MAX_ENTRY_BYTES = 64L * 1024 * 1024;
    /** Entries in a zip's directory. */
    public static final int MAX_ZIP_ENTRIES = 100_000;
    /** Nesting of JSON objects and arrays. */
    public static final int MAX_JSON_DEPTH = 500;
    /** Values in one JSON document (DL4J writes about 45 per layer, Keras 30). */
    public static final int MAX_JSON_VALUES = 10_000_000;
    /** Characters in one JSON string. */
    public static final int MAX_JSON_STRING = 16 * 1024 * 1024;
    /** Layers (graph nodes, inputs included) in one model, after a DSL's repeats are expanded. */
    public static final int MAX_LAYERS = 200_000;
    /** Connections between layers in one model. */
    public static final int MAX_EDGES = 1_000_000;
    /** Units, filters, channels, features or vocabulary of one layer. */
    public static final long MAX_WIDTH = 1_000_000_000L;
    /** One spatial size or sequence length, given or worked out. */
    public static final long MAX_SIZE = 16_777_216L;
    /** Values per example in one layer's output. */
    public static final long MAX_VOLUME = 1L << 40;
    /** A kernel size, stride, dilation, pooling or upsampling factor, or depth multiplier. */
    public static final int MAX_WINDOW = 65_536;
    /** Padding or cropping on one side. */
    public static final int MAX_PADDING = 65_536;
    /** A DSL repeat count. */
    public static final int MAX_REPEAT = 1000;
    /** DSL blocks inside blocks. */
    public static final int MAX_NESTING = 100;
    /** Problems reported for one file: the rest are counted in one more line. */
    public static final int MAX_ERRORS = 100;
    /** Time one file may take, read to report, unless --timeout says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** The JSON parser's share of these limits. */
    public static final JsonLimits JSON = new JsonLimits(MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_JSON_STRING);

    private Limits() {
    }

    /**
     * A layer's width as a file gives it (units, filters, nOut): a whole number from 1 to
     * {@link #MAX_WIDTH}, or -1 when the member is absent or null. With {@code zeroUnset}, 0 is
     * read as "not set" (-1), as DL4J writes an nIn that the input type fills in later.
     */
    public static long width(JsonValue owner, String key, boolean zeroUnset) throws ReadException {
        JsonValue v = owner.opt(key);
        if (v == null) {
            return -1;
        }
        if (zeroUnset && v.asDouble() == 0) {
            return -1;
        }
        return whole(v, key, 1, MAX_WIDTH);
    }

    /** The first of {@code keys} the object has, as {@link #width}; -1 when none. */
    public static long width(JsonValue owner, boolean zeroUnset, String... keys) throws ReadException {
        for (String k : keys) {
            if (owner.opt(k) != null) {
                return width(owner, k, zeroUnset);
            }
        }
        return -1;
    }

    /**
     * Per-dimension window values (a number or an array of numbers): each a whole number from
     * {@code min} to {@code max}; null when the member is absent or null.
     */
    public static int @Nullable [] ints(JsonValue owner, String key, long min, long max) throws ReadException {
        JsonValue v = owner.opt(key);
        if (v == null) {
            return null;
        }
        if (v.isArray()) {
            if (v.size() > 2 * 3 + 2) {
                throw new ReadException("'" + key + "' has " + v.size() + " values; a window has at most 8 "
                        + "(2 per side of 3 dimensions, DL4J's 1-D layers add one)", at(v));
            }
            int[] out = new int[v.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (int) whole(v.items().get(i), key, min, max);
            }
            return out;
        }
        return new int[] {(int) whole(v, key, min, max)};
    }

    /** A kernel, stride, dilation, pooling or upsampling size: from 1 to {@link #MAX_WINDOW}. */
    public static int @Nullable [] window(JsonValue owner, String key) throws ReadException {
        return ints(owner, key, 1, MAX_WINDOW);
    }

    /** A padding or cropping: from 0 to {@link #MAX_PADDING}. */
    public static int @Nullable [] padding(JsonValue owner, String key) throws ReadException {
        return ints(owner, key, 0, MAX_PADDING);
    }

    /**
     * A spatial size, sequence length or count of steps: from 1 to {@link #MAX_SIZE}, or -1 when
     * absent, null or one of {@code unset} (the values a format writes for "not known").
     */
    public static long size(JsonValue owner, String key, long... unset) throws ReadException {
        JsonValue v = owner.opt(key);
        if (v == null) {
            return -1;
        }
        for (long u : unset) {
            if (v.asDouble() == u) {
                return -1;
            }
        }
        return whole(v, key, 1, MAX_SIZE);
    }

    /** A value that must be a whole number in [min, max]: the number, or an error at its position. */
    public static long whole(JsonValue v, String what, long min, long max) throws ReadException {
        double d = v.asDouble();
        if (Double.isNaN(d) || d != Math.rint(d)) {
            throw new ReadException("'" + what + "' must be a whole number from " + min + " to " + max + ", not "
                    + shown(v), at(v));
        }
        if (d > max) {
            throw new ReadException("'" + what + "' " + shown(v) + " exceeds the limit of " + max, at(v));
        }
        if (d < min) {
            throw new ReadException("'" + what + "' must be a whole number from " + min + " to " + max + ", not "
                    + shown(v), at(v));
        }
        return (long) d;
    }

    /** A number the DSL or a computed shape gives: within [min, max] or an error at {@code pos}. */
    public static long check(long value, long min, long max, String what, SourcePos pos) throws ReadException {
        if (value > max) {
            throw new ReadException(what + " " + value + " exceeds the limit of " + max, pos);
        }
        if (value < min) {
            throw new ReadException(what + " must be from " + min + " to " + max + ", not " + value, pos);
        }
        return value;
    }

    private static String shown(JsonValue v) {
        String t = v.asText();
        if (t == null) {
            return v.isObject() ? "an object" : v.isArray() ? "a list" : "null";
        }
        return v.isString() ? "\"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\"" : t;
    }

    /** Where a value stands: its own line and column, and its pointer. */
    public static SourcePos at(JsonValue v) {
        return new SourcePos(v.line(), v.column(), v.pointer());
    }

    /** A count in words with thousands separators, for messages. */
    public static String count(long n) {
        return String.format(Locale.US, "%,d", n);
    }
}
