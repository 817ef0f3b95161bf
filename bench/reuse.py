"""Derivation benchmark: rewrites-dev (100 originals, 365 rewrites) mixed with allsides (independent reports).

Run: .venv/bin/python bench/reuse.py [--calibrate]

Split by id: even originals / allsides stories calibrate, odd ones are reported.
--calibrate fits the derivation classifier (a logistic regression over alignment
features) on the calibration half and writes storylens/reuse/decision_coef.py.
Every link touching an allsides article counts as a false positive; so does a link
between two rewrites of the same original (siblings share a source, neither derives
from the other). Baselines on the same half: MinHash (word 5-shingles) alone and
TF-IDF cosine (all pairs), each with the threshold that is best on the calibration half.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reuse_data import CORPORA, EMB_CACHE, ROOT, load  # noqa: E402

from storylens.nlp import embed_cache  # noqa: E402
from storylens.reuse import core, decision_coef  # noqa: E402
from storylens.reuse.features import Feat, build_features  # noqa: E402


def human_idx(aid: str) -> str:
    return aid.rsplit("-", 1)[-1] if aid.startswith("orig-") else ""


def label(a: str, b: str, gold_pairs: set[frozenset[str]], src_of: dict[str, str]) -> str:
    if frozenset((a, b)) in gold_pairs:
        return "gold"
    if a in src_of and b in src_of and src_of[a] == src_of[b]:
        return "sib"
    return "neg"


def prf(pred: set[frozenset[str]], gold: set[frozenset[str]]) -> dict[str, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": len(pred - gold), "fn": len(gold - pred)}


def fit(feats: list[Feat], gold_pairs: set[frozenset[str]], src_of: dict[str, str]) -> None:
    from sklearn.linear_model import LogisticRegression

    pairs = core.candidate_pairs(feats)
    names = list(core.ALL_FEATURES)
    X, y = [], []
    for i, j in pairs:
        a, b = feats[i], feats[j]
        lab = label(a.id, b.id, gold_pairs, src_of)
        if lab == "sib":
            continue
        f = core.decision_features(a, b, core.cos_matrix(b, a))
        X.append([f[k] for k in names])
        y.append(lab == "gold")
    Xa, ya = np.array(X), np.array(y)
    # regularised on standardised features, written back on the raw scale
    mu, sd = Xa.mean(axis=0), Xa.std(axis=0) + 1e-9
    clf = LogisticRegression(C=1.0, max_iter=5000).fit((Xa - mu) / sd, ya)
    prob = clf.predict_proba((Xa - mu) / sd)[:, 1]
    raw = clf.coef_[0] / sd
    intercept = float(clf.intercept_[0] - (clf.coef_[0] * mu / sd).sum())
    best_t, best_f = 0.5, -1.0
    for t in np.arange(0.2, 0.9, 0.02):
        p = prob >= t
        tp = (p & ya).sum()
        f1 = 2 * tp / (p.sum() + ya.sum())
        if f1 > best_f:
            best_t, best_f = float(t), float(f1)
    coef = [round(float(c), 4) for c in raw]
    decision_coef.FEATURES = names
    decision_coef.COEF = coef
    decision_coef.INTERCEPT = intercept
    # the threshold is chosen on the whole pipeline (gates, chains and siblings included) of this half,
    # averaging the dated and the undated F1
    memo: dict[tuple[str, str], core.PairEval] = {}
    evaluate = core.evaluate

    def cached(a: Feat, b: Feat) -> core.PairEval:
        if (a.id, b.id) not in memo:
            memo[(a.id, b.id)] = evaluate(a, b)
        pe = memo[(a.id, b.id)]
        pe.prob = core.probability(pe.features)
        return pe

    core.evaluate = cached  # type: ignore[assignment]
    try:
        scores = {}
        for t in np.arange(0.2, 0.85, 0.05):
            decision_coef.THRESHOLD = float(t)
            f1s = [prf({frozenset((d.source_id, d.derived_id)) for d in core.derive(feats, pairs, use_dates=u)},
                       gold_pairs)["f1"] for u in (True, False)]
            scores[round(float(t), 2)] = float(np.mean(f1s))
    finally:
        core.evaluate = evaluate  # type: ignore[assignment]
    print("pipeline F1 (mean of dated and undated) by threshold:", {k: round(v, 3) for k, v in scores.items()})
    best_t = max(scores, key=lambda k: (scores[k], -abs(k - best_t)))
    best_f = scores[best_t]
    # direction from text: antisymmetric features, fitted on the derived pairs of this half (both orders)
    from storylens.reuse.direction import direction_features

    by_id = {f.id: f for f in feats}
    D = []
    for pair in sorted(tuple(sorted(g)) for g in gold_pairs):
        src = [p for p in pair if p.startswith("orig-")][0]
        der = [p for p in pair if p != src][0]
        pe = core.evaluate(by_id[src], by_id[der])
        D.append(direction_features(by_id[src], by_id[der], pe.b_in_a.coverage, pe.a_in_b.coverage)[0])
    Da = np.array(D)
    dclf = LogisticRegression(C=1.0, fit_intercept=False, max_iter=5000).fit(
        np.vstack([Da, -Da]), np.r_[np.ones(len(Da)), np.zeros(len(Da))])
    dir_coef = [round(float(c), 4) for c in dclf.coef_[0]]
    decision_coef.DIR_COEF = dir_coef
    print(f"direction fitted on {len(Da)} derived pairs: training accuracy {float(np.mean(Da @ dclf.coef_[0] > 0)):.3f}")
    path = ROOT / "storylens" / "reuse" / "decision_coef.py"
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("FEATURES")]
    body = (f"FEATURES = {names!r}\nCOEF = {coef!r}\nINTERCEPT = {round(intercept, 4)}\n"
            f"THRESHOLD = {round(best_t, 2)}\nDIR_COEF = {dir_coef!r}\n")
    path.write_text(head + body.replace("'", '"'), encoding="utf-8")
    decision_coef.THRESHOLD = best_t
    print(f"calibrated on {len(ya)} candidate pairs ({int(ya.sum())} derived): threshold {best_t:.2f}, "
          f"calibration pipeline F1 {best_f:.3f}")


def minhash_scores(feats: list[Feat]) -> dict[frozenset[str], float]:
    from storylens.nlp.minhash import band_keys
    from storylens.reuse.index import BANDS, hasher

    sigs = {f.id: hasher().signature(f.shingles) for f in feats}
    buckets: dict[str, list[str]] = {}
    for f in feats:
        for k in band_keys(sigs[f.id], BANDS):
            buckets.setdefault(k, []).append(f.id)
    out: dict[frozenset[str], float] = {}
    for ids in buckets.values():
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                out[frozenset((ids[x], ids[y]))] = float(np.mean(sigs[ids[x]] == sigs[ids[y]]))
    return out


def tfidf_scores(feats: list[Feat]) -> tuple[list[str], np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = [f.id for f in feats]
    m = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([" ".join(f.sentences) for f in feats])
    return ids, (m @ m.T).toarray()


def best_threshold(scores: dict[frozenset[str], float], gold: set[frozenset[str]]) -> float:
    best_t, best_f = 0.5, -1.0
    for t in np.arange(0.05, 1.0, 0.01):
        f = prf({k for k, v in scores.items() if v >= t}, gold)["f1"]
        if f > best_f:
            best_t, best_f = float(t), f
    return best_t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calibrate", action="store_true", help="fit the classifier on the calibration half")
    args = ap.parse_args()
    if not (CORPORA / "rewrites-dev").exists():
        print(f"corpora not found under {CORPORA}", file=sys.stderr)
        return 1
    embed_cache.load(EMB_CACHE)
    halves = {}
    for dated in (True, False):
        arts, gold, split = load(with_dates=dated)
        for h in (0, 1):
            halves[(dated, h)] = ([a for a in arts if split[a.id] == h], {g for g in gold if split[g[0]] == h})
    t0 = time.perf_counter()
    feats_h = {h: build_features(halves[(True, h)][0]) for h in (0, 1)}
    t_feat = time.perf_counter() - t0
    embed_cache.save(EMB_CACHE)
    _, gold_all, _ = load(with_dates=False)
    src_of = {d: s for s, d in gold_all}

    def gold_set(h: int) -> set[frozenset[str]]:
        return {frozenset(g) for g in halves[(True, h)][1]}

    if args.calibrate:
        fit(feats_h[0], gold_set(0), src_of)
    results = {}
    for h in (0, 1):
        feats = feats_h[h]
        t0 = time.perf_counter()
        pairs = core.candidate_pairs(feats)
        t_cand = time.perf_counter() - t0
        gs = gold_set(h)
        cand = {frozenset((feats[i].id, feats[j].id)) for i, j in pairs}
        t0 = time.perf_counter()
        dated = core.derive(feats, pairs, use_dates=True)
        t_derive = time.perf_counter() - t0
        undated = core.derive(feats, pairs, use_dates=False)
        res = {"n_articles": len(feats), "n_gold": len(gs), "candidates": len(cand),
               "candidate_recall": len(cand & gs) / len(gs), "t_candidates": t_cand, "t_derive": t_derive}
        for name, ds in (("dated", dated), ("undated", undated)):
            pred = {frozenset((d.source_id, d.derived_id)) for d in ds}
            res[name] = prf(pred, gs)
            tp = [d for d in ds if frozenset((d.source_id, d.derived_id)) in gs]
            res[name]["direction"] = sum(src_of.get(d.derived_id) == d.source_id for d in tp) / max(1, len(tp))
            res[name]["allsides_links"] = sum(1 for d in ds if d.source_id.startswith("as-")
                                              or d.derived_id.startswith("as-"))
            res[name]["sibling_links"] = sum(1 for d in ds if label(d.source_id, d.derived_id, gs, src_of) == "sib")
        res["minhash"] = minhash_scores(feats)
        res["tfidf"] = tfidf_scores(feats)
        results[h] = res
    # baselines: thresholds from the calibration half, scored on the report half
    mh_t = best_threshold(results[0]["minhash"], gold_set(0))
    ids0, s0 = results[0]["tfidf"]
    tf0 = {frozenset((ids0[i], ids0[j])): float(s0[i, j]) for i in range(len(ids0)) for j in range(i + 1, len(ids0))}
    tf_t = best_threshold(tf0, gold_set(0))
    r = results[1]
    gs1 = gold_set(1)
    mh = prf({k for k, v in r["minhash"].items() if v >= mh_t}, gs1)
    ids1, s1 = r["tfidf"]
    tf1 = {frozenset((ids1[i], ids1[j])): float(s1[i, j]) for i in range(len(ids1)) for j in range(i + 1, len(ids1))}
    tf = prf({k for k, v in tf1.items() if v >= tf_t}, gs1)
    tf_oracle_t = best_threshold(tf1, gs1)
    tf_oracle = prf({k for k, v in tf1.items() if v >= tf_oracle_t}, gs1)
    print(f"features (embeddings cached) for {sum(len(f) for f in feats_h.values())} articles: {t_feat:.1f}s")
    for h, name in ((0, "calibration half"), (1, "report half")):
        r = results[h]
        print(f"\n== {name}: {r['n_articles']} articles, {r['n_gold']} gold derivations")
        print(f"candidates {r['candidates']} (recall {r['candidate_recall']:.3f}) in {r['t_candidates']:.2f}s; "
              f"derive {r['t_derive']:.1f}s")
        for k in ("dated", "undated"):
            m = r[k]
            print(f"storylens ({k}): P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} "
                  f"(tp {m['tp']} fp {m['fp']} fn {m['fn']}; allsides links {m['allsides_links']}, "
                  f"sibling links {m['sibling_links']}); direction {m['direction']:.3f}")
    print(f"\nbaseline MinHash alone (threshold {mh_t:.2f} from calibration): P {mh['precision']:.3f} "
          f"R {mh['recall']:.3f} F1 {mh['f1']:.3f}")
    print(f"baseline TF-IDF cosine (threshold {tf_t:.2f} from calibration): P {tf['precision']:.3f} "
          f"R {tf['recall']:.3f} F1 {tf['f1']:.3f}; best threshold on the report half itself {tf_oracle_t:.2f}: "
          f"F1 {tf_oracle['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
