#!/usr/bin/env python3
"""The through-time figure against the number of unit paths a network's RMS pools (issue 19).

The hypothesis: the measured through-time figure is log10 of an RMS over one network's units x
examples of a product of ~T per-unit factors (a GRU's update gates, an LSTM's forget gates); the
analysis predicts E[prod^2], and a sample of N paths whose log(prod^2) spreads widely falls far
below that (the random energy model: ln(sample mean) ~ m + s^2/2 while s^2 < 2 ln N, else
m + s sqrt(2 ln N) - ln N). This script varies N (the batch: examples per network, two batches of
`batch` as the evaluation draws them; or the width at the same per-unit statistics, the recurrent
N(0, sd) scaled as 1/sqrt(width)) and sets the figure beside:
  prod-z  0.5 log10 of the sample mean of prod_{t>=1} z_t^2 over the paths (the product alone)
  mf      the same with E[z_t^2] per step (mean field, what the analysis predicts for the product)
  gREM    the formula above fed the network's own m and s^2 of log(prod^2) over its paths
  cREM    the REM with log z^2's exact per-step cumulants (the network's own z):
          ln(sample mean) ~ min over 0 < l <= 1 of (sum_t ln E[z_t^(2 l)] + ln N) / l - ln N
          (the Gaussian case of which is gREM; l = 1 gives mean field)
  `renewal` mode: the product between two applications of the recurrent kernel ("jumps", which sum
          over units and so average) REM-corrected per stretch (cREM over the stretch's length),
          the jumps' gain per step from the network's own moments, summed over the jump times.

Usage: scripts/finite-sample.py scan CASE-ID NETWORKS BATCHES   (GRU; BATCHES e.g. 1,16,256)
       scripts/finite-sample.py lstm CASE-ID NETWORKS BATCHES
       scripts/finite-sample.py renewal CASE-ID N,N,...          (GRU or LSTM)
       scripts/finite-sample.py units CASE-ID EXAMPLES,...         (GRU, the product alone)
       scripts/finite-sample.py next                              (independent gates: crem, its next order, a sample)

What it gave (decades; networks seeded 0..; the product columns are the first layer's gates):
gru-tanh-d1-t100-w64-he_normal-normal0.01-2 (analysis -24.56, DL4J -27.64, NumPy 16 networks -27.63),
4 networks, N = 64 units x 2 x batch:
  N    128  figure -28.75 +- 0.38  prod-z -31.33  mf -24.89  gREM -28.18  cREM -30.51
  N   2048  figure -27.71 +- 0.19  prod-z -30.04  mf -24.62  gREM -25.37  cREM -28.88
  N  32768  figure -26.54 +- 0.21  prod-z -28.18  mf -24.62  gREM -23.38  cREM -27.80
  width 256 / 1024 at the same per-unit statistics, batch 16 (N 8192 / 32768): -27.04 / -27.02
  recurrent kernel 0 (the product alone), N 128 / 2048 / 32768: -31.95 / -30.73 / -28.79
  units: the product alone per unit's examples (REM) averaged over units, 64 x 2 / 32 / 512:
  -33.03 / -30.45 / -29.11 (all paths independent -30.10 / -28.72 / -27.73; 1024 x 32: -30.20 / -27.71)
  renewal, N 128 / 2048 / 32768: -27.85 / -26.72 / -26.09 (product alone -30.38 / -28.85 / -27.76)
The figure moves with N (2.2 decades over N x 256 by the batch; 0.7 over x 16 by the width), always
up towards the analysis, but slowly (still 2.0 decades below it at N 32768). gREM fails: log z^2
is bounded above by 0 and skewed, its variance comes from the low tail, which a sample's top never
sees, and gREM rises above mean field from N 8192 on. cREM has about the product alone's slope (2.7
against 3.2 decades over N x 256) but lies 1.0-1.9 decades above it (0.4-1.2 above prod-z): a unit's examples share its
gate's variance |w_j|^2, so the effective number of independent paths is nearer the examples per
unit, and units with a wider gate spread dominate the tail (the `units` column brackets it). With
the recurrent kernel, paths that leave a unit and come back through it (jumps, which average over
the units) lift the figure 3 decades above the product alone at N 2048; the renewal model gets 2.1
of the 3.1-decade miss at N 2048 (-26.72 against -27.71), with the figure's slope (1.8 vs 2.2).
Other cases, N 128 / 2048 / 32768 (batch 1 / 16 / 256):
  gru-tanh-d1-t50-w32-glorot_uniform-glorot_uniform-12 (N 64 / 1024 / 16384): -9.69 / -9.69 / -9.73
    (flat: the update gate's spread is small, cREM = mf; renewal: no correction)
  gru-tanh-d1-t100-w64-lecun_normal-normal0.1-11: -20.04 / -19.44 / -19.44 (flat: jumps dominate,
    renewal -23.40 / -23.35 / -23.34 against its own expectation -23.33)
  lstm-tanh-d1-t100-w64-glorot_uniform-glorot_uniform-fb0-19: -20.23 / -20.09 / -20.04 (flat)
  lstm-tanh-d1-t200-w64-lecun_normal-orthogonal-fb0-3 (2 networks; analysis -45.78, NumPy 16
    networks -47.39): -48.32 / -47.89 / -46.75, rising towards the analysis as the GRU does; the
    renewal model (a crude LSTM jump gain) gives only 0.5 of it (-52.81 / -52.25 / -52.01 against
    its expectation -51.73)
Every single recurrent layer of the evaluation, renewal minus its expectation at the network's
n = units x 32 (decades; beside it the same with the gate's pre-activation taken as one Gaussian
of the pooled mean and variance, as the analysis does, docs/theory.md 8.11):
  gru  t50  w32 glorot/glorot -12          +0.00 / +0.00   (analysis -9.78,  DL4J -9.74)
  gru  t100 w64 he/normal0.01 -2           -2.10 / -2.15   (analysis -24.56, DL4J -27.64)
  gru  t100 w64 lecun/normal0.1 -11        -0.01 / -0.01   (analysis -19.89, DL4J -19.45)
  lstm t10  w32 glorot/glorot fb1 -17      +0.00 / +0.00;  t10 w64 he/orthogonal fb1 -13  -0.00 / +0.00
  lstm t50  w64 glorot/normal0.01 fb0 -18  -0.00 / +0.00;  t100 w64 glorot/glorot fb0 -19 +0.00 / +0.00
  lstm t200 w64 lecun/orthogonal fb0 -3    -0.52 / -0.53   (analysis -45.78, NumPy -47.39)
The first layers of the stacks taken alone (gradient at the last step only): 0.00-0.03 except the
GRUs He/N(0, 0.01) t50 -0.89, LeCun/N(0, 0.01) t50 -0.28, He/orthogonal t200 -0.62, He/N(0, 0.1)
t100 -0.28, LeCun/orthogonal t200 -0.16 and the LSTMs t100 LeCun/orthogonal -0.25, t200 He/N(0, 0.1)
-0.18 / -0.52, t200 N(0, 0.01) -3.84 / -5.48 / -0.87; in a stack the gradient enters at every step
and the GRUs' predictions are already below the measurement, so the analysis leaves them.
"""
import importlib.util
import os
import sys

