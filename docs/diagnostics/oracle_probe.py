"""How far could text queries go on a run's image embeddings? (a diagnostic, never used at run time or in CI)

For each default search query, a logistic regression is fitted on the TRAIN split's image embeddings to separate
the exact matches (relevance 2, by the rule of dev.elixr.tasks.eval.Relevance) from the rest, and its decision
function ranks the TEST images. Since cos(image, text) is linear in the L2-normalised image embedding, a query
embedding can do no better than the best linear direction; this supervised direction is a practical stand-in for
it, so its NDCG@5 estimates the ceiling the image space allows and the gap to `elixr eval search` is what the text
tower loses.

    elixr embed --run RUN --data DIR --split train --out /tmp/img-train.npy
    elixr embed --run RUN --data DIR --split test  --out /tmp/img-test.npy
    /usr/bin/python3 docs/diagnostics/oracle_probe.py DIR /tmp/img     # Debian's python3 with python3-sklearn
"""
import csv
import gzip
import json
import os
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

QUERIES = os.path.join(os.path.dirname(__file__), '../../../../../../../main/resources/dev/elixr/tasks/eval/search-queries.json')


def attributes(data):
    """dicom_id -> finding -> list of attribute rows (a study may hold several devices)."""
    out = {}
    with gzip.open(os.path.join(data, 'synthetic-attributes.csv.gz'), 'rt') as f:
        for r in csv.DictReader(f):
            if r['present'] == '1':
                out.setdefault(r['dicom_id'], {}).setdefault(r['finding'], []).append(r)
    return out


def grade(q, a):
    """Relevance.grade: 2 exact, 1 partial, 0 none."""
    if q.get('normal'):
        return 2 if not a else (1 if list(a) == ['Support Devices'] else 0)
    met = touched = 0
    for t in q['terms']:
        rows = a.get(t['finding'])
        if not rows:
            continue
        touched += 1
        met += any(all(r.get(k, '').lower() == v.lower() for k, v in t.items() if k != 'finding') for r in rows)
    return 2 if met == len(q['terms']) else (1 if touched else 0)


def ndcg(rel, score, k=5):
    top = np.argsort(-score, kind='stable')[:k]
    disc = 1 / np.log2(np.arange(2, k + 2))
    ideal = (np.sort(rel)[::-1][:k] * disc).sum()
    return (rel[top] * disc).sum() / ideal if ideal else 0.0


def split(prefix, name):
    x = np.load(f'{prefix}-{name}.npy')
    with open(f'{prefix}-{name}.ids.csv') as f:
        return x, [r['dicom_id'] for r in csv.DictReader(f)]


def main(data, prefix):
    a = attributes(data)
    with open(QUERIES) as f:
        queries = json.load(f)['queries']
    xtr, itr = split(prefix, 'train')
    xte, ite = split(prefix, 'test')
    scores = []
    for q in queries:
        ytr = np.array([grade(q, a.get(i, {})) for i in itr])
        yte = np.array([grade(q, a.get(i, {})) for i in ite])
        probe = LogisticRegression(C=1.0, max_iter=3000).fit(xtr, (ytr == 2).astype(int))
        scores.append(ndcg(yte, probe.decision_function(xte)))
        print(f"{q['query']:35s} {scores[-1]:.3f}")
    print(f"{'mean NDCG@5 (linear-probe ceiling)':35s} {np.mean(scores):.3f}")


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
