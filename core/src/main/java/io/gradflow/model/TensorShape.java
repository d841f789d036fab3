package io.gradflow.model;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The shape of one example's activations: features (FF), channels with spatial sizes (CNN),
 * or features over time (RNN). Unknown sizes are -1.
 */
public record TensorShape(Kind kind, long size, long[] spatial, long time) {

    /** The broad layout families. */
    public enum Kind { FF, CNN, RNN, UNKNOWN }

    public static final TensorShape UNKNOWN = new TensorShape(Kind.UNKNOWN, -1, new long[0], -1);

    public TensorShape {
        spatial = spatial == null ? new long[0] : spatial.clone();
    }

    public static TensorShape ff(long size) {
        return new TensorShape(Kind.FF, size, new long[0], -1);
    }

    public static TensorShape cnn(long channels, long... spatial) {
        return new TensorShape(Kind.CNN, channels, spatial, -1);
    }

    public static TensorShape rnn(long size, long time) {
        return new TensorShape(Kind.RNN, size, new long[0], time);
    }

    /**
     * A shape written as axes without the batch axis, as Keras writes shapes: (features),
     * (steps, features), (h, w, channels) or (channels, h, w)...; unknown sizes are -1.
     *
     * @param ids true for the integer sequence an embedding reads: (steps) is a sequence of ids
     */
    public static TensorShape fromAxes(long[] d, boolean channelsFirst, boolean ids) {
        if (ids && d.length == 1) {
            return rnn(1, d[0]);
        }
        return switch (d.length) {
            case 1 -> ff(d[0]);
            case 2 -> channelsFirst ? rnn(d[0], d[1]) : rnn(d[1], d[0]);
            case 3, 4 -> channelsFirst ? cnn(d[0], Arrays.copyOfRange(d, 1, d.length))
                    : cnn(d[d.length - 1], Arrays.copyOfRange(d, 0, d.length - 1));
            default -> UNKNOWN;
        };
    }

    /** The axes of a shape, the inverse of {@link #fromAxes}; null when unknown. */
    public static long @Nullable [] toAxes(TensorShape s, boolean channelsFirst) {
        long[] sp = s.spatial();
        return switch (s.kind()) {
            case FF -> new long[] {s.size()};
            case RNN -> channelsFirst ? new long[] {s.size(), s.time()} : new long[] {s.time(), s.size()};
            case CNN -> {
                long[] a = new long[sp.length + 1];
                System.arraycopy(sp, 0, a, channelsFirst ? 1 : 0, sp.length);
                a[channelsFirst ? 0 : sp.length] = s.size();
                yield a;
            }
            case UNKNOWN -> null;
        };
    }

    @Override
    public long[] spatial() {
        return spatial.clone();
    }

    public int dims() {
        return spatial.length;
    }

    public long spatialAt(int i) {
        return spatial[i];
    }

    /** Number of positions a kernel slides over (product of spatial sizes), -1 if unknown. */
    public long positions() {
        long p = 1;
        for (long s : spatial) {
            if (s <= 0) {
                return -1;
            }
            p *= s;
        }
        return kind == Kind.RNN ? (time > 0 ? time : -1) : p;
    }

    /** Total number of values per example, -1 if unknown. */
    public long volume() {
        if (size <= 0) {
            return -1;
        }
        long p = kind == Kind.RNN ? Math.max(time, 1) : positions();
        return p < 0 ? -1 : size * p;
    }

    public boolean known() {
        return kind != Kind.UNKNOWN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorShape t && t.kind == kind && t.size == size && t.time == time
                && Arrays.equals(t.spatial, spatial);
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + Long.hashCode(size)) * 31 + Arrays.hashCode(spatial);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FF -> "[" + size + "]";
            case CNN -> "[" + size + "; " + Arrays.toString(spatial).replaceAll("[\\[\\]]", "") + "]";
            case RNN -> "[" + size + " x t=" + (time < 0 ? "?" : Long.toString(time)) + "]";
            case UNKNOWN -> "[?]";
        };
    }
}
