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

  --layers          every layer's own figure (gradient entering its last step only) with its forget
                    gate as the network has it, permuted over each unit's steps, and taken at each step
                    from other units and examples, and with every factor of a unit (cell, gates,
                    candidate, tanh(c)) permuted over its steps together; each layer's per-step moments (E[f], E[f^2], the
                    input and output gates, the candidate's second moment and slope, the candidate's
                    pre-activation, the cell's second moment before the step, tanh'(c)^2, tanh(c)^2,
                    the previous state's); the forget gate pre-activation's autocorrelation, lags 1-4;
                    the own figure without the recurrent kernel in the backward pass (forget gate as it
                    is and permuted); the frozen-gate estimate of the order's worth (edge())
  --stack           the stack's figure (the first layer's, the gradient passed down through every layer)
                    with chosen factors of the upper layers, or of the first, permuted over each unit's
                    steps in the backward pass (STACK_VARIANTS)
  --frozen-toy      edge() against a 1,024-wide simulation of a frozen diagonal plus a tied Gaussian matrix
  --walk-toy        walk_gain() against a 1,024-wide simulation of a diagonal that persists as an AR(1)
  --split           the figure at every layer's input, with one upper layer's input shuffled or its
                    factors permuted over the steps (split_report)
  --walk            every layer's own figure as it is and with every factor from other unit-examples,
                    and walk_gain()'s lift from the network's own gate and tied gain (walk_report)
  --shuffle-inputs  with --layers or --stack: each layer above the first reads its input's steps permuted
                    per example (every step's moments kept, as the analysis's forward pass assumes)

What --layers showed (issue 19, the LSTM through-time misses; 2 networks each, the analysis's
per-step moments from a debugging print of Recurrence.forward, not kept). The first layer's moments
agree with the analysis within 1-3% (E[f] 0.674 / 0.67-0.68, E[a_g^2] 2.04 / 1.95-2.17, cell 0.343
/ 0.36-0.38 at step 100 of lstm-tanh-d4-t200-w64-he_normal-normal0.1-fb1-10), and so do every
layer's gates (E[f], E[f^2], E[i^2], E[o^2] within 1%). What differs is the upper layers' cell and
state: the analysis's cell second moment before the last step, against NumPy's, layer 2 / 3 / 4
  d4-t200 He/N(0, 0.1) fb1-10      0.064 / 0.016 / 0.0045   against 0.242 / 0.306 / 0.384
  d6-t200 LeCun/N(0, 0.01) fb1-2   0.024 / 0.0031 / 0.0004  against 0.073 / 0.041 / 0.029 (layer 6 1e-5 / 0.014)
  d3-t50 He/orthogonal fb1-5       0.061 / 0.015            against 0.178 / 0.191
  d4-t200 He/N(0, 0.1) fb0-14      0.033 / 0.0054 / 0.0009  against 0.055 / 0.022 / 0.010
  d4-t25 Glorot fb0-15             0.0011 / 2e-5            against 0.0019 / 1e-4 (negligible either way)
falling by a factor 4-8 a layer where the network's stays level: the cell sums the candidate over
about 1 / (1 - E[f]) steps, and above the first layer the candidate's input (the state below) is
correlated from step to step (forget pre-activation lag-one 0.6, 0.94, 0.99 in layers 2-4 of the
first case), so the sum adds amplitudes where the analysis adds energies (docs/theory.md 8.8's
forward correlation, which waits). Shuffling each layer's input steps (--shuffle-inputs) takes the
first case's second-layer cell from 0.242 to 0.109 (analysis 0.064); the layers above keep a slow
per-example component that a permutation does not remove (0.118, 0.230). The analysis's small
upper cells give slopes near 1 (tanh'(c)^2 0.99 against 0.66), so in the first case the upper
layers' own figures decay too slowly: layer 2 / 3 / 4 own -10.27 / -7.74 / -7.09 decades in the
analysis, -9.20 / -10.07 / -9.97 in NumPy (first layer -22.26 / -22.77). In the other cases the
own figures are close or the other way (d6 LeCun: layers 2-6 -25.2 to -25.5 against -24.0 to
-24.6; d3 He/orthogonal -4.35 / -3.92 against -4.22 / -3.87; d4-t25 Glorot -4.80 against -4.68 to
-4.88; d4 fb0: -33.98 / -31.94 / -31.58 against -31.11 / -33.17 / -32.04), so their misses lie in
how the layers' gradients combine (8.8's alignment, fed by the same small states), not in one
layer's decay. The forget gate's order over the steps is worth 0.3-1.1 decades per upper layer
(first case 1.03 / 0.93 / 0.93; d6 LeCun 0.3-0.4; d4-t25 Glorot 0), less than the states' miss;
the order of all the factors together 1.2 / 1.6 / 1.75 in the first case (own figures with every
factor permuted -10.41 / -11.69 / -11.72), 0.2-1.0 in the fb0 case, 0.2-0.4 in the others.

