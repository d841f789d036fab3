#!/usr/bin/env python3
"""A Keras SimpleRNN stack as the sequence evaluation builds it, with an exact backward pass in NumPy.

Same protocol as scripts/gru-through-time.py (whose initialisers and data it reuses): `depth`
SimpleRNNs of `width` units, h_t = phi(W x_t + U h_(t-1)), biases zero, over `steps` steps of 16
features N(0, 1), all but the last returning their sequence, a 5-way softmax on the last step,
two batches of 16 per network; the through-time figure is the first layer's log10 RMS gradient at
its input's first step over its last. `identity` / `identityG` is Keras's Identity(gain).

  --stats   the first layer's per-step moments (E[h^2], E[a^2], E[phi'], E[phi'^2]) and the
            gradient's mean square at the first layer's pre-activation at a few steps

  --layers  per layer: the state's RMS, E[phi'^2], the input's lag-one correlation over the steps,
            the figure at the layer's input as the network passes it, and the layer's own figure
            (gradient entering its last step only) with its slopes as they are, permuted over each
            unit's steps, taken from other units, and with the recurrent kernel drawn afresh at
            every step (what mean field assumes). On simplernn-tanh-d3-t100-w32-glorot_uniform-
            normal0.1-11 (8 networks) the tied kernel is worth 2.2, 0.8 and 1.6 decades over a
            fresh one, the slopes' order nothing; on the identity stack -19 the departure from the
            analysis is the first layer alone (docs/theory.md 8.7, *The weights' shape*).

  --fresh   every layer's recurrent kernel drawn afresh at every step of the backward pass (the
            forward pass as built): what mean field assumes, the tying isolated

Usage: scripts/simplernn-through-time.py CASE-ID [NETWORKS] [--stats | --layers | --fresh]
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


def backward(pre, w, u, act, g_out, stats=None, das=None, fresh=None):
    """The exact backward pass; with `fresh` (a generator) the recurrent kernel is drawn afresh, at
    its own RMS, at every step back (mean field's assumption), the forward pass left as it was."""
    dh = np.zeros_like(g_out[0])
    gx = np.zeros((len(pre), g_out.shape[1], w.shape[0]))
    for t in range(len(pre) - 1, -1, -1):
        da = (dh + g_out[t]) * slope(act, pre[t])
        if stats is not None:
            stats[t, 4] += (da * da).mean()
        gx[t] = da @ w.T
        if das is not None:
            das[t] = da
        k = u if fresh is None else fresh.standard_normal(u.shape) * np.sqrt((u ** 2).mean())
        dh = da @ k.T
    return gx, (gx ** 2).mean(axis=(1, 2))


def network(depth, width, kernel, recurrent, rng):
    """The stack's (input kernel, recurrent kernel) per layer and the output Dense's kernel, drawn
    from rng in the order the evaluation draws them."""
    layers, fan = [], FEATURES
    for _ in range(depth):
        layers.append((init(kernel, (fan, width), rng), init(recurrent, (width, width), rng)))
        fan = width
    return layers, init('glorot_uniform', (width, CLASSES), rng)


def through_time(act, depth, steps, width, kernel, recurrent, seed, stats=None, wg=None, fresh=False):
    """The first layer's through-time decades; wg (depth), when given, gets each layer's input-kernel
    gradient mean square added per batch (what the verifier's weight-gradient RMS reads); fresh: every
    layer's recurrent kernel drawn afresh at every step of the backward pass."""
    rng = np.random.default_rng(seed)
    frng = np.random.default_rng(3000 + seed) if fresh else None
    layers, dense = network(depth, width, kernel, recurrent, rng)
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
            g, m = backward(pres[i], *layers[i], act, g, stats if i == 0 else None, das, frng)
            if wg is not None:
                wg[i] += (np.einsum('tbi,tbj->ij', ins[i], das) ** 2).mean()
        ms += m
    return 0.5 * np.log10(ms[0] / ms[-1])


def own_figure(pre, u, act, g_last, slopes=None, fresh=None):
    """log10 RMS of the pre-activation gradient at the first step over the last for a gradient
    entering at the last step only; slopes replaced by `slopes` (steps, batch, width) where given,
    the recurrent kernel drawn afresh at every step by `fresh` (a generator) where given."""
    steps = len(pre)
    d = g_last
    first = last = None
    for t in range(steps - 1, -1, -1):
        s = slope(act, pre[t]) if slopes is None else slopes[t]
        da = d * s
        if t == steps - 1:
            last = (da * da).mean()
        first = (da * da).mean()
        k = u if fresh is None else fresh.standard_normal(u.shape) * np.sqrt((u ** 2).mean())
        d = da @ k.T
    return 0.5 * np.log10(first / last)


def layers_report(act, depth, steps, width, kernel, recurrent, nets):
    """Per layer: the state's RMS, E[phi'^2] past the start-up, the input's lag-one correlation over
    the steps (its pre-activation's input part), the gradient's figure at the layer's input as the
    network passes it (first step over last), and the layer's own figure (gradient entering its last
    step only) with its slopes as they are, permuted over each unit's steps, taken at each step
    from other units and examples, and with the recurrent kernel drawn afresh at every step."""
    rows = np.zeros((depth, 8))
    for seed in range(nets):
        rng = np.random.default_rng(seed)
        layers, dense = network(depth, width, kernel, recurrent, rng)
        prng = np.random.default_rng(1000 + seed)
        ms = np.zeros((depth, steps))
        for _ in range(BATCHES):
            inp = rng.standard_normal((steps, BATCH, FEATURES))
            pres = []
            for k, (w, u) in enumerate(layers):
                drive = inp @ w
                out, pre = forward(inp, w, u, act)
                pres.append(pre)
                pre_a = np.array(pre)
                sl = slice(min(10, steps // 4), None)
                s = slope(act, pre_a)
                x = drive[sl] - drive[sl].mean(axis=0)
                lag1 = (x[1:] * x[:-1]).mean() / (x * x).mean()
                g = prng.standard_normal((BATCH, width))
                flat = s.reshape(steps, -1)
                within = np.take_along_axis(flat, np.argsort(prng.random(flat.shape), axis=0), axis=0)
                across = np.take_along_axis(flat, np.argsort(prng.random(flat.shape), axis=1), axis=1)
                figs = [own_figure(pre, u, act, g), own_figure(pre, u, act, g, within.reshape(s.shape)),
                        own_figure(pre, u, act, g, across.reshape(s.shape)),
                        own_figure(pre, u, act, g, fresh=np.random.default_rng(2000 + seed))]
                rows[k, :3] += np.array([(out ** 2).mean(), (s[sl] ** 2).mean(), lag1]) / (nets * BATCHES)
                rows[k, 3:7] += np.array(figs) / (nets * BATCHES)
                inp = out
            g = gru.head_gradient(inp[-1], dense, rng, steps)
            for i in range(depth - 1, -1, -1):
                g, m = backward(pres[i], *layers[i], act, g)
                ms[i] += m
        rows[:, 7] += 0.5 * np.log10(ms[:, 0] / ms[:, -1]) / nets
    for k in range(depth):
        h2, s2, lag1, own, within, across, fresh, time = rows[k]
        print("layer %d: state RMS %.4f E[phi'^2] %.4f input lag-1 corr %.3f | through time %.2f | own: as is %.2f, "
              "slopes permuted over the steps %.2f, from other units %.2f, kernel fresh per step %.2f"
              % (k + 1, np.sqrt(h2), s2, lag1, time, own, within, across, fresh))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    flags = {a for a in sys.argv[1:] if a.startswith('--')}
    case = args[0]
    nets = int(args[1]) if len(args) > 1 else 8
    parts = case.split('-')
    act = parts[1]
    depth, steps, width = int(parts[2][1:]), int(parts[3][1:]), int(parts[4][1:])
    kernel, recurrent = parts[5], parts[6]
    if '--layers' in flags:
        layers_report(act, depth, steps, width, kernel, recurrent, nets)
        return
    stats = np.zeros((steps, 5)) if '--stats' in flags else None
    v = np.array([through_time(act, depth, steps, width, kernel, recurrent, s, stats, fresh='--fresh' in flags)
                  for s in range(nets)])
    print('%s networks %s mean %.2f sd %.2f' % (case, np.round(v, 2), v.mean(), v.std()))
    if stats is not None:
        stats /= nets * BATCHES
        names = ['E[h_prev^2]', 'E[a^2]', "E[phi']", "E[phi'^2]", 'E[da^2]']
        for t in sorted({0, 1, 5, 10, 25, steps // 2, steps - 2, steps - 1}):
            print('step %3d  ' % t + '  '.join('%s %.4g' % (k, x) for k, x in zip(names, stats[t])))


if __name__ == '__main__':
    main()
