package io.gradflow.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonSyntaxException;
import io.gradflow.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Positions come from the parser; DL4J's quirks (NaN, numbers as strings) are read. */
class JsonParserTest {

    @Test
    void valuesKnowTheirLineColumnAndPointer() throws Exception {
        JsonValue root = JsonParser.parse("{\n  \"confs\" : [ {\n    \"layer\" : {\"@class\": \"x.Dense\"}\n  } ]\n}");
        JsonValue layer = root.get("confs").items().get(0).get("layer");
        assertThat(layer.keyLine()).isEqualTo(3);
        assertThat(layer.keyColumn()).isEqualTo(5);
        assertThat(layer.pointer()).isEqualTo("/confs/0/layer");
        assertThat(layer.get("@class").keyColumn()).isEqualTo(16);
    }

    @Test
    void readsDl4jNumberQuirks() throws Exception {
        JsonValue v = JsonParser.parse("{\"a\": NaN, \"b\": \"NaN\", \"c\": \"1e-3\", \"d\": 2}");
        assertThat(v.get("a").asDouble()).isNaN();
        assertThat(v.num("b", 7)).isNaN();
        assertThat(v.num("c", 7)).isEqualTo(1e-3);
        assertThat(v.num("missing", 7)).isEqualTo(7);
        assertThat(v.integer("d", -1)).isEqualTo(2);
    }

    @Test
    void truncatedJsonIsASyntaxErrorAtTheEnd() {
        assertThatThrownBy(() -> JsonParser.parse("{\n  \"confs\": [\n"))
                .isInstanceOf(JsonSyntaxException.class)
                .hasMessageContaining("unexpected end of file inside the array opened at line 2 column 12 (truncated JSON?)")
                .satisfies(e -> assertThat(((JsonSyntaxException) e).line()).isEqualTo(3));
    }

    @Test
    void garbageIsReportedWhereItStarts() {
        assertThatThrownBy(() -> JsonParser.parse("{\"a\": 1,\n \"b\": tru }"))
                .isInstanceOf(JsonSyntaxException.class)
                .satisfies(e -> {
                    JsonSyntaxException s = (JsonSyntaxException) e;
                    assertThat(s.line()).isEqualTo(2);
                    assertThat(s.column()).isGreaterThan(1);
                });
    }

    @Test
    void trailingContentIsRejected() {
        assertThatThrownBy(() -> JsonParser.parse("{} {}")).hasMessageContaining("after the end");
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertThatThrownBy(() -> JsonParser.parse(deep)).isInstanceOf(JsonSyntaxException.class);
    }

    /** Jackson's own words: its classes, switches, character codes and token lists. */
    private static final List<String> LIBRARY_WORDS = List.of("Source", "REDACTED", "StreamRead", "JsonReadFeature",
            "`", "code ", "JSON String", "was expecting", "Unexpected", "Unrecognized", "marker", "CTRL-CHAR", "Feature");

