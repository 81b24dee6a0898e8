"""Diagnostic: why ELIXR-B's best-query zero-shot scoring lags the mean over queries.

Run: python3 docs/diagnostics/query_zero_shot.py IMG.npy IMG.ids.csv PROMPTS.npy RUN_B/eval/zero-shot/scores.csv
  IMG.npy      elixr embed --run RUN_B --split test --out IMG.npy   ([N, Q, P] query embeddings, L2-normalised per query)
  PROMPTS.npy  docs/diagnostics/PromptDirections.java RUN_B PROMPTS.npy   ([13, 2, P] prompt directions)
  scores.csv   eval zero-shot's per-image scores (its labels; the best-query score is checked against it)
Per finding: AUC of the best-query score, of the mean over queries, of the best single query (img_q . (pos - neg)),
how often the positive and the negative prompt pick the same query, how concentrated the winning query is, and
the share of the best-query score's spread that does not depend on the finding (the winning query's similarity to the
prompt pair's mean direction, which is about the same for every finding).
"""
import csv, sys
import numpy as np


def auc(y, s):
    y = np.asarray(y); s = np.asarray(s)
    order = np.argsort(s, kind="mergesort"); ranks = np.empty(len(s)); ranks[order] = np.arange(1, len(s) + 1)
    # average ranks of ties
    _, inv, cnt = np.unique(s, return_inverse=True, return_counts=True)
    sums = np.zeros(len(cnt)); np.add.at(sums, inv, ranks); ranks = sums[inv] / cnt[inv]
    npos = y.sum(); nneg = len(y) - npos
    return (ranks[y == 1].sum() - npos * (npos + 1) / 2) / (npos * nneg)


img = np.load(sys.argv[1]).astype(np.float64)  # N, Q, P
ids = [r["dicom_id"] for r in csv.DictReader(open(sys.argv[2]))]
prompts = np.load(sys.argv[3]).astype(np.float64)  # 13, 2, P
rows = list(csv.DictReader(open(sys.argv[4])))
findings = []
for r in rows:
    if r["finding"] not in findings: findings.append(r["finding"])
index = {d: i for i, d in enumerate(ids)}
N, Q, P = img.shape
print(f"{N} images, {Q} queries of width {P}")
# query-query cosine over images: are the queries distinct?
qq = np.einsum("nqp,nrp->qr", img, img) / N
print("mean cos between queries of an image (off-diagonal):", round(float((qq.sum() - np.trace(qq)) / (Q * Q - Q)), 3))
allsim = np.einsum("nqp,fkp->nqfk", img, prompts)  # N, Q, 13, 2
win = allsim.argmax(1)  # N, 13, 2
print("share of all (image, prompt) maxima won by each query:", np.round(np.bincount(win.ravel(), minlength=Q) / win.size, 3))
print("per query: mean cos to prompts, SD over images, SD over the 26 prompts (mean over images):")
for q in range(Q):
    s = allsim[:, q].reshape(N, -1)
    print(f"  q{q}: mean {s.mean():+.3f}  SD images {s.mean(1).std():.3f}  SD prompts {s.std(1).mean():.3f}")
print(f"{'finding':28s} {'best':>6s} {'mean':>6s} {'bestq':>6s} {'same':>5s} {'top':>5s} {'check':>7s}")
ab, am, aq = [], [], []
for fi, f in enumerate(findings):
    sel = [r for r in rows if r["finding"] == f]
    y = np.array([int(r["label"]) for r in sel]); n = np.array([index[r["dicom_id"]] for r in sel])
    if y.min() == y.max(): continue
    pos, neg = prompts[fi, 0], prompts[fi, 1]
    sp = img[n] @ pos; sn = img[n] @ neg  # n, Q
    best = sp.max(1) - sn.max(1); mean = sp.mean(1) - sn.mean(1)
    check = np.abs(best - np.array([float(r["score"]) for r in sel])).max()
    perq = [auc(y, sp[:, q] - sn[:, q]) for q in range(Q)]
    same = float((sp.argmax(1) == sn.argmax(1)).mean())
    top = np.bincount(sp.argmax(1), minlength=Q).max() / len(n)
    a_b, a_m = auc(y, best), auc(y, mean)
    ab.append(a_b); am.append(a_m); aq.append(max(perq))
    print(f"{f:28s} {a_b:6.3f} {a_m:6.3f} {max(perq):6.3f} {same:5.2f} {top:5.2f} {check:7.1e}  per query " + " ".join(f"{a:.2f}" for a in perq))
print(f"{'mean':28s} {np.mean(ab):6.3f} {np.mean(am):6.3f} {np.mean(aq):6.3f}")
