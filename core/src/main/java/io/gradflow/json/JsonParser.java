package io.gradflow.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parses JSON into {@link JsonValue} trees with the positions Jackson's streaming parser reports.
 * Accepts what DL4J and Keras write (NaN and Infinity literals); rejects trailing content.
 */
public final class JsonParser {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(500)
                    .maxStringLength(64 * 1024 * 1024)
                    .build())
            .build();

    private JsonParser() {
    }

    /** Parses a whole document. */
    public static JsonValue parse(byte[] bytes) throws JsonSyntaxException {
        try (com.fasterxml.jackson.core.JsonParser p = FACTORY.createParser(bytes)) {
            return parseDocument(p);
        } catch (JsonProcessingException e) {
            throw syntax(e);
        } catch (IOException e) {
            throw new JsonSyntaxException(Objects.requireNonNullElse(e.getMessage(), e.toString()), 0, 0);
        }
    }

    public static JsonValue parse(String text) throws JsonSyntaxException {
        try (com.fasterxml.jackson.core.JsonParser p = FACTORY.createParser(text)) {
            return parseDocument(p);
        } catch (JsonProcessingException e) {
            throw syntax(e);
        } catch (IOException e) {
            throw new JsonSyntaxException(Objects.requireNonNullElse(e.getMessage(), e.toString()), 0, 0);
        }
    }

    private static JsonValue parseDocument(com.fasterxml.jackson.core.JsonParser p)
            throws IOException, JsonSyntaxException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new JsonSyntaxException("the file is empty", 1, 1);
        }
        JsonLocation start = p.currentTokenLocation();
        JsonValue root = value(p, t, "", start.getLineNr(), start.getColumnNr());
        JsonToken extra = p.nextToken();
        if (extra != null) {
            JsonLocation l = p.currentTokenLocation();
            throw new JsonSyntaxException("unexpected content after the end of the JSON document",
                    l.getLineNr(), l.getColumnNr());
        }
        return root;
    }

    private static JsonValue value(com.fasterxml.jackson.core.JsonParser p, JsonToken t, String pointer,
                                   int keyLine, int keyColumn) throws IOException {
        JsonLocation loc = p.currentTokenLocation();
        int line = loc.getLineNr();
        int col = loc.getColumnNr();
        switch (t) {
            case START_OBJECT -> {
                Map<String, JsonValue> members = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation kl = p.currentTokenLocation();
                    JsonToken vt = p.nextToken();
                    members.put(key, value(p, vt, pointer + "/" + escape(key), kl.getLineNr(), kl.getColumnNr()));
                }
                return new JsonValue(JsonValue.Type.OBJECT, line, col, keyLine, keyColumn, pointer,
                        members, null, null, Double.NaN, false);
            }
            case START_ARRAY -> {
                List<JsonValue> items = new ArrayList<>();
                JsonToken it;
                int i = 0;
                while ((it = p.nextToken()) != JsonToken.END_ARRAY) {
                    JsonLocation il = p.currentTokenLocation();
                    items.add(value(p, it, pointer + "/" + i++, il.getLineNr(), il.getColumnNr()));
                }
                return new JsonValue(JsonValue.Type.ARRAY, line, col, keyLine, keyColumn, pointer,
                        null, items, null, Double.NaN, false);
            }
            case VALUE_STRING -> {
                return new JsonValue(JsonValue.Type.STRING, line, col, keyLine, keyColumn, pointer,
                        null, null, p.getText(), Double.NaN, false);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new JsonValue(JsonValue.Type.NUMBER, line, col, keyLine, keyColumn, pointer,
                        null, null, p.getText(), p.getDoubleValue(), false);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new JsonValue(JsonValue.Type.BOOLEAN, line, col, keyLine, keyColumn, pointer,
                        null, null, null, Double.NaN, t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return new JsonValue(JsonValue.Type.NULL, line, col, keyLine, keyColumn, pointer,
                        null, null, null, Double.NaN, false);
            }
            default -> throw new IOException("unexpected token " + t);
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static JsonSyntaxException syntax(JsonProcessingException e) {
        JsonLocation l = e.getLocation();
        String msg = e.getOriginalMessage();
        // Jackson's messages carry a source excerpt after a newline; keep the first sentence
        int nl = msg.indexOf('\n');
        if (nl > 0) {
            msg = msg.substring(0, nl);
        }
        msg = msg.replace("Unexpected end-of-input", "unexpected end of file (truncated JSON?)");
        return new JsonSyntaxException("invalid JSON: " + msg, l == null ? 0 : l.getLineNr(),
                l == null ? 0 : l.getColumnNr());
    }
}
