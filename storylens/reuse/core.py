"""Find who derived from whom: candidates, alignment, decision, direction, chains, changes."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from storylens.model import AlignedPair, Article, Derivation
from storylens.reuse import decision_coef
from storylens.reuse import direction as dirmod
from storylens.reuse.align import (
    QUOTE_SHARE,
    Alignment,
    align,
    align_matrix,
    cos_matrix,
    feature_vector,
    monotone_chain,
)
from storylens.reuse.align import probability as sim_probability
from storylens.reuse.changes import find_changes_union
from storylens.reuse.features import Feat, build_features, gram_cosine, shingles
from storylens.reuse.index import Index

COPY_JACCARD = 0.9
MIN_WORDS = 15
LONG_DOC = 10  # sentences
LONG_EXTRA = 0.25  # share of close paraphrases in order asked of derived texts of LONG_DOC sentences or more
MIN_CHAIN_P = 0.0  # the same for shorter ones
NEAR_COPY_JACCARD = 0.35
MIN_COVERAGE = 0.4  # share of the derived text's (non-quote) sentences aligned to the source, for a rewrite

# Every feature decision_features computes; decision_coef.FEATURES picks the ones the classifier uses.
BASE_FEATURES = ["chain50", "chain60", "chain_p50", "log_chain_p50_count", "mean_best_cos", "containment",
                 "specifics_containment", "stem_jaccard", "source_specifics_kept", "specifics_order",
                 "log_shared_specifics", "log_chain50_count", "soft_coverage", "char4_cosine", "length_ratio",
                 "key_containment", "key_kept"]
# Short derived texts (under LONG_DOC sentences) get their own weights: a loose rewrite of a short lead and an
# independent lead of the same event differ in other ways than two long reports do.
ALL_FEATURES = BASE_FEATURES + ["short"] + [f"{k}*short" for k in BASE_FEATURES]


@dataclass
class PairEval:
    a: Feat
    b: Feat
    cos: np.ndarray  # rows: b's sentences, cols: a's sentences
    b_in_a: Alignment  # b as derived, a as source
    a_in_b: Alignment
    jaccard: float
    features: dict[str, float]
    prob: float

    def strength(self) -> float:
        """Log-odds of the derivation (does not saturate like the probability)."""
        p = min(max(self.prob, 1e-9), 1 - 1e-9)
        return math.log(p / (1 - p)) + 10 * self.jaccard


def shingle_jaccard(a: Feat, b: Feat) -> float:
    """Word 5-gram Jaccard outside quotation marks (two outlets quoting one statement are not copies)."""
    if not a.shingles_unquoted or not b.shingles_unquoted:
        return 0.0
    return len(a.shingles_unquoted & b.shingles_unquoted) / len(a.shingles_unquoted | b.shingles_unquoted)


def _specific_items(f: Feat) -> set[str]:
    return f.spec.names | f.spec.numbers | f.spec.dates


def prob_matrix(cos: np.ndarray, d: Feat, s: Feat) -> np.ndarray:
    """Paraphrase probability of every sentence pair (cosine plus lexical evidence)."""
    P = np.zeros_like(cos)
    for i in range(cos.shape[0]):
        for j in range(cos.shape[1]):
            c = float(cos[i, j])
            if c < 0.35 and not (d.stems[i] & s.stems[j]):
                continue
            P[i, j] = sim_probability(feature_vector(c, d.stems[i], s.stems[j], d.sentences[i], s.sentences[j]))
    return P


def order_agreement(d_items: list[str], s_items: list[str]) -> tuple[float, int]:
    """Share of pairs of shared names/figures mentioned in the same order by both texts, and how many are shared."""
    ps = {x: k for k, x in enumerate(s_items)}
    shared = [x for x in d_items if x in ps]
    if len(shared) < 3:
        return 0.5, len(shared)
    pos = [ps[x] for x in shared]
    conc = sum(1 for i in range(len(pos)) for j in range(i + 1, len(pos)) if pos[i] < pos[j])
    return conc / (len(pos) * (len(pos) - 1) / 2), len(shared)


def _side_features(cos: np.ndarray, P: np.ndarray, d: Feat, s: Feat) -> list[float]:
    usable = [q < QUOTE_SHARE for q in d.quote]
    n_eff = max(1, sum(usable))
    c5 = len({i for i, _ in monotone_chain(cos, 0.5, usable)})
    c6 = len({i for i, _ in monotone_chain(cos, 0.6, usable)})
    cp = len({i for i, _ in monotone_chain(P, 0.5, usable)})
    rows = [cos[i].max() for i in range(cos.shape[0]) if usable[i]] if cos.size else []
    mx = float(np.mean(rows)) if rows else 0.0
    prow = [P[i].max() for i in range(P.shape[0]) if usable[i]] if P.size else []
    soft = float(np.mean(prow)) if prow else 0.0
    ds, ss = d.stems_unquoted, s.stems_unquoted
    cont = len(ds & ss) / max(1, len(ds))
    jac = len(ds & ss) / max(1, len(ds | ss))
    di, si = _specific_items(d), _specific_items(s)
    scont = len(di & si) / max(1, len(di))
    skept = len(di & si) / max(1, len(si))
    agree, n_shared = order_agreement(d.items, s.items)
    order = (agree - 0.5) * min(n_shared, 10) / 10
    nd, ns = d.spec.n_words, s.spec.n_words
    lratio = min(nd, ns) / max(1, nd, ns)
    dk, sk = d.spec.keys(), s.spec.keys()
    kcont = len(dk & sk) / max(1, len(dk))
    kkept = len(dk & sk) / max(1, len(sk))
    return [c5 / n_eff, c6 / n_eff, cp / n_eff, math.log1p(cp), mx, cont, scont, jac,
            skept, order, math.log1p(n_shared), math.log1p(c5), soft, gram_cosine(d.grams, s.grams), lratio,
            kcont, kkept, float(n_eff)]


def decision_features(a: Feat, b: Feat, cos: np.ndarray) -> dict[str, float]:
    """Features of the better-explained direction (derived = the side more covered by the other)."""
    P = prob_matrix(cos, b, a)
    fb = _side_features(cos, P, b, a)
    fa = _side_features(cos.T.copy(), P.T.copy(), a, b)
    best = max(fb, fa, key=lambda f: (f[0], f[2]))
    out = dict(zip(BASE_FEATURES, best[:-1], strict=True))
    out["n_derived"] = best[-1]  # usable sentences of the derived side (for the gate and the short/long split)
    short = 1.0 if best[-1] < LONG_DOC else 0.0
    out["short"] = short
    for k in BASE_FEATURES:
        out[f"{k}*short"] = out[k] * short
    return out


def probability(features: dict[str, float]) -> float:
    z = decision_coef.INTERCEPT + sum(w * features[k] for k, w in zip(decision_coef.FEATURES, decision_coef.COEF,
                                                                       strict=True))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def evaluate(a: Feat, b: Feat) -> PairEval:
    cos = cos_matrix(b, a)
    A = align_matrix(b, a, cos)
    AT = align_matrix(a, b, cos.T.copy())
    feats = decision_features(a, b, cos)
    return PairEval(a, b, cos, align(A, b, a), align(AT, a, b), shingle_jaccard(a, b), feats, probability(feats))


def is_derivation(pe: PairEval) -> bool:
    if min(pe.a.spec.n_words, pe.b.spec.n_words) < MIN_WORDS:
        return False  # one-liners ("Read more.") match by chance
    if pe.a.hash == pe.b.hash and pe.a.sentences:
        return True
    if pe.jaccard >= NEAR_COPY_JACCARD:
        return True
    if same_outlet(pe.a.article, pe.b.article):
        return False  # an outlet's follow-up or update of its own story is not a rewrite of another's work
    # Long reports of one event coincide on a few factual sentences by chance: a long derived text
    # must also carry a run of close paraphrases in order (short ones are left to the classifier).
    share = pe.features["chain_p50"]
    if share < MIN_CHAIN_P + (LONG_EXTRA if pe.features["n_derived"] >= LONG_DOC else 0.0):
        return False
    # a rewrite is mostly made of its source: a follow-up that repeats a few background sentences is not
    if max(pe.b_in_a.coverage, pe.a_in_b.coverage) < MIN_COVERAGE:
        return False
    return pe.prob >= decision_coef.THRESHOLD


def same_outlet(a: Article, b: Article) -> bool:
    """Both articles come from one known outlet (names compared without case, spacing or a leading "www.")."""
    def key(x: Article) -> str:
        return re.sub(r"^www\.|\W+", "", (x.outlet or "").strip().lower())
    return bool(key(a)) and key(a) == key(b)


def _outlet_names(a: Article) -> list[str]:
    out = []
    if a.outlet:
        host = a.outlet.lower()
        out.append(host)
        labels = host.split(".")
        if len(labels) > 1:
            labels = labels[:-1]
        labels = [x for x in labels if x not in {"www", "co", "com", "org", "net", "news", "m"}]
        if labels and len(labels[-1]) >= 4:
            core = labels[-1]
            out.append(core)
            if "-" in core:
                out.append(core.replace("-", " "))
    return out


def attribution(source: Article, derived: Article) -> str | None:
    """Evidence that ``derived`` names the source's outlet or links its URL."""
    text = "\n".join(derived.body + derived.furniture + derived.captions)
    if source.url and source.url in text:
        return f"links {source.url}"
    low = text.lower()
    squashed = re.sub(r"[^a-z0-9]+", "", low)
    for name in _outlet_names(source):
        flat = re.sub(r"[^a-z0-9]+", "", name)
        if len(flat) >= 6 and flat in squashed and not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", low):
            return f"names the source outlet ({source.outlet})"
        m = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", low)
        if m:
            s = max(0, m.start() - 60)
            return f"names the source outlet: '…{text[s : m.end() + 40].strip()}…'"
    return None


