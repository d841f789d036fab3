#!/usr/bin/env python3
"""A Keras GRU stack as the sequence evaluation builds it, with an exact backward pass in NumPy.

Reproduces the README's GRU through-time figures (section "Recurrent and transformer families
(issue 19)") without DL4J: `depth` GRUs of `width` units (reset_after=True: z, r = sigmoid,
hh = tanh(W_h x + r (U_h h)), h = z h + (1 - z) hh; biases zero) over `steps` steps of 16
features N(0, 1), every layer but the last returning its sequence, a 5-way softmax on the last
step (Glorot-uniform kernel, random one-hot labels), Keras's initialisers (glorot_uniform,
he_normal and lecun_normal truncated at two deviations, orthogonal on the (units, 3 units)
kernel, RandomNormal), two batches of 16 per network. The through-time figure is the first
layer's: log10 of the RMS gradient reaching its input at the first step over that at the last
(the batches' mean squares summed first), the mean over networks. The evaluation measures two
networks per case; this prints each network's figure, so the seed spread shows.

  --stats        the first layer's per-step moments (the update gate's E[z], E[z^2], E[z (1 - z)],
                 the reset gate's E[r^2], the gates' and the candidate's pre-activation second
                 moments, the candidate's slope moments, the state's second moment) to set beside
                 the analysis's (docs/theory.md 8.5)
  --shuffle-top  the top layer's own figure (gradient entering its last step only) with its input
                 sequence as the layers below give it and with the steps of that input shuffled
                 per example: what the input's correlation from step to step is worth
  --states       every layer's forward moments past the first quarter of the steps: the state's
                 second moment E[h^2] and its lag-one correlation, the update gate's E[z], E[z^2],
                 the reset gate's E[r^2], the update gate's pre-activation variance and its input
                 and recurrent parts', the candidate's pre-activation variance and its input and
                 recurrent (r U_h h) parts', E[tanh'] and E[tanh'^2]: to set beside the analysis's
                 (docs/theory.md 8.10)
  --weights      every layer's input-kernel gradient RMS (log10, the mean over networks) and its
                 difference from the first layer's (docs/theory.md 8.10)
  --layers       every layer's own figure (gradient entering its last step only) with its update
                 gate as the network has it, permuted over each unit's steps, and taken at each step
                 from other units and examples (every step's moments kept: what mean field assumes);
                 the gate pre-activation's autocorrelation, its AR(1) equivalent (integrated time
                 over the lags above 0.05) and section 8.9's walk fed the layer's own moments, with
                 gates unrelated over the steps and with that AR(1) correlation (docs/theory.md 8.9);
                 with --static also the static share of the gate (each unit's own mean over the examples
                 and steps), the AR(1) equivalent of the rest, and the walk with both (docs/theory.md 8.10)
  --still        every layer's static offsets: the share of the state's second moment and of the update
                 gate's pre-activation variance that is each unit's own mean, as the network has them
                 and as the analysis derives them from the layer's moments (docs/theory.md 8.10)
  --quadrature   (no case) the walk over the units' static offsets averaged over all of them, by their
                 own Gauss quadrature and by Gauss-Hermite over the normal, and its grid's spacing
                 (docs/theory.md 8.10)
  --batches      (CASE NETWORKS B1,B2,...) the top layer's own figure at each batch: how far one batch's
                 sample of its paths falls short of the expectation (docs/theory.md 8.11)
  --lags         every layer's correlation from step to step at lags 1-20 of its input, the candidate's
                 pre-activation (and its input and recurrent parts), the candidate, the state, the update
                 gate's pre-activation (and its parts) and the gate (docs/theory.md 8.10)

What it showed (docs/theory.md 8.5): the analysis gave a GRU's reset gate an LSTM's forget-gate
bias of 1 (E[r^2] 0.53 where the network has 0.27-0.32). Single layers, 8 networks each:
  gru-tanh-d1-t100-w64-he_normal-normal0.01-2           -27.54 +- 0.42 (DL4J -27.64)
  gru-tanh-d1-t100-w64-lecun_normal-normal0.1-11        -19.56 +- 0.28 (DL4J -19.45)
  gru-tanh-d1-t50-w32-glorot_uniform-glorot_uniform-12   -9.89 +- 0.27 (DL4J -9.74)
and the top layer of gru-tanh-d2-t200-w32-he_normal-orthogonal-1 (4 networks) -37.0 with its
input as it comes, -40.9 with the input's steps shuffled (the analysis, which takes the steps'
inputs as unrelated, -43.5); gru-tanh-d6-t100-w32-he_normal-normal0.1-3's (3 networks) -14.0
and -16.3 (analysis -20.1).

--layers (2 networks) on the three stacks the analysis put furthest below the measurement, top
layer's own figure as is / gates permuted per unit / gates from other units / walk unrelated /
walk AR(1): d2-t200 He/orthogonal -36.1 / -40.6 / -41.9 / -43.3 / -38.7; d6-t100 He/N(0, 0.1)
-13.5 / -15.1 / -20.3 / -21.3 / -13.2; d3-t200 LeCun/orthogonal -38.8 / -40.2 / -40.8 / -39.8 /
-39.3. The order of the gates over the steps is worth 5.7, 6.8 and 2.0 decades; the walk's
correlation gives 4.6, 8.1 and 0.5 (docs/theory.md 8.9).

Usage: scripts/gru-through-time.py CASE-ID [NETWORKS] [--stats | --states | --weights | --shuffle-top | --layers [--static] | --lags | --still]
       scripts/gru-through-time.py --quadrature
       (CASE-ID as in fixtures/accuracy/measured-seq.csv, e.g. gru-tanh-d1-t50-w32-glorot_uniform-glorot_uniform-12)
"""
import math
import sys

