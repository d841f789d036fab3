#!/usr/bin/env python3
"""The sequence evaluation's through-time measurement noise, per case, from the NumPy copies.

For every recurrent case of fixtures/accuracy/measured-seq.csv (SimpleRNN, LSTM, GRU; the
configuration read from the id) this runs NETWORKS networks (seeds 0 .. NETWORKS - 1) of the
matching NumPy copy (scripts/simplernn-through-time.py, lstm-through-time.py, gru-through-time.py,
each an exact float64 backward pass of the Keras stack the evaluation builds) and writes
fixtures/accuracy/seq-spread.csv:

  id, family, networks        the networks run
  time_mean, time_sd          the mean and the standard deviation over networks of the first
                              recurrent layer's through-time decades (finite figures only)
  time_nonfinite              how many networks gave no finite figure (a gradient that is 0 at the
                              first step, or 0 at the last); they are left out of mean and SD
  ratio_mean, ratio_sd,       the same for the first-to-last figure: log10 of the first recurrent
  ratio_nonfinite             layer's input-kernel gradient RMS over the last one's (the verifier's
                              weight-gradient RMS: its input kernel W, not the recurrent kernel or
                              bias; 0 for one layer)

The stored DL4J measurement is the mean of the decades of 16 networks
(SequenceEvaluation's gradflow.eval.seeds; two before round 9), so its standard error is
time_sd / 4; the replay (scripts/accuracy-replay.sh) prints both figures when this file is present.

Usage: scripts/seq-spread.py [NETWORKS] [--filter SUBSTRING] [--out CSV]
"""
import csv
import importlib.util
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


gru = load('gru', 'gru-through-time.py')
rnn = load('rnn', 'simplernn-through-time.py')
lstm = load('lstm', 'lstm-through-time.py')


def figure(case, seed):
    """One network's through-time and first-to-last decades for a case id."""
    parts = case.split('-')
    act = parts[1]
    depth, steps, width = int(parts[2][1:]), int(parts[3][1:]), int(parts[4][1:])
    kernel, recurrent = parts[5], parts[6]
    wg = np.zeros(depth)
    if parts[0] == 'simplernn':
        time = rnn.through_time(act, depth, steps, width, kernel, recurrent, seed, wg=wg)
    elif parts[0] == 'gru':
        time = gru.through_time(depth, steps, width, kernel, recurrent, seed, wg=wg)
    elif parts[0] == 'lstm':
        time = lstm.through_time(depth, steps, width, kernel, recurrent, 1.0 if parts[7] == 'fb1' else 0.0, seed,
                                 wg=wg)
    else:
        raise ValueError(case)
    # the verifier's first to last: the first recurrent layer's input-kernel gradient RMS over the
    # last's, each the root of the batches' mean of its mean square
    return time, 0.5 * np.log10(wg[0] / wg[-1])


FAMILIES = {'simplernn': 'SIMPLE_RNN', 'lstm': 'LSTM', 'gru': 'GRU'}


def main():
    args = sys.argv[1:]
    nets, filt = 16, ''
    out = os.path.join(ROOT, 'fixtures', 'accuracy', 'seq-spread.csv')
    i = 0
    while i < len(args):
        if args[i] == '--filter':
            filt, i = args[i + 1], i + 2
        elif args[i] == '--out':
            out, i = args[i + 1], i + 2
        else:
            nets, i = int(args[i]), i + 1
    with open(os.path.join(ROOT, 'fixtures', 'accuracy', 'measured-seq.csv')) as f:
        ids = [r['id'] for r in csv.DictReader(f) if r['id'].split('-')[0] in FAMILIES and filt in r['id']]
    rows, t0 = [], time.time()
    for case in ids:
        t = time.time()
        with np.errstate(divide='ignore', invalid='ignore', over='ignore', under='ignore'):
            both = np.array([figure(case, s) for s in range(nets)], dtype=float)
        row = [case, FAMILIES[case.split('-')[0]], nets]
        for v in both.T:
            fin = v[np.isfinite(v)]
            mean = fin.mean() if len(fin) else math.nan
            sd = fin.std(ddof=1) if len(fin) > 1 else math.nan
            row += ['%.4f' % mean, '%.4f' % sd, nets - len(fin)]
        rows.append(row)
        print('%-60s time %+8.3f sd %6.3f non-finite %d  first to last %+6.3f sd %5.3f  %.1f s'
              % (case, float(row[3]), float(row[4]), row[5], float(row[6]), float(row[7]), time.time() - t),
              file=sys.stderr)
    with open(out, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['id', 'family', 'networks', 'time_mean', 'time_sd', 'time_nonfinite', 'ratio_mean', 'ratio_sd',
                    'ratio_nonfinite'])
        w.writerows(rows)
    print('%d cases, %d networks each, in %.0f s -> %s' % (len(rows), nets, time.time() - t0, out), file=sys.stderr)


if __name__ == '__main__':
    main()
