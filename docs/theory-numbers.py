#!/usr/bin/env python3
"""Recomputes the checkable numbers quoted in docs/theory.md, with nothing but the standard library.

Each line prints the quantity, the value computed here and the value the document quotes; the
script exits with status 1 if any of them disagree beyond the quoted precision. The integrals
are composite Simpson sums over +-12 standard deviations (fine enough for four digits), and
fixed points are found by iterating the forward map, so the numbers do not depend on gradflow's
own quadrature (docs/theory.md section 3 describes that one).

    python3 docs/theory-numbers.py
"""
import math
import sys


def expect(f, q, mu=0.0, n=20001, reach=12.0):
    """E[f(h)] for h ~ N(mu, q), composite Simpson (n odd)."""
    s = math.sqrt(q)
    a, b = mu - reach * s, mu + reach * s
    h = (b - a) / (n - 1)
    total = 0.0
    for i in range(n):
        x = a + i * h
        w = 1 if i in (0, n - 1) else (4 if i % 2 else 2)
        total += w * f(x) * math.exp(-0.5 * ((x - mu) / s) ** 2)
    return total * h / 3 / (s * math.sqrt(2 * math.pi))


def sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def dsigmoid(x):
    s = sigmoid(x)
    return s * (1 - s)


def dtanh(x):
    return 1 - math.tanh(x) ** 2


def cdf(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def fixed_point(step, q=1.0, rounds=80):
    for _ in range(rounds):
        q = step(q)
    return q


checks = []


def check(name, value, quoted, tol):
    ok = abs(value - quoted) <= tol
    checks.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name:<62} {value:12.5g}   quoted {quoted}")


# section 3: Gaussian expectations
check("sigmoid, q = 1: E[phi'^2]", expect(lambda x: dsigmoid(x) ** 2, 1), 0.0448, 5e-5)
s1 = expect(sigmoid, 1)
s2 = expect(lambda x: sigmoid(x) ** 2, 1)
check("sigmoid, q = 1: E[phi^2]", s2, 0.2934, 5e-5)
check("sigmoid, q = 1: Var[phi]", s2 - s1 * s1, 0.0434, 5e-5)
check("hard sigmoid (slope 0.2), q = 1: E[phi'^2] = 0.04 P(|h| < 2.5)",
      expect(lambda x: 0.04 if abs(x) < 2.5 else 0.0, 1, n=200001), 0.0395, 5e-5)
check("tanh, q = 1e4: E[phi'^2] / ((4/3) / sqrt(2 pi q))",
      expect(lambda x: dtanh(x) ** 2, 1e4, n=400001) / ((4 / 3) / math.sqrt(2 * math.pi * 1e4)), 1.0, 1e-3)

# section 3: square Xavier sigmoid MLP (v * N = 1)
q = fixed_point(lambda q: expect(lambda x: sigmoid(x) ** 2, q, n=4001))
chi = expect(lambda x: dsigmoid(x) ** 2, q)
check("Xavier sigmoid MLP: fixed point q*", q, 0.265, 5e-4)
check("Xavier sigmoid MLP: chi = E[phi'^2] at q*", chi, 0.0557, 5e-5)
check("Xavier sigmoid MLP: gradient RMS factor per layer sqrt(chi)", math.sqrt(chi), 0.236, 5e-4)
check("Xavier sigmoid MLP: decades per layer", 0.5 * math.log10(chi), -0.627, 5e-4)
check("Xavier sigmoid MLP: decades over 15 layer gaps", 15 * 0.5 * math.log10(chi), -9.4, 0.05)

# section 3: tanh with N(0, 1) weights at width 64 (v * N = 64)
q = fixed_point(lambda q: 64 * expect(lambda x: math.tanh(x) ** 2, q, n=4001), rounds=200)
e2 = expect(lambda x: dtanh(x) ** 2, q)
chi = 64 * e2
check("tanh N(0,1), width 64: fixed point q*", q, 57.3, 0.05)
check("tanh N(0,1), width 64: activation RMS sqrt(q*/64)", math.sqrt(q / 64), 0.946, 5e-4)
check("tanh N(0,1), width 64: chi = 64 E[phi'^2] at q*", chi, 4.48, 5e-3)
check("tanh N(0,1), width 64: mean-field decades over 31 gaps", 31 * 0.5 * math.log10(chi), 10.1, 0.05)
e4 = expect(lambda x: dtanh(x) ** 4, q)
rel_tanh = 3 * e4 / e2 ** 2 - 1
check("tanh N(0,1), width 64: typical-gain correction over 31 gaps (decades)",
      31 * 0.5 * math.log10(math.exp(-rel_tanh / (2 * 64))), -1.49, 0.01)
