"""Quote and attribution extraction on PolNeAR (brat standoff: ``text/NAME.txt``, ``attributions/NAME_ANN.ann``).

    .venv/bin/python bench/quotes.py learn     # cue lexicon from train/ only -> storylens/claims/cues.json
    .venv/bin/python bench/quotes.py eval      # dev/: the system and the regex baseline, same run, + speed
    .venv/bin/python bench/quotes.py errors --split train   # why gold sources are missed (error analysis)
    .venv/bin/python bench/quotes.py cv        # 5-fold cross-validation over train/ articles (out of sample)

Gold: every ``Source``, ``Cue`` and ``Content`` span of every annotation file (an article annotated by two
annotators counts twice, once against each). A discontinuous gold span (fragments ``s e;s e``) is compared by
its extent (first start to last end) for exact matching and by its fragments for overlap.

Predicted spans are counted once per article and role, as the gold's entities are: one mention that is the
source of two quotes ("X said A and added B", annotated as one Source linked to two attributions) is one
predicted source.

Matching, one to one:
* exact: the spans are equal once whitespace, punctuation and quotation marks are trimmed from both ends;
* overlap: the two share at least one non-space character; pairs are taken greedily, largest shared length
  first, each prediction and each gold span used at most once.
* soft (reported beside overlap): over the overlap pairs, precision is the mean over predictions of the
  share of the prediction inside its gold span (0 when unmatched), recall the mean over gold spans of the
  share covered.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storylens.claims import quotes as Q  # noqa: E402
from storylens.nlp import parse as P  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "polnear"
CACHE = Path("/tmp/storylens-bench-quotes")
Span = tuple[int, int]
TRIM = " \t\n,.;:!?\"'“”‘’()[]—–-"


# ----------------------------------------------------------------------------------------- data


def load_split(split: str) -> list[dict]:
    """One record per annotation file: name, text, and gold Source/Cue/Content spans (fragment lists)."""
    out = []
    for ann in sorted((CORPUS / split / "attributions").glob("*.ann")):
        stem = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
        txt = CORPUS / split / "text" / f"{stem}.txt"
        if not txt.exists():
            continue
        gold: dict[str, list[list[Span]]] = {"Source": [], "Cue": [], "Content": []}
        ents: dict[str, list[Span]] = {}
        sourced: set[int] = set()  # characters of the cues whose attribution names a source
        pairs: list[tuple[list[Span], list[Span]]] = []  # (source, cue) of each attribution with a source
        lines = ann.read_text(encoding="utf-8").splitlines()
        for line in lines:
            parts = line.split("\t")
            if len(parts) < 2 or not parts[0].startswith("T"):
                continue
            kind, _, offs = parts[1].partition(" ")
            if kind not in gold:
                continue
            frags = [(int(a), int(b)) for a, b in (f.split() for f in offs.split(";"))]
            gold[kind].append(frags)
            ents[parts[0]] = frags
        for line in lines:
            parts = line.split("\t")
            if len(parts) < 2 or not parts[0].startswith("E"):
                continue
            roles = dict(r.split(":", 1) for r in parts[1].split()[1:] if ":" in r)
            if "Source" in roles and roles.get("Cue") in ents and roles["Source"] in ents:
                sourced.update(i for a, b in ents[roles["Cue"]] for i in range(a, b))
                pairs.append((ents[roles["Source"]], ents[roles["Cue"]]))
        out.append(
            {
                "name": ann.stem,
                "text": txt.read_text(encoding="utf-8"),
                "gold": gold,
                "sourced_cues": sourced,
                "pairs": pairs,
            }
        )
    return out


# ----------------------------------------------------------------------------------------- scoring


def _trim(text: str, s: int, e: int) -> Span:
    while s < e and text[s] in TRIM:
        s += 1
    while e > s and text[e - 1] in TRIM:
        e -= 1
    return s, e


def _shared(text: str, pred: Span, frags: list[Span]) -> int:
    n = 0
    for a, b in frags:
        lo, hi = max(pred[0], a), min(pred[1], b)
        if hi > lo:
            n += sum(1 for ch in text[lo:hi] if not ch.isspace())
    return n


def _nonspace(text: str, frags: list[Span]) -> int:
    return max(1, sum(1 for a, b in frags for ch in text[a:b] if not ch.isspace()))


def score(records: Sequence[dict], preds: Sequence[list[Q.QuoteSpan]]) -> dict[str, dict[str, float]]:
    roles = {"source": "Source", "cue": "Cue", "content": "Content"}
    out: dict[str, dict[str, float]] = {}
    for role, gname in roles.items():
        tp_exact = tp_over = n_pred = n_gold = 0
        soft_p = soft_r = 0.0
        for rec, qs in zip(records, preds, strict=True):
            text = rec["text"]
            gold = rec["gold"][gname]
            # distinct spans, as in the gold (one Source entity may serve several attributions: "X said A and
            # added B" links both to one "X"; two quotes naming the same mention are one predicted span)
            ps = list(dict.fromkeys(getattr(q, role) for q in qs if getattr(q, role) is not None))
            n_pred += len(ps)
            n_gold += len(gold)
            gold_ext = Counter(_trim(text, g[0][0], g[-1][1]) for g in gold)
            for p in ps:
                t = _trim(text, *p)
                if gold_ext[t] > 0:
                    gold_ext[t] -= 1
                    tp_exact += 1
            pairs = sorted(
                ((_shared(text, p, g), i, j) for i, p in enumerate(ps) for j, g in enumerate(gold)),
                reverse=True,
            )
            used_p: set[int] = set()
            used_g: set[int] = set()
            for n, i, j in pairs:
                if n <= 0:
                    break
                if i in used_p or j in used_g:
                    continue
                used_p.add(i)
                used_g.add(j)
                tp_over += 1
                soft_p += n / _nonspace(text, [ps[i]])
                soft_r += n / _nonspace(text, gold[j])
        out[role] = {
            "gold": n_gold,
            "pred": n_pred,
            **_prf("exact", tp_exact, tp_exact, n_pred, n_gold),
            **_prf("overlap", tp_over, tp_over, n_pred, n_gold),
            **_prf("soft", soft_p, soft_r, n_pred, n_gold),
        }
    return out


def _prf(name: str, tp_p: float, tp_r: float, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {f"{name}_p": round(p, 4), f"{name}_r": round(r, 4), f"{name}_f1": round(f, 4)}


# ----------------------------------------------------------------------------------------- baseline

_SAID = re.compile(r"\b(said|says)\b")
_SUBJ_BEFORE = re.compile(r"((?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w.'’-]*|\b[Hh]e|\b[Ss]he|\b[Tt]hey)\s+$")
_SUBJ_AFTER = re.compile(r"^\s+((?:[A-Z][\w.'’-]*\s*){1,4})")


def baseline(text: str) -> list[Q.QuoteSpan]:
    """Direct-quote regex: each quotation, the nearest "said"/"says" within 60 characters after (or, failing
    that, before) it, and the capitalised words or pronoun next to that verb as the source."""
    out = []
    for rs, re_ in Q.quote_regions(text):
        after = [m for m in _SAID.finditer(text, re_, min(len(text), re_ + 60))]
        before = [m for m in _SAID.finditer(text, max(0, rs - 60), rs)]
        m = after[0] if after else (before[-1] if before else None)
        if m is None:
            continue
        src = None
        sb = _SUBJ_BEFORE.search(text[max(0, m.start() - 60) : m.start()])
        if sb:
            s = max(0, m.start() - 60) + sb.start(1)
            src = (s, s + len(sb.group(1).rstrip()))
        else:
            sa = _SUBJ_AFTER.match(text[m.end() : m.end() + 60])
            if sa:
                s = m.end() + sa.start(1)
                src = (s, s + len(sa.group(1).rstrip()))
        out.append(
            Q.QuoteSpan(
                source=src,
                cue=m.span(),
                content=(rs, re_),
                kind="direct",
                speaker=text[src[0] : src[1]] if src else None,
            )
        )
    return out


# ----------------------------------------------------------------------------------------- parse cache


class CachedParser:
    """Parses each distinct sentence once per run (and keeps the parses on disk between runs)."""

    def __init__(self, name: str) -> None:
        self.path = CACHE / f"{name}.spacy"
        self.docs: dict[str, object] = {}
        if self.path.exists():
            from spacy.tokens import DocBin

            for d in DocBin().from_disk(self.path).get_docs(P.model().vocab):
                self.docs[d.text] = d
        self.dirty = False

    def __call__(self, texts: Sequence[str]) -> list:
        todo = sorted({t for t in texts if t not in self.docs})
        for t, d in zip(todo, P.parse(todo), strict=True):
            self.docs[t] = d
            self.dirty = True
        return [self.docs[t] for t in texts]

    def save(self) -> None:
        if not self.dirty:
            return
        from spacy.tokens import DocBin

        CACHE.mkdir(parents=True, exist_ok=True)
        db = DocBin(attrs=["ORTH", "LEMMA", "POS", "TAG", "HEAD", "DEP", "SENT_START", "SPACY"])
        for d in self.docs.values():
            db.add(d)
        db.to_disk(self.path)


# ----------------------------------------------------------------------------------------- learning


def _train_units() -> tuple[list[dict], list[tuple[int, int, str]], list, list[set[int]], CachedParser]:
    recs = load_split("train")
    parser = CachedParser("train")
    units: list[tuple[int, int, str]] = []
    for ri, r in enumerate(recs):
        text = r["text"]
        for s, e in Q._units(text, Q.quote_regions(text)):
            units.append((ri, s, text[s:e]))
    docs = parser([u[2] for u in units])
    parser.save()
    cue_chars: list[set[int]] = []
    for r in recs:
        chars: set[int] = set()
        for frags in r["gold"]["Cue"]:
            for a, b in frags:
                chars.update(range(a, b))
        cue_chars.append(chars)
    return recs, units, docs, cue_chars, parser


def _lemma_counts(units: list, docs: list, cue_chars: list, skip: Callable[[int], bool] | None = None
                  ) -> tuple[Counter[str], Counter[str], dict[str, Counter[str]], Counter[str], Counter[str]]:
    """Per lemma, over the training units (those ``skip`` does not leave out): verbs seen and heading an
    annotated cue (with the forms they took), and the same for nouns."""
    seen: Counter[str] = Counter()
    cue: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    seen_n: Counter[str] = Counter()
    cue_n: Counter[str] = Counter()
    for (ri, base, _), doc in zip(units, docs, strict=True):
        if skip is not None and skip(ri):
            continue
        for tok in doc:
            lem = tok.lemma_.lower()
            is_cue = base + tok.idx in cue_chars[ri]
            if tok.pos_ == "NOUN":
                seen_n[lem] += 1
                if is_cue:
                    cue_n[lem] += 1
            elif tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("aux", "auxpass", "amod"):
                seen[lem] += 1
                if is_cue:
                    cue[lem] += 1
                    forms[lem][tok.lower_] += 1
    return seen, cue, forms, seen_n, cue_n


def learn(min_count: int = 3, min_rate: float = 0.03, strong_rate: float = 0.35, c_reg: float = 0.5) -> dict:
    """From train/ only: (1) how often each verb lemma heads an annotated cue and how often it occurs;
    (2) a logistic model over the candidates' lemma and structure; (3) its threshold (best train F1)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    recs, units, docs, cue_chars, parser = _train_units()
    seen, cue, forms, seen_n, cue_n = _lemma_counts(units, docs, cue_chars)
    data: dict = {
        "source": "PolNeAR train/ only (bench/quotes.py learn)",
        "min_count": min_count,
        "min_rate": min_rate,
        "strong_rate": strong_rate,
        "filter_rate": 0.1,
        "lemmas": {
            lem: {"cue": cue[lem], "seen": seen[lem], "forms": sorted(forms[lem])}
            for lem in sorted(cue)
            if cue[lem] >= min_count
        },
        "nouns": {
            lem: {"cue": cue_n[lem], "seen": seen_n[lem]} for lem in sorted(cue_n) if cue_n[lem] >= min_count
        },
    }
    lex = Q.Lexicon.from_data(data)
    X: list[dict[str, float]] = []
    y: list[int] = []
    Xs: list[dict[str, float]] = []
    ys: list[int] = []
    for (ri, base, _), doc in zip(units, docs, strict=True):
        regions = Q.quote_regions(recs[ri]["text"])
        for c in Q.candidates(doc, base, regions, lex, recs[ri]["text"]):
            if c.how == "acc":
                continue
            at = base + doc[c.token_i].idx
            X.append(dict.fromkeys(c.features, 1.0))
            y.append(int(at in cue_chars[ri]))
            if y[-1] and c.source:  # a true cue with a source found: does the gold name one?
                Xs.append(X[-1])
                ys.append(int(at in recs[ri]["sourced_cues"]))
    vec = DictVectorizer()
    model = LogisticRegression(C=c_reg, max_iter=3000)
    model.fit(vec.fit_transform(X), y)
    names = vec.get_feature_names_out()
    data["weights"] = {
        str(n): round(float(w), 4) for n, w in zip(names, model.coef_[0], strict=True) if abs(w) >= 1e-3
    }
    data["bias"] = round(float(model.intercept_[0]), 4)
    data["training_candidates"] = {"n": len(y), "positive": int(sum(y))}
    svec = DictVectorizer()
    smodel = LogisticRegression(C=c_reg, max_iter=3000)
    smodel.fit(svec.fit_transform(Xs), ys)
    data["source_weights"] = {
        str(n): round(float(w), 4)
        for n, w in zip(svec.get_feature_names_out(), smodel.coef_[0], strict=True)
        if abs(w) >= 1e-3
    }
    data["source_bias"] = round(float(smodel.intercept_[0]), 4)
    data["source_training"] = {"n": len(ys), "with_source": int(sum(ys))}
    grid: dict[str, float] = {}
    for th in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        lx = Q.Lexicon.from_data(data, th)
        preds = Q.find_quotes_many([r["text"] for r in recs], lx, parser)
        sc = score(recs, preds)
        grid[str(th)] = round((sc["source"]["overlap_f1"] + sc["content"]["overlap_f1"]) / 2, 4)
        print(
            f"threshold {th}: {grid[str(th)]} source {sc['source']['overlap_f1']} "
            f"content {sc['content']['overlap_f1']}",
            file=sys.stderr,
        )
    best = max(grid, key=lambda t: (grid[t], -float(t)))
    data["threshold"] = float(best)
    data["threshold_grid_train"] = grid
    return data


