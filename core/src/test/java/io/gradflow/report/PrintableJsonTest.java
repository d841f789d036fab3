package io.gradflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Streaming a report's JSON prints the characters the string-built report printed. */
class PrintableJsonTest {

    @Test
    void streamedJsonIsTheBuiltString() {
        JsonObject root = new JsonObject();
        JsonArray layers = new JsonArray();
        for (int i = 0; i < 3000; i++) {
            JsonObject l = new JsonObject();
            // the characters json() escapes (DEL, C1, bidirectional overrides), C0 Gson escapes, and plain text
            l.addProperty("layer", "dense_" + i + (i % 7 == 0 ? "\u202e\u007f\u0085\u2066x\u0001\n" : ""));
            l.addProperty("rms", i / 7.0);
            layers.add(l);
        }
        root.add("layers", layers);
        root.addProperty("long", "y".repeat(20_000) + "\u202a");
        // escapes scattered through strings longer than the writer's 8,192-character block, some
        // falling on its boundaries, copied a block at a time
        StringBuilder scattered = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            scattered.append(i % 997 == 0 || i % 8192 == 8191 || i % 8192 == 0 ? '\u007f' : (char) ('a' + i % 26));
        }
        root.addProperty("scattered", scattered.toString());
        root.addProperty("escapes", "\u0085".repeat(9_000));
        Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

        StringWriter built = new StringWriter();
        try (PrintWriter out = new PrintWriter(built)) {
            out.println(Printable.json(gson.toJson(root)));
        }
        StringWriter streamed = new StringWriter();
        try (PrintWriter out = new PrintWriter(streamed)) {
            Printable.printJson(gson, root, out);
        }
        assertThat(streamed.toString()).contains("\\u202e").doesNotContain("\u202e");
        assertThat(streamed.toString()).isEqualTo(built.toString());
    }
}
