package io.gradflow.ingest.keras;

import io.gradflow.ingest.Limits;
import io.gradflow.ingest.ReadException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the root attributes of a Keras HDF5 file ({@code model.save("m.h5")}): the model
 * configuration, the Keras version, the backend and the training configuration. Only the root
 * group's attributes are read, never a dataset, so a file of gigabytes of weights reads as fast
 * as a small one (jhdf loads datasets only when their data is asked for).
 */
public final class KerasHdf5 {

    /** Largest model_config attribute read (configs are kilobytes): as large as a zip entry. */
    static final long MAX_CONFIG_CHARS = Limits.MAX_ENTRY_BYTES;

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
            // HdfFile.close() needs a file path when opened on a channel (jhdf 0.13): the channel,
            // closed below, is all there is to release
            HdfFile f = new HdfFile(channel);
            Map<String, Attribute> attrs = f.getAttributes();
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
        } catch (RuntimeException | OutOfMemoryError e) {
            // jhdf signals corrupt and truncated files with unchecked exceptions
            throw new ReadException("not a readable HDF5 file (corrupt or truncated?): " + oneLine(e));
        } finally {
            closeQuietly(channel);
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
