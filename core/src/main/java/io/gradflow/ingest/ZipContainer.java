package io.gradflow.ingest;

import io.gradflow.model.SourcePos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads named entries of a zip (a DL4J model zip, a Keras 3 .keras file) into memory, never onto
 * disk, and refuses what a hostile archive would try: entries that claim or expand past a size
 * limit, extreme compression ratios (zip bombs) and names that climb out of the archive.
 */
public final class ZipContainer implements AutoCloseable {

    /** Largest configuration entry gradflow reads (configs are kilobytes; 64 MiB is generous). */
    public static final long MAX_ENTRY_BYTES = 64L * 1024 * 1024;
    /** Compression ratio above which a large entry is treated as a zip bomb. */
    public static final long MAX_RATIO = 200;
    private static final int MAX_ENTRIES = 100_000;

    private final ZipFile zip;
    private final List<String> names;

    private ZipContainer(ZipFile zip, List<String> names) {
        this.zip = zip;
        this.names = names;
    }

    public static ZipContainer open(Path path) throws ReadException {
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new ReadException("not a readable zip archive: " + e.getMessage());
        } catch (IOException e) {
            throw new ReadException("cannot open: " + e.getMessage());
        }
        List<String> names = new ArrayList<>();
        Enumeration<? extends ZipEntry> en = zip.entries();
        while (en.hasMoreElements()) {
            ZipEntry e = en.nextElement();
            if (names.size() >= MAX_ENTRIES) {
                close(zip);
                throw new ReadException("the archive has more than " + MAX_ENTRIES + " entries");
            }
            String n = e.getName();
            if (n.startsWith("/") || n.startsWith("\\") || n.contains("../") || n.contains("..\\")
                    || n.equals("..") || n.matches("^[A-Za-z]:.*")) {
                close(zip);
                throw new ReadException("the archive has an entry with an unsafe path: '" + n + "'",
                        new SourcePos(0, 0, n));
            }
            names.add(n);
        }
        return new ZipContainer(zip, names);
    }

    private static void close(ZipFile z) {
        try {
            z.close();
        } catch (IOException ignored) {
            // nothing more to report than the error already being raised
        }
    }

    public List<String> names() {
        return names;
    }

    public boolean has(String name) {
        return zip.getEntry(name) != null;
    }

    /** The entry's bytes, bounded by {@link #MAX_ENTRY_BYTES} whatever its header claims. */
    public byte[] read(String name) throws ReadException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new ReadException("the archive has no '" + name + "'");
        }
        long declared = e.getSize();
        if (declared > MAX_ENTRY_BYTES) {
            throw new ReadException("'" + name + "' would expand to " + declared + " bytes, over the "
                    + MAX_ENTRY_BYTES + "-byte limit for a configuration", new SourcePos(0, 0, name));
        }
        long packed = e.getCompressedSize();
        if (packed > 0 && declared > 1024 * 1024 && declared / packed > MAX_RATIO) {
            throw new ReadException("'" + name + "' has a compression ratio of " + declared / packed
                    + ":1, refused as a possible zip bomb", new SourcePos(0, 0, name));
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] data = in.readNBytes((int) MAX_ENTRY_BYTES + 1);
            if (data.length > MAX_ENTRY_BYTES) {
                throw new ReadException("'" + name + "' expands past the " + MAX_ENTRY_BYTES
                        + "-byte limit (its header understates its size)", new SourcePos(0, 0, name));
            }
            if (packed > 0 && data.length > 1024 * 1024 && data.length / packed > MAX_RATIO) {
                throw new ReadException("'" + name + "' has a compression ratio of " + data.length / packed
                        + ":1, refused as a possible zip bomb", new SourcePos(0, 0, name));
            }
            return data;
        } catch (ZipException ex) {
            throw new ReadException("corrupt entry '" + name + "': " + ex.getMessage(), new SourcePos(0, 0, name));
        } catch (IOException ex) {
            throw new ReadException("cannot read '" + name + "': " + ex.getMessage(), new SourcePos(0, 0, name));
        }
    }

    @Override
    public void close() {
        close(zip);
    }
}
