package io.gradflow.kinds;

/**
 * What an activation does to the gradient passing back through it: E[phi'(h)^2] ({@code s2}),
 * E[phi'(h)^4] ({@code s4}, for the spread between units) and the second moment of each unit's
 * mean slope ({@code unit}, for the part of the gradient that is the same for every input).
 */
public record Slopes(double s2, double s4, double unit) {

    /** A layer that applies no nonlinearity. */
    public static final Slopes ONE = new Slopes(1, 1, 1);
}
