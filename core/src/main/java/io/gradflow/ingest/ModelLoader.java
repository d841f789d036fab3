package io.gradflow.ingest;

import io.gradflow.ingest.dl4j.Dl4jReader;
import io.gradflow.ingest.dsl.DslReader;
import io.gradflow.json.JsonParser;
import io.gradflow.json.JsonSyntaxException;
import io.gradflow.json.JsonValue;
import io.gradflow.ingest.keras.KerasArchive;
import io.gradflow.ingest.keras.KerasHdf5;
import io.gradflow.ingest.keras.KerasReader;
import io.gradflow.model.Format;
import io.gradflow.model.ModelGraph;
import io.gradflow.model.Node;
import io.gradflow.model.SourcePos;
import io.gradflow.model.Suppression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds out what a file is from its content (magic bytes first, then the JSON's shape, the name
 * only for the DSL) and hands it to the reader for its format.
 */
public final class ModelLoader {

    /** File name endings a directory walk picks up. */
    public static final Set<String> MODEL_EXTENSIONS = Set.of(".json", ".h5", ".hdf5", ".keras", ".zip", ".gflow");

    /** The DSL's file extension. */
    public static final String DSL_EXTENSION = ".gflow";

    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private ModelLoader() {
    }

    /** What a sniff found. */
    public enum Kind { ZIP, HDF5, JSON, DSL, EMPTY, UNKNOWN }

    /**
     * Reads one model file.
     *
     * @param path    the file
     * @param display the name reports use for it
     */
    public static ModelGraph load(Path path, String display) throws ReadException {
        if (Files.isDirectory(path)) {
            throw new ReadException("is a directory");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            // a FIFO would block the read until something writes to it, a device may never end
            throw new ReadException("not a regular file (a pipe, socket or device): gradflow reads model files");
        }
        Kind kind = sniff(path);
        return switch (kind) {
            case EMPTY -> throw new ReadException("the file is empty", SourcePos.of(1, 1));
            case ZIP -> loadZip(path, display);
            case HDF5 -> loadHdf5(path, display);
            case DSL -> DslReader.read(display, dslText(readText(path)));
            case JSON -> loadJson(display, parseFile(path));
            case UNKNOWN -> throw new ReadException(unknownMessage(path));
        };
    }