import numpy as np

FEATURES, BATCH, BATCHES, CLASSES = 16, 16, 2, 5


def init(name, shape, rng):
    fan_in, fan_out = shape
    if name == 'glorot_uniform':
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape)
    if name in ('he_normal', 'lecun_normal'):
        # Keras: a normal truncated at two deviations, its deviation raised to keep the variance
        sd = np.sqrt((2.0 if name == 'he_normal' else 1.0) / fan_in) / 0.87962566103423978
        w = rng.standard_normal(shape)
        bad = np.abs(w) > 2
        while bad.any():
            w[bad] = rng.standard_normal(bad.sum())
            bad = np.abs(w) > 2
        return w * sd
    if name.startswith('normal'):
        return rng.standard_normal(shape) * float(name[len('normal'):])
    if name.startswith('orthogonal'):
        gain = float(name[len('orthogonal'):] or 1)
        rows, cols = shape
        q, r = np.linalg.qr(rng.standard_normal((max(rows, cols), min(rows, cols))))
        q *= np.sign(np.diag(r))
        return gain * (q.T if rows < cols else q)
    raise ValueError(name)


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def forward(inp, w, u, n, stats=None):
    """One GRU over inp (steps, batch, features); returns its states and what the backward pass needs."""
    h = np.zeros((inp.shape[1], n))
    outs, cache = [], []
    for t in range(inp.shape[0]):
        az = inp[t] @ w[:, :n] + h @ u[:, :n]
        ar = inp[t] @ w[:, n:2 * n] + h @ u[:, n:2 * n]
        inner = h @ u[:, 2 * n:]
        z, r = sigmoid(az), sigmoid(ar)
        ah = inp[t] @ w[:, 2 * n:] + r * inner
        hh = np.tanh(ah)
        if stats is not None:
            s = 1 - hh ** 2
            stats[t] += [z.mean(), (z * z).mean(), (z * (1 - z)).mean(), (r * r).mean(), (az ** 2).mean(),
                         (ah ** 2).mean(), s.mean(), (s * s).mean(), (h * h).mean()]
        cache.append((h, z, r, inner, hh))
        h = z * h + (1 - z) * hh
        outs.append(h)
    return np.array(outs), cache


def backward(cache, w, u, n, g_out, das=None):
    """The gradient back through the steps, g_out (steps, batch, n) arriving at each step's output;
    returns the gradient at the layer's input per step and its mean square per step (and, into das
    (steps, batch, 3 n) when given, the gates' pre-activation gradients)."""
    steps = len(cache)
    dh = np.zeros_like(g_out[0])
    gx = np.zeros((steps, g_out.shape[1], w.shape[0]))
    for t in range(steps - 1, -1, -1):
        hp, z, r, inner, hh = cache[t]
        dh = dh + g_out[t]
        dah = dh * (1 - z) * (1 - hh ** 2)
        dr = dah * inner
        daz = dh * (hp - hh) * z * (1 - z)
        dar = dr * r * (1 - r)
        gx[t] = daz @ w[:, :n].T + dar @ w[:, n:2 * n].T + dah @ w[:, 2 * n:].T
        if das is not None:
            das[t] = np.concatenate([daz, dar, dah], axis=1)
        dh = dh * z + (dah * r) @ u[:, 2 * n:].T + daz @ u[:, :n].T + dar @ u[:, n:2 * n].T
    return gx, (gx ** 2).mean(axis=(1, 2))


