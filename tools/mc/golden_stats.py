#!/usr/bin/env python3
"""Golden statistics for scenarios/tests/all/mc.rs, computed by NumPy and SciPy (not by
skytwin): percentiles (NumPy's default 'linear' method), mean, sample standard deviation,
and Spearman's rank correlation with ties (scipy.stats.spearmanr), on samples drawn here.

    python3 -m pip install numpy scipy
    python3 tools/mc/golden_stats.py > scenarios/tests/data/mc-stats-golden.json
"""
import json

import numpy as np
import scipy
import scipy.stats


def case(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    rho = scipy.stats.spearmanr(x, y).statistic
    return {
        "name": name,
        "x": x.tolist(),
        "y": y.tolist(),
        "mean_x": float(np.mean(x)),
        "sd_x": float(np.std(x, ddof=1)),
        "percentiles_x": {str(p): float(np.percentile(x, p)) for p in (5, 25, 50, 75, 95)},
        "spearman": float(rho),
    }


rng = np.random.default_rng(2026)
n = 257
a = rng.normal(40.0, 3.0, n)
b = 0.02 * a + rng.normal(0.0, 0.05, n)
# ties: rounded values, and a pass/fail column
c = np.round(rng.uniform(0.0, 10.0, 60))
d = (rng.uniform(size=60) < 0.2 + 0.06 * c).astype(float)
e = rng.lognormal(0.0, 1.0, 31)
f = -e**2 + rng.normal(0.0, 0.5, 31)

print(json.dumps({
    "generator": "tools/mc/golden_stats.py",
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "cases": [case("normal-linear", a, b), case("ties-pass-fail", c, d), case("lognormal", e, f)],
}, indent=1))
