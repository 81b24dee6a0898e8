"""Reference corpus BLEU-4 for BleuRougeTest, from NLTK (Debian's python3-nltk 3.8):
/usr/bin/python3 make_text_fixture.py > text-metrics-fixture.json
Seeded random corpora of short "reports" over a small vocabulary, one reference each, tokens as given;
nltk.translate.bleu_score.corpus_bleu with uniform weights and no smoothing (0 when a precision is 0).
Every candidate has at least 4 tokens: for a shorter one NLTK counts max(1, n-grams) in the denominator, where
Papineni et al. (and our Bleu) count its n-grams, 0."""
import json
import random
import warnings

from nltk.translate.bleu_score import corpus_bleu

warnings.simplefilter("ignore")
VOCAB = "no acute process left right pleural effusion small moderate large heart size normal edema mild the is of".split()
rng = random.Random(20261202)
cases = []
for case in range(12):
    n = rng.randint(1, 8)
    refs, cands = [], []
    for _ in range(n):
        ref = [rng.choice(VOCAB[: 6 + case]) for _ in range(rng.randint(3, 14))]
        cand = list(ref)
        for _ in range(rng.randint(0, 4)):  # edits: substitute, delete, insert
            op = rng.randint(0, 2)
            if op == 0 and cand:
                cand[rng.randrange(len(cand))] = rng.choice(VOCAB)
            elif op == 1 and len(cand) > 1:
                del cand[rng.randrange(len(cand))]
            else:
                cand.insert(rng.randrange(len(cand) + 1), rng.choice(VOCAB))
        while len(cand) < 4:
            cand.append(rng.choice(VOCAB))
        refs.append(ref)
        cands.append(cand)
    bleu = corpus_bleu([[r] for r in refs], cands)
    cases.append({"candidates": cands, "references": refs, "bleu4": float(bleu)})
print(json.dumps({"generator": "make_text_fixture.py (nltk corpus_bleu)", "cases": cases}, indent=1))
