package io.gradflow.report;

import com.google.gson.FormattingStyle;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;

/**
 * Text from a model file (layer names, class names, paths) made safe to print: control characters
 * (C0, DEL, C1) and the bidirectional overrides that reorder what a reader sees become visible
 * escapes (backslash x1b, backslash u202e), so a layer named with an escape sequence cannot drive
 * the terminal or a CI log, and a name with a newline cannot forge a line of the report.
 */
public final class Printable {

    private Printable() {
    }

    /** True for the characters {@link #text} escapes. */
    static boolean unsafe(int c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
    }

    /** The text with every unsafe character as a backslash escape (x1b, or u202e beyond Latin-1); the same string when there is none. */
    public static String text(String s) {
        int i = 0;
        while (i < s.length() && !unsafe(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!unsafe(c)) {
                b.append(c);
            } else if (c < 0x100) {
                b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                b.append(String.format(Locale.US, "\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    /**
     * JSON text with the unsafe characters JSON writers leave raw (DEL, C1, bidirectional
     * overrides; Gson escapes C0 itself) written as JSON's own backslash-u escapes: they only occur
     * inside strings, whose values stay the same.
     */
    static String json(String json) {
        int i = 0;
        // the newlines of pretty-printing are unsafe characters this leaves as they are: a copy
        // starts at the first character it changes
        while (i < json.length() && !escapedInJson(json.charAt(i))) {
            i++;
        }
        if (i == json.length()) {
            return json;
        }
        StringBuilder b = new StringBuilder(json.length() + 16).append(json, 0, i);
        for (; i < json.length(); i++) {
            char c = json.charAt(i);
            if (escapedInJson(c)) {
                b.append(escape(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean escapedInJson(int c) {
        return c >= 0x20 && unsafe(c);
    }

    private static String escape(int c) {
        return String.format(Locale.US, "\\u%04x", c);
    }

    /**
     * Writes {@code tree} as {@code gson} prints it, then a line end: the characters of
     * {@code out.println(json(gson.toJson(tree)))}, streamed to {@code out} instead of built as
     * strings (for 100,000 layers those were several copies of an 80 MB report at once).
     */
    static void printJson(Gson gson, JsonElement tree, PrintWriter out) {
        JsonEscaping w = new JsonEscaping(out);
        gson.toJson(tree, w);
        w.drain();
        out.println();
    }

    /** What a report writes to a Gson {@link JsonWriter}. */
    @FunctionalInterface
    interface JsonBody {
        void write(JsonWriter w) throws IOException;
    }

    /**
     * Writes what {@code body} writes to a JsonWriter set as {@link #printJson(Gson, JsonElement,
     * PrintWriter)}'s Gson sets it (pretty-printed, nulls kept, no HTML escapes), then a line end:
     * a report streamed field by field prints as its tree would.
     */
    static void printJson(PrintWriter out, JsonBody body) {
        JsonEscaping e = new JsonEscaping(out);
        JsonWriter w = jsonWriter(e);
        try {
            body.write(w);
            w.flush();
        } catch (IOException x) {
            // JsonEscaping writes to a PrintWriter, which never throws
            throw new UncheckedIOException(x);
        }
        e.drain();
        out.println();
    }

    /** What {@code body} writes, read back as a Gson tree (for a caller that adds to a report). */
    static JsonObject readBack(JsonBody body) {
        return JsonParser.parseString(rendered(body, "")).getAsJsonObject();
    }

    /**
     * What {@code body} writes as a value of its own, with every line after the first indented by
     * {@code indent}, to be copied into a report where a value at that depth goes (a part made
     * ahead on a lint worker): JSON strings hold no raw line ends.
     */
    static String rendered(JsonBody body, String indent) {
        StringWriter s = new StringWriter();
        try {
            JsonWriter w = jsonWriter(s);
            body.write(w);
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return indent.isEmpty() ? s.toString() : s.toString().replace("\n", "\n" + indent);
    }

    /** A JsonWriter that writes as the reports' Gson does: pretty-printed, nulls kept, no HTML escapes. */
    static JsonWriter jsonWriter(Writer out) {
        JsonWriter w = new JsonWriter(out);
        w.setFormattingStyle(FormattingStyle.PRETTY);
        w.setHtmlSafe(false);
        w.setSerializeNulls(true);
        return w;
    }

    /**
     * What Gson writes, with {@link #json}'s escapes, gathered into blocks for {@code out}: Gson
     * writes a few characters at a time, and each write to a PrintWriter costs more than the
     * characters.
     */
    private static final class JsonEscaping extends Writer {
        private final PrintWriter out;
        private final char[] buf = new char[8192];
        private int n;

        JsonEscaping(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(int c) {
            if (escapedInJson(c)) {
                for (char e : escape(c).toCharArray()) {
                    put(e);
                }
            } else {
                put((char) c);
            }
        }

        private void put(char c) {
            if (n == buf.length) {
                drain();
            }
            buf[n++] = c;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            int end = off + len;
            while (off < end) {
                int k = room(end - off);
                System.arraycopy(cbuf, off, buf, n, k);
                off += keep(k);
                if (off < end && n < buf.length) {
                    write(cbuf[off++]);
                }
            }
        }

        @Override
        public void write(String str, int off, int len) {
            // copied a block at a time and scanned in the block: nearly all of a report is printable
            // ASCII, and a character at a time through charAt cost a tenth of a large report
            int end = off + len;
            while (off < end) {
                int k = room(end - off);
                str.getChars(off, off + k, buf, n);
                off += keep(k);
                if (off < end && n < buf.length) {
                    write(str.charAt(off++));
                }
            }
        }

        /** How many of {@code wanted} characters fit in the block, draining it first when it is full. */
        private int room(int wanted) {
            if (n == buf.length) {
                drain();
            }
            return Math.min(wanted, buf.length - n);
        }

        /**
         * Keeps the first characters of the {@code k} just copied to the block's end up to the first
         * one to escape, and returns how many it kept; the caller writes that one with its escape.
         */
        private int keep(int k) {
            int stop = n + k;
            int i = n;
            while (i < stop && !escapedInJson(buf[i])) {
                i++;
            }
            int kept = i - n;
            n = i;
            return kept;
        }

        void drain() {
            out.write(buf, 0, n);
            n = 0;
        }

        @Override
        public void flush() {
            // the caller's writer flushes when the caller says so, as println left it
        }

        @Override
        public void close() {
            // the caller's writer stays open
        }
    }
}
