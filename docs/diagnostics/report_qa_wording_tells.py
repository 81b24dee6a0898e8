"""How much of report QA can be read from the report's wording alone (analysis only; not used at run time or in CI).

A bag-of-n-grams logistic regression (scikit-learn) is trained on the training and validation items of a synthetic
data set's report-qa.jsonl to tell correct reports from reports with an injected error, text only, and scored on the
test items, overall and per injected error type. A text-only detector well above 0.5 means the error injection leaves
tells in the wording that an image-conditioned checker need not look at the image to exploit.

    ./elixr data synth --out /tmp/syn --studies 6000 --size 32 --difficulty easy --seed 3 --no-progress
    /usr/bin/python3 docs/diagnostics/report_qa_wording_tells.py /tmp/syn/report-qa.jsonl
"""
import json
import sys

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

KINDS = ["none", "omission", "insertion", "laterality", "severity"]


def main(path):
    rows = [json.loads(line) for line in open(path)]
    train = [r for r in rows if r["split"] != "test"]
    test = [r for r in rows if r["split"] == "test"]
    vec = CountVectorizer(ngram_range=(1, 3), min_df=3, binary=True)
    x, xt = vec.fit_transform([r["report"] for r in train]), vec.transform([r["report"] for r in test])
    y, yt = np.array([r["correct"] for r in train]), np.array([r["correct"] for r in test])
    for c in [0.03, 0.1, 0.3, 1.0]:
        p = LogisticRegression(C=c, max_iter=3000).fit(x, y).predict(xt)
        per = {k: round(float((p[idx] == yt[idx]).mean()), 3)
               for k in KINDS if len(idx := [i for i, r in enumerate(test) if r["error"] == k])}
        print(f"C={c}: test accuracy {(p == yt).mean():.3f} on {len(test)} items; per type {per}")


if __name__ == "__main__":
    main(sys.argv[1])
