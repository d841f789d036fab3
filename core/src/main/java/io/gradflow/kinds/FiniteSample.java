package io.gradflow.kinds;

import io.gradflow.math.Hermite;
import io.gradflow.model.Activation;
import io.gradflow.model.Node;
import java.util.Arrays;

/**
 * The through-time figure of a gated layer as one batch measures it (docs/theory.md section
 * 8.11): the root mean square, over {@code n} = units x examples paths, of products of ~T gates.
 *
 * <p>Between two applications of the recurrent kernel (a jump, which sums over the units and so
 * averages) a path stays on one unit and is multiplied by that unit's diagonal gate at every step.
 * The mean of n such products of k gates is, to leading order in large deviations, {@code min over
 * 0 < θ <= 1 of (ln n + k Λ(θ)) / θ - ln n} with {@code Λ(θ) = ln E[D^(2θ)]} the gate's cumulant
 * function: the expectation ({@code θ = 1}) while the sample is rich enough, less when it is not;
 * to the next order, the sample's top lower by Bahadur and Rao's prefactor and its sum over that top
 * a one-sided stable law ({@link #nextOrder}).
 * The stretches are renewed at every jump, whose gain per step is mean field's for the recurrent
 * paths, and the sum over the jump times is set against mean field's expectation of the same
 * renewal: the ratio is the shortfall the analysis's through-time figure is lowered by.
 */
final class FiniteSample {

    /** The diagonal's pre-activation per step: {@code D = act(a)}, or {@code 1 - act(a)} (a GRU). */
    record Diagonal(double[] mean, double[] var, Activation act, boolean complement) { }

    private static final Hermite RULE = new Hermite(64);

    /** Points on 0 < θ <= 1 the minimum is taken over. */
    private static final int THETAS = 50;

    /** Longest renewal summed step by step; a longer one is extrapolated at its stationary rate. */
    static final int MAX_STEPS = 2048;

    private FiniteSample() {
    }

