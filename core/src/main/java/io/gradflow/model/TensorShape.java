package io.gradflow.model;

import java.util.Arrays;

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
        return new TensorShape(Kind.FF, size, null, -1);
    }

    public static TensorShape cnn(long channels, long... spatial) {
        return new TensorShape(Kind.CNN, channels, spatial, -1);
    }

    public static TensorShape rnn(long size, long time) {
        return new TensorShape(Kind.RNN, size, null, time);
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
