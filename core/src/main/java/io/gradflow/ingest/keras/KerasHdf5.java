package io.gradflow.ingest.keras;

import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ReadException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads the root attributes of a Keras HDF5 file ({@code model.save("m.h5")}): the model
 * configuration, the Keras version, the backend and the training configuration. Only the root
 * group's attributes are read, never a dataset, so a file of gigabytes of weights reads as fast
 * as a small one (jhdf loads datasets only when their data is asked for, and the file is mapped,
 * so only the pages the metadata lies on are read).
 */
public final class KerasHdf5 {

    /** Largest model_config attribute read (configs are kilobytes): as large as a zip entry. */
    static final long MAX_CONFIG_CHARS = Limits.MAX_ENTRY_BYTES;
    /** The root attributes read; each is checked against {@link #MAX_CONFIG_CHARS} before its data is. */
    private static final List<String> READ = List.of("model_config", "keras_version", "backend", "training_config");

    private KerasHdf5() {
    }

    /**
     * The attributes Keras writes at the root.
     *
     * @param modelConfig    the model_config JSON
     * @param kerasVersion   keras_version, or null (Keras 1 files may lack it)
     * @param backend        backend, or null
     * @param trainingConfig the training_config JSON, or null
     */
    public record Attributes(String modelConfig, @Nullable String kerasVersion, @Nullable String backend,
                             @Nullable String trainingConfig) { }

    /** Reads a Keras HDF5 file's root attributes. */
    public static Attributes read(Path path) throws ReadException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ReadException("no such file");
        } catch (IOException e) {
            throw new ReadException("cannot read: " + e.getMessage());
        }
        return read(ch);
    }

    /** Reads the attributes from an open channel (closed afterwards); tests count what is read. */
    public static Attributes read(FileChannel channel) throws ReadException {
        try {
            return attributes(channel, null);
        } finally {
            closeQuietly(channel);
        }
    }

    /** Reads the attributes of a file held in memory (the start-up warm-up reads one from the jar). */
    public static Attributes read(ByteBuffer bytes) throws ReadException {
        return attributes(null, bytes);
    }

    /** The attributes of the file on {@code channel}, else of {@code bytes}. */
    private static Attributes attributes(@Nullable FileChannel channel, @Nullable ByteBuffer bytes)
            throws ReadException {
        try {
            HdfFile f = channel != null ? open(channel)
                    : HdfFile.fromByteBuffer(Objects.requireNonNull(bytes, "a file or its bytes"));
            Map<String, Attribute> attrs = f.getAttributes();
            for (String name : READ) {
                checkDeclaredSize(attrs.get(name));
            }
            String config = text(attrs.get("model_config"));
            String version = text(attrs.get("keras_version"));
            String backend = text(attrs.get("backend"));
            if (config == null) {
                boolean keras = version != null || backend != null || attrs.containsKey("layer_names")
                        || hasChild(f, "model_weights") || hasChild(f, "layers") && hasChild(f, "vars");
                // not a model (weights, a data set): skipped while walking a directory, an error when named
                throw ReadException.notAModel(keras
                        ? "no model_config attribute: a weights-only file (model.save_weights)? gradflow needs the "
                          + "architecture: save the whole model (model.save) or lint its model.to_json()"
                        : "an HDF5 file, but not a Keras model: no model_config attribute at its root", null);
            }
            if (config.length() > MAX_CONFIG_CHARS) {
                throw new ReadException("model_config is " + config.length() + " characters, over the "
                        + MAX_CONFIG_CHARS + " limit for a model configuration");
            }
            return new Attributes(config, version, backend, text(attrs.get("training_config")));
        } catch (ReadException e) {
            throw e;
        } catch (IOException e) {
            throw new ReadException("cannot read: " + e.getMessage());
        } catch (RuntimeException | OutOfMemoryError | InternalError e) {
            // jhdf signals corrupt and truncated files with unchecked exceptions (a structure that
            // claims bytes past the end of the mapped file among them); InternalError is a mapped
            // page that went away under us (the file truncated while it was read)
            throw new ReadException("not a readable HDF5 file (corrupt or truncated?): " + oneLine(e)
                    + (pastTheEnd(e) ? " (it declares more bytes than the file holds)" : ""));
        }
    }

    /**
     * The file as jhdf sees it. A file of up to 2 GiB is mapped read-only and read in place: every
     * size a structure declares (a global heap's collection, a local heap, an object header, a
     * B-tree node) is a view of the mapped bytes, refused when it reaches past the end of the
     * file. Read through the channel, jhdf 0.13 allocates a buffer of the declared size first and
     * then fills it by reading the same offset again and again: a 13 KB file whose global heap
     * claims 1.27 GB took 49 s and 1.2 GB of heap and was then read as if nothing were wrong.
     * A larger file (a model with gigabytes of weights) cannot be one buffer and is read
     * through the channel.
     */
    private static HdfFile open(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size <= Integer.MAX_VALUE) {
            // the mapping outlives the channel, closed by the caller; it goes with the buffer
            return HdfFile.fromByteBuffer(channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
        }
        // HdfFile.close() needs a file path when opened on a channel (jhdf 0.13): the channel,
        // closed by the caller, is all there is to release
        return new HdfFile(channel);
    }

    /**
     * Refuses an attribute whose dataspace declares more than {@link #MAX_CONFIG_CHARS} bytes,
     * before jhdf makes the array for it (its dimensions are multiplied without an overflow
     * check: four dimensions of 2^20 make an array of arrays of 2^80 elements).
     */
    private static void checkDeclaredSize(@Nullable Attribute a) throws ReadException {
        if (a == null || a.isEmpty()) {
            return;
        }
        long elements = 1;
        try {
            for (long d : a.getDimensionsAsLong()) {
                if (d < 0) {
                    throw new ArithmeticException("negative dimension");
                }
                elements = Math.multiplyExact(elements, d);
            }
            long bytes = Math.multiplyExact(elements, Math.max(1, a.getDataType().getSize()));
            if (bytes <= MAX_CONFIG_CHARS) {
                return;
            }
            throw new ReadException("attribute '" + a.getName() + "' declares " + bytes + " bytes, over the "
                    + MAX_CONFIG_CHARS + " limit for a model configuration");
        } catch (ArithmeticException e) {
            throw new ReadException("attribute '" + a.getName() + "' declares more than 2^63 bytes, over the "
                    + MAX_CONFIG_CHARS + " limit for a model configuration");
        }
    }

    private static boolean hasChild(HdfFile f, String name) {
        try {
            Node n = f.getChildren().get(name);
            return n != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * An attribute as text: h5py writes variable-length strings, old Keras fixed-length ones, and
     * some tools bytes or a one-element array.
     */
    static @Nullable String text(@Nullable Attribute a) {
        if (a == null) {
            return null;
        }
        Object d = a.getData();
        if (d instanceof String s) {
            return s;
        }
        if (d instanceof String[] arr && arr.length == 1) {
            return arr[0];
        }
        if (d instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8).replace("\0", "");
        }
        return null;
    }

    /** Whether jhdf failed on a view past the end of the mapped file: a declared size too large. */
    private static boolean pastTheEnd(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && t.getMessage() != null
                    && t.getMessage().startsWith("newLimit > capacity")) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        m = nl >= 0 ? m.substring(0, nl) : m;
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // the read already succeeded or failed with its own message
        }
    }
}
