#!/usr/bin/env python3
"""ViT-Base as `gradflow verify` builds it at 96x96 (36 patches), with an exact backward pass in NumPy.

The README's ViT-Base row (section "The reference networks, measured") disagrees: predicted
first-to-last +2.13 decades, measured +6.49. This computes the same network's weight gradients
exactly (pre-LN blocks, one attention head as wide as the model as verify builds Keras's
MultiHeadAttention, Glorot-uniform kernels with a convolution's fans for the patch projection,
U(-0.05, 0.05) position embedding, layer norm epsilon 1e-6, exact GELU's tanh form, no dropout,
batch 4, a 1000-way softmax head on the mean of the tokens) and prints the first-to-last: the
patch projection's weight-gradient RMS over the last MLP layer's, in decades. Then again with
the residual branches' backward scaled as Deeplearning4j 1.0.0-M2.1 scales them: every SameDiff
layer (its attention vertex, verify's layer norm) passes back twice the gradient
(SameDiffGradientTest), so the attention branch (layer norm, attention) 4 times and the MLP
branch (layer norm) 2 times: what verify measured (+6.49) before it halved those layers' backward
pass (HalvedSameDiffLayer, HalvedAttentionVertex; now it measures +2.01). About 2 minutes and 2 GiB.

Usage: scripts/vit-exact-gradient.py [SEED]
"""
import math
import sys

import numpy as np


def first_to_last(seed, attention_branch=1.0, mlp_branch=1.0, batch=4, tokens=36, d=768, ff=3072, blocks=12,
                  patch=768, classes=1000):
    rng = np.random.default_rng(seed)

    def glorot(fan_in, fan_out, shape):
        limit = math.sqrt(6 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape)

    # a 16x16 convolution over 3 channels with stride 16: Keras's fans are 16*16*3 and 16*16*768
    w_patch = glorot(patch, 256 * d, (patch, d))
    positions = rng.uniform(-0.05, 0.05, (196, d))
    layers = [dict(q=glorot(d, d, (d, d)), k=glorot(d, d, (d, d)), v=glorot(d, d, (d, d)), o=glorot(d, d, (d, d)),
                   w1=glorot(d, ff, (d, ff)), w2=glorot(ff, d, (ff, d))) for _ in range(blocks)]
    w_head = glorot(d, classes, (d, classes))
    x = rng.normal(0, 1, (batch, tokens, patch))
    labels = rng.integers(0, classes, batch)

    def norm(h):
        c = h - h.mean(-1, keepdims=True)
        s = np.sqrt((c * c).mean(-1, keepdims=True) + 1e-6)
        return c / s, (c / s, s)

    def norm_back(g, cache):
        y, s = cache
        return (g - g.mean(-1, keepdims=True) - y * (g * y).mean(-1, keepdims=True)) / s

    def gelu(z):
        return 0.5 * z * (1 + np.tanh(0.7978845608 * (z + 0.044715 * z ** 3)))

    def gelu_slope(z):
        t = np.tanh(0.7978845608 * (z + 0.044715 * z ** 3))
        return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * 0.7978845608 * (1 + 3 * 0.044715 * z * z)

    h = x @ w_patch + positions[np.arange(tokens)][None]
    caches = []
    for w in layers:
        c = {}
        a, c['n1'] = norm(h)
        q, k, v = a @ w['q'], a @ w['k'], a @ w['v']
        s = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        s -= s.max(-1, keepdims=True)
        att = np.exp(s)
        att /= att.sum(-1, keepdims=True)
        o = att @ v
        c.update(a=a, q=q, k=k, v=v, att=att, o=o)
        h = h + o @ w['o']
        u, c['n2'] = norm(h)
        z = u @ w['w1']
        m = gelu(z)
        c.update(u=u, z=z, m=m)
        h = h + m @ w['w2']
        caches.append(c)
    f, f_cache = norm(h)
    logits = f.mean(1) @ w_head
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)

    g_logits = p.copy()
    g_logits[np.arange(batch), labels] -= 1
    g = norm_back(np.repeat((g_logits @ w_head.T)[:, None, :] / tokens, tokens, 1), f_cache)
    last = None
    for i in reversed(range(blocks)):
        w, c = layers[i], caches[i]
        g_w2 = np.einsum('btf,btd->fd', c['m'], g)
        last = g_w2 if last is None else last
        g_z = (g @ w['w2'].T) * gelu_slope(c['z'])
        g = g + mlp_branch * norm_back(g_z @ w['w1'].T, c['n2'])
        g_o = attention_branch * (g @ w['o'].T)
        g_att = g_o @ c['v'].transpose(0, 2, 1)
        g_v = c['att'].transpose(0, 2, 1) @ g_o
        g_s = c['att'] * (g_att - (g_att * c['att']).sum(-1, keepdims=True)) / math.sqrt(d)
        g_a = (g_s @ c['k']) @ w['q'].T + (g_s.transpose(0, 2, 1) @ c['q']) @ w['k'].T + g_v @ w['v'].T
        g = g + norm_back(g_a, c['n1'])
    g_patch = np.einsum('btp,btd->pd', x, g)
    rms = lambda a: float(np.sqrt((a * a).mean()))
    return math.log10(rms(g_patch) / rms(last))


if __name__ == '__main__':
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 42
    print('first-to-last, exact backward pass:            %+.2f decades' % first_to_last(seed))
    print('first-to-last, DL4J SameDiff doubling (4x, 2x): %+.2f decades'
          % first_to_last(seed, attention_branch=4.0, mlp_branch=2.0))