def _extra_pairs(src: Feat, der: Feat, cos: np.ndarray, pairs: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Pairs the alignment left out, for changes and the added/omitted lists (cos: rows der, cols src).

    A source sentence next to one that a derived sentence carries, whose content words the derived sentence
    has beyond that neighbour (a merge: "17 people were injured" + "three remain in hospital" -> one
    sentence); and a close paraphrase out of order (cosine >= 0.6 with 3 content words shared).
    """
    by_i: dict[int, set[int]] = {}
    for i, j, _ in pairs:
        by_i.setdefault(i, set()).add(j)
    kept = {j for _, j, _ in pairs}
    used = set(by_i)
    extra: list[tuple[int, int, float]] = []
    for j in range(len(src.sentences)):
        if j in kept:
            continue
        best: tuple[float, int] | None = None
        for i, js in by_i.items():
            if not any(abs(j - a) == 1 for a in js):
                continue
            rest = der.stems[i] - frozenset().union(*(src.stems[a] for a in js))
            shared = len(src.stems[j] & rest)
            if shared >= 2 and shared / max(1, len(src.stems[j])) >= 0.2 and float(cos[i, j]) >= 0.3:
                cand = (shared + float(cos[i, j]), i)
                best = max(best, cand) if best else cand
        if best is None:
            i = int(cos[:, j].argmax()) if cos.size else -1
            if i >= 0 and i not in used and float(cos[i, j]) >= 0.6 and len(src.stems[j] & der.stems[i]) >= 3:
                best = (0.0, i)
                used.add(i)
        if best is not None:
            extra.append((best[1], j, float(cos[best[1], j])))
    return extra


def _covered(sentence_stems: frozenset[str], other: frozenset[str]) -> bool:
    """A derived sentence made of the source's material (a summary lede), though aligned to no one sentence."""
    return len(sentence_stems) >= 3 and len(sentence_stems & other) / len(sentence_stems) >= 0.6


def _token_agreement(a: list[str], b: list[str]) -> float:
    import difflib

    wa = " ".join(a).lower().split()
    wb = " ".join(b).lower().split()
    if not wa and not wb:
        return 1.0
    sm = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    return 2 * sum(m.size for m in sm.get_matching_blocks()) / (len(wa) + len(wb))


def build_derivation(pe: PairEval, d: dirmod.Direction) -> Derivation:
    if d.source == pe.a.id:
        src, der, al, cos = pe.a, pe.b, pe.b_in_a, pe.cos
    else:
        src, der, al, cos = pe.b, pe.a, pe.a_in_b, pe.cos.T
    raw = sorted(al.pairs)
    raw += _extra_pairs(src, der, cos, raw) if cos.shape == (len(der.sentences), len(src.sentences)) else []
    pairs = [AlignedPair(source_index=j, derived_index=i, source_text=src.sentences[j], derived_text=der.sentences[i],
                         similarity=round(float(s), 4)) for i, j, s in sorted(raw)]
    by_der: dict[int, list[AlignedPair]] = {}
    for p in pairs:
        by_der.setdefault(p.derived_index, []).append(p)
    changes = []
    for i in sorted(by_der):
        group = [(p.source_index, p.source_text) for p in sorted(by_der[i], key=lambda p: p.source_index)]
        if any(t != der.sentences[i] for _, t in group):
            changes += find_changes_union(group, der.sentences[i], i)
    kept = {p.source_index for p in pairs}
    used = {p.derived_index for p in pairs}
    src_stems = frozenset().union(*src.stems) if src.stems else frozenset()
    omitted = [s for j, s in enumerate(src.sentences) if j not in kept]
    added = [s for i, s in enumerate(der.sentences) if i not in used and not _covered(der.stems[i], src_stems)]
    # copy: the same body (or > 0.98 of its words, nothing added or left out); near-copy: mostly the same
    # wording with small edits, additions or omissions; rewrite: reworded
    if src.hash == der.hash or pe.jaccard >= COPY_JACCARD and not added and not omitted and \
            _token_agreement(src.sentences, der.sentences) > 0.98:
        kind = "copy"
    elif pe.jaccard >= NEAR_COPY_JACCARD:
        kind = "near_copy"
    else:
        kind = "rewrite"
    att = attribution(src.article, der.article)
    score = max(pe.prob, 0.99 if kind == "copy" else 0.0)
    return Derivation(
        source_id=src.id, derived_id=der.id, kind=kind, score=round(min(1.0, score), 4),
        coverage=round(al.coverage, 4), source_kept=round(al.source_kept, 4), attribution=att is not None,
        attribution_evidence=att, direction_from=d.by,  # type: ignore[arg-type]
        direction_confidence=round(d.confidence, 4), direction_evidence=d.evidence, pairs=pairs, changes=changes,
        omitted=omitted, added=added,
    )


@dataclass
class Edge:
    pe: PairEval
    d: dirmod.Direction
    strength: float


CHAIN_INHERIT = 0.4  # share of X's own wording (3-grams not in the common source) that Y repeats


def _novel_inherit(z: Feat, x: Feat, y: Feat) -> float:
    """Share of the word 3-grams that x added to z which y repeats: high when y was taken from x."""
    z3 = shingles(" ".join(z.sentences), 3)
    x3 = shingles(" ".join(x.sentences), 3) - z3
    if not x3:
        return 1.0 if x.hash == y.hash else 0.0
    y3 = shingles(" ".join(y.sentences), 3)
    return len(x3 & y3) / len(x3)


def _source_score(e: Edge, n: str, other: str) -> float:
    """How strongly the pair's evidence says ``n`` came before ``other`` (publication times beat the text)."""
    pe = e.pe
    if e.d.by == "published" or {pe.a.id, pe.b.id} != {n, other}:
        # dates, or a stored link known only by its direction
        w = 10.0 if e.d.by == "published" else 2.0 * e.d.confidence
        return w if e.d.source == n else -w
    z, _ = dirmod.text_score(pe.a, pe.b, pe.b_in_a.coverage, pe.a_in_b.coverage)
    return z if pe.a.id == n else -z


def _likeliest_source(tri: tuple[tuple[str, str, Edge], ...]) -> str:
    score: dict[str, float] = {}
    for u, v, e in tri:
        score[u] = score.get(u, 0.0) + _source_score(e, u, v)
        score[v] = score.get(v, 0.0) + _source_score(e, v, u)
    return max(sorted(score), key=lambda n: score[n])


def _prune(edges: dict[frozenset[str], Edge], feats: dict[str, Feat]) -> dict[frozenset[str], Edge]:
    """Explain away triangles around a common source Z of X and Y.

    Siblings (X and Y each drawn from Z on their own) lose the X-Y link. A chain
    Z -> X -> Y (Y repeats the wording X added) loses the direct Z -> Y link.
    """
    adj: dict[str, set[str]] = {}
    for k in edges:
        x, y = sorted(k)
        adj.setdefault(x, set()).add(y)
        adj.setdefault(y, set()).add(x)
    drop: set[frozenset[str]] = set()
    reorient: dict[frozenset[str], dirmod.Direction] = {}
    for k in sorted(edges, key=lambda k: sorted(k)):
        x, y = sorted(k)
        for z in sorted(adj[x] & adj[y]):
            ezx, ezy = edges[frozenset((z, x))], edges[frozenset((z, y))]
            tri = ((z, x, ezx), (z, y, ezy), (x, y, edges[k]))
            if any(e.d.by == "text" for _, _, e in tri):
                # without dates one wrong text direction would make x or y the "common source" and
                # drop the real z -> x or z -> y link: read the source off all three edges at once
                if _likeliest_source(tri) != z:
                    continue
                for e, o in ((ezx, x), (ezy, y)):
                    if e.d.source != z:
                        e.d = dirmod.Direction(z, o, "text", 0.6, [f"{z} is the likeliest common source of {x} and "
                                                                  f"{y} (text evidence of all three pairs)"])
            if ezx.d.source != z or ezy.d.source != z:
                continue
            if not all(n in feats for n in (x, y, z)):
                continue
            fx, fy, fz = feats[x], feats[y], feats[z]
            if max(_novel_inherit(fz, fx, fy), _novel_inherit(fz, fy, fx)) < CHAIN_INHERIT:
                drop.add(k)  # siblings
                break
            e = edges[k]
            mid = e.d.source
            if e.d.by == "text" and e.d.confidence < 0.75:
                # a copy carries no direction in its text: the one closer to Z came first
                sx, sy = ezx.strength, ezy.strength
                if abs(sx - sy) > 1e-6:
                    mid = x if sx > sy else y
                    last = y if mid == x else x
                    reorient[k] = dirmod.Direction(
                        mid, last, "chain", 0.7,
                        [f"{mid} is closer to {z} than {last} is, so {last} was taken from {mid} "
                         f"(chain {z} -> {mid} -> {last})"])
            last = y if mid == x else x
            drop.add(frozenset((z, last)))
    for k, d in reorient.items():
        if k in edges and k not in drop:
            edges[k].d = d
    return {k: e for k, e in edges.items() if k not in drop}


SIBLING_FLOOR = 0.01  # any evidence of its own is enough for z -> x once x's link to z's other derivation is explained


def _recover_siblings(edges: dict[frozenset[str], Edge], feats: dict[str, Feat],
                      use_dates: bool) -> dict[frozenset[str], Edge]:
    """Paths z -> y - x without a z-x link, where x repeats nothing that y added to z.

    Then x and y are siblings that each drew on z, and z -> x was missed (a loose rewrite):
    the x-y link is replaced by z -> x when that pair's own evidence is not negligible.
    """
    out = dict(edges)
    adj: dict[str, set[str]] = {}
    for k in edges:
        u, v = sorted(k)
        adj.setdefault(u, set()).add(v)
        adj.setdefault(v, set()).add(u)
    for k in sorted(edges, key=lambda k: sorted(k)):
        for y in sorted(k):
            if k not in out:
                break
            x = next(iter(k - {y}))
            for z in sorted(adj[y] - {x}):
                k2 = frozenset((z, y))
                if k2 not in out or out[k2].d.source != z or frozenset((z, x)) in out:
                    continue
                if not all(n in feats for n in (x, y, z)):
                    continue
                fz, fx, fy = feats[z], feats[x], feats[y]
                if max(_novel_inherit(fz, fy, fx), _novel_inherit(fz, fx, fy)) >= CHAIN_INHERIT:
                    continue
                pe = evaluate(fz, fx)
                if pe.prob < SIBLING_FLOOR or min(fz.spec.n_words, fx.spec.n_words) < MIN_WORDS:
                    continue
                if same_outlet(fz.article, fx.article) and pe.jaccard < NEAR_COPY_JACCARD:
                    continue
                d = dirmod.decide(fz, fx, pe.b_in_a.coverage, pe.a_in_b.coverage, use_dates=use_dates)
                if d.source != z:
                    continue
                del out[k]
                out[frozenset((z, x))] = Edge(pe, d, pe.strength())
                break
    return out


def derive(feats: list[Feat], pairs: Iterable[tuple[int, int]], use_dates: bool = True) -> list[Derivation]:
    edges: dict[frozenset[str], Edge] = {}
    for i, j in sorted(set(pairs)):
        a, b = feats[i], feats[j]
        if a.id == b.id:
            continue
        pe = evaluate(a, b)
        if not is_derivation(pe):
            continue
        d = dirmod.decide(a, b, pe.b_in_a.coverage, pe.a_in_b.coverage, use_dates=use_dates)
        edges[frozenset((a.id, b.id))] = Edge(pe, d, pe.strength())
    by_id = {f.id: f for f in feats}
    edges = _prune(_recover_siblings(edges, by_id, use_dates), by_id)
    out = [build_derivation(e.pe, e.d) for e in edges.values()]
    return sorted(out, key=lambda d: (d.source_id, d.derived_id))


def candidate_pairs(feats: list[Feat]) -> list[tuple[int, int]]:
    index = Index()
    pos = {f.id: k for k, f in enumerate(feats)}
    pairs: set[tuple[int, int]] = set()
    for k, f in enumerate(feats):
        for c in index.query(f):
            pairs.add((pos[c], k))
        index.add(f)
    return sorted(pairs)


def find_derivations(articles: list[Article], use_dates: bool = True) -> list[Derivation]:
    """Every copy, near-copy and rewrite among ``articles``, with direction, alignment and changes."""
    feats = build_features(articles)
    return derive(feats, candidate_pairs(feats), use_dates=use_dates)


def explain_pair(a: Article, b: Article, use_dates: bool = True) -> Derivation | None:
    """The derivation between two articles (either way round), or None when neither derives from the other."""
    fa, fb = build_features([a, b])
    pe = evaluate(fa, fb)
    if not is_derivation(pe):
        return None
    return build_derivation(pe, dirmod.decide(fa, fb, pe.b_in_a.coverage, pe.a_in_b.coverage, use_dates))