import numpy as np

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('lstm', os.path.join(_here, 'lstm-through-time.py'))
lstm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lstm)
gru = lstm.gru
L10 = 0.5 / np.log(10)
LAMS = np.linspace(0.02, 1, 50)


def grem(m, s2, n):
    ln = np.log(n)
    return m + s2 / 2 if s2 < 2 * ln else m + np.sqrt(2 * s2 * ln) - ln


def crem(cgf, n):
    """cgf: sum over the steps of ln E[x^(2 l)] at LAMS."""
    return ((cgf + np.log(n)) / LAMS).min() - np.log(n)


def crem_next(cgf, n, k, dlam=LAMS[1] - LAMS[0]):
    """crem to next order (docs/theory.md 8.11, *The next order*): at the minimum's lambda < 1 the top
    of the sample sits lower by the Bahadur-Rao prefactor, ln(l sqrt(2 pi k Lambda''(l))) / l, and the
    sum over the sample's top is a one-sided stable law of index l, whose mean log adds
    (ln Gamma(1 - l) + gamma (1 - l)) / l; applied where it lowers the figure. cgf is one step's
    ln E[x^(2 l)] at LAMS, k the stretch's length."""
    from math import lgamma, log, pi, sqrt
    ln = np.log(n)
    v = (k * cgf + ln) / LAMS
    j = int(v.argmin())
    lead = v[j] - ln
    lam = LAMS[j]
    if j == 0 or j >= len(LAMS) - 1:
        return lead
    curv = (cgf[j + 1] - 2 * cgf[j] + cgf[j - 1]) / dlam ** 2
    corr = -log(lam * sqrt(2 * pi * k * curv)) / lam + (lgamma(1 - lam) + 0.5772156649015329 * (1 - lam)) / lam
    return lead + min(corr, 0.0)


