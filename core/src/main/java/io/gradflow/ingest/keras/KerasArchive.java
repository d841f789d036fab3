package io.gradflow.ingest.keras;

import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ReadException;
import io.gradflow.ingest.ZipContainer;
import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonSyntaxException;
import io.gradflow.json.JsonValue;
import io.gradflow.model.SourcePos;

/**
 * A Keras 3 {@code .keras} archive: {@code config.json} (the model) and {@code metadata.json}
 * (the Keras version), read in memory through {@link ZipContainer}, which refuses zip bombs,
 * oversized entries and path tricks. The weights ({@code model.weights.h5}) are never opened.
 */
public final class KerasArchive {

    /** The entry holding the model configuration. */
    public static final String CONFIG = "config.json";
    static final String METADATA = "metadata.json";

    private KerasArchive() {
    }

    /**
     * The parsed configuration and what metadata.json says.
     *
     * @param config the config.json document
     * @param facts  the Keras version from metadata.json, and the compile config
     */
    public record Contents(JsonValue config, KerasReader.Facts facts) { }

    /** Reads config.json and metadata.json from an open archive. */
    public static Contents read(ZipContainer zip) throws ReadException {
        if (!zip.has(CONFIG)) {
            throw new ReadException("zip archive has no " + CONFIG + ": not a Keras 3 .keras file");
        }
        JsonValue config = parse(zip.read(CONFIG), CONFIG);
        if (!KerasReader.looksLikeKeras(config)) {
            throw new ReadException(CONFIG + " is not a Keras model configuration (no 'class_name' and 'config')",
                    new SourcePos(0, 0, CONFIG));
        }
        String version = null;
        if (zip.has(METADATA)) {
            try {
                JsonValue meta = JsonParser.parse(zip.read(METADATA), Limits.JSON);
                version = meta.isObject() ? meta.str("keras_version") : null;
            } catch (JsonSyntaxException e) {
                // the version only refines defaults; the config alone is readable
                version = null;
            }
        }
        return new Contents(config, new KerasReader.Facts(version, null, config.opt("compile_config")));
    }

    private static JsonValue parse(byte[] bytes, String entry) throws ReadException {
        try {
            return JsonParser.parse(bytes, Limits.JSON);
        } catch (JsonSyntaxException e) {
            throw new ReadException(e.getMessage(), new SourcePos(0, 0, entry + " line " + e.line()
                    + " column " + e.column()));
        }
    }
}
