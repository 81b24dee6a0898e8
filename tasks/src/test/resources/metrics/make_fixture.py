#!/usr/bin/python3
"""Reference values for dev.elixr.tasks.metrics, computed with scikit-learn / numpy.

Run with Debian's python (sklearn installed): /usr/bin/python3 make_fixture.py > metrics-fixture.json
Never run in CI: the JSON it printed is committed beside it.
"""
import json
import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve, ndcg_score, precision_score

rng = np.random.default_rng(20261127)
cases = []
for c in range(24):
    n = int(rng.integers(5, 60))
    labels = rng.integers(0, 2, n).astype(float)
    if labels.min() == labels.max():
        labels[0] = 1.0 - labels[0]
    if c % 3 == 0:      # many ties: scores on a coarse grid
        scores = np.round(rng.normal(size=n) + labels * 0.7, 1)
    elif c % 3 == 1:    # continuous scores
        scores = rng.normal(size=n) + labels * float(rng.uniform(0, 2))
    else:               # heavy ties
        scores = rng.integers(0, 4, n).astype(float) + labels * rng.integers(0, 2, n)
    relevance = rng.integers(0, 3, n).astype(float)
    k = int(rng.integers(1, 8))
    fpr, tpr, thr = roc_curve(labels, scores, drop_intermediate=False)
    order = np.argsort(-scores, kind="stable")
    top = order[:k]
    resamples = rng.integers(0, n, size=(50, n))
    aucs = []
    for idx in resamples:
        if labels[idx].min() != labels[idx].max():
            aucs.append(roc_auc_score(labels[idx], scores[idx]))
    cases.append({
        "labels": labels.tolist(), "scores": scores.tolist(), "relevance": relevance.tolist(), "k": k,
        "auc": float(roc_auc_score(labels, scores)),
        "fpr": fpr.tolist(), "tpr": tpr.tolist(),
        "ndcg": float(ndcg_score([relevance], [scores], k=k)),
        "precision": float(precision_score((relevance[top] > 0).astype(int), np.ones(len(top), dtype=int),
                                           zero_division=0)) * len(top) / k,
        "resamples": resamples.tolist(),
        "ci_low": float(np.percentile(aucs, 2.5)), "ci_high": float(np.percentile(aucs, 97.5)),
    })
print(json.dumps({"generator": "make_fixture.py", "sklearn": __import__("sklearn").__version__, "cases": cases}))