def network(depth, width, kernel, recurrent, seed):
    rng = np.random.default_rng(seed)
    layers, fan = [], FEATURES
    for _ in range(depth):
        layers.append((init(kernel, (fan, 3 * width), rng), init(recurrent, (width, 3 * width), rng)))
        fan = width
    return rng, layers, init('glorot_uniform', (width, CLASSES), rng)


def head_gradient(last, dense, rng, steps):
    """The gradient the evaluation's head sends into the top layer: a softmax over the last step's
    output against random labels, cross-entropy averaged over the batch, so only the last step gets
    one. Shared by the SimpleRNN and LSTM copies (the labels are drawn here, in the same order)."""
    logits = last @ dense
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    y = np.eye(CLASSES)[rng.integers(0, CLASSES, BATCH)]
    g = np.zeros((steps, BATCH, dense.shape[0]))
    g[-1] = (p - y) @ dense.T / BATCH
    return g


def through_time(depth, steps, width, kernel, recurrent, seed, stats=None, wg=None):
    """The first layer's through-time decades; wg (depth), when given, gets each layer's input-kernel
    gradient mean square added per batch (what the verifier's weight-gradient RMS reads)."""
    rng, layers, dense = network(depth, width, kernel, recurrent, seed)
    ms = np.zeros(steps)
    for _ in range(BATCHES):
        inp = rng.standard_normal((steps, BATCH, FEATURES))
        caches, ins = [], []
        for i, (w, u) in enumerate(layers):
            ins.append(inp)
            inp, cache = forward(inp, w, u, width, stats if i == 0 else None)
            caches.append(cache)
        g = head_gradient(inp[-1], dense, rng, steps)
        for i in range(depth - 1, -1, -1):
            das = None if wg is None else np.zeros((steps, BATCH, 3 * width))
            g, m = backward(caches[i], *layers[i], width, g, das)
            if wg is not None:
                wg[i] += (np.einsum('tbi,tbj->ij', ins[i], das) ** 2).mean()
        ms += m
    return 0.5 * np.log10(ms[0] / ms[-1])


def top_own(depth, steps, width, kernel, recurrent, seed, shuffle):
    rng, layers, _ = network(depth, width, kernel, recurrent, seed)
    ms = np.zeros(steps)
    for _ in range(BATCHES):
        inp = rng.standard_normal((steps, BATCH, FEATURES))
        for w, u in layers[:-1]:
            inp, _ = forward(inp, w, u, width)
        if shuffle:
            for e in range(BATCH):
                inp[:, e] = inp[rng.permutation(steps), e]
        _, cache = forward(inp, *layers[-1], width)
        g = np.zeros((steps, BATCH, width))
        g[-1] = rng.standard_normal((BATCH, width))
        ms += backward(cache, *layers[-1], width, g)[1]
    return 0.5 * np.log10(ms[0] / ms[-1])


def backward_gate(cache, w, u, n, g_out, zs):
    """backward()'s mean square per step with the update gate replaced by zs (steps, batch, n)."""
    steps = len(cache)
    dh = np.zeros_like(g_out[0])
    ms = np.zeros(steps)
    for t in range(steps - 1, -1, -1):
        hp, _, r, inner, hh = cache[t]
        z = zs[t]
        dh = dh + g_out[t]
        dah = dh * (1 - z) * (1 - hh ** 2)
        daz = dh * (hp - hh) * z * (1 - z)
        dar = dah * inner * r * (1 - r)
        ms[t] = ((daz @ w[:, :n].T + dar @ w[:, n:2 * n].T + dah @ w[:, 2 * n:].T) ** 2).mean()
        dh = dh * z + (dah * r) @ u[:, 2 * n:].T + daz @ u[:, :n].T + dar @ u[:, n:2 * n].T
    return ms


