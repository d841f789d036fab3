#!/usr/bin/env python3
"""A Keras SimpleRNN stack as the sequence evaluation builds it, with an exact backward pass in NumPy.

Same protocol as scripts/gru-through-time.py (whose initialisers and data it reuses): `depth`
SimpleRNNs of `width` units, h_t = phi(W x_t + U h_(t-1)), biases zero, over `steps` steps of 16
features N(0, 1), all but the last returning their sequence, a 5-way softmax on the last step,
two batches of 16 per network; the through-time figure is the first layer's log10 RMS gradient at
its input's first step over its last. `identity` / `identityG` is Keras's Identity(gain).

  --stats   the first layer's per-step moments (E[h^2], E[a^2], E[phi'], E[phi'^2]) and the
            gradient's mean square at the first layer's pre-activation at a few steps

Usage: scripts/simplernn-through-time.py CASE-ID [NETWORKS] [--stats]
"""
import importlib.util
import os
import sys

import numpy as np

_spec = importlib.util.spec_from_file_location('gru', os.path.join(os.path.dirname(__file__), 'gru-through-time.py'))
gru = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gru)
FEATURES, BATCH, BATCHES, CLASSES = gru.FEATURES, gru.BATCH, gru.BATCHES, gru.CLASSES


def init(name, shape, rng):
    if name.startswith('identity'):
        return float(name[len('identity'):] or 1) * np.eye(shape[0], shape[1])
    return gru.init(name, shape, rng)


def phi(act, a):
    return np.tanh(a) if act == 'tanh' else np.maximum(a, 0)


def slope(act, a):
    return 1 - np.tanh(a) ** 2 if act == 'tanh' else (a > 0).astype(float)


def forward(inp, w, u, act, stats=None):
    h = np.zeros((inp.shape[1], u.shape[0]))
    outs, pre = [], []
    for t in range(inp.shape[0]):
        a = inp[t] @ w + h @ u
        s = slope(act, a)
        if stats is not None:
            stats[t] += [(h * h).mean(), (a * a).mean(), s.mean(), (s * s).mean(), 0]
        pre.append(a)
        h = phi(act, a)
        outs.append(h)
    return np.array(outs), pre


def backward(pre, w, u, act, g_out, stats=None, das=None):
    dh = np.zeros_like(g_out[0])
    gx = np.zeros((len(pre), g_out.shape[1], w.shape[0]))
    for t in range(len(pre) - 1, -1, -1):
        da = (dh + g_out[t]) * slope(act, pre[t])
        if stats is not None:
            stats[t, 4] += (da * da).mean()
        gx[t] = da @ w.T
        if das is not None:
            das[t] = da
        dh = da @ u.T
    return gx, (gx ** 2).mean(axis=(1, 2))


def through_time(act, depth, steps, width, kernel, recurrent, seed, stats=None, wg=None):
    """The first layer's through-time decades; wg (depth), when given, gets each layer's input-kernel
    gradient mean square added per batch (what the verifier's weight-gradient RMS reads)."""
    rng = np.random.default_rng(seed)
    layers, fan = [], FEATURES
    for _ in range(depth):
        layers.append((init(kernel, (fan, width), rng), init(recurrent, (width, width), rng)))
        fan = width
    dense = init('glorot_uniform', (width, CLASSES), rng)
    ms = np.zeros(steps)
    for _ in range(BATCHES):
        inp = rng.standard_normal((steps, BATCH, FEATURES))
        pres, ins = [], []
        for i, (w, u) in enumerate(layers):
            ins.append(inp)
            inp, pre = forward(inp, w, u, act, stats if i == 0 else None)
            pres.append(pre)
        g = gru.head_gradient(inp[-1], dense, rng, steps)
        for i in range(depth - 1, -1, -1):
            das = None if wg is None else np.zeros((steps, BATCH, width))
            g, m = backward(pres[i], *layers[i], act, g, stats if i == 0 else None, das)
            if wg is not None:
                wg[i] += (np.einsum('tbi,tbj->ij', ins[i], das) ** 2).mean()
        ms += m
    return 0.5 * np.log10(ms[0] / ms[-1])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    flags = {a for a in sys.argv[1:] if a.startswith('--')}
    case = args[0]
    nets = int(args[1]) if len(args) > 1 else 8
    parts = case.split('-')
    act = parts[1]
    depth, steps, width = int(parts[2][1:]), int(parts[3][1:]), int(parts[4][1:])
    kernel, recurrent = parts[5], parts[6]
    stats = np.zeros((steps, 5)) if '--stats' in flags else None
    v = np.array([through_time(act, depth, steps, width, kernel, recurrent, s, stats) for s in range(nets)])
    print('%s networks %s mean %.2f sd %.2f' % (case, np.round(v, 2), v.mean(), v.std()))
    if stats is not None:
        stats /= nets * BATCHES
        names = ['E[h_prev^2]', 'E[a^2]', "E[phi']", "E[phi'^2]", 'E[da^2]']
        for t in sorted({0, 1, 5, 10, 25, steps // 2, steps - 2, steps - 1}):
            print('step %3d  ' % t + '  '.join('%s %.4g' % (k, x) for k, x in zip(names, stats[t])))


if __name__ == '__main__':
    main()
