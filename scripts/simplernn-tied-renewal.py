#!/usr/bin/env python3
"""A model of what tying a SimpleRNN's i.i.d. recurrent kernel adds to its through-time figure at
finite width (issue 19; not in the analysis), checked against scripts/simplernn-through-time.py.

One step back is da_i = d_i * (j_i + R^T da_(i+1)), d the slopes. Split d into its mean and its
fluctuation: the share c = E[phi']^2 / E[phi'^2] of the energy continues along the same powers of
the tied R, the rest (d's fluctuation times the vector: random signs) starts afresh, as does what is
injected (j). Energy born k steps earlier then grows as phi(k) = tr(R^k R^kT) / N per network
(a finite Ginibre matrix's powers grow beyond mean field: its largest eigenvalues lie outside the
circular law's radius), which mean field takes as 1. Per network, with the per-step mean-field gain g:

    A_i = sum_(k > i) B_k phi(k - i) g^(k - i) c^(k - i - 1),  Y_i = j_i + A_i,  B_i = j_i + (1 - c) A_i

and the figure is the mean over networks of log Y. A stack passes down the injection shape log Y
averaged over networks, as the analysis does. phi is estimated from E random vectors per network
(E = 4 is within 0.1 decade of the trace). c and g per layer are taken from the NumPy network's
slopes (past the start-up); the analysis has the same from its moments.

Usage: scripts/simplernn-tied-renewal.py CASE-ID [NETWORKS] [SEEDS]
prints the model's excess over mean field for SEEDS independent sets of NETWORKS networks.
"""
import importlib.util
import os
import sys

import numpy as np

_spec = importlib.util.spec_from_file_location(
    's', os.path.join(os.path.dirname(__file__), 'simplernn-through-time.py'))
s = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(s)


def layer_slopes(act, depth, steps, width, kernel, rec, nets=2):
    """Per layer E[phi'] and E[phi'^2] past the start-up, from the NumPy network."""
    m1, m2 = np.zeros(depth), np.zeros(depth)
    for seed in range(nets):
        rng = np.random.default_rng(seed)
        layers, _ = s.network(depth, width, kernel, rec, rng)
        inp = rng.standard_normal((steps, s.BATCH, s.FEATURES))
        for k, (w, u) in enumerate(layers):
            out, pre = s.forward(inp, w, u, act)
            sl = s.slope(act, np.array(pre))[min(10, steps // 4):]
            m1[k] += sl.mean() / nets
            m2[k] += (sl * sl).mean() / nets
            inp = out
    return m1, m2


def phis(n, steps, m, uniform, e, seed):
    """phi(k) = |R^k V|^2 / |V|^2 for k < steps, m networks of R with unit variance / n."""
    rng = np.random.default_rng(seed)
    out = np.zeros((m, steps))
    for j in range(m):
        r = rng.uniform(-np.sqrt(3), np.sqrt(3), (n, n)) if uniform else rng.standard_normal((n, n))
        r /= np.sqrt(n)
        p = rng.standard_normal((n, e))
        n0 = (p * p).sum()
        for a in range(steps):
            out[j, a] = (p * p).sum() / n0
            p = r @ p
    return out


def through(inject, c, phi, g):
    t = len(inject)
    y, b = np.zeros(t), np.zeros(t)
    for i in range(t - 1, -1, -1):
        a, cp = 0.0, 1.0
        for k in range(i + 1, t):
            cp *= g
            a += b[k] * phi[k - i] * cp
            cp *= c
        y[i] = inject[i] + a
        b[i] = inject[i] + (1 - c) * a
    return y


def excess(case, m, seed, e=4):
    p = case.split('-')
    act, depth, steps, width = p[1], int(p[2][1:]), int(p[3][1:]), int(p[4][1:])
    kernel, rec = p[5], p[6]
    m1, m2 = layer_slopes(act, depth, steps, width, kernel, rec)
    c = m1 ** 2 / m2
    g = (1.0 / width if rec == 'glorot_uniform' else float(rec[6:]) ** 2) * width * m2
    ph = phis(width, steps, m, rec == 'glorot_uniform', e, seed)
    tied = np.zeros(steps)
    tied[-1] = 1
    mf = tied.copy()
    for k in range(depth - 1, -1, -1):
        logs = np.array([np.log10(through(tied, c[k], ph[j], g[k])) for j in range(m)]).mean(axis=0)
        tied = 10 ** (logs - logs.max())
        y = through(mf, c[k], np.ones(steps), g[k])
        mf = y / y.max()
    return 0.5 * (logs[0] - logs[-1]) - 0.5 * np.log10(mf[0] / mf[-1]), c, g


def main():
    case = sys.argv[1]
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    v = []
    for seed in range(1, seeds + 1):
        x, c, g = excess(case, m, seed)
        v.append(x)
    print('%s c %s g %s excess over mean field %s mean %.2f sd %.2f'
          % (case, np.round(c, 3), np.round(g, 3), np.round(v, 2), np.mean(v), np.std(v)))


if __name__ == '__main__':
    main()
