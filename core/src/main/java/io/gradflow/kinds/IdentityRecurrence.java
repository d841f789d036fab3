package io.gradflow.kinds;

import io.gradflow.math.Moments;
import io.gradflow.model.Activation;
import io.gradflow.model.LayerKind;
import io.gradflow.model.Node;
import io.gradflow.model.WeightInit;
import io.gradflow.model.init.Draw;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A simple RNN whose recurrent kernel is an identity (Keras {@code Identity(gain)}; with ReLU the
 * IRNN of Le et al. 2015): the kernel does not mix the units, so each unit runs its own scalar
 * recursion {@code h_t = phi(gain h_(t-1) + u_t + b)} over a Gaussian input {@code u_t} whose
 * covariance over the steps is the input's (a layer below that is itself such a recurrence feeds
 * inputs that are strongly correlated from step to step), and the gradient goes back along the
 * same unit's path, {@code d_t = phi'(a_t) (j_t + gain d_(t+1))}, adding what the layer above
 * injects at the later steps with their correlation over the steps. Neither has a closed form (a
 * ReLU unit is a reflected random walk), so both are estimated on a fixed set of sampled unit
 * paths: a unit's input at every step is the sum of its fan-in's worth of the layer below's paths
 * (or of independent draws of the input's moments) through Gaussian weights of the initialiser's
 * variance, and the gradient a unit receives is the sum of its fan-out's worth of the layer above's
 * gradient paths; the recurrence's moments are the paths' averages (docs/theory.md section 8.7).
 */
final class IdentityRecurrence {

    /** The sampled paths' budget: paths times terms per sum times steps. */
    private static final double BUDGET = 5e7;
    private static final int MAX_PATHS = 1024;
    private static final int MIN_PATHS = 128;
    /** A sum over more inputs than this is drawn as this many terms of the same total variance. */
    private static final int MAX_TERMS = 256;
    /**
     * Network-sized samples of units (width units, each over the batch's examples) drawn per
     * layer, within the budget: a single 100-step tanh layer's figure varies by 2.6 decades from
     * network to network, so 8 samples left the analysis itself about a decade of noise.
     */
    static final int NETWORKS = 32;
    /** Longer sequences are left to the mean-field recursion. */
    static final int MAX_STEPS = 2000;

    /**
     * What the forward pass leaves for the backward one and for a recurrence above: the paths'
     * inputs (one input unit each, as the weight gradient pairs them), slopes and outputs (paths
     * by steps; no outputs when the layer returns its last step), the recurrent gain, the input
     * weights' shape (the backward pass sends the gradient down through the same kernel).
     */
    record Paths(double gain, double[][] inputs, double[][] slopes, double @Nullable [][] outputs, int examples,
                 Tails tails) { }

    /**
     * The shape of one input weight, at unit variance: a unit's figure through the steps is set
     * by its input weights' norm, and a tanh layer's by its few units with the smallest norms, so
     * how much the norm varies from unit to unit (a sum of squared weights varies less for a
     * uniform than for a normal, and less for a normal cut at two deviations) moves the layer's
     * figure by decades (docs/theory.md 8.7, *The weights' shape*).
     */
    enum Tails {
        NORMAL, TRUNCATED, UNIFORM;

        /** The shape {@code init} draws its weights in; a normal where it is not one of the others. */
        static Tails of(@Nullable WeightInit init) {
            if (init == null) {
                return NORMAL;
            }
            if (init.family() == WeightInit.Family.FAN_SCALED && init.shape() != null) {
                return switch (init.shape()) {
                    case UNIFORM -> UNIFORM;
                    case TRUNCATED, TRUNCATED_EXACT -> TRUNCATED;
                    case NORMAL -> NORMAL;
                };
            }
            if (init.family() == WeightInit.Family.DISTRIBUTION && init.dist() != null && init.mean() == 0) {
                return switch (init.dist().kind()) {
                    case UNIFORM -> UNIFORM;
                    case TRUNCATED_NORMAL -> TRUNCATED;
                    default -> NORMAL;
                };
            }
            return NORMAL;
        }

        /** One weight of this shape, mean 0 and variance 1. */
        double draw(SplittableRandom r) {
            return switch (this) {
                case NORMAL -> gaussian(r);
                case TRUNCATED -> Draw.truncated(r) * Draw.TRUNCATION_WIDENING;
                case UNIFORM -> Math.sqrt(3) * (2 * r.nextDouble() - 1);
            };
        }
    }

    private IdentityRecurrence() {
    }

    /** Whether {@code core} is a simple RNN over an identity recurrent kernel this model covers. */
    static boolean applies(Node core, int steps) {
        WeightInit r = core.recurrentInit();
        return core.kind() == LayerKind.SIMPLE_RNN && r != null && r.family() == WeightInit.Family.IDENTITY
                && steps >= 2 && steps <= MAX_STEPS;
    }

    static int terms(double conn) {
        return (int) Math.max(1, Math.min(MAX_TERMS, Math.round(conn)));
    }

    static int paths(int steps, double conn) {
        return (int) Math.max(MIN_PATHS, Math.min(MAX_PATHS, BUDGET / ((double) steps * terms(conn))));
    }

    /**
     * The paths of {@link #NETWORKS} networks of {@code width} units over {@code examples}
     * examples each (a unit's paths share its weights), within the budget; at least
     * {@link #paths(int, double)}, a multiple of {@code examples}.
     */
    static int paths(int steps, double conn, int width, int examples) {
        double budget = BUDGET / ((double) steps * terms(conn));
        double want = Math.min(budget, (double) NETWORKS * Math.max(width, 1) * examples);
        int m = (int) Math.max(paths(steps, conn), want);
        return Math.max(examples, m / examples * examples);
    }

    /**
     * The input's paths over {@code t} steps: a recurrence of this kind below gives its outputs;
     * otherwise the steps are independent draws of {@code x}, whose per-unit offset is the same
     * at every step.
     */
    static double[][] inputPaths(Node outer, Moments x, Forward f, int t, int m) {
        if (!outer.inputs().isEmpty()) {
            LayerState below = f.state(outer.inputs().get(0));
            if (below != null && below.own() instanceof Recurrence.Run r && r.paths() != null
                    && r.paths().outputs() != null && r.paths().outputs()[0].length == t) {
                return r.paths().outputs();
            }
        }
        SplittableRandom rnd = new SplittableRandom(0x5EEDL + t);
        double offset = Math.sqrt(x.su());
        double within = Math.sqrt(x.sx());
        double[][] out = new double[m][t];
        for (double[] row : out) {
            double c = x.mean() + offset * gaussian(rnd);
            for (int i = 0; i < t; i++) {
                row[i] = c + within * gaussian(rnd);
            }
        }
        return out;
    }

    /**
     * Runs the paths forward: each path's input is {@code conn} of the {@code inputs} paths
     * through weights of variance {@code v} and shape {@code tails} ({@link #MAX_TERMS} of them at
     * most, of the same total variance), {@code b} the bias. Fills {@code stepMean} and {@code stepSecond} with the
     * output's moments at each step.
     */
    static Paths forward(double[][] inputs, double v, double conn, Tails tails, double b, double gain, Activation act,
                         boolean sequenceOut, double[] stepMean, double[] stepSecond, int examples) {
        int t = inputs[0].length;
        int m = inputs.length;
        SplittableRandom rnd = new SplittableRandom(0x1D3A7L + t);
        // each unit's inputs are mixed as its paths need them, not held for all paths at once
        int k = terms(conn);
        double sd = Math.sqrt(v * conn / k);
        int e = block(inputs, m, examples);
        double[] w = new double[k];
        int[] from = new int[k];
        double[] u = new double[t];
        double[][] slopes = new double[m][t];
        double[][] hs = sequenceOut ? new double[m][t] : null;
        for (int q = 0; q < m; q += e) {
            drawTerms(rnd, tails, sd, inputs.length / e, e, w, from);
            for (int x = 0; x < e; x++) {
                int p = q + x;
                Arrays.fill(u, 0);
                accumulate(u, inputs, x, w, from, t);
                double[] slope = slopes[p];
                double h = 0;
                for (int i = 0; i < t; i++) {
                    double a = gain * h + u[i] + b;
                    h = act.phi(a);
                    slope[i] = act.slope(a, h);
                    stepMean[i] += h / m;
                    stepSecond[i] += h * h / m;
                    if (hs != null) {
                        hs[p][i] = h;
                    }
                }
            }
        }
        return new Paths(gain, inputs, slopes, hs, examples, tails);
    }

    /**
     * {@code m} sums of {@code conn} randomly chosen rows of {@code rows} through weights of
     * variance {@code v} and shape {@code tails}: what one unit of a layer receives from the units
     * of the next. The paths come in blocks of {@code examples}, one unit's over the examples: a
     * unit's weights are the same for all its examples, and its example {@code e} sums the chosen
     * input units' example {@code e} ({@code rows} in the same layout).
     */
    static double[][] mix(double[][] rows, int m, double v, double conn, Tails tails, SplittableRandom rnd,
                          int examples) {
        int t = rows[0].length;
        int k = terms(conn);
        double sd = Math.sqrt(v * conn / k);
        int e = block(rows, m, examples);
        double[][] out = new double[m][t];
        double[] w = new double[k];
        int[] from = new int[k];
        for (int q = 0; q < m; q += e) {
            drawTerms(rnd, tails, sd, rows.length / e, e, w, from);
            for (int x = 0; x < e; x++) {
                accumulate(out[q + x], rows, x, w, from, t);
            }
        }
        return out;
    }

    /** How many paths make one unit's block: {@code examples} where both sides split into such blocks, else 1. */
    private static int block(double[][] rows, int m, int examples) {
        return examples > 0 && m % examples == 0 && rows.length % examples == 0 ? examples : 1;
    }

    /** One unit's terms, in the order the draws were always taken: each weight, then its input unit. */
    private static void drawTerms(SplittableRandom rnd, Tails tails, double sd, int units, int e, double[] w,
                                  int[] from) {
        for (int j = 0; j < w.length; j++) {
            w[j] = sd * tails.draw(rnd);
            from[j] = rnd.nextInt(units) * e;
        }
    }

    /**
     * {@code o[i] += w[j] * rows[from[j] + x][i]} for every term {@code j} in order: eight terms a
     * pass (then four, then one), each element adding them one after another as a pass per term
     * would, so that the sums are the same to the last bit (the lint runs on the quick compiler, which neither unrolls nor
     * vectorises, and one pass per term spent most of its time loading and storing {@code o}).
     */
    private static void accumulate(double[] o, double[][] rows, int x, double[] w, int[] from, int t) {
        int k = w.length;
        int j = 0;
        for (; j + 8 <= k; j += 8) {
            double w0 = w[j];
            double w1 = w[j + 1];
            double w2 = w[j + 2];
            double w3 = w[j + 3];
            double w4 = w[j + 4];
            double w5 = w[j + 5];
            double w6 = w[j + 6];
            double w7 = w[j + 7];
            double[] r0 = rows[from[j] + x];
            double[] r1 = rows[from[j + 1] + x];
            double[] r2 = rows[from[j + 2] + x];
            double[] r3 = rows[from[j + 3] + x];
            double[] r4 = rows[from[j + 4] + x];
            double[] r5 = rows[from[j + 5] + x];
            double[] r6 = rows[from[j + 6] + x];
            double[] r7 = rows[from[j + 7] + x];
            for (int i = 0; i < t; i++) {
                o[i] = o[i] + w0 * r0[i] + w1 * r1[i] + w2 * r2[i] + w3 * r3[i] + w4 * r4[i] + w5 * r5[i]
                        + w6 * r6[i] + w7 * r7[i];
            }
        }
        for (; j + 4 <= k; j += 4) {
            double w0 = w[j];
            double w1 = w[j + 1];
            double w2 = w[j + 2];
            double w3 = w[j + 3];
            double[] r0 = rows[from[j] + x];
            double[] r1 = rows[from[j + 1] + x];
            double[] r2 = rows[from[j + 2] + x];
            double[] r3 = rows[from[j + 3] + x];
            for (int i = 0; i < t; i++) {
                o[i] = o[i] + w0 * r0[i] + w1 * r1[i] + w2 * r2[i] + w3 * r3[i];
            }
        }
        for (; j < k; j++) {
            double w0 = w[j];
            double[] r0 = rows[from[j] + x];
            for (int i = 0; i < t; i++) {
                o[i] += w0 * r0[i];
            }
        }
    }

    /** How many network-sized groups of paths {@code m} paths make; 1 where they do not make two. */
    static int networks(int m, int width, int examples) {
        int groups = m / (Math.max(1, width) * Math.max(1, examples));
        return groups < 2 ? 1 : groups;
    }

    /**
     * log10 of the gradient's RMS at the first step over the last, the mean over network-sized
     * groups of paths ({@code width} units of {@code examples} paths each) of each group's own
     * figure: a network's figure is a mean over its few units, and where the units differ by
     * decades it is set by the best of them, which more units would beat; one group where the
     * paths do not make two.
     */
    static double timeDecades(double[][] d, int width, int examples) {
        int m = d.length;
        int t = d[0].length;
        int groups = networks(m, width, examples);
        int group = m / groups;
        double sum = 0;
        for (int g = 0; g < groups; g++) {
            double first = 0;
            double last = 0;
            for (int q = g * group; q < (g + 1) * group; q++) {
                first += d[q][0] * d[q][0];
                last += d[q][t - 1] * d[q][t - 1];
            }
            sum += 0.5 * (Math.log10(first) - Math.log10(last));
        }
        return sum / groups;
    }

    /**
     * The gradient back along the paths, given what arrives at each path's output at each step:
     * the gradient paths passed down by an identity recurrence above (relative to their mean second
     * moment, times {@code gOut}), else independent draws of the second moment {@code inject} gives
     * each step. Returns the gradient at the pre-activation, paths by steps. A path's injection is
     * made as the path needs it, in the order the draws were always taken.
     */
    static double[][] backward(Paths p, double[] inject, double gOut, double @Nullable [][] above) {
        int m = p.slopes().length;
        int t = inject.length;
        double[][] ds = new double[m][t];
        double[] j = new double[t];
        if (above != null && above.length > 0 && above[0].length == t) {
            double g = Math.sqrt(gOut);
            for (int q = 0; q < m; q++) {
                double[] a = above[q % above.length];
                for (int i = 0; i < t; i++) {
                    j[i] = g * a[i];
                }
                back(p.slopes()[q], j, p.gain(), ds[q]);
            }
        } else {
            SplittableRandom rnd = new SplittableRandom(0xB4C7L + t);
            for (int q = 0; q < m; q++) {
                for (int i = 0; i < t; i++) {
                    j[i] = inject[i] > 0 ? Math.sqrt(inject[i]) * gaussian(rnd) : 0;
                }
                back(p.slopes()[q], j, p.gain(), ds[q]);
            }
        }
        return ds;
    }

    /** One path's gradient back through the steps: {@code s} its slopes, {@code j} what arrives, into {@code ds}. */
    private static void back(double[] s, double[] j, double gain, double[] ds) {
        double d = 0;
        for (int i = s.length - 1; i >= 0; i--) {
            d = s[i] * (j[i] + gain * d);
            ds[i] = d;
        }
    }

    /** The second moment at each step of a gradient entering at the last step only (its own memory). */
    static double[] lastOnly(Paths p, int t) {
        double[] out = new double[t];
        int m = p.slopes().length;
        for (double[] s : p.slopes()) {
            double d = 1;
            for (int i = t - 1; i >= 0; i--) {
                d = s[i] * (i == t - 1 ? 1 : p.gain() * d);
                out[i] += d * d / m;
            }
        }
        return out;
    }

    static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
}