Tried in the analysis and not kept (the rows got worse): the LSTM's steps as a stationary process
(the cell keeping E[f] of itself, the candidate's linear part with the pre-activation's spectrum, the
input's from the LSTM below, the own state's fed back; gates' fluctuations and non-linear parts
white), solved for the stationary moments and the state's spectrum, and the steps run again for the
figures through the steps only, the cell summing the candidate with the pre-activation's lag
correlation. It gets the states: first case's upper cells 0.186 / 0.199 / 0.239 (NumPy 0.242 /
0.306 / 0.384, mean field 0.064 / 0.016 / 0.0045), d6 LeCun 0.067 / 0.035 / 0.023 / 0.016 / 0.012
(NumPy 0.073 / 0.041 / 0.029 / - / 0.014), d3 He/orthogonal 0.159 / 0.148 (0.178 / 0.191), fb0
0.051 / 0.018 / 0.008 (0.055 / 0.022 / 0.010); its pre-activations' lag-one correlation 0.57 / 0.90
/ 0.95 up the first case's stack (NumPy 0.6 / 0.94 / 0.99). With those states the upper layers'
own figures fall to -11.96 / -11.22 / -11.70, NumPy's with every factor's order broken (above),
and the first case's figure to -8.42 (DL4J -5.93, NumPy -6.44): the small states had stood in for
the factors' correlation over the steps, which the analysis does not have for an LSTM. The LSTM
family's through-time row went from median 0.059 / p90 0.809 / largest 2.37 to 0.088 / 1.337 /
2.76; adding section 8.9's walk with the forget gate's AR(1) memory (rho 0.66 / 0.85 / 0.89 from
the same spectrum, the candidate's factors independent of the gate) moved the upper layers' own
figures by -0.1 to -0.2 where NumPy's forget-gate order is worth +0.7 to +1.1 (0.126 / 1.303 /
2.92), so both wait for a model of the whole cell path's correlation over the steps.