    @Test
    void syntaxErrorsAreWordedByGradflowNeverByTheLibrary() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"a\": 1,}", "unexpected '}': expected a key in double quotes (a comma before '}'?)");
        cases.put("{\"a\" 1}", "unexpected '1': expected ':' after the key");
        cases.put("{a: 1}", "unexpected 'a': expected a key in double quotes (keys are quoted: \"key\")");
        cases.put("{\"a\": tru}", "unexpected word 'tru': expected a value");
        cases.put("{\"a\": 1", "unexpected end of file inside the object opened at line 1 column 1 (truncated JSON?)");
        cases.put("[1, 2", "unexpected end of file inside the array opened at line 1 column 1 (truncated JSON?)");
        cases.put("{\"a\": [1}", "unexpected '}': expected ']' to close the array opened at line 1 column 7");
        cases.put("{\"a\": \"x\ny\"}", "a control character (a line break or a tab) inside a string");
        cases.put("{\"a\": 01}", "malformed number: a number cannot start with 0");
        cases.put("{\"a\": \"\\q\"}", "unknown escape '\\q' in a string");
        cases.put("// c\n{}", "comments are not allowed in this JSON file");
        cases.put("{\"a\": 'x'}", "unexpected \"'\": expected a value (JSON quotes strings with \", not ')");
        cases.put("{\"a\": -}", "malformed number");
        cases.put("\"abc", "unexpected end of file inside a string");
        cases.put("{\"a\": 1 \"b\": 2}", "expected ',' or '}' (a missing comma?)");
        cases.put("[1 2]", "expected ',' or ']' (a missing comma?)");
        cases.put("[1,]", "unexpected ']': expected a value (a comma before ']'?)");
        cases.put("}", "unexpected '}': nothing is open to close");
        cases.put("{\"a\":+1}", "malformed number");
        cases.put("[" .repeat(600) + "]".repeat(600), "nested more than 500 levels deep");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThatThrownBy(() -> JsonParser.parse(c.getKey())).as(c.getKey())
                    .isInstanceOf(JsonSyntaxException.class)
                    .hasMessageStartingWith("invalid JSON: ")
                    .hasMessageContaining(c.getValue())
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(LIBRARY_WORDS))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThatThrownBy(() -> JsonParser.parse(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}))
                .hasMessage("invalid JSON: not UTF-8 text (an invalid byte sequence)");
    }

    @Test
    void configurationTextMayHaveCommentsAndTrailingCommasButModelsMayNot() throws Exception {
        String jsonc = "{\n  // why\n  \"a\": [1, 2,], /* note */\n}";
        assertThat(JsonParser.parseConfig(jsonc.getBytes(StandardCharsets.UTF_8)).get("a").items()).hasSize(2);
        assertThatThrownBy(() -> JsonParser.parse(jsonc)).isInstanceOf(JsonSyntaxException.class)
                .satisfies(e -> assertThat(((JsonSyntaxException) e).atComment()).isTrue());
        assertThatThrownBy(() -> JsonParser.parseConfig("{\"a\": 1,\n \"a\": 2}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("invalid JSON: key 'a' appears twice in this object (which one counts would be a guess)")
                .satisfies(e -> assertThat(((JsonSyntaxException) e).column()).isEqualTo(2));
    }

    @Test
    void valuesKnowTheirExactSpanForEdits() throws Exception {
        String text = "{ \"a\" : \"x\\\"y\" , \"b\":[1.5e3 ,true,null], \"c\" : {\"d\": -12}}";
        JsonValue root = JsonParser.parse(text);
        assertThat(text.substring(root.start(), root.end())).isEqualTo(text);
        assertThat(text.substring(root.get("a").start(), root.get("a").end())).isEqualTo("\"x\\\"y\"");
        assertThat(text.substring(root.get("a").keyStart(), root.get("a").keyStart() + 3)).isEqualTo("\"a\"");
        assertThat(text.substring(root.get("b").start(), root.get("b").end())).isEqualTo("[1.5e3 ,true,null]");
        JsonValue d = root.at("/c/d");
        assertThat(text.substring(d.start(), d.end())).isEqualTo("-12");
        assertThat(text.substring(root.at("/b/1").start(), root.at("/b/1").end())).isEqualTo("true");
        assertThat(text.substring(root.at("/b/2").start(), root.at("/b/2").end())).isEqualTo("null");
        assertThat(text.substring(root.get("c").start(), root.get("c").end())).isEqualTo("{\"d\": -12}");
        assertThat(root.at("/b/9")).isNull();
        assertThat(root.at("/nope")).isNull();
    }

    @Test
    void spansOfBytesCountBytes() throws Exception {
        byte[] bytes = "{\"\u00e9\": \"\u00e9t\u00e9\", \"n\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        JsonValue root = JsonParser.parse(bytes);
        JsonValue n = root.get("n");
        assertThat(new String(bytes, n.start(), n.end() - n.start(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("1");
    }
}
