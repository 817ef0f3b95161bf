"""Derivation benchmark: rewrites-dev (100 originals, 365 rewrites) mixed with allsides and t17-h1n1.

Run: .venv/bin/python bench/reuse.py [--calibrate]

Split by id: even originals / allsides stories calibrate, odd ones are reported.
--calibrate fits the derivation classifier (a logistic regression over alignment
features) on the calibration half and writes storylens/reuse/decision_coef.py.
Every link touching an allsides article counts as a false positive; so does a link
between two rewrites of the same original (siblings share a source, neither derives
from the other). Baselines on the same half: MinHash (word 5-shingles) alone and
TF-IDF cosine (all pairs), each with the threshold that is best on the calibration half.

t17-h1n1 (BBC, Guardian and Reuters on the H1N1 story) adds long independent reports of one event:
every link between two of them from different outlets is a false positive (links between two articles
of one outlet, which may be updates of one report, are not judged). Its articles published within a
day of an article of another outlet are also paired explicitly: on the calibration half these pairs
are negatives for the classifier, on the report half the share of them accepted is printed. The run
also scores the coefficients in decision_coef.py before --calibrate ("previous") on the same halves.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reuse_data import CORPORA, EMB_CACHE, ROOT, load, load_h1n1  # noqa: E402

from storylens.nlp import embed_cache, words  # noqa: E402
from storylens.reuse import core, decision_coef  # noqa: E402
from storylens.reuse.features import _QUOTED, Feat, build_features  # noqa: E402


def human_idx(aid: str) -> str:
    return aid.rsplit("-", 1)[-1] if aid.startswith("orig-") else ""


def label(a: str, b: str, gold_pairs: set[frozenset[str]], src_of: dict[str, str]) -> str:
    if frozenset((a, b)) in gold_pairs:
        return "gold"
    if a in src_of and b in src_of and src_of[a] == src_of[b]:
        return "sib"
    return "neg"


def unjudged(a: str, b: str) -> bool:
    """Two t17-h1n1 articles of one outlet (possibly updates of one report): neither right nor wrong."""
    return a.startswith("h1-") and b.startswith("h1-") and a.split("-")[1] == b.split("-")[1]


WIRE_RUN = 12  # words in a row, outside quotation marks


def shared_run(a: Feat, b: Feat) -> int:
    """Longest run of words two texts share outside quotation marks."""
    import difflib

    wa = words(_QUOTED.sub(" | ", " ".join(a.sentences)))
    wb = words(_QUOTED.sub(" | ", " ".join(b.sentences)))
    sm = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    return max((m.size for m in sm.get_matching_blocks()), default=0)


def links(ds: list) -> set[frozenset[str]]:
    return {frozenset((d.source_id, d.derived_id)) for d in ds if not unjudged(d.source_id, d.derived_id)}


MEMO: dict[tuple[str, str], core.PairEval] = {}
_EVALUATE = core.evaluate


def cached_evaluate(a: Feat, b: Feat, use_dates: bool = True) -> core.PairEval:
    """core.evaluate, memoised (the features do not depend on the coefficients; the probability does)."""
    key = (a.id, b.id, use_dates)
    if key not in MEMO:
        MEMO[key] = _EVALUATE(a, b, use_dates)
    pe = MEMO[key]
    pe.prob = core.probability(pe.features) if not pe.gate else 0.0
    return pe


def snapshot() -> dict[str, object]:
    return {k: getattr(decision_coef, k) for k in ("FEATURES", "COEF", "INTERCEPT", "THRESHOLD", "DIR_COEF")}


def restore(s: dict[str, object]) -> None:
    for k, v in s.items():
        setattr(decision_coef, k, v)


def prf(pred: set[frozenset[str]], gold: set[frozenset[str]]) -> dict[str, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": len(pred - gold), "fn": len(gold - pred)}


def fit(feats: list[Feat], gold_pairs: set[frozenset[str]], src_of: dict[str, str],
        extra_neg: list[tuple[str, str]]) -> None:
    from sklearn.linear_model import LogisticRegression

    pairs = core.candidate_pairs(feats)
    pos = {f.id: k for k, f in enumerate(feats)}
    train = sorted(set(pairs) | {(min(pos[a], pos[b]), max(pos[a], pos[b])) for a, b in extra_neg})
    names = list(core.FEATURES)
    X, y = [], []
    for i, j in train:
        a, b = feats[i], feats[j]
        lab = label(a.id, b.id, gold_pairs, src_of)
        if lab == "sib" or unjudged(a.id, b.id):
            continue
        pe = core.evaluate(a, b, False)  # the text alone: what the dates would refuse is not learnt from
        if pe.gate:
            continue  # refused before any sentence was compared: not learnt from
        f = pe.features
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
    scores = {}
    for t in np.arange(0.2, 0.85, 0.05):
        decision_coef.THRESHOLD = float(t)
        f1s = [prf(links(core.derive(feats, pairs, use_dates=u)), gold_pairs)["f1"] for u in (True, False)]
        scores[round(float(t), 2)] = float(np.mean(f1s))
    print("pipeline F1 (mean of dated and undated) by threshold:", {k: round(v, 3) for k, v in scores.items()})
    # smoothed over neighbouring thresholds, so the choice sits on the plateau rather than on a lucky spike
    ts = sorted(scores)
    smooth = {t: float(np.mean([scores[u] for u in ts[max(0, i - 1): i + 2]])) for i, t in enumerate(ts)}
    best_t = max(ts, key=lambda k: (smooth[k], -abs(k - best_t)))
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


def seed_margins() -> list[str]:
    """Each seed pair's classifier probability and close-paraphrase share (only 001 <- 000 derives)."""
    from storylens.extract import extract

    paths = sorted((CORPORA / "seeds").glob("*.txt"))
    if not paths:
        return []
    arts = [extract(p.read_text(encoding="utf-8"), source=str(p)) for p in paths]
    fs = build_features(arts)
    out = []
    for i in range(len(fs)):
        for j in range(i + 1, len(fs)):
            pe = core.evaluate(fs[i], fs[j])
            out.append(f"  {paths[i].stem[:3]}-{paths[j].stem[:3]}: probability {pe.prob:.3f} "
                       f"(log-odds {math.log(max(pe.prob, 1e-12) / max(1 - pe.prob, 1e-12)):+.1f}), "
                       f"coverage in order {pe.features.get('coverage', 0.0):.2f}{' (' + pe.gate + ')' if pe.gate else ''}, "
                       f"derivation {core.is_derivation(pe)}")
    return out


