package io.gradflow.ingest;

import io.gradflow.model.SourcePos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
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
    public static final long MAX_ENTRY_BYTES = Limits.MAX_ENTRY_BYTES;
    /** Compression ratio above which a large entry is treated as a zip bomb. */
    public static final long MAX_RATIO = 200;
    private static final int MAX_ENTRIES = Limits.MAX_ZIP_ENTRIES;

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
        try {
            checkEndRecord(path, names.size());
        } catch (ReadException e) {
            close(zip);
            throw e;
        }
        return new ZipContainer(zip, names);
    }

    /**
     * The end-of-central-directory record must count the entries the directory holds: Java's zip
     * reader tolerates a record that does not (it counts the headers itself), and an archive that
     * says 65,535 entries and holds one is damaged or made to mislead another reader.
     */
    private static void checkEndRecord(Path path, int found) throws ReadException {
        long claimed;
        try (SeekableByteChannel ch = Files.newByteChannel(path)) {
            long size = ch.size();
            int tail = (int) Math.min(size, 22 + 65_535 + 20);
            ByteBuffer b = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
            ch.position(size - tail);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // read the whole tail
            }
            int end = -1;
            for (int i = tail - 22; i >= 0; i--) {
                if (b.getInt(i) == 0x06054b50 && i + 22 + (b.getShort(i + 20) & 0xffff) == tail) {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                return;
            }
            claimed = b.getShort(end + 10) & 0xffff;
            if (claimed == 0xffff && end >= 20 && b.getInt(end - 20) == 0x07064b50) {
                // a Zip64 archive: the count is in the Zip64 end record, which the locator points at
                long at = b.getLong(end - 20 + 8);
                ByteBuffer z = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
                if (at < 0 || at + 56 > size) {
                    throw new ReadException("not a readable zip archive: its Zip64 end record lies outside the file");
                }
                ch.position(at);
                while (z.hasRemaining() && ch.read(z) > 0) {
                    // read the record
                }
                if (z.getInt(0) != 0x06064b50) {
                    throw new ReadException("not a readable zip archive: its Zip64 end record is missing");
                }
                claimed = z.getLong(32);
            }
        } catch (IOException e) {
            throw new ReadException("cannot read: " + e.getMessage());
        }
        if (claimed != found) {
            throw new ReadException("not a readable zip archive: its end record claims " + claimed + " entries but "
                    + "its central directory holds " + found + " (a damaged or tampered archive)");
        }
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