Where the order is worth something (issue 19, round 8; --layers, 2 networks): only through the
recurrent kernel. With the kernel left out of the backward pass (each unit's own cell and gates
alone) the forget gate's order is worth 0.00-0.10 decades in every layer of four stacks (first case
-21.73 / -21.76, -19.65 / -19.70, -18.78 / -18.84 in layers 2-4), against 0.72 / 1.12 / 0.97 with
it. So it is not the second moment of one unit's product of gates (which is what section 8.9's walk
holds at d = 0, and why that walk with the forget gate's memory did nothing for an LSTM), but the
paths that keep a unit between two applications of the tied kernel, and a pair of paths meeting the
same unit at different steps. In the frozen limit (each unit keeps its gate d) the sum over pairs
of paths closes as b E[1 / (z - d)^2] = 1 (the edge of the spectrum of diag(d) + a Ginibre matrix
of radius sqrt(b), Brown measure; constant d gives section 8.5's E[f] + sqrt(b)). edge() solves it
with the unit-examples' persistent forget gate and b from the permuted figure's step gain: in the
first case it gives 0.35 / 0.31 / 0.70 / 0.77 decades for layers 1-4 where the order is worth 0.35
/ 0.72 / 1.12 / 0.97; in the fb0 case 0.18 / 0.21 / 0.16 / 0.07 against -0.54 / 0.74 / 0.48 / 0.19;
in d3 He/orthogonal 0.18 / 0.21 / 0.31 against -0.02 / 0.14 / 0.17; in d6 LeCun/N(0, 0.01), whose
recurrent path is small and whose gain above E[f] is not the kernel's, 0.6-1.4 against -0.16-0.40.
Right in direction and size for the He/N(0, 0.1) stacks' upper layers, not yet a model: the
persistence between tied-kernel applications (finite rho) and b from the analysis's own moments
are left.

What --stack showed (issue 19, round 9; 4 networks each, the mean of the first layer's figure).
Columns: as it is / the upper layers' every factor permuted over the steps / their forget gate only /
their output gate and tanh(c) only / the first layer's every factor; then with the upper layers'
inputs shuffled over the steps: as it is / every upper factor permuted; the analysis.
  d4-t200 He/N(0, 0.1) fb1-10      -6.43 / -7.91 / -7.38 / -6.27 / -6.36 | -4.86 / -4.97 | -4.63
  d4-t200 He/N(0, 0.1) fb0-14      -28.28 / -28.79 / -28.73 / -28.33 / -28.32 | -28.38 / -28.34 | -29.07
  d6-t200 LeCun/N(0, 0.01) fb1-2   -16.65 / -16.95 / -16.94 / -16.65 / -16.64 | -16.82 / -16.83 | -17.26
  d3-t50 He/orthogonal fb1-5       -2.23 / -2.37 / -2.38 / -2.19 / -2.19 | -2.14 / -2.15 | -2.31
  d4-t25 Glorot fb0-15             -2.20 / -2.20 / -2.20 / -2.20 / -2.18 | -2.20 / -2.20 | -2.35
  d4-t200 He/N(0, 0.01) fb0-6      -49.20 / -50.18 / -50.06 / - / -49.21 | -49.91 / -50.21 | -46.82
  d2-t200 LeCun/N(0, 0.01) fb0-7   -54.40 / -54.57 / -54.56 / - / -54.22 | -54.64 / -54.65 | -51.90
The order of the factors over the steps is worth something in the upper layers only, and there it
is the forget gate's (the output gate's and tanh(c)'s order, which come after the recurrent kernel,
is worth -0.16 to +0.05; the input gate's and the candidate's 0.34 in the first case and 0.00-0.03
in the others, and nothing beyond the forget gate's when both are permuted; the first layer's
-0.18 to +0.04). With the upper layers' inputs shuffled over the steps the order is worth -0.04 to
+0.11 (0.30 in the He/N(0, 0.01) stack, 0.98 unshuffled): the upper forget gates persist because
their input, the state below, does. And the analysis then sits near the shuffled network (the
first case -4.63 against -4.86, the others within 0.15-0.69), while the network as it is falls 1.6 decades below it
in the first case: its input's correlation over the steps is worth -2.9 through the states (cells
summing correlated candidates) and +1.5 back through the persistent forget gates. The two 200-step
N(0, 0.01) stacks are the exception: the analysis is 2.5-3 decades above the network, shuffled or
not, and a batch four or sixteen times larger moves the network by +0.4 (2-layer case: -54.29,
-53.91, -53.93 at batches of 16, 64 and 256, 3 networks), so that miss is neither the steps'
correlation nor the sample.

Usage: scripts/lstm-through-time.py CASE-ID [NETWORKS] [--layers | --stack | --split | --walk] [--shuffle-inputs]
       scripts/lstm-through-time.py --frozen-toy | --walk-toy
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


STATS = ['E[f]', 'E[f^2]', 'E[i]', 'E[i^2]', 'E[o]', 'E[o^2]', 'E[g^2]', "E[tanh'(a_g)^2]", 'E[a^2]',
         'E[c_prev^2]', "E[tanh'(c)^2]", 'E[tanh(c)^2]', 'E[h_prev^2]']


