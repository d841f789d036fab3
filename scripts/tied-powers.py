#!/usr/bin/env python3
"""The powers of one finite random matrix, quenched against annealed (docs/theory.md 8.7, *A tied
random kernel, tried in the analysis*; issue 19).

A simple RNN applies the same N x N recurrent kernel R (i.i.d. entries, variance 1/N here) at every
step back. Mean field takes phi(k) = tr(R^k R^kT) / N as 1. At finite N it grows, and a network's
figure is the mean over networks of a log, so what counts is the quenched E[ln phi(k)], not the
annealed ln E[phi(k)] (dominated by rare matrices with a large spectral radius).

  powers N [M] [T]   E ln phi(k) and ln E phi(k) over M matrices (default 2000, 100 steps); at
                     N = 32: k = 10: 0.16 vs 0.68, 30: 2.06 vs 11.6, 99: 10.05 vs 61.8 (the SD of
                     ln phi(99) over matrices: 14)
  radius             E ln rho (the spectral radius) for N = 16..128 over 400 matrices beside a
                     closed form from the complex Ginibre edge (count of eigenvalues beyond r = 1);
                     0.059, 0.061, 0.054, 0.045 measured against -0.02, 0.01, 0.02, 0.02: the
                     closed form misses (a real matrix's real eigenvalues reach further), and the
                     quenched growth at large k is 2 E ln rho a step (N = 32: 0.12; 10.05 / 99 = 0.10)
  curve CASE [M]     scripts/simplernn-tied-renewal.py's per-network renewal beside the same with
                     one deterministic curve exp(E ln phi(k)) for every network and with the annealed
                     E phi(k); on simplernn-tanh-d3-t100-w32-glorot_uniform-normal0.1, M = 64: excess
                     over mean field 2.00, 1.40 and 7.34 decades (NumPy's tied network: ~2.1)
"""
import importlib.util
import os
import sys
from math import erfc, log, sqrt

import numpy as np


def powers(n, m=2000, t=100, uniform=False):
    rng = np.random.default_rng(1)
    ph = np.zeros((m, t))
    for j in range(m):
        r = rng.uniform(-sqrt(3), sqrt(3), (n, n)) if uniform else rng.standard_normal((n, n))
        r /= sqrt(n)
        p = np.eye(n)
        for a in range(t):
            ph[j, a] = (p * p).sum() / n
            p = r @ p
    ann, que, sd = np.log(ph.mean(0)), np.log(ph).mean(0), np.log(ph).std(0)
    for k in [1, 2, 3, 5, 10, 15, 20, 30, 50, 70, 99]:
        if k < t:
            print('k %3d  E ln phi %8.4f  ln E phi %8.4f  SD ln phi %6.3f' % (k, que[k], ann[k], sd[k]))


def edge_radius(n):
    """r at which the complex Ginibre edge profile leaves one eigenvalue beyond r."""
    def count(d, steps=4000):
        s0 = sqrt(2 * n) * d
        h = 8.0 / steps
        return n * 0.5 * sum(erfc(s0 + (i + 0.5) * h) for i in range(steps)) * h / sqrt(2 * n)
    lo, hi = -0.5, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if count(mid) > 1 else (lo, mid)
    return 1 + lo


def radius():
    rng = np.random.default_rng(2)
    for n in [16, 32, 64, 128]:
        lr = [np.log(np.abs(np.linalg.eigvals(rng.standard_normal((n, n)) / sqrt(n))).max()) for _ in range(400)]
        print('N %4d  E ln rho %.4f (SD %.4f)  complex-edge closed form %.4f'
              % (n, np.mean(lr), np.std(lr), log(edge_radius(n))))


def curve(case, m=64):
    spec = importlib.util.spec_from_file_location(
        't', os.path.join(os.path.dirname(__file__), 'simplernn-tied-renewal.py'))
    t = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(t)
    p = case.split('-')
    act, depth, steps, width = p[1], int(p[2][1:]), int(p[3][1:]), int(p[4][1:])
    kernel, rec = p[5], p[6]
    m1, m2 = t.layer_slopes(act, depth, steps, width, kernel, rec)
    c = m1 ** 2 / m2
    g = (1.0 / width if rec == 'glorot_uniform' else float(rec[6:]) ** 2) * width * m2

    def run(phs):
        tied = np.zeros(steps)
        tied[-1] = 1
        mf = tied.copy()
        logs = None
        for k in range(depth - 1, -1, -1):
            logs = np.array([np.log10(t.through(tied, c[k], ph, g[k])) for ph in phs]).mean(axis=0)
            tied = 10 ** (logs - logs.max())
            y = t.through(mf, c[k], np.ones(steps), g[k])
            mf = y / y.max()
        return 0.5 * (logs[0] - logs[-1]) - 0.5 * np.log10(mf[0] / mf[-1])

    ph = t.phis(width, steps, m, rec == 'glorot_uniform', 4, 1)
    print('c', np.round(c, 3), 'g', np.round(g, 3))
    print('excess over mean field: per-network renewal %.2f, one quenched curve %.2f, annealed curve %.2f'
          % (run(ph), run([np.exp(np.log(ph).mean(0))]), run([ph.mean(0)])))


def main():
    a = sys.argv[1:]
    if not a or a[0] in ('-h', '--help'):
        print(__doc__)
    elif a[0] == 'powers':
        powers(int(a[1]), *(int(x) for x in a[2:4]))
    elif a[0] == 'radius':
        radius()
    elif a[0] == 'curve':
        curve(a[1], *(int(x) for x in a[2:3]))


if __name__ == '__main__':
    main()
