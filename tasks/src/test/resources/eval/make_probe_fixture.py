#!/usr/bin/python3
"""Reference probabilities for dev.elixr.tasks.eval.LogisticProbe from scikit-learn's LogisticRegression(C=1)
on standardised features (population sd, as LogisticProbe's Standardizer).

Run with Debian's python: /usr/bin/python3 make_probe_fixture.py > probe-fixture.json (never in CI).
"""
import json
import numpy as np
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(7)
cases = []
for c in range(4):
    n, d, m = int(rng.integers(30, 80)), int(rng.integers(3, 12)), 20
    w = rng.normal(size=d)
    x = rng.normal(size=(n, d)).astype(np.float32)
    t = rng.normal(size=(m, d)).astype(np.float32)
    y = (x @ w + rng.normal(size=n) * 1.5 > 0).astype(float)
    mean, sd = x.mean(0), np.maximum(x.std(0), 1e-6)
    clf = LogisticRegression(C=1.0, tol=1e-10, max_iter=10000).fit((x - mean) / sd, y)
    p = clf.predict_proba((t - mean) / sd)[:, 1]
    cases.append({"x": x.tolist(), "y": y.tolist(), "test": t.tolist(), "p": p.tolist()})
print(json.dumps({"cases": cases}))