def walk_steps(n, z, p, pi, b, c1, c2, other, away=False):
    """The walk's n steps back from the gate values z at the nodes (weights pi; p the pre-activation's
    transition from one step to the next over the nodes), its weight at d = 0 over the nodes and its
    weights away from it by d: log10 of the second moment's growth over the n steps, halved. With
    away, the paths away from d = 0 keep their units' gates too: each path's unit is held over the
    nodes by one distribution f shared by all d != 0 (carried while the path stays, started afresh
    when it moves), and a path that catches up (d = 1 to 0) lands on the other's unit, at f."""
    ez, e1z = (pi * z).sum(), (pi * (1 - z)).sum()
    same, mix = ez ** 2 + b * c1 ** 2 * e1z ** 2, np.sqrt(b) * ez * c1 * e1z
    w0, w, lg = pi.copy(), np.zeros(n + 3), 0.0
    f = pi.copy()
    for _ in range(n):
        if away:
            ez, e1z = (f * z).sum(), (f * (1 - z)).sum()
            same, mix = ez ** 2 + b * c1 ** 2 * e1z ** 2, np.sqrt(b) * ez * c1 * e1z
        jump = (w0 * (b * c2 * (1 - z) ** 2 + other)).sum()
        out0 = (w0 * np.sqrt(b) * c1 * z * (1 - z)).sum()
        if away:
            stayer = f * z / ez
            new0 = (w0 * z ** 2 + 2 * w[1] * mix * stayer) @ p + jump * pi
            wss, wjj, wmx = w[1:].sum() * ez ** 2, w[1:].sum() * b * c1 ** 2 * e1z ** 2, w[1:].sum() * 2 * mix
            lead = w0 * z * (1 - z)
            pre = (2 * wss + wmx) * stayer + (out0 * lead / lead.sum() if lead.sum() > 0 else 0)
            fn = pre @ p + (2 * wjj + wmx + out0) * pi
            f = fn / fn.sum()
        else:
            new0 = (w0 * z ** 2) @ p + (jump + 2 * w[1] * mix) * pi
        nw = np.zeros_like(w)
        nw[1] = w[1] * same + out0 + w[2] * mix
        nw[2:-1] = w[2:-1] * same + w[1:-2] * mix + w[3:] * mix
        tot = new0.sum()
        lg += np.log10(tot)
        w0, w = new0 / tot, nw / tot
    return 0.5 * lg


def walk(n, v, rho, b, c1, c2, other, nodes=24):
    """Section 8.9's walk over pairs of paths for n steps (log10 of the RMS), the update gate's
    pre-activation N(0, v) and, at d = 0, an AR(1) of correlation rho over Hermite nodes; b the
    candidate's recurrent gain, c1 and c2 the mean and mean square of r tanh', other the other
    gates' paths' gain."""
    xh, pi = np.polynomial.hermite_e.hermegauss(nodes)
    pi = pi / pi.sum()
    z = sigmoid(np.sqrt(v) * xh)
    if rho > 0:
        p = np.exp(-(xh[None, :] - rho * xh[:, None]) ** 2 / (2 * (1 - rho ** 2)) + xh[None, :] ** 2 / 2) * pi[None, :]
        p /= p.sum(1, keepdims=True)
    else:
        p = np.tile(pi, (nodes, 1))
    return walk_steps(n, z, p, pi, b, c1, c2, other)


def walk_static(n, v, rho, still, units, b, c1, c2, other, nodes=24, away=False):
    """walk() with a share `still` of the gate's pre-activation a static offset of its unit, the same
    at every step and for every example: the layer's `units` offsets at the normal's expected order
    statistics (Blom); both paths staying on a unit keep its offset, a move to another unit draws one
    afresh. rho is the AR(1) correlation of the rest (docs/theory.md 8.10)."""
    xh, pw = np.polynomial.hermite_e.hermegauss(nodes)
    pw = pw / pw.sum()
    u = blom(units) if still > 0 else np.zeros(1)
    pu = np.ones(len(u)) / len(u)
    z = sigmoid(np.sqrt(v) * (np.sqrt(still) * u[:, None] + np.sqrt(1 - still) * xh[None, :]))
    if rho > 0:
        p = np.exp(-(xh[None, :] - rho * xh[:, None]) ** 2 / (2 * (1 - rho ** 2)) + xh[None, :] ** 2 / 2) * pw[None, :]
        p /= p.sum(1, keepdims=True)
    else:
        p = np.tile(pw, (nodes, 1))
    pi = pu[:, None] * pw[None, :]
    return walk_steps(n, z, p, pi, b, c1, c2, other, away)