def step_cgf(x):
    """ln E[x^(2 l)] at LAMS over a sample of one step's factors."""
    lx = np.log(x.ravel() ** 2)
    top = lx.max()
    return np.array([np.log(np.mean(np.exp(l * (lx - top)))) + l * top for l in LAMS])


def scan(case, nets, batch):
    parts = case.split('-')
    steps, width, kernel, recurrent = int(parts[3][1:]), int(parts[4][1:]), parts[5], parts[6]
    rows = []
    for seed in range(nets):
        rng, layers, _ = gru.network(1, width, kernel, recurrent, seed)
        w, u = layers[0]
        ms = np.zeros(steps)
        zs = []
        for _ in range(gru.BATCHES):
            inp = rng.standard_normal((steps, batch, gru.FEATURES))
            _, cache = gru.forward(inp, w, u, width)
            zs.append(np.array([c[1] for c in cache]))
            g = np.zeros((steps, batch, width))
            g[-1] = rng.standard_normal((batch, width))
            ms += gru.backward(cache, w, u, width, g)[1]
        z = np.concatenate(zs, axis=1)[1:]  # steps 1.., examples, units
        s = np.log(z ** 2).sum(0).ravel()
        n = s.size
        cgf = sum(step_cgf(z[t]) for t in range(len(z)))
        rows.append((L10 * np.log(ms[0] / ms[-1]), L10 * np.log(np.mean(np.exp(s - s.max()))) + L10 * s.max(),
                     L10 * cgf[-1], L10 * grem(s.mean(), s.var(), n), L10 * crem(cgf, n), n))
    a = np.array(rows)
    print('%s batch %4d N %6d: figure %.2f +- %.2f  prod-z %.2f  mf %.2f  gREM %.2f  cREM %.2f'
          % (case, batch, a[0, 5], a[:, 0].mean(), a[:, 0].std() / np.sqrt(nets), *a[:, 1:5].mean(0)), flush=True)


def lstm_scan(case, nets, batch):
    lstm.BATCH = batch
    v = np.array([lstm.through_time(*lstm.parse(case), s) for s in range(nets)])
    print('%s batch %4d N %6d: figure %.2f +- %.2f' % (case, batch, 2 * batch * int(case.split('-')[4][1:]),
                                                      v.mean(), v.std() / np.sqrt(nets)), flush=True)