# ----------------------------------------------------------------------------------------- evaluation


def cross_validate(folds: int = 5, threshold: float = 0.35, c_reg: float = 0.5) -> dict[str, dict[str, float]]:
    """Out-of-sample figures on train/: articles in ``folds`` folds; for each, the cue and noun lexicons and
    both models are learned (as in :func:`learn`, at a fixed threshold) on the other folds and the finder is
    run on it; the predictions of all folds are scored together."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    recs, units, docs, cue_chars, parser = _train_units()
    stems = sorted({re.sub(r"_[0-9a-f]{4}$", "", r["name"]) for r in recs})
    fold_of = {st: i % folds for i, st in enumerate(stems)}
    rf = [fold_of[re.sub(r"_[0-9a-f]{4}$", "", r["name"])] for r in recs]
    preds: list[list[Q.QuoteSpan]] = [[] for _ in recs]
    for k in range(folds):
        seen, cue, forms, seen_n, cue_n = _lemma_counts(units, docs, cue_chars, skip=lambda ri, k=k: rf[ri] == k)
        data: dict = {
            "min_count": 3,
            "min_rate": 0.03,
            "strong_rate": 0.35,
            "filter_rate": 0.1,
            "threshold": threshold,
            "lemmas": {
                lem: {"cue": cue[lem], "seen": seen[lem], "forms": sorted(forms[lem])} for lem in cue if cue[lem] >= 3
            },
            "nouns": {lem: {"cue": cue_n[lem], "seen": seen_n[lem]} for lem in cue_n if cue_n[lem] >= 3},
        }
        lex = Q.Lexicon.from_data(data)
        X: list[dict[str, float]] = []
        y: list[int] = []
        Xs: list[dict[str, float]] = []
        ys: list[int] = []
        for (ri, base, _), doc in zip(units, docs, strict=True):
            if rf[ri] == k:
                continue
            for c in Q.candidates(doc, base, Q.quote_regions(recs[ri]["text"]), lex, recs[ri]["text"]):
                if c.how == "acc":
                    continue
                at = base + doc[c.token_i].idx
                X.append(dict.fromkeys(c.features, 1.0))
                y.append(int(at in cue_chars[ri]))
                if y[-1] and c.source:
                    Xs.append(X[-1])
                    ys.append(int(at in recs[ri]["sourced_cues"]))
        for xs, ts, wkey, bkey in ((X, y, "weights", "bias"), (Xs, ys, "source_weights", "source_bias")):
            vec = DictVectorizer()
            model = LogisticRegression(C=c_reg, max_iter=3000).fit(vec.fit_transform(xs), ts)
            data[wkey] = {str(n): float(w) for n, w in zip(vec.get_feature_names_out(), model.coef_[0], strict=True)}
            data[bkey] = float(model.intercept_[0])
        held = [i for i in range(len(recs)) if rf[i] == k]
        found = Q.find_quotes_many([recs[i]["text"] for i in held], Q.Lexicon.from_data(data), parser)
        for i, qs in zip(held, found, strict=True):
            preds[i] = qs
        print(f"fold {k + 1}/{folds} done", file=sys.stderr)
    return score(recs, preds)


def errors(split: str) -> Counter[str]:
    """Why gold sources are missed (run it on train): for each attribution with a source whose source no
    prediction overlaps, whether its cue was found (then: no source, or another one), and if not, what the
    gold cue's head is: a lexicon verb the rules gave no candidate, one the cue model rejected (by its
    probability) or one dropped inside another quote's content, a verb outside the lexicon, a noun, a
    preposition ("in a statement"), punctuation (a colon), "according to"; and whether the source lies outside
    the cue's sentence."""

    def hits(span: Span | None, frags: list[Span]) -> bool:
        return span is not None and any(max(span[0], a) < min(span[1], b) for a, b in frags)

    recs = load_split(split)
    parser = CachedParser(split)
    lex = Q.default_lexicon()
    preds = Q.find_quotes_many([r["text"] for r in recs], None, parser)
    out: Counter[str] = Counter()
    for rec, qs in zip(recs, preds, strict=True):
        text = rec["text"]
        regions = Q.quote_regions(text)
        units = Q._units(text, regions)
        docs = parser([text[s:e] for s, e in units])
        for src, cue in rec["pairs"]:
            out["gold sources"] += 1
            if any(hits(q.source, src) for q in qs):
                continue
            ui = next((i for i, (s, e) in enumerate(units) if s <= cue[0][0] < e), None)
            where = "" if ui is not None and units[ui][0] <= src[0][0] < units[ui][1] else ", source outside"
            found = [q for q in qs if hits(q.cue, cue)]
            if found:
                out[f"cue found, {'no source' if found[0].source is None else 'other source'}{where}"] += 1
                continue
            if ui is None:
                out["cue missed: outside every sentence"] += 1
                continue
            doc, base = docs[ui], units[ui][0]
            toks = [t for t in doc if hits((base + t.idx, base + t.idx + len(t)), cue)]
            ids = {t.i for t in toks}
            heads = [t for t in toks if t.head.i not in ids or t.head.i == t.i]
            head = next((t for t in heads if t.pos_ in ("VERB", "AUX")), heads[0] if heads else None)
            cue_text = " ".join(text[a:b] for a, b in cue).lower()
            if "according" in cue_text:
                why = "'according to'"
            elif head is None:
                why = "no token"
            elif head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in lex.lemmas:
                cands = [c for c in Q.candidates(doc, base, regions, lex, text) if c.token_i in ids]
                if not cands:
                    why = "lexicon verb, no candidate"
                elif all(lex.probability(c.features) < lex.threshold for c in cands):
                    why = "lexicon verb, rejected by the cue model"
                else:
                    why = "lexicon verb, dropped (inside another quote's content)"
            elif head.pos_ in ("VERB", "AUX"):
                why = "verb outside the lexicon"
            else:
                why = head.pos_.lower()
            out[f"cue missed: {why}{where}"] += 1
    return out


