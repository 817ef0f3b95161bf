"""The sentence alignment a person reads in the diff: an in-order chain of close sentences, plus moved
sentences and merges (one derived sentence carrying two neighbouring source sentences).

``align`` works on ``align_matrix``: embedding cosine, or the share of a source sentence's content words a
derived sentence keeps, which catches merges."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from storylens.reuse.features import Feat

TAU = 0.5  # a derived sentence counts as taken from a source sentence at this similarity
MIN_STEMS_FOR_CONTAINMENT = 4
MOVED = 0.8  # a strong match off the in-order chain (a sentence moved up or down) is kept at this probability
QUOTE_SHARE = 0.5  # sentences mostly inside quotation marks are not evidence of derivation


@dataclass
class Alignment:
    pairs: list[tuple[int, int, float]] = field(default_factory=list)  # (derived_i, source_j, probability)
    coverage: float = 0.0  # share of derived (non-quote) sentences aligned
    source_kept: float = 0.0
    mean_sim: float = 0.0
    n_evidence: int = 0  # aligned derived sentences that are not mostly quotation
    n_derived: int = 0


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


def sentence_similarity(a: str, b: str) -> float:
    """Paraphrase probability of two sentences (embedding cosine plus lexical evidence)."""
    from storylens.nlp import embed, numbers
    from storylens.nlp.items import content_stems, norm_name, norm_number, sentence_names
    from storylens.nlp.pairs import probability_matrix, sentence_rows

    va, vb = embed([a, b])
    ra, rb = (sentence_rows([x], [content_stems(x)], [{norm_name(n) for n in sentence_names(x)}],
                            [{norm_number(n) for n in numbers(x)}]) for x in (a, b))
    return float(probability_matrix(ra, rb, np.array([[float(va @ vb)]], dtype=np.float32))[0, 0])
