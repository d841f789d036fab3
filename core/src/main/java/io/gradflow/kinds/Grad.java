package io.gradflow.kinds;

/**
 * A gradient's second moment per unit and position ({@code g}) with the covariances the weight
 * gradient adds up: between two positions of one example ({@code gs}, e.g. after global average
 * pooling), between two examples at one position ({@code gm}, the per-unit mean a loss's offsets
 * leave) and between two examples at two positions ({@code gc}). A feature vector has one
 * position, so there gs = g and gc = gm.
 */
public record Grad(double g, double gs, double gm, double gc) {

    public static final Grad ZERO = new Grad(0, 0, 0, 0);

    /** A feature-vector gradient: one position. */
    public static Grad flat(double g, double gm) {
        return new Grad(g, g, gm, gm);
    }

    public Grad scale(double f) {
        return new Grad(g * f, gs * f, gm * f, gc * f);
    }

    public Grad plus(Grad o) {
        return new Grad(g + o.g, gs + o.gs, gm + o.gm, gc + o.gc);
    }

    /** Scales the second moment by {@code f} and the covariances by {@code fc}. */
    public Grad scale(double f, double fc) {
        return new Grad(g * f, gs * fc, gm * fc, gc * fc);
    }

    /** Positions made independent (a weight per position, a flatten): no cross-position terms. */
    public Grad uncoupled() {
        return new Grad(g, 0, gm, 0);
    }
}