def _git() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except Exception:  # noqa: BLE001
        return "?"


def evaluate(split: str, use_cache: bool) -> dict:
    recs = load_split(split)
    texts = [r["text"] for r in recs]
    t0 = time.perf_counter()
    base = [baseline(t) for t in texts]
    t_base = time.perf_counter() - t0
    # speed: a cold run over distinct articles, parser loaded beforehand, parsing for real
    distinct = list(dict.fromkeys(texts))
    P.model()
    Q.find_quotes_many(distinct[:2])
    t0 = time.perf_counter()
    n_units = n_parsed = 0
    for t in distinct:
        Q.find_quotes(t)
    t_sys = time.perf_counter() - t0
    lex = Q.default_lexicon()
    for t in distinct:
        units = Q._units(t, Q.quote_regions(t))
        n_units += len(units)
        n_parsed += sum(1 for s, e in units if Q._candidate(t[s:e], lex))
    parser = CachedParser(split) if use_cache else None
    preds = Q.find_quotes_many(texts, None, parser)
    if parser:
        parser.save()
    words = sum(len(t.split()) for t in distinct)
    return {
        "split": split,
        "annotation_files": len(recs),
        "articles": len(distinct),
        "words_per_article": round(words / len(distinct), 1),
        "system": score(recs, preds),
        "baseline": score(recs, base),
        "speed": {
            "ms_per_article": round(1000 * t_sys / len(distinct), 2),
            "articles_per_s": round(len(distinct) / t_sys, 2),
            "ms_per_1000_words": round(1000 * t_sys / words * 1000, 2),
            "sentences_parsed_share": round(n_parsed / max(1, n_units), 3),
            "baseline_ms_per_article": round(1000 * t_base / len(texts), 3),
        },
        "commit": _git(),
        "threads": P._threads(),
        "model": P.model_version(),
    }


