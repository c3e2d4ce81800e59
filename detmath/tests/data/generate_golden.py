#!/usr/bin/env python3
"""Writes golden.csv: arguments and mpmath reference values for detmath's functions.

Each row: function, arg1, arg2 (the arguments in the order of the Rust signature, arg2 = 0 for
one-argument functions), value, residual — all as the 16 hex digits of
an IEEE-754 binary64 bit pattern. `value` is the true result rounded to the nearest double and
`residual` is the rest (true − value, rounded to a double), so the reference carries about 106
bits and the tests can measure errors in fractions of an ulp. mpmath evaluates at 400 bits
(far above what any of these arguments needs: the largest, 2^1023, loses ~1 030 bits to the
reduction by π/2, which mpmath handles by raising its working precision itself).

Arguments (fixed seed, so the file is reproducible): uniform and log-uniform samples over the
ranges SGP4 and skytwin's frames meet, over the whole double range, doubles next to multiples
of π/2 (hardest for argument reduction, including the worst case known for binary64,
6381956970095103·2^797), near ±1 for asin/acos, subnormals for cbrt/hypot.

usage: python3 generate_golden.py [--scale N] [--out FILE]   (requires mpmath; N multiplies
the sample counts: the committed file is --scale 1, the sweep in the report used --scale 40)
"""
import argparse
import random
import struct

import mpmath

mpmath.mp.prec = 400


def bits(v):
    return struct.unpack('<Q', struct.pack('<d', v))[0]


def from_bits(b):
    return struct.unpack('<d', struct.pack('<Q', b))[0]


def reference(exact):
    """(nearest double, residual double) of an mpf."""
    # Python parses decimal strings with correct rounding; 60 digits decide every case here
    # (float(mpf) itself truncates)
    v = float(mpmath.nstr(exact, 60))
    return v, float(mpmath.nstr(exact - mpmath.mpf(v), 30))


def uniform(r, lo, hi, n):
    return [r.uniform(lo, hi) for _ in range(n)]


def log_uniform(r, lo_exp, hi_exp, n, signed=True):
    out = []
    for _ in range(n):
        v = 10.0 ** r.uniform(lo_exp, hi_exp)
        out.append(-v if signed and r.random() < 0.5 else v)
    return out


def near_multiples_of_pi_over_2(r, n):
    out = [from_bits(bits(6381956970095103.0 * 2.0 ** 797))]
    for _ in range(n):
        k = r.choice([r.randint(1, 8), r.randint(1, 4000), r.randint(1, 10 ** 6), r.randint(1, 10 ** 15)])
        v = float(k * mpmath.pi / 2)
        v = from_bits(bits(v) + r.randint(-3, 3))
        out.append(v if r.random() < 0.5 else -v)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--scale', type=int, default=1)
    parser.add_argument('--out', default='golden.csv')
    args = parser.parse_args()
    s = args.scale
    r = random.Random(20261125)
    rows = []

    def add(name, x, y, exact):
        v, e = reference(exact)
        rows.append(f'{name},{bits(x):016x},{bits(y):016x},{bits(v):016x},{bits(e):016x}')

    trig_args = (uniform(r, -0.8, 0.8, 150 * s) + uniform(r, -7.0, 7.0, 150 * s)
                 + uniform(r, -3000.0, 3000.0, 150 * s) + uniform(r, -1.6e6, 1.6e6, 100 * s)
                 + log_uniform(r, 6, 308, 100 * s) + log_uniform(r, -300, -1, 50 * s)
                 + near_multiples_of_pi_over_2(r, 150 * s))
    for x in trig_args:
        mx = mpmath.mpf(x)
        add('sin', x, 0.0, mpmath.sin(mx))
        add('cos', x, 0.0, mpmath.cos(mx))

    for x in log_uniform(r, -10, 20, 150 * s) + uniform(r, -3.0, 3.0, 100 * s):
        add('atan', x, 0.0, mpmath.atan(mpmath.mpf(x)))
    pairs = [(y, x) for y, x in zip(log_uniform(r, -5, 5, 150 * s), log_uniform(r, -5, 5, 150 * s))]
    pairs += [(y, x) for y, x in zip(uniform(r, -8000.0, 8000.0, 100 * s), uniform(r, -8000.0, 8000.0, 100 * s))]
    pairs += [(r.uniform(-1e-9, 1e-9), r.choice([-1.0, 1.0]) * r.uniform(0.5, 7000.0)) for _ in range(30 * s)]
    for y, x in pairs:
        add('atan2', y, x, mpmath.atan2(mpmath.mpf(y), mpmath.mpf(x)))

    unit = uniform(r, -1.0, 1.0, 150 * s) + [r.choice([-1, 1]) * (1.0 - 10.0 ** r.uniform(-16, -1)) for _ in range(60 * s)]
    unit += log_uniform(r, -20, -1, 30 * s)
    for x in unit:
        add('asin', x, 0.0, mpmath.asin(mpmath.mpf(x)))
        add('acos', x, 0.0, mpmath.acos(mpmath.mpf(x)))

    for x in log_uniform(r, -310, 308, 150 * s) + uniform(r, -30.0, 30.0, 50 * s):
        add('cbrt', x, 0.0, mpmath.sign(x) * mpmath.cbrt(abs(mpmath.mpf(x))))
    for x in log_uniform(r, -40, 40, 60 * s, signed=False) + uniform(r, 0.5, 20.0, 60 * s):
        mx = mpmath.mpf(x)
        add('pow_3_2', x, 0.0, mx * mpmath.sqrt(mx))
        add('pow_2_3', x, 0.0, mpmath.cbrt(mx * mx))
        add('pow_7_2', x, 0.0, mx ** 3 * mpmath.sqrt(mx))
    hyp = list(zip(log_uniform(r, -300, 300, 80 * s), log_uniform(r, -300, 300, 80 * s)))
    hyp += list(zip(uniform(r, -8000.0, 8000.0, 80 * s), uniform(r, -8000.0, 8000.0, 80 * s)))
    for x, y in hyp:
        add('hypot', x, y, mpmath.sqrt(mpmath.mpf(x) ** 2 + mpmath.mpf(y) ** 2))

    with open(args.out, 'w') as f:
        f.write('function,arg1,arg2,value,residual\n')
        f.write('\n'.join(rows) + '\n')
    print(f'{len(rows)} rows -> {args.out}')


if __name__ == '__main__':
    main()
