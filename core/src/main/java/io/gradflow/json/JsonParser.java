package io.gradflow.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.gradflow.model.Interrupts;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses JSON into {@link JsonValue}s with the positions Jackson's streaming parser reports, into
 * a compact column-wise document ({@link JsonDocument}) rather than a tree of objects, without
 * recursion, within {@link JsonLimits}. Accepts what DL4J and Keras write (NaN and Infinity
 * literals); rejects trailing content. Configuration files are read as JSONC ({@link #parseConfig});
 * models stay strict JSON. Syntax errors are worded by {@link JsonMessages}, never in Jackson's
 * words. Each value knows its exact span in the input (for edits that keep the rest of a file
 * byte for byte).
 */
public final class JsonParser {

    /**
     * One factory per set of limits for the whole run: a factory is thread-safe, and its symbol
     * table carries the keys it has seen (layerName, nOut, activationFn) from one parse to the
     * next, where a factory per parse made a new table and canonicalised every key of every
     * document afresh.
     */
    private static final Map<JsonLimits, JsonFactory> FACTORIES = new ConcurrentHashMap<>();
    private static final Map<JsonLimits, JsonFactory> CONFIG_FACTORIES = new ConcurrentHashMap<>();

    private JsonParser() {
    }

    private static JsonFactory factory(JsonLimits limits) {
        return FACTORIES.computeIfAbsent(limits, JsonParser::newFactory);
    }

    private static JsonFactory newFactory(JsonLimits limits) {
        return JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .streamReadConstraints(constraints(limits))
                .build();
    }

    /**
     * JSON with comments ({@code //} and {@code /* *}{@code /}) and trailing commas, as VS Code
     * and tsconfig read their settings; a key given twice is an error (which one would count is a
     * guess). NaN and Infinity are not numbers a configuration needs.
     */
    private static JsonFactory configFactory(JsonLimits limits) {
        return CONFIG_FACTORIES.computeIfAbsent(limits, JsonParser::newConfigFactory);
    }

    private static JsonFactory newConfigFactory(JsonLimits limits) {
        return JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(constraints(limits))
                .build();
    }

    private static StreamReadConstraints constraints(JsonLimits limits) {
        return StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxDepth())
                .maxStringLength(limits.maxStringLength())
                .maxNameLength(limits.maxStringLength())
                .build();
    }

    /** Parses a whole document. */
    public static JsonValue parse(byte[] bytes) throws JsonSyntaxException {
        return parse(bytes, JsonLimits.DEFAULT);
    }

    public static JsonValue parse(byte[] bytes, JsonLimits limits) throws JsonSyntaxException {
        try (com.fasterxml.jackson.core.JsonParser p = factory(limits).createParser(bytes)) {
            return parseDocument(p, limits);
        } catch (JsonProcessingException e) {
            throw syntax(e);
        } catch (IOException e) {
            // a byte array does not fail to read; should it, say so without the library's words
            throw new JsonSyntaxException("invalid JSON: cannot read the text", 0, 0);
        }
    }

    /** Parses a configuration file: JSONC (comments, trailing commas), no key twice in an object. */
    public static JsonValue parseConfig(byte[] bytes) throws JsonSyntaxException {
        try (com.fasterxml.jackson.core.JsonParser p = configFactory(JsonLimits.DEFAULT).createParser(bytes)) {
            return parseDocument(p, JsonLimits.DEFAULT);
        } catch (JsonProcessingException e) {
            throw syntax(e);
        } catch (IOException e) {
            throw new JsonSyntaxException("invalid JSON: cannot read the text", 0, 0);
        }
    }

    /** Parses a document as it is read from {@code in}, which is never held whole in memory. */
    public static JsonValue parse(InputStream in, JsonLimits limits) throws JsonSyntaxException, IOException {
        try (com.fasterxml.jackson.core.JsonParser p = factory(limits).createParser(in)) {
            return parseDocument(p, limits);
        } catch (JsonProcessingException e) {
            throw syntax(e);
        }
    }

    public static JsonValue parse(String text) throws JsonSyntaxException {
        try (com.fasterxml.jackson.core.JsonParser p = factory(JsonLimits.DEFAULT).createParser(text)) {
            return parseDocument(p, JsonLimits.DEFAULT);
        } catch (JsonProcessingException e) {
            throw syntax(e);
        } catch (IOException e) {
            throw new JsonSyntaxException("invalid JSON: cannot read the text", 0, 0);
        }
    }

    private static JsonValue parseDocument(com.fasterxml.jackson.core.JsonParser p, JsonLimits limits)
            throws IOException, JsonSyntaxException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new JsonSyntaxException("the file is empty", 1, 1);
        }
        JsonDocument doc = new JsonDocument();
        Map<String, Integer> ids = new HashMap<>();
        Map<String, Integer> numberIds = new HashMap<>();
        int[] open = new int[16];
        int depth = 0;
        int key = -1;
        int keyOffset = -1;
        while (true) {
            if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                // past the closing bracket or brace
                doc.close(open[--depth], offset(p.currentLocation()));
                if (depth == 0) {
                    break;
                }
                t = p.nextToken();
                continue;
            }
            JsonLocation loc = p.currentTokenLocation();
            int offset = offset(loc);
            doc.line(loc.getLineNr(), offset - (loc.getColumnNr() - 1));
            if (t == JsonToken.FIELD_NAME) {
                key = id(ids, doc, p.currentName(), Double.NaN);
                keyOffset = offset;
                t = p.nextToken();
                continue;
            }
            if (doc.count() >= limits.maxValues()) {
                throw new JsonSyntaxException("the JSON holds more than " + limits.maxValues()
                        + " values, over the limit for a model file", loc.getLineNr(), loc.getColumnNr());
            }
            if ((doc.count() & 0xfff) == 0) {
                Interrupts.check();
            }
            int parent = depth == 0 ? -1 : open[depth - 1];
            int name;
            int kOffset;
            if (parent < 0) {
                name = -1;
                kOffset = offset;
            } else if (doc.type(parent) == JsonDocument.OBJECT) {
                name = key;
                kOffset = keyOffset;
                doc.addChild(parent);
            } else {
                name = doc.addChild(parent);
                kOffset = offset;
            }
            switch (t) {
                case START_OBJECT, START_ARRAY -> {
                    int i = doc.add(t == JsonToken.START_OBJECT ? JsonDocument.OBJECT : JsonDocument.ARRAY,
                            offset, kOffset, parent, name, 0);
                    if (depth == open.length) {
                        int[] grown = new int[depth * 2];
                        System.arraycopy(open, 0, grown, 0, depth);
                        open = grown;
                    }
                    open[depth++] = i;
                }
                case VALUE_STRING -> {
                    // getText() finishes the string, so the location after it is past its closing quote
                    int i = doc.add(JsonDocument.STRING, offset, kOffset, parent, name,
                            id(ids, doc, p.getText(), Double.NaN));
                    doc.endsAt(i, offset(p.currentLocation()));
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    int i = doc.add(JsonDocument.NUMBER, offset, kOffset, parent, name,
                            id(numberIds, doc, p.getText(), p.getDoubleValue()));
                    doc.endsAt(i, offset(p.currentLocation()));
                }
                case VALUE_TRUE, VALUE_FALSE -> doc.endsAt(doc.add(JsonDocument.BOOLEAN, offset, kOffset, parent,
                        name, t == JsonToken.VALUE_TRUE ? 1 : 0), offset(p.currentLocation()));
                case VALUE_NULL -> doc.endsAt(doc.add(JsonDocument.NULL, offset, kOffset, parent, name, 0),
                        offset(p.currentLocation()));
                default -> throw new JsonSyntaxException("invalid JSON: unexpected " + t, loc.getLineNr(),
                        loc.getColumnNr());
            }
            if (depth == 0) {
                break;
            }
            t = p.nextToken();
        }
        JsonToken extra = p.nextToken();
        if (extra != null) {
            JsonLocation l = p.currentTokenLocation();
            throw new JsonSyntaxException("unexpected content after the end of the JSON document",
                    l.getLineNr(), l.getColumnNr());
        }
        doc.trim();
        return new JsonValue(doc, 0);
    }

    private static int offset(JsonLocation loc) throws JsonSyntaxException {
        long off = loc.getByteOffset() >= 0 ? loc.getByteOffset() : loc.getCharOffset();
        if (off > Integer.MAX_VALUE) {
            throw new JsonSyntaxException("the JSON is longer than 2 GiB", loc.getLineNr(), loc.getColumnNr());
        }
        return (int) off;
    }

    /** The text's id in the document, the same id for the same text (keys and class names repeat). */
    private static int id(Map<String, Integer> ids, JsonDocument doc, String s, double number) {
        Integer known = ids.get(s);
        if (known != null) {
            return known;
        }
        int id = doc.string(s, number);
        ids.put(s, id);
        return id;
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
