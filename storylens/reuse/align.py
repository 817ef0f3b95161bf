"""Sentence similarity and a monotone-ish sentence alignment (with splits and merges)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from storylens.nlp import numbers, words
from storylens.reuse import sim_coef
from storylens.reuse.features import Feat, char_grams, gram_cosine, norm_name, norm_number, sentence_names

TAU = 0.5  # a derived sentence counts as taken from a source sentence at this similarity
QUOTE_SHARE = 0.5  # sentences mostly inside quotation marks are not evidence of derivation
MIN_STEMS_FOR_CONTAINMENT = 4


@lru_cache(maxsize=50_000)
def _surface(sentence: str) -> tuple[dict[str, float], tuple[frozenset[tuple[str, ...]], ...], frozenset[str], int,
                                     frozenset[str]]:
    """Per-sentence pieces of the lexical features (cached: alignment compares each sentence many times)."""
    ws = words(sentence)
    grams = tuple(frozenset(tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)) for n in (1, 2, 3))
    names = frozenset(norm_name(x) for x in sentence_names(sentence))
    figures = frozenset(norm_number(x) for x in numbers(sentence))
    return char_grams(sentence), grams, names, len(ws), figures


def lexical_features(a_stems: frozenset[str], b_stems: frozenset[str], a: str, b: str) -> tuple[float, ...]:
    inter = len(a_stems & b_stems)
    dice = 2 * inter / (len(a_stems) + len(b_stems)) if (a_stems or b_stems) else 0.0
    contain = inter / min(len(a_stems), len(b_stems)) if a_stems and b_stems else 0.0
    ca, ga, ma, wa, na = _surface(a)
    cb, gb, mb, wb, nb = _surface(b)
    conflict = 1.0 if (na - nb and nb - na) else 0.0
    la, lb = len(a), len(b)
    ratio = min(la, lb) / max(la, lb) if max(la, lb) else 0.0
    out = [dice, contain, conflict, ratio, gram_cosine(ca, cb)]
    for x, y in zip(ga, gb, strict=True):  # word 1-, 2-, 3-gram containment and Jaccard
        shared = len(x & y)
        out += [shared / max(1, min(len(x), len(y))), shared / max(1, len(x | y))]
    out += [1.0 if (ma - mb and mb - ma) else 0.0, len(ma ^ mb) / max(1, len(ma | mb)),
            abs(wa - wb) / max(wa, wb, 1)]
    return tuple(out)


def feature_vector(cos: float, a_stems: frozenset[str], b_stems: frozenset[str], a: str, b: str) -> list[float]:
    return [cos, *lexical_features(a_stems, b_stems, a, b)]


def probability(feats: list[float]) -> float:
    z = sim_coef.INTERCEPT + sum(w * f for w, f in zip(sim_coef.COEF, feats, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def sentence_similarity(a: str, b: str) -> float:
    """Paraphrase probability of two sentences (embedding cosine plus lexical evidence)."""
    from storylens.nlp import embed
    from storylens.reuse.features import content_stems

    va, vb = embed([a, b])
    return probability(feature_vector(float(va @ vb), content_stems(a), content_stems(b), a, b))


def cos_matrix(derived: Feat, source: Feat) -> np.ndarray:
    if not derived.sentences or not source.sentences:
        return np.zeros((len(derived.sentences), len(source.sentences)), dtype=np.float32)
    return (derived.emb @ source.emb.T).astype(np.float32)


def align_matrix(derived: Feat, source: Feat, cos: np.ndarray) -> np.ndarray:
    """A[i, j]: how much derived sentence i carries source sentence j.

    The embedding cosine, or the share of the source sentence's content words that
    the derived sentence keeps (catches merges, where one long derived sentence
    carries two source sentences and the cosine with each is diluted).
    """
    A = cos.copy()
    for j, sst in enumerate(source.stems):
        if len(sst) < MIN_STEMS_FOR_CONTAINMENT:
            continue
        for i, dst in enumerate(derived.stems):
            c = 0.9 * len(sst & dst) / len(sst)
            if c > A[i, j]:
                A[i, j] = c
    return A


def monotone_chain(M: np.ndarray, tau: float, usable: list[bool] | None = None) -> list[tuple[int, int]]:
    """Cells of the heaviest chain with i strictly increasing and j non-decreasing (splits allowed).

    Dynamic programming over the n x m grid, O(n*m); weights are M - tau + 1 on cells >= tau.
    """
    n, m = M.shape
    if not n or not m:
        return []
    W = np.where(tau <= M, M - tau + 1.0, 0.0)
    if usable is not None:
        W[[not u for u in usable], :] = 0.0
    Wl = W.tolist()
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]  # 1: skip i, 2: skip j, 3: take (i, j) from (i-1, j-1), 4: split
    for i in range(1, n + 1):
        bi, bp, ki, kp, wi = best[i], best[i - 1], back[i], back[i - 1], Wl[i - 1]
        for j in range(1, m + 1):
            w = wi[j - 1]
            # the first of the best options, in this order (ties go to skipping)
            k, v = 1, bp[j]
            if bi[j - 1] > v:
                k, v = 2, bi[j - 1]
            if w:
                if bp[j - 1] + w > v:
                    k, v = 3, bp[j - 1] + w
                if kp[j] in (3, 4) and bp[j] + w > v:
                    k, v = 4, bp[j] + w
            bi[j] = v
            ki[j] = k
    cells = []
    i, j = n, m
    while i > 0 and j > 0:
        b = back[i][j]
        if b == 1:
            i -= 1
        elif b == 2:
            j -= 1
        else:
            cells.append((i - 1, j - 1))
            if b == 3:
                j -= 1
            i -= 1
    return sorted(cells)


@dataclass
class Alignment:
    pairs: list[tuple[int, int, float]] = field(default_factory=list)  # (derived_i, source_j, sim)
    coverage: float = 0.0  # share of derived (non-quote) sentences aligned
    source_kept: float = 0.0
    mean_sim: float = 0.0
    n_evidence: int = 0  # aligned derived sentences that are not mostly quotation
    n_derived: int = 0


def align(A: np.ndarray, derived: Feat, source: Feat, tau: float = TAU) -> Alignment:
    """Pairs on the monotone chain, plus merges and strong out-of-order matches."""
    n, m = A.shape
    al = Alignment(n_derived=n)
    if not n or not m:
        return al
    chain = monotone_chain(A, tau)
    by_i: dict[int, set[int]] = {}
    for i, j in chain:
        by_i.setdefault(i, set()).add(j)
    colbest = A.argmax(axis=0)
    for i in range(n):
        j0 = int(A[i].argmax())
        s0 = float(A[i, j0])
        if i not in by_i and s0 >= tau + 0.2:  # a moved sentence: strong match off the chain
            by_i[i] = {j0}
        if i in by_i:
            # merges: other source sentences this derived sentence carries best of all
            anchors = sorted(by_i[i])
            for j in range(m):
                near = any(abs(j - a) <= 2 for a in anchors)
                if j not in by_i[i] and near and A[i, j] >= tau and int(colbest[j]) == i:
                    by_i[i].add(j)
    pairs = [(i, j, float(A[i, j])) for i in sorted(by_i) for j in sorted(by_i[i])]
    al.pairs = pairs
    evid = [i for i in sorted(by_i) if derived.quote[i] < QUOTE_SHARE]
    n_eff = sum(1 for q in derived.quote if q < QUOTE_SHARE)
    al.n_evidence = len(evid)
    al.coverage = len(evid) / n_eff if n_eff else 0.0
    al.source_kept = len({p[1] for p in pairs}) / m
    sims = [max(A[i, j] for j in by_i[i]) for i in evid]
    al.mean_sim = float(np.mean(sims)) if sims else 0.0
    return al