check("tanh N(0,1), width 64: slope spread per layer (nats)", 3 * (e4 / e2 ** 2 - 1) / (2 * 64), 0.206, 5e-4)

# section 3: ReLU under Xavier (v * N = 1): E[a^2] halves every layer
check("ReLU Xavier MLP: signal after 32 layers (decades)", 32 * 0.5 * math.log10(0.5), -4.8, 0.02)

# section 3.4: inactive ReLU units
check("ReLU with bias -1, q = 1: inactive fraction Phi(-b / sqrt(q))", cdf(1), 0.841, 5e-4)

# section 4: initialisers
z = 2.0
trunc = 1 - 2 * z * math.exp(-z * z / 2) / math.sqrt(2 * math.pi) / (2 * cdf(z) - 1)
check("normal truncated at 2 sd: variance factor", trunc, 0.774, 5e-4)
check("normal truncated at 2 sd: sd factor", math.sqrt(trunc), 0.8796, 5e-5)
fan = 100.0
check("DL4J LECUN_UNIFORM U(+-3/sqrt(fanIn)): v * fanIn", (3 / math.sqrt(fan)) ** 2 / 3 * fan, 3.0, 1e-12)
check("DL4J UNIFORM U(+-1/sqrt(fanIn)): v * fanIn", (1 / math.sqrt(fan)) ** 2 / 3 * fan, 1 / 3, 1e-12)
check("DL4J VAR_SCALING_UNIFORM, scale 0.5: v * fan = 3 scale^2",
      (0.5 * 3 / math.sqrt(fan)) ** 2 / 3 * fan, 0.75, 1e-12)
check("DL4J SIGMOID_UNIFORM U(+-4 sqrt(6/(in+out))): v * (in+out)",
      (4 * math.sqrt(6 / (2 * fan))) ** 2 / 3 * (2 * fan), 32.0, 1e-9)
check("Keras lecun_uniform U(+-sqrt(3/fanIn)): v * fanIn", (math.sqrt(3 / fan)) ** 2 / 3 * fan, 1.0, 1e-12)

# section 5: batch normalisation
e2s = expect(lambda x: dsigmoid(x) ** 2, 1)
check("BN then sigmoid: factor E[phi'^2] / Var[phi] per layer", e2s / (s2 - s1 * s1), 1.034, 5e-4)
check("BN then sigmoid: the same with E[phi^2] for Var[phi]", e2s / s2, 0.153, 5e-4)
check("BN then ReLU: factor (1/2) / (1/2 - 1/(2 pi)) per layer", 0.5 / (0.5 - 1 / (2 * math.pi)), 1.467, 5e-4)
t1 = expect(math.tanh, 1)
t2 = expect(lambda x: math.tanh(x) ** 2, 1)
check("BN then tanh: factor E[phi'^2] / Var[phi] per layer", expect(lambda x: dtanh(x) ** 2, 1) / (t2 - t1 * t1),
      1.18, 5e-3)
check("finite batch, 32 samples: (S-2)/(S-3), decades of RMS per layer", 0.5 * math.log10(30 / 29), 0.0074, 5e-5)

# section 6: residual stack, 16 blocks of two He ReLU dense layers, unit-variance input
m, var = 0.0, 1.0
for _ in range(16):
    q = 2 * (m * m + var)                     # pre-activation of the block's first layer
    # the first ReLU gives E[a^2] = q/2; the second layer's pre-activation is again q
    mb, eb2 = math.sqrt(q / (2 * math.pi)), q / 2  # mean and second moment of the branch output
    m, var = m + mb, var + eb2 - mb * mb
check("residual, 16 He ReLU blocks: signal with the mean tracked (decades)", 0.5 * math.log10(m * m + var),
      3.56, 5e-3)
check("residual, 16 He ReLU blocks: signal without the cross term (decades)", 0.5 * math.log10(2 ** 16), 2.41, 5e-3)

# section 9: typical gain and the simulation threshold for ReLU at width 64
rel_relu = 3 * 0.5 / 0.25 - 1
check("ReLU, width 64: typical-gain correction per layer (decades of RMS)",
      0.5 * math.log10(math.exp(-rel_relu / 128)), -0.0085, 5e-5)
check("ReLU, width 64: slope spread per layer (nats)", 3 * (0.5 / 0.25 - 1) / 128, 0.0234, 5e-5)
check("ReLU, width 64: depth at which the summed spread passes 0.5 nats", math.floor(0.5 / (3 / 128)) + 1, 22, 0)
check("Hanin's beta, 32 layers of width 64", 32 / 64, 0.5, 0)

print(f"{sum(checks)} of {len(checks)} numbers agree")
sys.exit(0 if all(checks) else 1)