    private static String unknownMessage(Path path) {
        String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".h5") || n.endsWith(".hdf5") || n.endsWith(".keras")) {
            return "not an HDF5 file or a Keras 3 zip (no HDF5 signature, no zip header)";
        }
        return "not a model file gradflow reads: expected DL4J or Keras JSON, an HDF5 or zip model, "
                + "or a " + DSL_EXTENSION + " model";
    }

    /** Looks at the first bytes (and, for HDF5, the superblock offsets the format allows). */
    public static Kind sniff(Path path) throws ReadException {
        byte[] head;
        long size;
        try (InputStream in = Files.newInputStream(path)) {
            size = Files.size(path);
            head = in.readNBytes(4096);
        } catch (NoSuchFileException e) {
            throw new ReadException("no such file");
        } catch (IOException e) {
            throw new ReadException("cannot read: " + e.getMessage());
        }
        if (size == 0 || head.length == 0) {
            return Kind.EMPTY;
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return Kind.ZIP;
        }
        if (hdf5At(head, 0) || hasHdf5Superblock(path, size)) {
            return Kind.HDF5;
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(DSL_EXTENSION)) {
            return Kind.DSL;
        }
        int i = 0;
        if (head.length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF) {
            i = 3;
        }
        while (i < head.length && Character.isWhitespace(head[i])) {
            i++;
        }
        if (i == head.length && size <= head.length) {
            return Kind.EMPTY;
        }
        if (i < head.length && (head[i] == '{' || head[i] == '[' || head[i] == '"')) {
            return Kind.JSON;
        }
        return name.endsWith(".json") ? Kind.JSON : Kind.UNKNOWN;
    }

    private static boolean hdf5At(byte[] b, int off) {
        if (b.length < off + HDF5_MAGIC.length) {
            return false;
        }
        for (int i = 0; i < HDF5_MAGIC.length; i++) {
            if (b[off + i] != HDF5_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** HDF5 allows the superblock at 0, 512, 1024, 2048... (a user block before it). */
    private static boolean hasHdf5Superblock(Path path, long size) {
        try (var ch = Files.newByteChannel(path)) {
            for (long off = 512; off + 8 <= size && off <= 1L << 30; off *= 2) {
                ch.position(off);
                var buf = java.nio.ByteBuffer.allocate(8);
                ch.read(buf);
                if (hdf5At(buf.array(), 0)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static byte[] readText(Path path) throws ReadException {
        try {
            checkSize(path);
            try (InputStream in = Files.newInputStream(path)) {
                // the size was checked, but a file may grow while it is read
                byte[] b = in.readNBytes((int) Limits.MAX_TEXT_BYTES + 1);
                if (b.length > Limits.MAX_TEXT_BYTES) {
                    throw tooLarge(b.length);
                }
                return b;
            }
        } catch (NoSuchFileException e) {
            throw new ReadException("no such file");
        } catch (IOException e) {
            throw new ReadException("cannot read: " + e.getMessage());
        }
    }

    private static void checkSize(Path path) throws IOException, ReadException {
        long size = Files.size(path);
        if (size > Limits.MAX_TEXT_BYTES) {
            throw tooLarge(size);
        }
    }

    private static ReadException tooLarge(long size) {
        return new ReadException("the file is " + Limits.count(size) + " bytes, over the limit of "
                + Limits.count(Limits.MAX_TEXT_BYTES) + " bytes for a JSON or DSL model");
    }

    /** A JSON file parsed as it is read: the file's bytes are never all in memory at once. */
    static JsonValue parseFile(Path path) throws ReadException {
        try {
            checkSize(path);
            try (InputStream in = Files.newInputStream(path)) {
                return JsonParser.parse(in, Limits.JSON);
            }
        } catch (JsonSyntaxException e) {
            throw syntaxError(e);
        } catch (NoSuchFileException e) {
            throw new ReadException("no such file");
        } catch (IOException e) {
            throw new ReadException("cannot read: " + e.getMessage());
        }
    }

    /** A DSL file's text: UTF-8, a byte-order mark dropped (columns count from the first real character). */
    private static String dslText(byte[] bytes) {
        String s = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** Reads a JSON model: DL4J or Keras, told apart by content. */
    public static ModelGraph loadJson(String display, byte[] bytes) throws ReadException {
        return loadJson(display, parse(bytes));
    }

    private static ModelGraph loadJson(String display, JsonValue root) throws ReadException {
        if (Dl4jReader.looksLikeDl4j(root)) {
            return Dl4jReader.read(display, root);
        }
        if (KerasReader.looksLikeKeras(root)) {
            return KerasReader.read(display, Format.KERAS_JSON, root, KerasReader.Facts.NONE);
        }
        throw ReadException.notAModel("JSON file is not a model: no DL4J 'confs'/'vertices' and no Keras "
                + "'class_name'/'config' at the top level", new SourcePos(root.line(), root.column(), ""));
    }

    private static ReadException syntaxError(JsonSyntaxException e) {
        if (e.atComment()) {
            // tsconfig.json, devcontainer.json: DL4J and Keras never write comments
            return ReadException.notAModel("JSON with comments (JSONC): a settings file, not a model",
                    SourcePos.of(e.line(), e.column()));
        }
        return new ReadException(e.getMessage(), SourcePos.of(e.line(), e.column()));
    }

    public static JsonValue parse(byte[] bytes) throws ReadException {
        try {
            return JsonParser.parse(bytes, Limits.JSON);
        } catch (JsonSyntaxException e) {
            throw syntaxError(e);
        }
    }

    private static ModelGraph loadZip(Path path, String display) throws ReadException {
        try (ZipContainer zip = ZipContainer.open(path)) {
            if (zip.has("configuration.json")) {
                JsonValue root = inEntry("configuration.json", () -> parse(zip.read("configuration.json")));
                if (!Dl4jReader.looksLikeDl4j(root)) {
                    throw ReadException.notAModel("configuration.json is not a DL4J network configuration",
                            new SourcePos(0, 0, "configuration.json"));
                }
                ModelGraph g = inEntry("configuration.json", () -> Dl4jReader.read(display, root));
                return relocate(g, "configuration.json");
            }
            if (zip.has(KerasArchive.CONFIG)) {
                KerasArchive.Contents c = KerasArchive.read(zip);
                ModelGraph g = inEntry(KerasArchive.CONFIG,
                        () -> KerasReader.read(display, Format.KERAS_V3, c.config(), c.facts()));
                return relocate(g, KerasArchive.CONFIG);
            }
            // a data set or any other archive: skipped while walking a directory, an error when named
            throw ReadException.notAModel("zip archive holds neither configuration.json (a DL4J model) nor "
                    + "config.json (a Keras 3 model)", null);
        }
    }

    /** A Keras HDF5 file: its model_config attribute, read without touching the weights. */
    private static ModelGraph loadHdf5(Path path, String display) throws ReadException {
        return loadHdf5(display, KerasHdf5.read(path));
    }

    /** A Keras HDF5 file held in memory (the start-up warm-up's, from the jar). */
    public static ModelGraph loadHdf5(String display, byte[] bytes) throws ReadException {
        return loadHdf5(display, KerasHdf5.read(ByteBuffer.wrap(bytes)));
    }

    private static ModelGraph loadHdf5(String display, KerasHdf5.Attributes a) throws ReadException {
        String entry = "model_config";
        JsonValue root = inEntry(entry, () -> parse(a.modelConfig().getBytes(StandardCharsets.UTF_8)));
        JsonValue training = null;
        if (a.trainingConfig() != null) {
            try {
                training = JsonParser.parse(a.trainingConfig().getBytes(StandardCharsets.UTF_8), Limits.JSON);
            } catch (JsonSyntaxException e) {
                // the training configuration only adds the loss and optimiser; the model reads without it
                training = null;
            }
        }
        KerasReader.Facts facts = new KerasReader.Facts(a.kerasVersion(), a.backend(), training);
        ModelGraph g = inEntry(entry, () -> KerasReader.read(display, Format.KERAS_H5, root, facts));
        return relocate(g, entry);
    }

    /**
     * The model text inside a container: {@code entry} names it (configuration.json, config.json,
     * model_config) and {@code text} is its JSON, which reads as the same model.
     */
    public record Embedded(String entry, String text) { }

    /** The JSON model inside a DL4J or Keras 3 zip or a Keras HDF5 file. */
    public static Embedded embedded(Path path) throws ReadException {
        Kind kind = sniff(path);
        if (kind == Kind.HDF5) {
            return new Embedded("model_config", KerasHdf5.read(path).modelConfig());
        }
        if (kind != Kind.ZIP) {
            throw new ReadException("not a zip or HDF5 model");
        }
        try (ZipContainer zip = ZipContainer.open(path)) {
            for (String entry : List.of("configuration.json", KerasArchive.CONFIG)) {
                if (zip.has(entry)) {
                    return new Embedded(entry, new String(zip.read(entry), StandardCharsets.UTF_8));
                }
            }
        }
        throw new ReadException("zip archive holds neither configuration.json (a DL4J model) nor "
                + "config.json (a Keras 3 model)");
    }

    /**
     * Reads a model from text already in memory (an editor's buffer, a fix not yet written):
     * gradflow DSL when {@code display} ends in .gflow, JSON otherwise.
     */
    public static ModelGraph loadText(String display, String text) throws ReadException {
        if (display.toLowerCase(Locale.ROOT).endsWith(DSL_EXTENSION)) {
            return DslReader.read(display, text.startsWith("\uFEFF") ? text.substring(1) : text);
        }
        return loadJson(display, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Something that reads inside a container entry and may fail. */
    interface EntryRead<T> {
        T get() throws ReadException;
    }

    /** Runs a read inside a container entry: positions become the entry path plus pointer. */
    static <T> T inEntry(String entry, EntryRead<T> read) throws ReadException {
        try {
            return read.get();
        } catch (ReadException e) {
            SourcePos p = e.pos();
            String where = entry + (p.line() > 0 ? " line " + p.line() + " column " + p.column() : "")
                    + (p.pointer().isEmpty() ? "" : " " + p.pointer());
            throw new ReadException(e.getMessage(), new SourcePos(0, 0, where));
        }
    }

    /** Lines inside a container entry mean nothing to an editor: keep the entry path and pointer. */
    static ModelGraph relocate(ModelGraph g, String entry) {
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            nodes.add(n.toBuilder().pos(new SourcePos(0, 0, entry + "#" + n.pos().pointer())).build());
        }
        List<Suppression> suppressions = new ArrayList<>();
        for (Suppression s : g.suppressions()) {
            suppressions.add(s.at(new SourcePos(0, 0, entry + "#" + s.pos().pointer())));
        }
        return g.with(nodes, g.shapes()).withSuppressions(suppressions);
    }
}