def score(feats: list[Feat], gs: set[frozenset[str]], src_of: dict[str, str],
          near: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    pairs = core.candidate_pairs(feats)
    res: dict[str, dict[str, float]] = {}
    by = {f.id: f for f in feats}
    for name, u in (("dated", True), ("undated", False)):
        ds = core.derive(feats, pairs, use_dates=u)
        judged = [d for d in ds if not unjudged(d.source_id, d.derived_id)]
        m = prf(links(ds), gs)
        tp = [d for d in judged if frozenset((d.source_id, d.derived_id)) in gs]
        m["direction"] = sum(src_of.get(d.derived_id) == d.source_id for d in tp) / max(1, len(tp))
        m["allsides_links"] = sum(1 for d in judged if "as-" in (d.source_id[:3], d.derived_id[:3]))
        m["h1n1_links"] = sum(1 for d in judged if "h1-" in (d.source_id[:3], d.derived_id[:3]))
        m["sibling_links"] = sum(1 for d in judged if label(d.source_id, d.derived_id, gs, src_of) == "sib")
        # audit: an AllSides link whose two texts share WIRE_RUN words in a row outside quotes is reuse
        # (wire copy run by two outlets, or one article filed under two stories), not independent reporting
        wire = {frozenset((d.source_id, d.derived_id)) for d in judged
                if "as-" in (d.source_id[:3], d.derived_id[:3])
                and shared_run(by[d.source_id], by[d.derived_id]) >= WIRE_RUN}
        audited = prf(links(ds) - wire, gs)
        m["wire_links"] = len(wire)
        m["audited_f1"], m["audited_precision"] = audited["f1"], audited["precision"]
        res[name] = m
    by_id = {f.id: f for f in feats}
    if near:
        pes = [core.evaluate(by_id[a], by_id[b]) for a, b in near]
        res["near"] = {"n": len(pes), "accepted": sum(core.is_derivation(pe) for pe in pes),
                       "classifier": sum(pe.prob >= decision_coef.THRESHOLD for pe in pes),
                       "max_prob": max(pe.prob for pe in pes)}
    gp = [core.evaluate(by_id[a], by_id[b]) for a, b in (sorted(g) for g in gs)]
    res["gold_classifier"] = {"n": len(gp), "accepted": sum(pe.prob >= decision_coef.THRESHOLD for pe in gp)}
    return res


def show(title: str, r: dict[str, dict[str, float]]) -> None:
    print(f"-- {title}")
    for k in ("dated", "undated"):
        m = r[k]
        print(f"   storylens ({k}): P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} "
              f"(tp {m['tp']} fp {m['fp']} fn {m['fn']}; allsides links {m['allsides_links']}, h1n1 links "
              f"{m['h1n1_links']}, sibling links {m['sibling_links']}); direction {m['direction']:.3f}")
        print(f"      audited: {m['wire_links']} AllSides links share {WIRE_RUN}+ words in a row outside quotes; "
              f"without them P {m['audited_precision']:.3f} F1 {m['audited_f1']:.3f}")
    if "near" in r:
        n = r["near"]
        print(f"   h1n1 near-date cross-outlet pairs: {n['accepted']}/{n['n']} accepted, classifier alone "
              f"{n['classifier']}/{n['n']} (max probability {n['max_prob']:.3f})")
    g = r["gold_classifier"]
    print(f"   gold pairs above the classifier threshold: {g['accepted']}/{g['n']}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calibrate", action="store_true", help="fit the classifier on the calibration half")
    args = ap.parse_args()
    if not (CORPORA / "rewrites-dev").exists():
        print(f"corpora not found under {CORPORA}", file=sys.stderr)
        return 1
    embed_cache.load(EMB_CACHE)
    arts, gold, split = load(with_dates=True)
    h1, h1_split, h1_near = load_h1n1(with_dates=True)
    split.update(h1_split)
    t0 = time.perf_counter()
    feats_h = {h: build_features([a for a in arts + h1 if split[a.id] == h]) for h in (0, 1)}
    t_feat = time.perf_counter() - t0
    embed_cache.save(EMB_CACHE)
    src_of = {d: s for s, d in gold}
    gold_h = {h: {frozenset(g) for g in gold if split[g[0]] == h} for h in (0, 1)}
    near_h = {h: [p for p in h1_near if split[p[0]] == h] for h in (0, 1)}
    core.evaluate = cached_evaluate  # type: ignore[assignment]
    previous = snapshot()
    if args.calibrate:
        fit(feats_h[0], gold_h[0], src_of, near_h[0])
    current = snapshot()
    no_h1 = {h: [f for f in feats_h[h] if not f.id.startswith("h1-")] for h in (0, 1)}
    print(f"features (embeddings cached) for {sum(len(f) for f in feats_h.values())} articles: {t_feat:.1f}s")
    for h, name in ((0, "calibration half"), (1, "report half")):
        fs = feats_h[h]
        t0 = time.perf_counter()
        cand = {frozenset((fs[i].id, fs[j].id)) for i, j in core.candidate_pairs(fs)}
        t_cand = time.perf_counter() - t0
        print(f"\n== {name}: {len(fs)} articles ({len(fs) - len(no_h1[h])} from t17-h1n1), "
              f"{len(gold_h[h])} gold derivations, {len(near_h[h])} near-date h1n1 pairs")
        print(f"candidates {len(cand)} (recall {len(cand & gold_h[h]) / len(gold_h[h]):.3f}) in {t_cand:.2f}s")
        configs = [("current coefficients", current)]
        if args.calibrate and h == 1:
            configs.append(("previous coefficients", previous))
        for cname, coef in configs:
            restore(coef)
            t0 = time.perf_counter()
            show(f"{cname}, allsides + h1n1 negatives", score(fs, gold_h[h], src_of, near_h[h]))
            show(f"{cname}, allsides negatives only (no h1n1 articles)", score(no_h1[h], gold_h[h], src_of, []))
            print(f"   ({time.perf_counter() - t0:.1f}s)")
    restore(current)
    core.evaluate = _EVALUATE  # type: ignore[assignment]
    # baselines: thresholds from the calibration half, scored on the report half
    tf_scores = {}
    for h in (0, 1):
        ids, s = tfidf_scores(feats_h[h])
        tf_scores[h] = {frozenset((ids[i], ids[j])): float(s[i, j]) for i in range(len(ids))
                        for j in range(i + 1, len(ids)) if not unjudged(ids[i], ids[j])}
    tf_t = best_threshold(tf_scores[0], gold_h[0])
    tf = prf({k for k, v in tf_scores[1].items() if v >= tf_t}, gold_h[1])
    tf_oracle_t = best_threshold(tf_scores[1], gold_h[1])
    tf_oracle = prf({k for k, v in tf_scores[1].items() if v >= tf_oracle_t}, gold_h[1])
    mh_t = best_threshold({k: v for k, v in minhash_scores(feats_h[0]).items() if not unjudged(*k)}, gold_h[0])
    mh = prf({k for k, v in minhash_scores(feats_h[1]).items() if v >= mh_t and not unjudged(*k)}, gold_h[1])
    print(f"\nbaseline MinHash alone (threshold {mh_t:.2f} from calibration): P {mh['precision']:.3f} "
          f"R {mh['recall']:.3f} F1 {mh['f1']:.3f}")
    print(f"baseline TF-IDF cosine (threshold {tf_t:.2f} from calibration): P {tf['precision']:.3f} "
          f"R {tf['recall']:.3f} F1 {tf['f1']:.3f}; best threshold on the report half itself {tf_oracle_t:.2f}: "
          f"F1 {tf_oracle['f1']:.3f}")
    print("\nseed pairs:")
    for line in seed_margins():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