def markdown(res: dict) -> str:
    lines = [
        "| system | role | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 | soft F1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ("system", "baseline"):
        for role in ("source", "cue", "content"):
            m = res[name][role]
            lines.append(
                f"| {name} | {role} | {m['exact_p']:.3f} | {m['exact_r']:.3f} | {m['exact_f1']:.3f} | "
                f"{m['overlap_p']:.3f} | {m['overlap_r']:.3f} | {m['overlap_f1']:.3f} | "
                f"{m['soft_f1']:.3f} |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["learn", "eval", "errors", "cv"])
    ap.add_argument("--split", default="dev", help="split to evaluate (default dev)")
    ap.add_argument("--no-cache", action="store_true", help="parse everything again (no on-disk parse cache)")
    args = ap.parse_args(argv)
    if not CORPUS.exists():
        print(f"bench/quotes.py: {CORPUS} not found", file=sys.stderr)
        return 2
    if args.command == "learn":
        data = learn()
        best = data["threshold"]
        Q.LEXICON_PATH.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {Q.LEXICON_PATH} ({len(data['lemmas'])} lemmas counted, threshold {best})")
        return 0
    if args.command == "cv":
        sc = cross_validate()
        print(json.dumps(sc, indent=1))
        return 0
    if args.command == "errors":
        for why, n in errors(args.split).most_common():
            print(f"{n:6d}  {why}")
        return 0
    res = evaluate(args.split, not args.no_cache)
    print(json.dumps(res, indent=1))
    print(markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
