package io.gradflow.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses JSON into {@link JsonValue} trees with the positions Jackson's streaming parser reports.
 * Accepts what DL4J and Keras write (NaN and Infinity literals); rejects trailing content.
 * Configuration files are read as JSONC ({@link #parseConfig}); models stay strict JSON. Syntax
 * errors are worded by {@link JsonMessages}, never in Jackson's words.
 */
public final class JsonParser {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .streamReadConstraints(constraints())
            .build();

    /**
     * JSON with comments ({@code //} and {@code /* *}{@code /}) and trailing commas, as VS Code
     * and tsconfig read their settings; a key given twice is an error (which one would count is a
     * guess). NaN and Infinity are not numbers a configuration needs.
     */
    private static final JsonFactory CONFIG = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(constraints())
            .build();

    private JsonParser() {
    }

    private static StreamReadConstraints constraints() {
        return StreamReadConstraints.builder()
                .maxNestingDepth(JsonMessages.MAX_DEPTH)
                .maxStringLength(JsonMessages.MAX_STRING)
                .build();
    }

    /** Parses a whole document. */
    public static JsonValue parse(byte[] bytes) throws JsonSyntaxException {
        return parse(FACTORY, bytes);
    }

    public static JsonValue parse(String text) throws JsonSyntaxException {
        try (com.fasterxml.jackson.core.JsonParser p = FACTORY.createParser(text)) {
            return parseDocument(p);
        } catch (JsonProcessingException e) {
            throw syntax(e);
        } catch (IOException e) {
            throw new JsonSyntaxException("invalid JSON: cannot read the text", 0, 0);
        }
    }

    /** Parses a configuration file: JSONC (comments, trailing commas), no key twice in an object. */
    public static JsonValue parseConfig(byte[] bytes) throws JsonSyntaxException {
        return parse(CONFIG, bytes);
    }

    private static JsonValue parse(JsonFactory factory, byte[] bytes) throws JsonSyntaxException {
        try (com.fasterxml.jackson.core.JsonParser p = factory.createParser(bytes)) {
            return parseDocument(p);
        } catch (JsonProcessingException e) {
            throw syntax(e);
        } catch (IOException e) {
            // a byte array does not fail to read; should it, say so without the library's words
            throw new JsonSyntaxException("invalid JSON: cannot read the text", 0, 0);
        }
    }

    private static JsonValue parseDocument(com.fasterxml.jackson.core.JsonParser p)
            throws IOException, JsonSyntaxException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new JsonSyntaxException("the file is empty", 1, 1);
        }
        JsonLocation start = p.currentTokenLocation();
        JsonValue root = value(p, t, "", start.getLineNr(), start.getColumnNr(), -1);
        JsonToken extra = p.nextToken();
        if (extra != null) {
            JsonLocation l = p.currentTokenLocation();
            throw new JsonSyntaxException("unexpected content after the end of the JSON document",
                    l.getLineNr(), l.getColumnNr());
        }
        return root;
    }

    private static JsonValue value(com.fasterxml.jackson.core.JsonParser p, JsonToken t, String pointer,
                                   int keyLine, int keyColumn, int keyStart) throws IOException {
        JsonLocation loc = p.currentTokenLocation();
        int line = loc.getLineNr();
        int col = loc.getColumnNr();
        int start = offset(loc);
        switch (t) {
            case START_OBJECT -> {
                Map<String, JsonValue> members = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation kl = p.currentTokenLocation();
                    JsonToken vt = p.nextToken();
                    members.put(key, value(p, vt, pointer + "/" + escape(key), kl.getLineNr(), kl.getColumnNr(),
                            offset(kl)));
                }
                return new JsonValue(JsonValue.Type.OBJECT, line, col, keyLine, keyColumn, pointer, start,
                        offset(p.currentLocation()), keyStart, members, null, null, Double.NaN, false);
            }
            case START_ARRAY -> {
                List<JsonValue> items = new ArrayList<>();
                JsonToken it;
                int i = 0;
                while ((it = p.nextToken()) != JsonToken.END_ARRAY) {
                    JsonLocation il = p.currentTokenLocation();
                    items.add(value(p, it, pointer + "/" + i++, il.getLineNr(), il.getColumnNr(), -1));
                }
                return new JsonValue(JsonValue.Type.ARRAY, line, col, keyLine, keyColumn, pointer, start,
                        offset(p.currentLocation()), keyStart, null, items, null, Double.NaN, false);
            }
            case VALUE_STRING -> {
                // getText() finishes the string, so the location after it is past its closing quote
                String text = p.getText();
                return new JsonValue(JsonValue.Type.STRING, line, col, keyLine, keyColumn, pointer, start,
                        offset(p.currentLocation()), keyStart, null, null, text, Double.NaN, false);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                String text = p.getText();
                return new JsonValue(JsonValue.Type.NUMBER, line, col, keyLine, keyColumn, pointer, start,
                        offset(p.currentLocation()), keyStart, null, null, text, p.getDoubleValue(), false);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new JsonValue(JsonValue.Type.BOOLEAN, line, col, keyLine, keyColumn, pointer, start,
                        offset(p.currentLocation()), keyStart, null, null, null, Double.NaN,
                        t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return new JsonValue(JsonValue.Type.NULL, line, col, keyLine, keyColumn, pointer, start,
                        offset(p.currentLocation()), keyStart, null, null, null, Double.NaN, false);
            }
            default -> throw new IOException("unexpected token " + t);
        }
    }

    /** Jackson counts chars for text input and bytes for byte input; whichever it counted. */
    private static int offset(JsonLocation l) {
        long o = l.getCharOffset() >= 0 ? l.getCharOffset() : l.getByteOffset();
        return (int) o;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static JsonSyntaxException syntax(JsonProcessingException e) {
        JsonLocation l = e.getLocation();
        String what = JsonMessages.describe(e);
        int column = l == null ? 0 : l.getColumnNr();
        // Jackson stands after a repeated key; the key itself is where to look
        String key = JsonMessages.duplicateKey(e);
        if (key != null && column > key.length() + 2) {
            column -= key.length() + 2;
        }
        return new JsonSyntaxException("invalid JSON: " + what, l == null ? 0 : l.getLineNr(), column,
                what.equals(JsonMessages.COMMENT));
    }
}
