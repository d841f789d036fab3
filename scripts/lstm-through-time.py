#!/usr/bin/env python3
"""A Keras LSTM stack as the sequence evaluation builds it, with an exact backward pass in NumPy.

Same protocol as scripts/gru-through-time.py (whose initialisers and data it reuses): `depth`
LSTMs of `width` units (Keras's gate order i, f, c, o on a (fan, 4 units) kernel and a (units,
4 units) recurrent kernel: i, f, o = sigmoid, g = tanh, c = f c + i g, h = o tanh(c)), biases
zero but the forget gate's, which is 1 when the case id ends in -fb1 (unit_forget_bias=True) and 0
for -fb0, over `steps` steps of 16 features N(0, 1), all but the last returning their sequence, a
5-way softmax on the last step, two batches of 16 per network; the through-time figure is the
first layer's log10 RMS gradient at its input's first step over its last (the batches' mean
squares summed first). Float64 throughout: where DL4J's float32 gradient underflows to 0 at the
first step (a stored -Infinity), this still gives a finite figure.

Usage: scripts/lstm-through-time.py CASE-ID [NETWORKS]
       (CASE-ID as in fixtures/accuracy/measured-seq.csv, e.g. lstm-tanh-d1-t10-w32-glorot_uniform-glorot_uniform-fb1-17)
"""
import importlib.util
import os
import sys

import numpy as np

_spec = importlib.util.spec_from_file_location('gru', os.path.join(os.path.dirname(__file__), 'gru-through-time.py'))
gru = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gru)
FEATURES, BATCH, BATCHES, CLASSES = gru.FEATURES, gru.BATCH, gru.BATCHES, gru.CLASSES
sigmoid = gru.sigmoid


def forward(inp, w, u, b, n):
    """One LSTM over inp (steps, batch, features); returns its states and what the backward pass needs."""
    h = np.zeros((inp.shape[1], n))
    c = np.zeros_like(h)
    outs, cache = [], []
    for t in range(inp.shape[0]):
        a = inp[t] @ w + h @ u + b
        i, f, g, o = sigmoid(a[:, :n]), sigmoid(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sigmoid(a[:, 3 * n:])
        cp = c
        c = f * cp + i * g
        tc = np.tanh(c)
        h = o * tc
        cache.append((cp, i, f, g, o, tc))
        outs.append(h)
    return np.array(outs), cache


def backward(cache, w, u, n, g_out, das=None):
    """The gradient back through the steps, g_out (steps, batch, n) arriving at each step's output;
    returns the gradient at the layer's input per step and its mean square per step (and, into das
    (steps, batch, 4 n) when given, the gates' pre-activation gradients)."""
    steps = len(cache)
    dh = np.zeros_like(g_out[0])
    dc = np.zeros_like(dh)
    gx = np.zeros((steps, g_out.shape[1], w.shape[0]))
    for t in range(steps - 1, -1, -1):
        cp, i, f, g, o, tc = cache[t]
        dh = dh + g_out[t]
        dc = dc + dh * o * (1 - tc ** 2)
        da = np.concatenate([dc * g * i * (1 - i), dc * cp * f * (1 - f), dc * i * (1 - g ** 2),
                             dh * tc * o * (1 - o)], axis=1)
        gx[t] = da @ w.T
        if das is not None:
            das[t] = da
        dh = da @ u.T
        dc = dc * f
    return gx, (gx ** 2).mean(axis=(1, 2))


def through_time(depth, steps, width, kernel, recurrent, forget_bias, seed, wg=None):
    """The first layer's through-time decades; wg (depth), when given, gets each layer's input-kernel
    gradient mean square added per batch (what the verifier's weight-gradient RMS reads)."""
    rng = np.random.default_rng(seed)
    layers, fan = [], FEATURES
    b = np.zeros(4 * width)
    b[width:2 * width] = forget_bias
    for _ in range(depth):
        layers.append((gru.init(kernel, (fan, 4 * width), rng), gru.init(recurrent, (width, 4 * width), rng)))
        fan = width
    dense = gru.init('glorot_uniform', (width, CLASSES), rng)
    ms = np.zeros(steps)
    for _ in range(BATCHES):
        inp = rng.standard_normal((steps, BATCH, FEATURES))
        caches, ins = [], []
        for w, u in layers:
            ins.append(inp)
            inp, cache = forward(inp, w, u, b, width)
            caches.append(cache)
        g = gru.head_gradient(inp[-1], dense, rng, steps)
        for i in range(depth - 1, -1, -1):
            das = None if wg is None else np.zeros((steps, BATCH, 4 * width))
            g, m = backward(caches[i], *layers[i], width, g, das)
            if wg is not None:
                wg[i] += (np.einsum('tbi,tbj->ij', ins[i], das) ** 2).mean()
        ms += m
    with np.errstate(divide='ignore'):
        return 0.5 * np.log10(ms[0] / ms[-1])


def parse(case):
    parts = case.split('-')
    return (int(parts[2][1:]), int(parts[3][1:]), int(parts[4][1:]), parts[5], parts[6],
            1.0 if parts[7] == 'fb1' else 0.0)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    case = args[0]
    nets = int(args[1]) if len(args) > 1 else 8
    v = np.array([through_time(*parse(case), s) for s in range(nets)])
    print('%s networks %s mean %.2f sd %.2f' % (case, np.round(v, 2), v.mean(), v.std()))


if __name__ == '__main__':
    main()
