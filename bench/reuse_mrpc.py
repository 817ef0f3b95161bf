"""Sentence-pair paraphrase accuracy / F1 of the alignment similarity on MRPC (train.jsonl).

Run: .venv/bin/python bench/reuse_mrpc.py [--write-coef]

The first half of the file fits (threshold, and with --write-coef the logistic
regression coefficients shipped in storylens/nlp/sim_coef.py); the second half
is reported. The features are those of ``storylens.nlp.pairs.SIM_FEATURES``. Baselines in the same run: embedding cosine alone and word-overlap
(Dice) alone, each with its best threshold on the first half.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storylens.nlp import (  # noqa: E402
    embed,
    embed_cache,
    numbers,  # noqa: E402
    sim_coef,  # noqa: E402
)
from storylens.nlp import pairs as matrix
from storylens.nlp.items import content_stems, norm_name, norm_number, sentence_names  # noqa: E402


def rows(x: str) -> matrix.SentenceRows:
    return matrix.sentence_rows([x], [content_stems(x)], [{norm_name(n) for n in sentence_names(x)}],
                                [{norm_number(n) for n in numbers(x)}])


def features(c: float, s1: str, s2: str) -> list[float]:
    """The sentence-pair features exactly as the reuse stage computes them (1 x 1 matrices)."""
    return [float(m[0, 0]) for m in matrix.feature_matrices(rows(s1), rows(s2), np.array([[c]], np.float32))]

ROOT = Path(__file__).resolve().parents[1]
MRPC = ROOT.parent / "shared" / "corpora" / "mrpc" / "train.jsonl"
CACHE = ROOT / "bench" / "out" / "reuse_emb.npz"


def scores(y: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    tp = float((pred & y).sum())
    f1 = 2 * tp / (pred.sum() + y.sum()) if (pred.sum() + y.sum()) else 0.0
    return float((pred == y).mean()), f1


def best_t(s: np.ndarray, y: np.ndarray) -> float:
    ts = np.unique(np.round(s, 3))
    return float(max(ts, key=lambda t: (scores(y, s >= t)[0], -t)))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write-coef", action="store_true")
    args = ap.parse_args()
    if not MRPC.exists():
        print(f"{MRPC} not found", file=sys.stderr)
        return 1
    data = [json.loads(x) for x in MRPC.read_text(encoding="utf-8").splitlines() if x.strip()]
    embed_cache.load(CACHE)
    t0 = time.perf_counter()
    a = embed([r["sentence1"] for r in data])
    b = embed([r["sentence2"] for r in data])
    t_emb = time.perf_counter() - t0
    embed_cache.save(CACHE)
    cos = (a * b).sum(axis=1)
    X = np.array([features(float(c), r["sentence1"], r["sentence2"]) for c, r in zip(cos, data, strict=True)])
    y = np.array([int(r["label"]) == 1 for r in data])
    half = len(data) // 2
    fit, rep = slice(0, half), slice(half, None)
    if args.write_coef:
        from sklearn.linear_model import LogisticRegression

        mu, sd = X[fit].mean(axis=0), X[fit].std(axis=0) + 1e-9
        clf = LogisticRegression(C=1.0, max_iter=5000).fit((X[fit] - mu) / sd, y[fit])
        coef = [round(float(c), 4) for c in clf.coef_[0] / sd]
        intercept = float(clf.intercept_[0] - (clf.coef_[0] * mu / sd).sum())
        path = ROOT / "storylens" / "nlp" / "sim_coef.py"
        text = path.read_text(encoding="utf-8")
        head = text[: text.index("COEF")]
        path.write_text(head + f"COEF = {coef!r}\nINTERCEPT = {round(intercept, 4)}\n", encoding="utf-8")
        sim_coef.COEF = coef
        sim_coef.INTERCEPT = intercept
    t0 = time.perf_counter()
    z = sim_coef.INTERCEPT + X @ np.array(sim_coef.COEF)
    prob = 1 / (1 + np.exp(-z))
    t_sim = time.perf_counter() - t0
    out = []
    for name, s in (("storylens similarity (cosine + lexical, logistic)", prob), ("embedding cosine alone", cos),
                    ("word-stem Dice alone", X[:, 1])):
        t = best_t(s[fit], y[fit])
        acc, f1 = scores(y[rep], s[rep] >= t)
        out.append((name, t, acc, f1))
    maj = float(max(y[rep].mean(), 1 - y[rep].mean()))
    print(f"MRPC train.jsonl: {len(data)} pairs; fitted on the first {half}, reported on the other {len(data) - half}")
    print(f"embedding {2 * len(data)} sentences: {t_emb:.1f}s (cached after the first run); "
          f"similarity features: {t_sim * 1000 / len(data):.3f} ms/pair")
    for name, t, acc, f1 in out:
        print(f"{name}: threshold {t:.3f}  accuracy {acc:.3f}  F1 {f1:.3f}")
    print(f"majority class: accuracy {maj:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
