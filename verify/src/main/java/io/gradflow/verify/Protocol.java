package io.gradflow.verify;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.jspecify.annotations.Nullable;

/**
 * The lines the verifying process and the one the user started exchange: JSON objects, one a line,
 * each behind {@link #MARK} so that a library's stray output on the same stream is not mistaken
 * for one. Options and jobs go in; progress, results and errors come out.
 */
final class Protocol {

    /** What starts every protocol line. */
    static final String MARK = "@gradflow ";

    /** Numbers as Java has them, NaN and infinities included (a measurement may hold them). */
    static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();

    private Protocol() {
    }

    /** One line: the mark and the object. */
    static String line(Object o) {
        return MARK + GSON.toJson(o);
    }

    /** The object on a protocol line, or null for any other line. */
    static @Nullable JsonObject parse(String line) {
        if (line == null || !line.startsWith(MARK)) {
            return null;
        }
        try {
            return JsonParser.parseString(line.substring(MARK.length())).getAsJsonObject();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A job: the file (absolute) and how reports name it. */
    record Job(String path, String display) { }

    /** The options of every job of a run, and the directory gradflow.json files are found from. */
    record Setup(Verifier.Options options, String cwd) { }
}
