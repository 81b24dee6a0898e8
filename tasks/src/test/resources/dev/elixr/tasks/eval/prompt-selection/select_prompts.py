"""Chooses the shipped zero-shot prompts from candidates.json using VALIDATION-split results only.

Usage (after two validation runs of the candidate pool, see README.md):
  python3 select_prompts.py candidates.json VALIDATE_METRICS.json VALIDATE_BLANK_NEGATIVE_METRICS.json > zero-shot-prompts.json
Rule: per finding and side, each candidate's mean single-pair AUC against all candidates of the other side
(metrics.json 'single_pair_aucs', rows = positives, columns = negatives); keep the best 3 in pool order. A finding that
is n/a under the default label policy (Support Devices: no negative labels) uses the blank-as-negative run.
"""
import json
import sys


def main(pool_file, metrics_file, blank_negative_metrics_file):
    pool = json.load(open(pool_file))["findings"]
    per = json.load(open(metrics_file))["per_finding"]
    per_bn = json.load(open(blank_negative_metrics_file))["per_finding"]
    out = {}
    for finding, cands in pool.items():
        m = (per[finding] if per[finding]["auc"] is not None else per_bn[finding])["single_pair_aucs"]
        rows = [sum(r) / len(r) for r in m]
        cols = [sum(r[j] for r in m) / len(m) for j in range(len(m[0]))]
        out[finding] = {"positive": best3(cands["positive"], rows), "negative": best3(cands["negative"], cols)}
    json.dump({"findings": out}, sys.stdout, indent=2)


def best3(texts, means):
    chosen = {t for t, _ in sorted(zip(texts, means), key=lambda x: -x[1])[:3]}
    return [t for t in texts if t in chosen]


if __name__ == "__main__":
    main(*sys.argv[1:4])