def renewal(case, ns):
    """The product between jumps REM-corrected per stretch; moments from 2 networks' steps past T/4."""
    parts = case.split('-')
    steps, n = int(parts[3][1:]), int(parts[4][1:])
    diag, jumps = [], []
    for seed in range(2):
        if case.startswith('lstm'):
            _, _, _, kernel, recurrent, fb = lstm.parse(case)
            rng = np.random.default_rng(seed)
            w, u = gru.init(kernel, (16, 4 * n), rng), gru.init(recurrent, (n, 4 * n), rng)
            b = np.zeros(4 * n)
            b[n:2 * n] = fb
            _, cache = lstm.forward(rng.standard_normal((steps, 16, 16)), w, u, b, n)
            for cp, i, f, g, o, tc in cache[steps // 4:]:
                diag.append(f.ravel())
                jumps.append((u ** 2).mean() * n * ((o * (1 - tc ** 2)) ** 2).mean()
                             * ((g * i * (1 - i)) ** 2 + (cp * f * (1 - f)) ** 2 + (i * (1 - g ** 2)) ** 2).mean())
        else:
            rng, layers, _ = gru.network(1, n, parts[5], parts[6], seed)
            w, u = layers[0]
            _, cache = gru.forward(rng.standard_normal((steps, 16, 16)), w, u, n)
            for hp, z, r, inner, hh in cache[steps // 4:]:
                diag.append(z.ravel())
                sl = 1 - hh ** 2
                jumps.append((u[:, 2 * n:] ** 2).mean() * n * ((1 - z) ** 2 * (r * sl) ** 2).mean()
                             + (u[:, :n] ** 2).mean() * n * ((hp - hh) ** 2 * (z * (1 - z)) ** 2).mean()
                             + (u[:, n:2 * n] ** 2).mean() * n * ((r * sl * (1 - z) * inner * r * (1 - r)) ** 2).mean())
    c1 = step_cgf(np.concatenate(diag))
    jump = np.mean(jumps)
    for big in ns:
        out = []
        for rem in (lambda k: crem(k * c1, big), lambda k: crem_next(c1, big, k)):
            stretch = np.array([0.0] + [rem(k) for k in range(1, steps)])
            g = np.full(steps, -np.inf)
            g[0] = 0
            for t in range(1, steps):
                g[t] = np.logaddexp.reduce([stretch[t]] + [g[k] + np.log(jump) + stretch[t - 1 - k] for k in range(t)])
            out += [L10 * stretch[-1], L10 * g[-1]]
        expect = (steps - 1) * np.logaddexp(c1[-1], np.log(jump))
        print('%s N %d (jump gain %.1e per step): product alone %.2f, with jumps %.2f; next order %.2f, %.2f;'
              ' expectation %.2f' % (case, big, jump, *out, L10 * expect), flush=True)


def units(case, examples):
    """The product alone as units x examples: unit j's gate pre-activation is N(0, |w_j|^2) at every step
    and example, so a unit's examples are a REM sample of their own (cREM with that unit's cumulants,
    by quadrature) and the units' means are averaged as drawn; beside it cREM with the pooled units'
    cumulants treating all units x examples paths as independent."""
    parts = case.split('-')
    steps, width, kernel = int(parts[3][1:]), int(parts[4][1:]), parts[5]
    x, p = np.polynomial.hermite_e.hermegauss(80)
    p /= p.sum()

    def cgf(v):
        lz = -2 * np.logaddexp(0, -np.sqrt(v) * x)
        return (steps - 1) * np.log((p[None, :] * np.exp(LAMS[:, None] * lz[None, :])).sum(1))

    nets = 2
    vs = np.concatenate([(gru.init(kernel, (gru.FEATURES, 3 * width), np.random.default_rng(s))[:, :width] ** 2).sum(0)
                         for s in range(nets)])
    per_unit = np.array([cgf(v) for v in vs])
    top = per_unit.max(0)
    pooled = np.log(np.exp(per_unit - top).mean(0)) + top
    for ex in examples:
        two = []
        for s in range(nets):
            e = np.array([crem(c, ex) for c in per_unit[s * width:(s + 1) * width]])
            two.append(L10 * (np.log(np.mean(np.exp(e - e.max()))) + e.max()))
        print('%s %d units x %d examples: per-unit REM, units averaged %.2f; all paths independent %.2f; mean field %.2f'
              % (case, width, ex, np.mean(two), L10 * crem(pooled, width * ex), L10 * pooled[-1]), flush=True)


def next_order():
    """n independent products of k gates 1 - sigmoid(N(0, v)): the expectation, crem (leading order), crem_next
    and the mean over 40 samples of log10 of the sample's RMS (docs/theory.md 8.11, *The next order*)."""
    rng = np.random.default_rng(0)
    x = np.random.default_rng(1).standard_normal(200000)
    for k, n, v in ((99, 2048, 2), (50, 2048, 2), (99, 128, 2), (99, 32768, 2), (99, 2048, 1)):
        c1 = step_cgf(1 - 1 / (1 + np.exp(-np.sqrt(v) * x)))
        vals = []
        for _ in range(40):
            ls = np.zeros(n)
            for _ in range(k):
                ls += 2 * np.log(1 - 1 / (1 + np.exp(-rng.normal(0, np.sqrt(v), n))))
            m = ls.max()
            vals.append(L10 * (m + np.log(np.mean(np.exp(ls - m)))))
        print('k %3d n %5d var %g: expectation %.2f  crem %.2f  next order %.2f  sample %.2f +- %.2f'
              % (k, n, v, L10 * k * c1[-1], L10 * crem(k * c1, n), L10 * crem_next(c1, n, k), np.mean(vals),
                 np.std(vals) / np.sqrt(len(vals))), flush=True)


def ar1_cgf(mu, v, rho, k, grid=49, span=6.0):
    """ln E[prod over k steps of D^(2 l)] at LAMS, D = 1 - sigmoid(mu + sqrt(v) x), x an AR(1) of rho:
    the stationary density tilted by D^(2 l) and carried by the AR(1) kernel on a grid, as
    FiniteSample.correlated does (docs/theory.md 8.11, *The gate's own correlation*)."""
    x = np.linspace(-span, span, grid)
    pi = np.exp(-0.5 * x * x)
    pi /= pi.sum()
    ld = 2 * np.log(1 - 1 / (1 + np.exp(-(mu + np.sqrt(v) * x))))
    cs = np.sqrt(1 - rho * rho)
    kern = np.exp(-0.5 * ((x[None, :] - rho * x[:, None]) / cs) ** 2)
    kern /= kern.sum(1, keepdims=True)
    out = []
    for lam in LAMS:
        t = np.exp(lam * ld)
        w = pi * t
        acc = 0.0
        for j in range(k):
            if j:
                w = (w @ kern) * t
            s = w.sum()
            acc += np.log(s)
            w /= s
        out.append(acc)
    return np.array(out)


def crem_next_total(lnm, n, dlam=LAMS[1] - LAMS[0]):
    """crem_next for a stretch's whole cumulant function lnm (its curvature in l is k Lambda'')."""
    from math import lgamma, log, pi, sqrt
    ln = np.log(n)
    v = (lnm + ln) / LAMS
    j = int(v.argmin())
    lead = v[j] - ln
    lam = LAMS[j]
    if j == 0 or j >= len(LAMS) - 1:
        return lead, lead
    curv = (lnm[j + 1] - 2 * lnm[j] + lnm[j - 1]) / dlam ** 2
    corr = -log(lam * sqrt(2 * pi * curv)) / lam + (lgamma(1 - lam) + 0.5772156649015329 * (1 - lam)) / lam
    return lead, lead + min(corr, 0.0)


def ar1():
    """n products of k gates 1 - sigmoid(N(mu, v)) whose pre-activation is an AR(1) of rho over the
    steps: expectation, leading and next order from the tilted transfer operator, the same with the
    steps taken as independent (what FiniteSample had), and the mean over 20 samples of log10 of the
    sample's RMS (docs/theory.md 8.11, *The gate's own correlation*)."""
    rng = np.random.default_rng(0)
    for k, n, mu, v, rho in ((49, 512, 0.0, 0.55, 0.51), (49, 512, 0.0, 2.0, 0.6), (99, 512, 0.0, 1.0, 0.7),
                             (199, 512, 0.0, 0.55, 0.51), (99, 2048, 0.0, 2.0, 0.0)):
        lnm = ar1_cgf(mu, v, rho, k)
        ind = k * ar1_cgf(mu, v, 0.0, 1)
        lead, nxt = crem_next_total(lnm, n)
        _, inxt = crem_next_total(ind, n)
        vals = []
        for _ in range(20):
            a = rng.standard_normal(n)
            ls = np.zeros(n)
            for j in range(k):
                if j:
                    a = rho * a + np.sqrt(1 - rho * rho) * rng.standard_normal(n)
                ls += 2 * np.log(1 - 1 / (1 + np.exp(-(mu + np.sqrt(v) * a))))
            m = ls.max()
            vals.append(L10 * (m + np.log(np.mean(np.exp(ls - m)))))
        print('k %3d n %4d var %.2f rho %.2f: expectation %.2f (independent %.2f)  leading %.2f  next order %.2f '
              '(independent steps %.2f; shortfall %.2f vs %.2f)  sample %.2f +- %.2f'
              % (k, n, v, rho, L10 * lnm[-1], L10 * ind[-1], L10 * lead, L10 * nxt, L10 * inxt,
                 L10 * (nxt - lnm[-1]), L10 * (inxt - ind[-1]), np.mean(vals), np.std(vals) / np.sqrt(len(vals))),
              flush=True)


def main():
    if sys.argv[1] == 'next':
        next_order()
        return
    if sys.argv[1] == 'ar1':
        ar1()
        return
    mode, case = sys.argv[1], sys.argv[2]
    if mode == 'units':
        units(case, [int(x) for x in sys.argv[3].split(',')])
        return
    if mode == 'renewal':
        renewal(case, [int(x) for x in sys.argv[3].split(',')])
        return
    nets = int(sys.argv[3])
    for batch in (int(x) for x in sys.argv[4].split(',')):
        (scan if mode == 'scan' else lstm_scan)(case, nets, batch)


if __name__ == '__main__':
    main()