def layers_report(depth, steps, width, kernel, recurrent, nets):
    own = np.zeros((depth, 3))
    stats = np.zeros((depth, 8))
    acfs = np.zeros((depth, 6))
    for seed in range(nets):
        rng, layers, _ = network(depth, width, kernel, recurrent, seed)
        prng = np.random.default_rng(1000 + seed)
        ms = np.zeros((depth, 3, steps))
        for _ in range(BATCHES):
            inp = rng.standard_normal((steps, BATCH, FEATURES))
            for k, (w, u) in enumerate(layers):
                n = width
                out, cache = forward(inp, w, u, n)
                az = np.array([inp[t] @ w[:, :n] + cache[t][0] @ u[:, :n] for t in range(steps)])
                z = sigmoid(az)
                g = np.zeros((steps, BATCH, n))
                g[-1] = rng.standard_normal((BATCH, n))
                flat = z.reshape(steps, -1)
                within = np.take_along_axis(flat, np.argsort(prng.random(flat.shape), axis=0), axis=0)
                across = np.take_along_axis(flat, np.argsort(prng.random(flat.shape), axis=1), axis=1)
                for j, zs in enumerate((z, within.reshape(z.shape), across.reshape(z.shape))):
                    ms[k, j] += backward_gate(cache, w, u, n, g, zs)
                # moments past the start-up, for the walk and the autocorrelation
                sl = slice(steps // 4, None)
                a = az[sl] - az[sl].mean(axis=(1, 2), keepdims=True)
                v = (a ** 2).mean()
                acf = np.array([(a[lag:] * a[:-lag]).mean() / v for lag in range(1, min(30, len(a) - 1))])
                hp = np.array([c[0] for c in cache])[sl]
                r = np.array([c[2] for c in cache])[sl]
                inner = np.array([c[3] for c in cache])[sl]
                hh = np.array([c[4] for c in cache])[sl]
                zz = z[sl]
                sl2 = 1 - hh ** 2
                other = ((u[:, :n] ** 2).mean() * n * ((hp - hh) ** 2 * (zz * (1 - zz)) ** 2).mean()
                         + (u[:, n:2 * n] ** 2).mean() * n * ((r * sl2 * (1 - zz) * inner * r * (1 - r)) ** 2).mean())
                stats[k] += np.array([v, (u[:, 2 * n:] ** 2).mean() * n, (r * sl2).mean(), (r * r * sl2 * sl2).mean(),
                                      other, 0, 0, 0]) / (nets * BATCHES)
                acfs[k] += np.pad(acf[:6], (0, 6 - len(acf[:6]))) / (nets * BATCHES)
                tau = 1 + 2 * sum(np.cumprod(acf >= 0.05) * acf)
                stats[k, 5] += (tau - 1) / (tau + 1) / (nets * BATCHES)
                # each unit's static offset (its mean over the examples and steps) and the rest's AR(1)
                um = a.mean(axis=(0, 1))
                d = a - um
                vd = (d ** 2).mean()
                acfd = np.array([(d[lag:] * d[:-lag]).mean() / vd for lag in range(1, min(30, len(d) - 1))])
                taud = 1 + 2 * sum(np.cumprod(acfd >= 0.05) * acfd)
                stats[k, 6] += (um ** 2).mean() / v / (nets * BATCHES)
                stats[k, 7] += (taud - 1) / (taud + 1) / (nets * BATCHES)
                inp = out
        own += 0.5 * np.log10(ms[:, :, 0] / ms[:, :, -1]) / nets
    for k in range(depth):
        v, b, c1, c2, other, rho, still, rhod = stats[k]
        print('layer %d own: gates as they are %.2f, permuted over the steps %.2f, from other units %.2f | '
              'walk unrelated %.2f, AR(1) %.2f | pre-activation variance %.3f, acf %s, AR(1) equivalent %.2f'
              % (k + 1, *own[k], walk(steps - 1, v, 0, b, c1, c2, other), walk(steps - 1, v, rho, b, c1, c2, other),
                 v, np.round(acfs[k], 2), rho))
        if '--static' in sys.argv:
            print('         static share %.3f, the rest\'s AR(1) equivalent %.2f | walk with the static offsets on the %d '
                  'units %.2f, and away from d = 0 %.2f' % (still, rhod, width,
                                                            walk_static(steps - 1, v, rhod, still, width, b, c1, c2, other),
                                                            walk_static(steps - 1, v, rhod, still, width, b, c1, c2,
                                                                        other, away=True)))


def layer_series(depth, steps, width, kernel, recurrent, nets):
    """Each network's and batch's layers, forward, past the first quarter of the steps: yields the
    layer's index, its input, its state, the gates z and r, the candidate, and the input and
    recurrent parts of the update gate's (zx, zh) and the candidate's (cx, ch) pre-activations."""
    for seed in range(nets):
        rng, layers, _ = network(depth, width, kernel, recurrent, seed)
        for _ in range(BATCHES):
            inp = rng.standard_normal((steps, BATCH, FEATURES))
            for k, (w, u) in enumerate(layers):
                n = width
                out, cache = forward(inp, w, u, n)
                sl = slice(steps // 4, None)
                hp = np.array([c[0] for c in cache])[sl]
                z = np.array([c[1] for c in cache])[sl]
                r = np.array([c[2] for c in cache])[sl]
                inner = np.array([c[3] for c in cache])[sl]
                hh = np.array([c[4] for c in cache])[sl]
                x = inp[sl]
                yield k, x, out[sl], z, r, hh, x @ w[:, :n], hp @ u[:, :n], x @ w[:, 2 * n:], r * inner
                inp = out


def states_report(depth, steps, width, kernel, recurrent, nets):
    names = ['E[h^2]', 'rho_h', 'E[z]', 'E[z^2]', 'E[r^2]', 'var a_z', '(in', 'rec)', 'var a_h', '(in', 'rec)',
             "E[tanh']", "E[tanh'^2]", 'E[x^2]']
    acc = np.zeros((depth, len(names)))
    for k, x, h, z, r, hh, zx, zh, cx, ch in layer_series(depth, steps, width, kernel, recurrent, nets):
        hc = h - h.mean(axis=0, keepdims=True)
        rho = (hc[1:] * hc[:-1]).mean() / (hc ** 2).mean()
        s = 1 - hh ** 2
        acc[k] += np.array([(h ** 2).mean(), rho, z.mean(), (z * z).mean(), (r * r).mean(),
                            ((zx + zh) ** 2).mean(), (zx ** 2).mean(), (zh ** 2).mean(),
                            ((cx + ch) ** 2).mean(), (cx ** 2).mean(), (ch ** 2).mean(),
                            s.mean(), (s * s).mean(), (x ** 2).mean()]) / (nets * BATCHES)
    for k in range(depth):
        print('layer %d  ' % (k + 1) + '  '.join('%s %.4f' % (nm, v) for nm, v in zip(names, acc[k])))


LAGS = (1, 2, 3, 4, 5, 6, 8, 10, 15, 20)


def lags_report(depth, steps, width, kernel, recurrent, nets):
    """Every layer's correlation from one step to another at one unit (one example), at the lags
    LAGS, past the first quarter of the steps, of: its input (the state below), the candidate's
    pre-activation and its input and recurrent (r U_h h) parts, the candidate, the state, the update
    gate's pre-activation and its input and recurrent parts, and the update gate itself."""
    names = ['x', 'a_h', '(in', 'rec)', 'hh', 'h', 'a_z', '(in', 'rec)', 'z']
    acc = np.zeros((depth, len(names), len(LAGS)))
    for k, x, h, z, r, hh, zx, zh, cx, ch in layer_series(depth, steps, width, kernel, recurrent, nets):
        for j, s in enumerate((x, cx + ch, cx, ch, hh, h, zx + zh, zx, zh, z)):
            a = s - s.mean(axis=(1, 2), keepdims=True)
            v = (a ** 2).mean()
            acc[k, j] += np.array([(a[lag:] * a[:-lag]).mean() / v if lag < len(a) else np.nan
                                   for lag in LAGS]) / (nets * BATCHES)
    print('lags %s' % (LAGS,))
    for k in range(depth):
        print('layer %d' % (k + 1))
        for j, nm in enumerate(names):
            print('  %-5s %s' % (nm, ' '.join('%.3f' % c for c in acc[k, j])))


def still_report(depth, steps, width, kernel, recurrent, nets):
    """Each layer's static offsets (docs/theory.md 8.10): the share of the state's second moment and
    of the update gate's pre-activation variance that is each unit's own mean over the examples and
    steps, as the network has them, and as the analysis derives them from the layer's moments: the
    state's own part (E[sigmoid'] E[tanh'] / E[1 - z])^2 v_x'^2 / n_x (v_x' the gate's input part
    less its static share), the part passed up E[tanh']^2 v_x s_x (s_x the input's static share),
    both over 1 minus the feedback E[tanh']^2 E[r]^2 v_h / E[h^2]; the gate's (v_x s_x + v_h s_h) /
    (v_x + v_h). 'fed' takes s_x as measured, 'chained' the derivation's own from the layer below."""
    acc = np.zeros((depth, 11))
    for k, x, h, z, r, hh, zx, zh, cx, ch in layer_series(depth, steps, width, kernel, recurrent, nets):
        az = zx + zh
        a = az - az.mean()
        sh = (h.mean(axis=(0, 1)) ** 2).mean() / (h ** 2).mean()
        sg = ((a.mean(axis=(0, 1))) ** 2).mean() / (a ** 2).mean()
        sx = (x.mean(axis=(0, 1)) ** 2).mean() / (x ** 2).mean() if k > 0 else 0.0
        sg1 = sigmoid(az)
        acc[k] += np.array([sh, sg, sx, (sg1 * (1 - sg1)).mean(), (1 - hh ** 2).mean(), (1 - z).mean(),
                            (zx ** 2).mean(), (zh ** 2).mean(), (h ** 2).mean(), r.mean(), x.shape[2]]) / (nets * BATCHES)
    chained = 0.0
    for k in range(depth):
        sh, sg, sx, gs, ts, cw, vx, vh, h2, rm, nx = acc[k]
        out = []
        for s_in in (sx, chained):
            own = (gs * ts / cw) ** 2 * (vx * (1 - s_in)) ** 2 / nx
            fb = ts ** 2 * rm ** 2 * vh / h2
            state = (own + ts ** 2 * vx * s_in) / (1 - fb) / h2
            out.append((state, (vx * s_in + vh * state) / (vx + vh)))
        chained = out[1][0]
        print('layer %d static share of the state %.4f (fed %.4f, chained %.4f), of the gate %.4f (fed %.4f, '
              'chained %.4f)' % (k + 1, sh, out[0][0], out[1][0], sg, out[0][1], out[1][1]))


def blom(units):
    """The normal's expected order statistics of `units` draws (Blom's positions), no SciPy."""
    q = (np.arange(units) + 1 - 0.375) / (units + 0.25)
    lo, hi = np.full(units, -10.0), np.full(units, 10.0)
    for _ in range(60):
        mid = (lo + hi) / 2
        below = 0.5 * (1 + np.vectorize(math.erf)(mid / math.sqrt(2))) < q
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


def gauss_discrete(points, k):
    """The k-node Gauss quadrature of the uniform measure on `points` (Stieltjes, Golub-Welsch)."""
    w = np.ones(len(points)) / len(points)
    prev, cur, a, b, norm_prev = np.zeros(len(points)), np.ones(len(points)), [], [], 1.0
    for j in range(k):
        norm = (w * cur * cur).sum()
        a.append((w * points * cur * cur).sum() / norm)
        b.append(norm / norm_prev if j > 0 else 0.0)
        prev, cur, norm_prev = cur, (points - a[-1]) * cur - (b[-1] * prev if j > 0 else 0), norm
    x, v = np.linalg.eigh(np.diag(a) + np.diag(np.sqrt(b[1:]), 1) + np.diag(np.sqrt(b[1:]), -1))
    return x, v[0] ** 2


def walk_grid(n, v, rho, still, u, pu, b, c1, c2, other, away, grid=None):
    """walk_static() with the offsets u (weights pu) given and, where grid is a node count, the
    analysis's uniform grid over +-6 (PathPairs) in place of Gauss-Hermite nodes."""
    if grid is None:
        xh, pw = np.polynomial.hermite_e.hermegauss(24)
        pw = pw / pw.sum()
        p = np.exp(-(xh[None, :] - rho * xh[:, None]) ** 2 / (2 * (1 - rho ** 2)) + xh[None, :] ** 2 / 2) * pw[None, :]
    else:
        xh = np.linspace(-6, 6, grid)
        pw = np.exp(-xh ** 2 / 2)
        pw /= pw.sum()
        p = np.exp(-(xh[None, :] - rho * xh[:, None]) ** 2 / (2 * (1 - rho ** 2)))
    p /= p.sum(1, keepdims=True)
    z = sigmoid(np.sqrt(v) * (np.sqrt(still) * u[:, None] + np.sqrt(1 - still) * xh[None, :]))
    return walk_steps(n, z, p, pu[:, None] * pw[None, :], b, c1, c2, other, away)


def quadrature_report():
    """The walk (candidate path's factors c1 0.5, c2 0.3, other gates 0.02) in six settings of steps,
    units, gate variance, the rest's AR(1) correlation, static share and kernel gain: over all the
    units' offsets, their 5- and 7-node Gauss quadratures, and Gauss-Hermite's 7 nodes over the
    normal; then the analysis's grid of 81 nodes against one spaced by the AR(1) step's deviation
    (docs/theory.md 8.10, *The units' own gates in the walk*)."""
    settings = [(99, 32, 0.53, 0.51, 0.034, 0.3), (99, 32, 0.44, 0.83, 0.108, 0.3), (49, 32, 2.0, 0.5, 0.05, 0.001),
                (199, 32, 0.5, 0.6, 0.05, 1.0), (199, 64, 0.18, 0.6, 0.08, 1.0), (99, 32, 0.4, 0.8, 0.1, 0.05)]
    print('steps units var rho still b | all units, Gauss 5, Gauss 7, Hermite 7 over the normal')
    for n, units, v, rho, still, b in settings:
        u = blom(units)
        row = [walk_grid(n, v, rho, still, u, np.ones(units) / units, b, 0.5, 0.3, 0.02, False)]
        for k in (5, 7):
            row.append(walk_grid(n, v, rho, still, *gauss_discrete(u, k), b, 0.5, 0.3, 0.02, False))
        xh, ph = np.polynomial.hermite_e.hermegauss(7)
        row.append(walk_grid(n, v, rho, still, xh, ph / ph.sum(), b, 0.5, 0.3, 0.02, False))
        print('%3d %3d %.2f %.2f %.3f %.3f | %s' % (n, units, v, rho, still, b, ' '.join('%.2f' % r for r in row)))
    print('with the paths away from d = 0: grid of 81 nodes against nodes spaced by sqrt(1 - rho^2)')
    for n, units, v, rho, still, b in settings + [(99, 32, 0.4, 0.9, 0.1, 0.05), (99, 32, 0.4, 0.95, 0.1, 0.05)]:
        u, pu = gauss_discrete(blom(units), 5)
        m = int(math.ceil(12 / math.sqrt(1 - rho ** 2))) + 1
        m = max(21, min(81, m + (m % 2 == 0)))
        print('%3d %3d %.2f %.2f %.3f %.3f | %.3f %.3f (%d nodes)' % (
            n, units, v, rho, still, b, walk_grid(n, v, rho, still, u, pu, b, 0.5, 0.3, 0.02, True, 81),
            walk_grid(n, v, rho, still, u, pu, b, 0.5, 0.3, 0.02, True, m), m))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    flags = {a for a in sys.argv[1:] if a.startswith('--')}
    if '--quadrature' in flags:
        quadrature_report()
        return
    case = args[0]
    nets = int(args[1]) if len(args) > 1 else 8
    parts = case.split('-')
    depth, steps, width = int(parts[2][1:]), int(parts[3][1:]), int(parts[4][1:])
    kernel, recurrent = parts[5], parts[6]
    if '--weights' in flags:
        acc = np.zeros(depth)
        for s in range(nets):
            wg = np.zeros(depth)
            through_time(depth, steps, width, kernel, recurrent, s, None, wg)
            acc += 0.5 * np.log10(wg / BATCHES) / nets
        print('%s weight gradient RMS per layer (log10) %s, against the first layer %s'
              % (case, np.round(acc, 3), np.round(acc - acc[0], 3)))
        return
    if '--states' in flags:
        states_report(depth, steps, width, kernel, recurrent, nets)
        return
    if '--still' in flags:
        still_report(depth, steps, width, kernel, recurrent, nets)
        return
    if '--lags' in flags:
        lags_report(depth, steps, width, kernel, recurrent, nets)
        return
    if '--layers' in flags:
        layers_report(depth, steps, width, kernel, recurrent, nets)
        return
    if '--batches' in flags:
        # the top layer's own figure at several batches (args[2], e.g. 16,256): how far one batch's
        # sample of its paths falls short of the expectation (docs/theory.md 8.11)
        global BATCH
        for b in (int(x) for x in args[2].split(',')):
            BATCH = b
            v = np.array([top_own(depth, steps, width, kernel, recurrent, s, False) for s in range(nets)])
            print('%s top layer, batch %d (n %d): %s mean %.2f +- %.2f' % (case, b, BATCHES * b * width,
                  np.round(v, 2), v.mean(), v.std() / np.sqrt(nets)), flush=True)
        return
    if '--shuffle-top' in flags:
        for shuffle in (False, True):
            v = np.array([top_own(depth, steps, width, kernel, recurrent, s, shuffle) for s in range(nets)])
            print('%s top layer, input %s: %s mean %.2f' % (case, 'shuffled' if shuffle else 'as it comes',
                                                              np.round(v, 2), v.mean()))
        return
    stats = np.zeros((steps, 9)) if '--stats' in flags else None
    v = np.array([through_time(depth, steps, width, kernel, recurrent, s, stats) for s in range(nets)])
    print('%s networks %s mean %.2f sd %.2f' % (case, np.round(v, 2), v.mean(), v.std()))
    if stats is not None:
        stats /= nets * BATCHES
        names = ['E[z]', 'E[z^2]', 'E[z(1-z)]', 'E[r^2]', 'E[a_z^2]', 'E[a_h^2]', "E[tanh']", "E[tanh'^2]", 'E[h_prev^2]']
        for t in sorted({0, 1, 5, steps // 2, steps - 1}):
            print('step %3d  ' % t + '  '.join('%s %.4f' % (k, x) for k, x in zip(names, stats[t])))


if __name__ == '__main__':
    main()
