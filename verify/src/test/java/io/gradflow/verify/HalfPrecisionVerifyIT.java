package io.gradflow.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gradflow.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gradflow verify on half-precision models (issue 14): measured in float16 where ND4J's CPU backend
 * runs it, with the weight-gradient entries that round to zero counted against a float32 twin.
 */
@Tag("slow")
class HalfPrecisionVerifyIT {

    @TempDir
    Path tmp;

    /** Per model source, its JSON report. */
    private static Map<String, JsonObject> models(CliRunner.Result r) {
        Map<String, JsonObject> out = new HashMap<>();
        for (JsonElement e : JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("models")) {
            out.put(e.getAsJsonObject().get("source").getAsString(), e.getAsJsonObject());
        }
        return out;
    }

    /** Per layer, its flushed fraction at initialisation (layers without weights left out). */
    private static Map<String, Double> flushed(JsonObject model) {
        Map<String, Double> out = new HashMap<>();
        for (JsonElement e : model.getAsJsonObject("measured").getAsJsonArray("layers")) {
            JsonObject l = e.getAsJsonObject();
            if (l.get("zeros").isJsonObject()) {
                out.put(l.get("layer").getAsString(), l.getAsJsonObject("zeros").get("flushedFraction").getAsDouble());
            }
        }
        return out;
    }

    @Test
    void float16ModelsAreMeasuredInFloat16AndTheFlushedEntriesCounted() throws IOException {
        Path bf16 = tmp.resolve("relu-bf16.gflow");
        Files.writeString(bf16, """
                model relu_bf16
                precision bfloat16
                input 32
                defaults { activation relu  init he  updater sgd(0.01) }
                repeat 3 { dense 32 }
                output 4 softmax loss mcxent
                """);
        String underflow = "fixtures/rules/GF014/positive.json";
        String healthy = "fixtures/precision/relu-he-mlp-8-half.json";
        String mixed = "fixtures/precision/relu-he-mlp-6-mixed-float16.json";
        CliRunner.Result r = CliRunner.run("verify", "--steps", "1", "--batch", "16", "--probe-batches", "2",
                "--format", "json", underflow, healthy, mixed, bf16.toString());
        assertThat(r.err()).doesNotContain("Exception");
        Map<String, JsonObject> m = models(r);
        assertThat(m).hasSize(4);

        // GF014's positive fixture (DL4J HALF, twelve sigmoid layers): the first layer's weight gradient
        // is predicted to round to zero, and in float16 most of its entries do where float32's do not
        JsonObject u = m.get(underflow);
        assertThat(u.getAsJsonObject("measured").get("format").getAsString()).isEqualTo("float16");
        Map<String, Double> uf = flushed(u);
        assertThat(uf.get("dense_0")).isGreaterThan(0.5);
        assertThat(uf.get("dense_11")).isLessThan(0.01);
        JsonObject zeros0 = zerosOf(u, "dense_0");
        assertThat(zeros0.get("zeroFractionFloat32").getAsDouble()).isLessThan(0.01);
        JsonObject gf014 = finding(u, "GF014");
        assertThat(gf014.get("evidence").getAsString()).startsWith("measured in float16: ").contains("flushed");

        // a healthy float16 network (ReLU, He): next to nothing rounds to zero
        JsonObject h = m.get(healthy);
        assertThat(h.getAsJsonObject("measured").get("format").getAsString()).isEqualTo("float16");
        assertThat(flushed(h)).hasSize(9).allSatisfy((layer, f) -> assertThat(f).isLessThan(0.01));
        assertThat(h.getAsJsonObject("measured").get("verdict").getAsString()).isEqualTo("healthy");

        // Keras mixed_float16: computed in float16 (DL4J has one data type per network), nothing flushed
        JsonObject k = m.get(mixed);
        assertThat(k.getAsJsonObject("measured").get("format").getAsString()).isEqualTo("float16");
        assertThat(flushed(k)).hasSize(7).allSatisfy((layer, f) -> assertThat(f).isLessThan(0.01));

        // bfloat16: DL4J's layers refuse it; measured in float32, and the note says so
        JsonObject b = m.get(bf16.toString());
        assertThat(b.getAsJsonObject("measured").get("format").getAsString()).isEqualTo("float32");
        assertThat(flushed(b)).isEmpty();
        JsonArray notes = b.getAsJsonObject("measured").getAsJsonArray("notes");
        assertThat(notes.toString()).contains("bfloat16").contains("measured in float32");
    }

    @Test
    void textAndHtmlShowTheFlushedFractions() throws IOException {
        String underflow = "fixtures/rules/GF014/positive.json";
        CliRunner.Result t = CliRunner.run("verify", "--steps", "0", "--batch", "16", "--probe-batches", "1",
                underflow);
        assertThat(t.out()).contains("in float16; weights").contains("flush%")
                .containsPattern("flushed: weight-gradient entries zero in float16 but not in float32 .*most in "
                        + "'dense_0', [0-9.]+%");
        Path html = tmp.resolve("r.html");
        CliRunner.Result h = CliRunner.run("verify", "--steps", "0", "--batch", "16", "--probe-batches", "1",
                "--format", "html", "-o", html.toString(), underflow);
        assertThat(h.code()).isEqualTo(1);
        assertThat(Files.readString(html)).contains(">Flushed</abbr>").contains("in float16");
    }

    private static JsonObject zerosOf(JsonObject model, String layer) {
        for (JsonElement e : model.getAsJsonObject("measured").getAsJsonArray("layers")) {
            if (e.getAsJsonObject().get("layer").getAsString().equals(layer)) {
                return e.getAsJsonObject().getAsJsonObject("zeros");
            }
        }
        throw new AssertionError("no layer " + layer);
    }

    private static JsonObject finding(JsonObject model, String rule) {
        for (JsonElement e : model.getAsJsonArray("findings")) {
            if (e.getAsJsonObject().get("rule").getAsString().equals(rule)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no finding " + rule);
    }
}
