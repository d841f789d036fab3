package io.gradflow.ingest.keras;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A read-only file channel that counts what its user reads and maps: proof that reading a Keras
 * file's attributes never touches its weights, without timing anything.
 */
final class CountingFileChannel extends FileChannel {

    private final FileChannel in;
    private long bytesRead;
    private long bytesMapped;
    private long furthest;

    CountingFileChannel(FileChannel in) {
        this.in = in;
    }

    /** Bytes read plus bytes memory-mapped so far. */
    long touched() {
        return bytesRead + bytesMapped;
    }

    long bytesMapped() {
        return bytesMapped;
    }

    /** The highest file offset any read or mapping reached. */
    long furthest() {
        return furthest;
    }

    private int counted(int n, long from) {
        if (n > 0) {
            bytesRead += n;
            furthest = Math.max(furthest, from + n);
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        long at = in.position();
        return counted(in.read(dst), at);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long at = in.position();
        long n = in.read(dsts, offset, length);
        if (n > 0) {
            bytesRead += n;
            furthest = Math.max(furthest, at + n);
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return counted(in.read(dst, position), position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        bytesMapped += size;
        furthest = Math.max(furthest, position + size);
        return in.map(mode, position, size);
    }

    @Override
    public long position() throws IOException {
        return in.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        in.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return in.size();
    }

    @Override
    public int write(ByteBuffer src) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public int write(ByteBuffer src, long position) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public FileChannel truncate(long size) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void force(boolean metaData) {
        // nothing written
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        bytesRead += count;
        furthest = Math.max(furthest, position + count);
        return in.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return in.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return in.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        in.close();
    }
}
