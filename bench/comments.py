"""Comment analysis: stance on VAST, flags and stance on the project's own labelled comments, stage cost.

Run: .venv/bin/python bench/comments.py [--write-coef] [--part vast|labelled|cost|all] [--dev]

* ``vast``: ../shared/corpora/vast-dev split by comment (a hash of the text): 70% fits the stance model
  (``--write-coef`` writes ``storylens/comments/stance_coef.json``; the regularisation is chosen by 5-fold
  cross-validation grouped by comment inside that part), 30% is held out and only reported. Baselines in the
  same run on the same held-out part: VADER sentiment as stance (where ``vaderSentiment`` is installed) and
  TF-IDF words of text and target with a logistic model. Macro-F1 over support / oppose / neutral.
* ``labelled``: ``bench/data/comments_labelled.jsonl`` (written by ``bench/data/make_comments.py``): per flag,
  precision and recall of flagged authors, and stance accuracy; on the ``tune`` and the ``unseen`` articles
  separately (``--dev`` prints the tuning part only, the part used while tuning).
* ``cost``: the stage's seconds on ``bench/out/realnews.jsonl`` and on the seeds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storylens.comments import stance as st  # noqa: E402

VAST = ROOT.parent / "shared" / "corpora" / "vast-dev" / "dev.jsonl"
SEEDS = ROOT.parent / "shared" / "corpora" / "seeds"
LABELLED = ROOT / "bench" / "data" / "comments_labelled.jsonl"
REALNEWS = ROOT / "bench" / "out" / "realnews.jsonl"
LAB = {k: i for i, k in enumerate(st.LABELS)}


def macro_f1(y: list[int] | np.ndarray, p: list[int] | np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, p, average="macro", labels=[0, 1, 2]))


def held_out(text: str) -> bool:
    return int(hashlib.md5(text.encode()).hexdigest(), 16) % 10 < 3


def vast(write: bool) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    rows = [json.loads(x) for x in VAST.read_text("utf-8").splitlines() if x.strip()]
    y = np.array([LAB[r["stance"]] for r in rows])
    held = np.array([held_out(r["text"]) for r in rows])
    fit = ~held
    t0 = time.perf_counter()
    X = st.feature_matrix([r["text"] for r in rows], [r["target"] for r in rows])
    feat_s = time.perf_counter() - t0
    # Model choice by 5-fold cross-validation inside the fit part, grouped by TARGET: a comment section is
    # always about a target the model has not seen, so that is the generalisation to estimate.
    n = st.N_LEX + st.N_EX
    gt = np.array([int(hashlib.md5(r["target"].lower().encode()).hexdigest()[:8], 16) for r in rows])
    Xf, yf, gf = X[fit], y[fit], gt[fit]
    folds = list(GroupKFold(5).split(Xf, yf, gf))
    cv = {}
    oof: dict = {}
    for which, cols in (("full", slice(None)), ("small", slice(0, n))):
        for c in (0.1, 0.3, 1.0, 3.0):
            p = np.zeros((len(yf), 3))
            for tr, te in folds:
                p[te] = LogisticRegression(C=c, max_iter=3000).fit(Xf[tr][:, cols], yf[tr]).predict_proba(Xf[te][:, cols])
            oof[(which, c)] = p
    for cf in (0.1, 0.3, 1.0, 3.0):
        for cs in (0.1, 0.3, 1.0, 3.0):
            for w in (0.0, 0.25, 0.5, 0.75, 1.0):
                cv[(cf, cs, w)] = macro_f1(yf, st.combine(oof[("full", cf)], oof[("small", cs)], w).argmax(1))
    best = max(cv, key=lambda k: (round(cv[k], 3), -k[2], -k[0], -k[1]))  # ties: the simpler, more readable
    cf, cs, w = best
    if write:
        mf = LogisticRegression(C=cf, max_iter=3000).fit(Xf, yf)
        ms = LogisticRegression(C=cs, max_iter=3000).fit(Xf[:, :n], yf)
        st.COEF_FILE.write_text(json.dumps({
            "version": "2", "labels": list(st.LABELS), "fitted_on": "70% of vast-dev (split by comment)",
            "chosen_by": "5-fold CV grouped by target inside the fit part", "C_full": cf, "C_small": cs,
            "direction_weight_full": w, "cv_macro_f1": round(cv[best], 3),
            "full": {"coef": [[round(float(v), 5) for v in row] for row in mf.coef_],
                     "intercept": [round(float(v), 5) for v in mf.intercept_]},
            "small": {"coef": [[round(float(v), 5) for v in row] for row in ms.coef_],
                      "intercept": [round(float(v), 5) for v in ms.intercept_]}}) + "\n", "utf-8")
        st._model.cache_clear()
    info = st.model_info()
    cf, cs, w = info["C_full"], info["C_small"], info["direction_weight_full"]
    texts_h = [r["text"] for r, h in zip(rows, held, strict=True) if h]
    p_model = st.probabilities(X[held])
    out_model_only = macro_f1(y[held], p_model.argmax(1))
    pred = np.argmax(st.question_override(texts_h, st.lexicon_override(texts_h, p_model)), axis=1)
    out = {"pairs": len(rows), "fit": int(fit.sum()), "held_out": int(held.sum()), "C_full": cf, "C_small": cs,
           "direction_weight_full": w, "cv_macro_f1_by_target": info["cv_macro_f1"],
           "storylens": round(macro_f1(y[held], pred), 3), "without_overrides": round(out_model_only, 3),
           "feature_seconds": round(feat_s, 1)}
    per = {}
    for k, name in enumerate(st.LABELS):
        tp = int(((pred == k) & (y[held] == k)).sum())
        per[name] = round(2 * tp / max(1, int((pred == k).sum() + (y[held] == k).sum())), 3)
    out["per_label_f1"] = per
    # the two parts alone, same fit part: the full model (vectors too), the interpretable features alone
    full = LogisticRegression(C=cf, max_iter=3000).fit(Xf, yf)
    out["full_model_alone"] = round(macro_f1(y[held], full.predict(X[held])), 3)
    small = LogisticRegression(C=cs, max_iter=3000).fit(Xf[:, :n], yf)
    out["features_without_vectors"] = round(macro_f1(y[held], small.predict(X[held][:, :n])), 3)
    # baseline: TF-IDF words of text and target
    vec = TfidfVectorizer(min_df=2, ngram_range=(1, 2), sublinear_tf=True)
    docs = [r["text"] + " || " + r["target"] for r in rows]
    A = vec.fit_transform([d for d, f in zip(docs, fit, strict=True) if f])
    lr = LogisticRegression(C=1.0, max_iter=3000).fit(A, yf)
    out["tfidf_lr"] = round(macro_f1(y[held], lr.predict(vec.transform([d for d, h in zip(docs, held, strict=True)
                                                                          if h]))), 3)
    out["majority"] = round(macro_f1(y[held], np.full(int(held.sum()), np.bincount(yf).argmax())), 3)
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        out["vader"] = None
    else:
        sia = SentimentIntensityAnalyzer()
        vp = []
        for r in (r for r, h in zip(rows, held, strict=True) if h):
            c = sia.polarity_scores(r["text"])["compound"]
            vp.append(0 if c >= 0.05 else 1 if c <= -0.05 else 2)
        out["vader"] = round(macro_f1(y[held], vp), 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write-coef", action="store_true")
    ap.add_argument("--part", default="all", choices=["vast", "labelled", "cost", "all"])
    ap.add_argument("--dev", action="store_true", help="labelled set: the tuning articles only")
    args = ap.parse_args()
    res: dict = {"date": time.strftime("%Y-%m-%d")}
    if args.part in ("vast", "all"):
        if not VAST.is_file():
            print(f"skip vast: {VAST} not present", file=sys.stderr)
        else:
            res["vast"] = vast(args.write_coef)
            print(json.dumps({"vast": res["vast"]}), flush=True)
    if args.part in ("labelled", "all"):
        res["labelled"] = labelled(args.dev)
        print(json.dumps({"labelled": res["labelled"]}, indent=1), flush=True)
    if args.part in ("cost", "all"):
        res["cost"] = cost()
        print(json.dumps({"cost": res["cost"]}), flush=True)
    if args.part == "all" and not args.dev:
        (ROOT / "bench" / "out").mkdir(exist_ok=True)
        (ROOT / "bench" / "out" / "comments.json").write_text(json.dumps(res, indent=1) + "\n", "utf-8")
    return 0


def _labelled_articles() -> tuple[list, list[dict]]:
    import datetime as dt

    from storylens.model import Article, Comment

    rows = [json.loads(x) for x in LABELLED.read_text("utf-8").splitlines() if x.strip()]
    arts = [Article(id=r["id"], content_hash=r["id"], title=r["title"], outlet=r["outlet"],
                    published=dt.datetime.fromisoformat(r["published"]), body=r["text"].split("\n\n"),
                    comments=[Comment(author=c["author"], text=c["text"], position=c["position"],
                                      published=dt.datetime.fromisoformat(c["published"])) for c in r["comments"]])
            for r in rows]
    return arts, rows


def labelled(dev: bool) -> dict:
    """Flags and stance on the project's own labelled comments, through the stage (cross-article look-ups too)."""
    from storylens.comments import stage
    from storylens.store import open_store

    arts, rows = _labelled_articles()
    store = open_store(":memory:")
    store.add_articles(arts)
    t0 = time.perf_counter()
    stage.update(store, arts)
    secs = time.perf_counter() - t0
    got = {ca.article_id: ca for ca in store.get_comment_analysis([a.id for a in arts])}
    out: dict = {"articles": len(rows), "comments": sum(len(r["comments"]) for r in rows),
                 "stage_seconds": round(secs, 2)}
    for split in (("tune",) if dev else ("tune", "unseen")):
        part = [r for r in rows if r["split"] == split]
        res: dict = {"articles": len(part), "comments": sum(len(r["comments"]) for r in part)}
        for kind in ("both_sides", "templated", "burst", "generic"):
            gold = {(r["id"], a) for r in part for a, ks in r["gold_flags"].items() if kind in ks}
            pred = {(r["id"], f.author) for r in part for f in got[r["id"]].flags if f.kind == kind}
            tp = len(gold & pred)
            res[kind] = {"gold": len(gold), "flagged": len(pred), "precision": round(tp / len(pred), 3) if pred else None,
                         "recall": round(tp / len(gold), 3) if gold else None,
                         "false": sorted(f"{i}:{a}" for i, a in pred - gold)[:8]}
        ys, ps = [], []
        for r in part:
            st = {s.position: s.stance for s in got[r["id"]].stances}
            for c in r["comments"]:
                if c["stance"]:
                    ys.append(LAB[c["stance"]])
                    ps.append(LAB[st[c["position"]]])
        res["stance_accuracy"] = round(float(np.mean(np.array(ys) == np.array(ps))), 3)
        res["stance_macro_f1"] = round(macro_f1(ys, ps), 3)
        res["stance_comments"] = len(ys)
        flagged = {(r["id"], f.author) for r in part for f in got[r["id"]].flags}
        genuine = {(r["id"], c["author"]) for r in part for c in r["comments"] if c["kind"] == "genuine"}
        res["genuine_accounts"] = len(genuine)
        res["genuine_accounts_flagged"] = len(genuine & flagged)
        out[split] = res
    store.close()
    return out


def cost() -> dict:
    """The stage's seconds on the real-news file and on the seeds (each through the whole pipeline, timed per
    stage)."""
    from storylens.pipeline import ingest
    from storylens.store import open_store

    out = {}
    for name, path in (("realnews", REALNEWS), ("seeds", SEEDS)):
        if not path.exists():
            out[name] = None
            continue
        store = open_store(":memory:")
        res = ingest([path], store)
        n = len(res.added)
        with_comments = sum(1 for a in res.added if a.comments)
        comments = sum(len(a.comments) for a in res.added)
        total = sum(v for k, v in res.timings.items())
        out[name] = {"articles": n, "with_comments": with_comments, "comments": comments,
                     "comments_stage_s": res.timings.get("comments"), "all_steps_s": round(total, 1),
                     "articles_per_s": round(n / total, 1) if total else None}
        store.close()
    return out


if __name__ == "__main__":
    raise SystemExit(main())