def forward(inp, w, u, b, n, stats=None):
    """One LSTM over inp (steps, batch, features); returns its states and what the backward pass
    needs; stats (steps, len(STATS)), when given, gets each step's moments added."""
    h = np.zeros((inp.shape[1], n))
    c = np.zeros_like(h)
    outs, cache = [], []
    for t in range(inp.shape[0]):
        a = inp[t] @ w + h @ u + b
        i, f, g, o = sigmoid(a[:, :n]), sigmoid(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sigmoid(a[:, 3 * n:])
        cp = c
        c = f * cp + i * g
        tc = np.tanh(c)
        if stats is not None:
            stats[t] += [f.mean(), (f * f).mean(), i.mean(), (i * i).mean(), o.mean(), (o * o).mean(), (g * g).mean(),
                         ((1 - g ** 2) ** 2).mean(), (a[:, 2 * n:3 * n] ** 2).mean(), (cp * cp).mean(),
                         ((1 - tc ** 2) ** 2).mean(), (tc * tc).mean(), (h * h).mean()]
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
    layers, b = network(depth, width, kernel, recurrent, forget_bias, rng)
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


def network(depth, width, kernel, recurrent, forget_bias, rng):
    """The stack's input and recurrent kernels (drawn in Keras's order) and the gates' bias."""
    layers, fan = [], FEATURES
    b = np.zeros(4 * width)
    b[width:2 * width] = forget_bias
    for _ in range(depth):
        layers.append((gru.init(kernel, (fan, 4 * width), rng), gru.init(recurrent, (width, 4 * width), rng)))
        fan = width
    return layers, b


def backward_factors(factors, steps, w, u, g_out):
    """backward()'s gradient at the layer's input per step with each step's factors (the cell before
    the step, the input, forget, candidate and output gates, tanh(c)) as factors(t) gives them."""
    dh = np.zeros_like(g_out[0])
    dc = np.zeros_like(dh)
    gx = np.zeros((steps, g_out.shape[1], w.shape[0]))
    for t in range(steps - 1, -1, -1):
        cp, i, f, g, o, tc = factors(t)
        dh = dh + g_out[t]
        dc = dc + dh * o * (1 - tc ** 2)
        da = np.concatenate([dc * g * i * (1 - i), dc * cp * f * (1 - f), dc * i * (1 - g ** 2),
                             dh * tc * o * (1 - o)], axis=1)
        gx[t] = da @ w.T
        dh = da @ u.T
        dc = dc * f
    return gx


def mean_square(gx):
    return (gx ** 2).mean(axis=(1, 2))


def backward_forget(cache, w, u, n, g_out, fs):
    """backward()'s mean square per step with the forget gate replaced by fs (steps, batch, n)."""
    def factors(t):
        cp, i, _, g, o, tc = cache[t]
        return cp, i, fs[t], g, o, tc
    return mean_square(backward_factors(factors, len(cache), w, u, g_out))


def backward_permuted(cache, w, u, n, g_out, idx):
    """backward()'s mean square per step with every factor of one unit and example (the cell before
    the step, the gates, the candidate, tanh(c)) taken from the step idx (steps, batch, n) says: the
    same permutation of the steps for all of them, which keeps their joint moments at a step and
    breaks their order."""
    arrs = [np.take_along_axis(np.array([c[k] for c in cache]), idx, axis=0) for k in range(6)]
    return mean_square(backward_factors(lambda t: tuple(a[t] for a in arrs), len(cache), w, u, g_out))


def layers_report(depth, steps, width, kernel, recurrent, forget_bias, nets, shuffle=False):
    """Every layer's own figure (gradient entering its last step only), its forget gate as the
    network has it, permuted over each unit's steps and taken at each step from other units and
    examples (with shuffle, each layer above the first reads its input's steps permuted per
    example, which keeps every step's moments: the forward pass mean field assumes); each layer's per-step moments (printed at a few steps) and the forget gate's
    pre-activation autocorrelation at lags 1-4 past the start-up."""
    own = np.zeros((depth, 6))
    stats = np.zeros((depth, steps, len(STATS)))
    acfs = np.zeros((depth, 4))
    frozen = [[] for _ in range(depth)]
    for seed in range(nets):
        rng = np.random.default_rng(seed)
        layers, b = network(depth, width, kernel, recurrent, forget_bias, rng)
        prng = np.random.default_rng(1000 + seed)
        ms = np.zeros((depth, 6, steps))
        for _ in range(BATCHES):
            inp = rng.standard_normal((steps, BATCH, FEATURES))
            for k, (w, u) in enumerate(layers):
                n = width
                if shuffle and k > 0:
                    for e in range(BATCH):
                        inp[:, e] = inp[prng.permutation(steps), e]
                out, cache = forward(inp, w, u, b, n, stats[k])
                hs = np.concatenate([np.zeros((1, BATCH, n)), out[:-1]])
                af = np.einsum('tbi,ij->tbj', inp, w[:, n:2 * n]) + np.einsum('tbi,ij->tbj', hs, u[:, n:2 * n]) + b[n:2 * n]
                f = sigmoid(af)
                g = np.zeros((steps, BATCH, n))
                g[-1] = rng.standard_normal((BATCH, n))
                flat = f.reshape(steps, -1)
                within = np.take_along_axis(flat, np.argsort(prng.random(flat.shape), axis=0), axis=0)
                across = np.take_along_axis(flat, np.argsort(prng.random(flat.shape), axis=1), axis=1)
                for j, fs in enumerate((f, within.reshape(f.shape), across.reshape(f.shape))):
                    ms[k, j] += backward_forget(cache, w, u, n, g, fs)
                ms[k, 3] += backward_permuted(cache, w, u, n, g, np.argsort(prng.random(f.shape), axis=0))
                # without the recurrent kernel in the backward pass: one unit's own path only
                ms[k, 4] += backward_forget(cache, w, 0 * u, n, g, f)
                ms[k, 5] += backward_forget(cache, w, 0 * u, n, g, within.reshape(f.shape))
                sl = slice(steps // 4, None)
                a = af[sl] - af[sl].mean(axis=(1, 2), keepdims=True)
                v = (a ** 2).mean()
                acfs[k] += np.array([(a[lag:] * a[:-lag]).mean() / v for lag in range(1, 5)]) / (nets * BATCHES)
                # the forget gate's part that persists over the steps at one unit and example: each
                # one's mean over the second half, scaled to the covariance of its two quarters' means
                # (what stays from one quarter to the next, without the sampling noise of the mean)
                fq = f[steps // 2:]
                h2 = fq.shape[0] // 2
                fa, fb_ = fq[:h2].mean(axis=0).ravel(), fq[h2:].mean(axis=0).ravel()
                fbar = fq.mean(axis=0).ravel()
                cov = ((fa - fa.mean()) * (fb_ - fb_.mean())).mean()
                scale = np.sqrt(max(cov, 0) / max(fbar.var(), 1e-300))
                frozen[k].append(fq.mean() + (fbar - fbar.mean()) * scale)
                inp = out
        own += 0.5 * np.log10(ms[:, :, 0] / ms[:, :, -1]) / nets
    stats /= nets * BATCHES
    for k in range(depth):
        print('layer %d own: forget gate as it is %.2f, permuted over the steps %.2f, from other units %.2f, '
              'every factor permuted over the steps %.2f; without the recurrent kernel back: forget gate '
              'as it is %.2f, permuted %.2f | '
              'forget pre-activation acf %s' % (k + 1, *own[k], np.round(acfs[k], 2)))
        d = np.concatenate(frozen[k])
        z0, z = edge(own[k, 1], d, steps)
        print('  frozen forget gate: spread over unit-examples %.3f; with the permuted figure\'s step gain %.4f the '
              'tied kernel\'s edge is %.4f, a lift of %.2f decades (the order measured above: %.2f)'
              % (d.std(), z0, z, (steps - 1) * np.log10(z / z0), own[k, 0] - own[k, 1]))
        for t in sorted({0, 1, 5, steps // 2, steps - 1}):
            print('  step %3d  ' % t + '  '.join('%s %.4f' % (nm, x) for nm, x in zip(STATS, stats[k, t])))


# the factors of a cache entry (cp, i, f, g, o, tc) each variant of --stack permutes over a unit's steps
STACK_VARIANTS = [('as it is', None, ()), ('upper layers, every factor', 'upper', range(6)),
                  ('upper layers, forget gate', 'upper', (2,)), ('upper layers, all but the forget gate', 'upper',
                                                                  (0, 1, 3, 4, 5)),
                  ('upper layers, input gate and candidate', 'upper', (1, 3)),
                  ('upper layers, output gate and tanh(c)', 'upper', (4, 5)),
                  ('first layer, every factor', 'first', range(6))]


def stack_figure(depth, steps, width, kernel, recurrent, forget_bias, seed, layers_of, factors, shuffle):
    """The first layer's through-time decades of one network, the backward pass through the whole
    stack with the given factors of the layers layers_of names ('upper', 'first' or none) permuted
    over each unit's steps (one permutation per layer, unit and example for all of them: their joint
    moments at a step kept, their order broken); with shuffle, each layer above the first reads its
    input's steps permuted per example in the forward pass (inputs uncorrelated from step to step, as
    the analysis's moments take them, every step's moments kept)."""
    rng = np.random.default_rng(seed)
    layers, b = network(depth, width, kernel, recurrent, forget_bias, rng)
    dense = gru.init('glorot_uniform', (width, CLASSES), rng)
    prng = np.random.default_rng(777 + seed)
    which = {'upper': range(1, depth), 'first': (0,)}.get(layers_of, ())
    ms = np.zeros(steps)
    for _ in range(BATCHES):
        ms += stack_batch(layers, b, dense, rng, prng, steps, width, range(1, depth) if shuffle else (), which,
                          factors)[0]
    return 0.5 * np.log10(ms[0] / ms[-1])


def stack_batch(layers, b, dense, rng, prng, steps, width, shuffle, permute, factors):
    """One batch through the stack: the layers whose index is in `shuffle` read their input's steps
    permuted per example in the forward pass; in the backward pass the given factors of the layers in
    `permute` are permuted over each unit's steps. Returns the gradient's mean square at every layer's
    input, per step (layer 0 first)."""
    inp = rng.standard_normal((steps, BATCH, FEATURES))
    caches = []
    for k, (w, u) in enumerate(layers):
        if k in shuffle:
            for e in range(BATCH):
                inp[:, e] = inp[prng.permutation(steps), e]
        inp, cache = forward(inp, w, u, b, width)
        caches.append(cache)
    g = gru.head_gradient(inp[-1], dense, rng, steps)
    ms = np.zeros((len(layers), steps))
    for k in range(len(layers) - 1, -1, -1):
        arrs = [np.array([c[j] for c in caches[k]]) for j in range(6)]
        if k in permute:
            idx = np.argsort(prng.random(arrs[0].shape), axis=0)
            for j in factors:
                arrs[j] = np.take_along_axis(arrs[j], idx, axis=0)
        g = backward_factors(lambda t: tuple(a[t] for a in arrs), steps, *layers[k], g)
        ms[k] = mean_square(g)
    return ms


def stack_report(case, nets, shuffle):
    """--stack: the stack's figure with each variant's factors permuted over the steps."""
    for name, layers_of, factors in STACK_VARIANTS:
        v = np.array([stack_figure(*parse(case), s, layers_of, factors, shuffle) for s in range(nets)])
        print('%s%-40s %s mean %.2f' % ('inputs shuffled, ' if shuffle else '', name, np.round(v, 2), v.mean()),
              flush=True)


def edge(permuted, d, steps):
    """The step gain z0 of a layer's figure with its forget gate permuted over the steps (docs/theory.md
    8.8), and the largest real z with b E[1 / (z - d)^2] = 1, b = (z0 - mean d)^2: the edge of the
    spectrum of diag(d) + a tied random matrix of radius sqrt(b) (Brown measure of a diagonal plus a
    Ginibre matrix), the step gain when each unit keeps its forget gate d over the steps."""
    z0 = 10 ** (permuted / (steps - 1))
    sb2 = max(z0 - d.mean(), 0) ** 2
    lo = d.max()

    def excess(z):
        return sb2 * np.mean(1 / (z - d) ** 2) - 1
    if sb2 == 0 or excess(lo + 1e-12) <= 0:
        return z0, max(lo, z0)
    a, c = lo + 1e-12, lo + 10
    for _ in range(200):
        m = 0.5 * (a + c)
        a, c = (m, c) if excess(m) > 0 else (a, m)
    return z0, 0.5 * (a + c)


def frozen_toy(width=1024, steps=150, nets=3):
    """edge() against a simulation: v <- d v + R v, d = sigmoid(1 + s xi) drawn once per unit and kept
    over the steps, R Gaussian of radius sqrt(b), the amplitude's gain per step over the second half."""
    for s, b in ((0.5, 0.04), (1.0, 0.04), (1.0, 0.01), (2.0, 0.02)):
        rates = []
        for seed in range(nets):
            rng = np.random.default_rng(seed)
            d = sigmoid(1 + s * rng.standard_normal(width))
            r = rng.standard_normal((width, width)) * np.sqrt(b / width)
            v = rng.standard_normal(width)
            total = half = 0.0
            for t in range(steps):
                v = d * v + r @ v
                n = v @ v
                total += 0.5 * np.log10(n)
                v /= np.sqrt(n)
                if t == steps // 2 - 1:
                    half = total
            rates.append((total - half) / (steps - steps // 2))
        dd = sigmoid(1 + s * np.random.default_rng(99).standard_normal(200_000))
        z0 = dd.mean() + np.sqrt(b)
        print('pre-activation sd %.1f, b %.2f: simulated %+.4f decades a step, edge %+.4f, constant diagonal E[d] + '
              'sqrt(b) %+.4f' % (s, b, np.mean(rates), np.log10(edge(np.log10(z0) * (steps - 1), dd, steps)[1]),
                                 np.log10(z0)))


def split_report(case, nets):
    """--split: the figure at every layer's input (the stack's gradient passed down, each layer's
    first step over its last), as the network is, with one upper layer's input shuffled over the steps
    (which also decorrelates the layers above it), with every factor or the forget gate alone of one
    upper layer permuted over each unit's steps, and with all upper layers treated so."""
    depth, steps, width, kernel, recurrent, forget_bias = parse(case)

    def figures(shuffle=(), permute=(), factors=range(6)):
        res = np.zeros(depth)
        for seed in range(nets):
            rng = np.random.default_rng(seed)
            layers, b = network(depth, width, kernel, recurrent, forget_bias, rng)
            dense = gru.init('glorot_uniform', (width, CLASSES), rng)
            prng = np.random.default_rng(777 + seed)
            ms = np.zeros((depth, steps))
            for _ in range(BATCHES):
                ms += stack_batch(layers, b, dense, rng, prng, steps, width, shuffle, permute, factors)
            res += 0.5 * np.log10(ms[:, 0] / ms[:, -1]) / nets
        return res
    upper = tuple(range(1, depth))
    rows = [('as it is', {})]
    rows += [('input of layer %d shuffled' % (k + 1), {'shuffle': (k,)}) for k in upper]
    rows += [('layer %d, every factor permuted' % (k + 1), {'permute': (k,)}) for k in upper]
    rows += [('layer %d, forget gate permuted' % (k + 1), {'permute': (k,), 'factors': (2,)}) for k in upper]
    rows += [('upper layers, every factor permuted', {'permute': upper}),
             ('upper layers\' inputs shuffled', {'shuffle': upper})]
    for name, kw in rows:
        print('%-40s %s' % (name, ' '.join('L%d %7.2f' % (k + 1, v) for k, v in enumerate(figures(**kw)))),
              flush=True)


def walk_gain(mu, sd, rho, b, nodes=41):
    """The step gain z of a tied random recurrent kernel of gain b beside a diagonal (the forget
    gate) that persists over the steps (docs/theory.md 8.8): the gate's pre-activation N(mu, sd^2) an
    AR(1) process of lag-one correlation rho, held on a grid of its standardised value. A gradient
    arriving on a unit through the kernel stays there for some steps, multiplied by that unit's gates,
    and leaves through the kernel again; X = sum over stays of their products over z^(stay + 1)
    satisfies X_t = (1 + d_t X_(t-1)) / z, and the pair of paths that the tied kernel adds
    coherently closes when b E[X^2] = 1. The largest such z (or the Neumann series' radius)."""
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    d = sigmoid(mu + sd * x)
    if rho <= 0:
        p = np.tile(w, (nodes, 1))
    else:
        p = np.exp(-0.5 * ((x[None, :] - rho * x[:, None]) ** 2 / (1 - rho ** 2) - x[None, :] ** 2)) * w[None, :]
        p /= p.sum(axis=1, keepdims=True)
    eye = np.eye(nodes)

    def excess(z):
        m1 = np.linalg.solve(z * eye - d[:, None] * p, np.ones(nodes))
        m2 = np.linalg.solve(z * z * eye - (d * d)[:, None] * p, 1 + 2 * d * (p @ m1))
        return b * (w @ m2) - 1
    lo = max(max(abs(np.linalg.eigvals(d[:, None] * p))),
             np.sqrt(max(abs(np.linalg.eigvals((d * d)[:, None] * p))))) * (1 + 1e-6) + 1e-12
    if excess(lo) <= 0:
        return lo
    a, c = lo, lo + 5
    for _ in range(80):
        m = 0.5 * (a + c)
        a, c = (m, c) if excess(m) > 0 else (a, m)
    return 0.5 * (a + c)


def walk_toy(width=1024, steps=200, nets=4):
    """walk_gain() against a simulation: v <- d_t v + R v, d_t = sigmoid(1 + s xi_t) with each unit's
    xi an AR(1) process of lag-one correlation rho, R Gaussian of radius sqrt(b) drawn once; the
    amplitude's gain per step over the second half, log10."""
    for s, b in ((0.36, 0.023), (0.4, 0.025), (1.0, 0.04)):
        for rho in (0.0, 0.8, 0.95):
            rates = []
            for seed in range(nets):
                rng = np.random.default_rng(seed)
                xi = rng.standard_normal(width)
                r = rng.standard_normal((width, width)) * np.sqrt(b / width)
                v = rng.standard_normal(width)
                total = half = 0.0
                for t in range(steps):
                    v = sigmoid(1 + s * xi) * v + r @ v
                    n = v @ v
                    total += 0.5 * np.log10(n)
                    v /= np.sqrt(n)
                    if t == steps // 2 - 1:
                        half = total
                    xi = rho * xi + np.sqrt(1 - rho ** 2) * rng.standard_normal(width)
                rates.append((total - half) / (steps - steps // 2))
            print('pre-activation sd %.2f, b %.3f, rho %.2f: simulated %+.4f decades a step, the walk %+.4f'
                  % (s, b, rho, np.mean(rates), np.log10(walk_gain(1, s, rho, b))), flush=True)


def integrated_rho(acf):
    """The AR(1) lag-one correlation of the same integrated time, tau = 1 + 2 sum of the correlations
    while above 0.05 (as docs/theory.md 8.9 matches a GRU's update gate)."""
    tau = 1
    for c in acf:
        if c < 0.05:
            break
        tau += 2 * c
    return (tau - 1) / (tau + 1)


def walk_report(case, nets):
    """--walk: every layer's own figure (gradient entering its last step) as it is and with every
    factor of a unit and example taken at each step from another (the same shuffle of unit-examples
    for all factors: every step's joint moments kept, each unit's order over the steps broken), and
    walk_gain()'s lift over T - 1 steps from the network's own forget-gate pre-activation (mean,
    deviation, the AR(1) of its autocorrelation's integrated time) and the tied kernel's coherent gain
    b = v_R n E[o tanh'(c)]^2 E[i tanh'(a_g)]^2 (the candidate's path, 8.5)."""
    depth, steps, width, kernel, recurrent, forget_bias = parse(case)
    own = np.zeros((depth, 2))
    acf = np.zeros((depth, 40))
    tied = np.zeros(depth)
    pre = [[] for _ in range(depth)]
    for seed in range(nets):
        rng = np.random.default_rng(seed)
        layers, b = network(depth, width, kernel, recurrent, forget_bias, rng)
        prng = np.random.default_rng(1000 + seed)
        for _ in range(BATCHES):
            inp = rng.standard_normal((steps, BATCH, FEATURES))
            for k, (w, u) in enumerate(layers):
                n = width
                out, cache = forward(inp, w, u, b, n)
                arrs = [np.array([c[j] for c in cache]) for j in range(6)]
                idx = np.argsort(prng.random(arrs[0].reshape(steps, -1).shape), axis=1)
                other = [np.take_along_axis(a.reshape(steps, -1), idx, axis=1).reshape(a.shape) for a in arrs]
                g = np.zeros((steps, BATCH, n))
                g[-1] = rng.standard_normal((BATCH, n))
                for j, factors in enumerate((arrs, other)):
                    m = mean_square(backward_factors(lambda t: tuple(a[t] for a in factors), steps, w, u, g))
                    own[k, j] += 0.5 * np.log10(m[0] / m[-1]) / (nets * BATCHES)
                hs = np.concatenate([np.zeros((1, BATCH, n)), out[:-1]])
                af = np.einsum('tbi,ij->tbj', inp, w[:, n:2 * n]) + np.einsum('tbi,ij->tbj', hs, u[:, n:2 * n]) \
                    + b[n:2 * n]
                sl = slice(steps // 4, None)
                a = af[sl]
                pre[k].append(a.ravel())
                ac = a - a.mean(axis=(1, 2), keepdims=True)
                lags = min(40, a.shape[0] - 1)
                acf[k, :lags] += np.array([(ac[lag:] * ac[:-lag]).mean() for lag in range(1, lags + 1)]) \
                    / (ac ** 2).mean() / (nets * BATCHES)
                _, i, _, cand, o, tc = (x[sl] for x in arrs)
                tied[k] += np.var(u) * n * (o * (1 - tc ** 2)).mean() ** 2 * (i * (1 - cand ** 2)).mean() ** 2 \
                    / (nets * BATCHES)
                inp = out
    for k in range(depth):
        x = np.concatenate(pre[k])
        rho = integrated_rho(acf[k])
        lift = (steps - 1) * np.log10(walk_gain(x.mean(), x.std(), rho, tied[k]) / walk_gain(x.mean(), x.std(), 0, tied[k]))
        print('layer %d own: as it is %.2f, every factor from other unit-examples %.2f, the order worth %.2f | forget '
              'pre-activation N(%.2f, %.3f^2), acf %s, AR(1) %.3f; tied gain %.4f; the walk\'s lift %.2f'
              % (k + 1, *own[k], own[k, 0] - own[k, 1], x.mean(), x.std(), np.round(acf[k, :4], 2), rho, tied[k], lift),
              flush=True)


def parse(case):
    parts = case.split('-')
    return (int(parts[2][1:]), int(parts[3][1:]), int(parts[4][1:]), parts[5], parts[6],
            1.0 if parts[7] == 'fb1' else 0.0)


def main():
    if '--frozen-toy' in sys.argv[1:]:
        frozen_toy()
        return
    if '--walk-toy' in sys.argv[1:]:
        walk_toy()
        return
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    case = args[0]
    nets = int(args[1]) if len(args) > 1 else 8
    if '--layers' in sys.argv[1:]:
        layers_report(*parse(case), nets, '--shuffle-inputs' in sys.argv[1:])
        return
    if '--split' in sys.argv[1:]:
        split_report(case, nets)
        return
    if '--walk' in sys.argv[1:]:
        walk_report(case, nets)
        return
    if '--stack' in sys.argv[1:]:
        stack_report(case, nets, '--shuffle-inputs' in sys.argv[1:])
        return
    v = np.array([through_time(*parse(case), s) for s in range(nets)])
    print('%s networks %s mean %.2f sd %.2f' % (case, np.round(v, 2), v.mean(), v.std()))


if __name__ == '__main__':
    main()