    /**
     * Natural log of the sample's mean over its expectation (at most 0) for the gradient at every
     * step {@code i}, a path of {@code steps - 1 - i} steps back from the last where it entered (0 at
     * the last step itself; empty where there is none), the diagonal's moments and the jumps' gain
     * per step taken as their means over the steps past the first quarter (the layer settled). A gate
     * whose pre-activation's changing part is correlated from step to step as an AR(1) of {@code
     * rho} (0: drawn afresh), a share {@code still} of its variance being each unit's static
     * offset (section 8.11, <i>The gate's own correlation</i>): the offsets are the layer's units,
     * the same for every example, and the walk's expectation holds them already; what one batch
     * samples afresh is the changing part, whose stretches' cumulant functions come from a tilted
     * transfer operator.
     *
     * @param jump  mean field's gain per step of the paths through the recurrent kernel
     * @param paths units x examples the figure's mean square pools
     */
    static double[] profile(Diagonal d, double[] jump, int steps, double paths, double rho, double still) {
        if (steps < 2 || paths < 1) {
            return new double[0];
        }
        int from = steps / 4;
        double mu = 0;
        double var = 0;
        double gain = 0;
        for (int i = from; i < steps; i++) {
            mu += d.mean()[i];
            var += d.var()[i];
        }
        // the last step has no step after it to jump from
        for (int i = from; i < steps - 1; i++) {
            gain += jump[i];
        }
        int k = steps - from;
        double[] r;
        if (rho > 0 || still > 0) {
            double[][] lnM = correlated(mu / k, var / k * (1 - Math.min(Math.max(still, 0), 1)),
                    Math.min(Math.max(rho, 0), 0.99), d.act(), d.complement(), Math.min(steps, MAX_STEPS));
            r = renewals(lnM, k > 1 ? gain / (k - 1) : 0, paths);
        } else {
            double[] cgf = cumulants(mu / k, var / k, d.act(), d.complement());
            r = renewals(cgf, k > 1 ? gain / (k - 1) : 0, steps, paths);
        }
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            int len = steps - 1 - i;
            out[i] = len < r.length ? r[len] : r[r.length - 1] * len / (r.length - 1);
        }
        return out;
    }

    /**
     * Mean field's gain per step of the paths through the recurrent kernel, from step {@code i + 1}
     * back to step {@code i}, as {@link Recurrence#through} counts it beside the diagonal's {@code
     * E[D^2]} (the output gate and the cell's slope at step {@code i}, the gates' slopes at {@code
     * i + 1}); 0 at the last step.
     */
    static double[] jumps(Recurrence.Run r, Node core) {
        int t = r.steps();
        double units = Math.max(r.rfans().connOut() / Recurrence.gates(core), 1);
        double rec = (r.vR() + r.mR() * r.mR()) * units;
        double[] jump = new double[t];
        for (int i = 0; i < t - 1; i++) {
            int n = i + 1;
            double q = r.gSecond()[n] * r.gate()[0][n] + r.cellSecond()[n] * r.gate()[1][n]
                    + r.iSecond()[n] * r.gate()[3][n] * r.rSecond()[n];
            jump[i] = rec * (r.oSecond()[i] * r.cellSlope2()[i] * q + r.cellOut2()[n] * r.gate()[2][n]);
        }
        return jump;
    }

    /** Grid of the correlated stretches' transfer operator (standardised pre-activation). */
    private static final int GRID = 49;
    private static final double GRID_SPAN = 6;
    /** Longest stretch the operator is applied to; longer ones grow at its last step's rate. */
    private static final int STRETCH = 256;

    /**
     * {@code ln E[prod D^(2θ)]} over stretches of every length below {@code t}, at θ = (j + 1) /
     * THETAS, for a pre-activation N(mean, var) correlated from step to step as an AR(1) of {@code
     * rho}: the stationary density tilted by {@code D^(2θ)} and carried by the AR(1) kernel, a
     * factor per step.
     */
    static double[][] correlated(double mean, double var, double rho, Activation act, boolean complement, int t) {
        double sd = Math.sqrt(Math.max(var, 0));
        double[] x = new double[GRID];
        double[] pi = new double[GRID];
        double[] lnD = new double[GRID];
        double h = 2 * GRID_SPAN / (GRID - 1);
        double total = 0;
        for (int i = 0; i < GRID; i++) {
            x[i] = -GRID_SPAN + i * h;
            pi[i] = Math.exp(-0.5 * x[i] * x[i]);
            total += pi[i];
            double g = act.phi(mean + sd * x[i]);
            lnD[i] = 2 * Math.log(Math.max(complement ? 1 - g : g, Double.MIN_NORMAL));
        }
        double cs = Math.sqrt(1 - rho * rho);
        double[][] kern = new double[GRID][GRID];
        for (int i = 0; i < GRID; i++) {
            pi[i] /= total;
            double row = 0;
            for (int j = 0; j < GRID; j++) {
                double z = (x[j] - rho * x[i]) / cs;
                kern[i][j] = Math.exp(-0.5 * z * z);
                row += kern[i][j];
            }
            for (int j = 0; j < GRID; j++) {
                kern[i][j] /= row;
            }
        }
        double[][] lnM = new double[t][THETAS];
        int upto = Math.min(t, STRETCH);
        double[] v = new double[GRID];
        double[] w = new double[GRID];
        double[] tilt = new double[GRID];
        for (int j = 0; j < THETAS; j++) {
            double theta = theta(j);
            double top = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < GRID; i++) {
                top = Math.max(top, theta * lnD[i]);
            }
            for (int i = 0; i < GRID; i++) {
                tilt[i] = Math.exp(theta * lnD[i] - top);
                v[i] = pi[i] * tilt[i];
            }
            double acc = 0;
            for (int len = 1; len < upto; len++) {
                if (len > 1) {
                    Arrays.fill(w, 0);
                    for (int i = 0; i < GRID; i++) {
                        double vi = v[i];
                        if (vi == 0) {
                            continue;
                        }
                        double[] ki = kern[i];
                        for (int m = 0; m < GRID; m++) {
                            w[m] += vi * ki[m];
                        }
                    }
                    for (int i = 0; i < GRID; i++) {
                        v[i] = w[i] * tilt[i];
                    }
                }
                double sum = 0;
                for (double vi : v) {
                    sum += vi;
                }
                acc += top + Math.log(sum);
                for (int i = 0; i < GRID; i++) {
                    v[i] /= sum;
                }
                lnM[len][j] = acc;
            }
            for (int len = upto; len < t; len++) {
                lnM[len][j] = lnM[len - 1][j] + (lnM[upto - 1][j] - lnM[upto - 2 < 1 ? upto - 1 : upto - 2][j]);
            }
        }
        return lnM;
    }

    /** {@code ln E[D^(2θ)]} at θ = (j + 1) / THETAS for a pre-activation N(mean, var), by quadrature. */
    static double[] cumulants(double mean, double var, Activation act, boolean complement) {
        double sd = Math.sqrt(Math.max(var, 0));
        double[] ln = new double[RULE.size()];
        for (int i = 0; i < ln.length; i++) {
            double g = act.phi(mean + sd * RULE.node(i));
            ln[i] = 2 * Math.log(complement ? 1 - g : g);
        }
        double[] cgf = new double[THETAS];
        for (int j = 0; j < THETAS; j++) {
            double theta = theta(j);
            double top = Double.NEGATIVE_INFINITY;
            for (double l : ln) {
                top = Math.max(top, theta * l);
            }
            double s = 0;
            for (int i = 0; i < ln.length; i++) {
                s += RULE.weight(i) * Math.exp(theta * ln[i] - top);
            }
            cgf[j] = top + Math.log(s);
        }
        return cgf;
    }

    /**
     * The renewal over {@code steps} steps: stretches on one unit REM-limited by {@code paths},
     * joined by jumps of gain {@code jump}; its log against mean field's {@code (steps - 1) ln(E[D^2]
     * + jump)}.
     */
    static double renewal(double[] cgf, double jump, int steps, double paths) {
        double[] r = renewals(cgf, jump, steps, paths);
        int t = r.length;
        return t == steps ? r[t - 1] : r[t - 1] * (steps - 1) / (t - 1);
    }

    /** {@link #renewal}'s figure for every length below {@code min(steps, MAX_STEPS)}. */
    static double[] renewals(double[] cgf, double jump, int steps, double paths) {
        int t = Math.min(steps, MAX_STEPS);
        double[][] lnM = new double[t][THETAS];
        for (int len = 1; len < t; len++) {
            for (int j = 0; j < THETAS; j++) {
                lnM[len][j] = len * cgf[j];
            }
        }
        return renewals(lnM, jump, paths);
    }

    /**
     * The renewal over stretches of cumulant functions {@code lnM[len]} (θ at {@link #theta}), its
     * log for every length below {@code lnM.length} against the same renewal of the stretches'
     * expectations ({@code θ = 1}).
     */
    static double[] renewals(double[][] lnM, double jump, double paths) {
        double[] r = renewal(lnM, jump, paths, true);
        double[] e = renewal(lnM, jump, paths, false);
        for (int s = 1; s < r.length; s++) {
            r[s] = Math.min(r[s] - e[s], 0);
        }
        return r;
    }

    private static double[] renewal(double[][] lnM, double jump, double paths, boolean sample) {
        int t = lnM.length;
        double lnN = Math.log(paths);
        double lnJump = jump > 0 ? Math.log(jump) : Double.NEGATIVE_INFINITY;
        double[] stretch = new double[t];
        for (int len = 1; len < t; len++) {
            if (!sample) {
                stretch[len] = lnM[len][THETAS - 1];
                continue;
            }
            double best = Double.POSITIVE_INFINITY;
            int at = THETAS - 1;
            for (int j = 0; j < THETAS; j++) {
                double v = (lnM[len][j] + lnN) / theta(j);
                if (v < best) {
                    best = v;
                    at = j;
                }
            }
            stretch[len] = best - lnN + nextOrder(lnM[len], at);
        }
        double[] g = new double[t];
        for (int s = 1; s < t; s++) {
            double top = stretch[s];
            for (int k = 0; k < s; k++) {
                top = Math.max(top, g[k] + lnJump + stretch[s - 1 - k]);
            }
            double sum = Math.exp(stretch[s] - top);
            if (lnJump > Double.NEGATIVE_INFINITY) {
                for (int k = 0; k < s; k++) {
                    sum += Math.exp(g[k] + lnJump + stretch[s - 1 - k] - top);
                }
            }
            g[s] = top + Math.log(sum);
        }
        return g;
    }

    /**
     * The next order of a stretch's sample mean where the minimum is at θ < 1 (section 8.11, <i>The
     * next order</i>): the sample's top sits lower by Bahadur and Rao's prefactor {@code ln(θ sqrt(2π
     * k Λ''(θ))) / θ}, and the sum over that top is a one-sided stable law of index θ, whose mean
     * log adds {@code (ln Γ(1 - θ) + γ (1 - θ)) / θ}; counted where it lowers the figure (near θ = 1
     * the expansion fails and the sample is rich enough for the leading order).
     */
    static double nextOrder(double[] lnM, int at) {
        if (at <= 0 || at >= THETAS - 1) {
            return 0;
        }
        double theta = theta(at);
        double step = 1.0 / THETAS;
        double curv = (lnM[at + 1] - 2 * lnM[at] + lnM[at - 1]) / (step * step);
        if (!(curv > 0)) {
            return 0;
        }
        double corr = (-Math.log(theta * Math.sqrt(2 * Math.PI * curv)) + lnGamma(1 - theta)
                + EULER * (1 - theta)) / theta;
        return Math.min(corr, 0);
    }

    private static final double EULER = 0.5772156649015329;

    private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
        771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    /** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15). */
    static double lnGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
        }
        double[] c = LANCZOS;
        double y = x - 1;
        double a = c[0];
        double tt = y + 7.5;
        for (int i = 1; i < 9; i++) {
            a += c[i] / (y + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(tt) - tt + Math.log(a);
    }

    private static double theta(int j) {
        return (j + 1.0) / THETAS;
    }
}
