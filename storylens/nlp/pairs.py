"""Sentence-pair evidence for whole texts at once: every derived sentence against every source sentence.

Each text's sentences become sparse incidence rows (content stems, word bigrams, figures, names; ids are
stable hashes, so two processes agree), computed once per text. A pair of texts then costs four sparse
products, one dense product of sentence embeddings, and element-wise arithmetic: no Python loop over
sentence pairs. ``probability_matrix`` turns those into the paraphrase probability of every sentence pair
(a logistic model fitted on MRPC's first half, ``sim_coef.py``), and ``in_order_chain`` finds the longest
in-order run of paraphrases, which is what a rewrite is made of.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from storylens.nlp import words
from storylens.nlp.text import STOPWORDS

DIM = 1 << 22  # hashed feature ids
SIM_FEATURES = ["cosine", "stem_dice", "stem_containment", "bigram_containment", "figure_conflict",
                "name_conflict", "length_ratio"]


def _hid(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) & (DIM - 1)


@dataclass
class SentenceRows:
    """Sparse incidence rows of a text's sentences, and the row sizes."""

    stems: sparse.csr_matrix
    bigrams: sparse.csr_matrix
    figures: sparse.csr_matrix
    names: sparse.csr_matrix
    n_stems: np.ndarray
    n_bigrams: np.ndarray
    n_figures: np.ndarray
    n_names: np.ndarray
    n_words: np.ndarray


def _incidence(rows: list[set[int]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    indptr = [0]
    indices: list[int] = []
    for r in rows:
        indices.extend(sorted(r))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    m = sparse.csr_matrix((data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
                          shape=(len(rows), DIM))
    return m, np.asarray([len(r) for r in rows], dtype=np.float32)


def sentence_rows(sentences: list[str], stems: list[frozenset[str]], names: list[set[str]],
                  figures: list[set[str]]) -> SentenceRows:
    """Incidence rows for one text (stems, names and figures as the reuse features spell them)."""
    bi: list[set[int]] = []
    nw = []
    for s in sentences:
        ws = [w for w in words(s) if w not in STOPWORDS]
        bi.append({_hid(f"{x} {y}") for x, y in zip(ws, ws[1:], strict=False)})
        nw.append(len(words(s)))
    st, n_st = _incidence([{_hid(x) for x in ss} for ss in stems])
    b, n_b = _incidence(bi)
    f, n_f = _incidence([{_hid(x) for x in ff} for ff in figures])
    n, n_n = _incidence([{_hid(x) for x in nn} for nn in names])
    return SentenceRows(st, b, f, n, n_st, n_b, n_f, n_n, np.asarray(nw, dtype=np.float32))


def item_rows(items: list[set[str]]) -> sparse.csr_matrix:
    """Incidence rows of arbitrary items (one set per sentence), for :func:`shared_items`."""
    return _incidence([{_hid(x) for x in it} for it in items])[0]


def shared_items(a: sparse.csr_matrix, b: sparse.csr_matrix) -> np.ndarray:
    """How many items every row of ``a`` shares with every row of ``b``."""
    return _overlap(a, b)


def _compact(m: sparse.csr_matrix, local: np.ndarray) -> sparse.csr_matrix:
    return sparse.csr_matrix((m.data, np.searchsorted(local, m.indices), m.indptr), shape=(m.shape[0], len(local)))


def _dense(m: sparse.csr_matrix, local: np.ndarray, u: int) -> np.ndarray:
    out = np.zeros((m.shape[0], u), dtype=np.float32)
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    out[rows, np.searchsorted(local, m.indices)] = 1.0
    return out


def _overlap(a: sparse.csr_matrix, b: sparse.csr_matrix) -> np.ndarray:
    """Shared items of every row pair: a dense product over the pair's own vocabulary (a few hundred ids)."""
    if not a.nnz or not b.nnz:
        return np.zeros((a.shape[0], b.shape[0]), dtype=np.float32)
    local = np.union1d(a.indices, b.indices)
    if a.shape[0] * b.shape[0] > 10000:
        # long texts (live blogs, transcripts): a sparse product over the pair's own vocabulary (never over
        # the hashed id space, whose transpose alone would cost more than the product)
        return np.asarray((_compact(a, local) @ _compact(b, local).T).toarray(), dtype=np.float32)
    return _dense(a, local, len(local)) @ _dense(b, local, len(local)).T


def feature_matrices(d: SentenceRows, s: SentenceRows, cos: np.ndarray) -> list[np.ndarray]:
    """The SIM_FEATURES of every (derived sentence, source sentence) pair, each an (n, m) matrix."""
    o = _overlap(d.stems, s.stems)
    nd, ns = d.n_stems[:, None], s.n_stems[None, :]
    dice = np.divide(2 * o, nd + ns, out=np.zeros_like(o), where=(nd + ns) > 0)
    mn = np.minimum(nd, ns)
    contain = np.divide(o, mn, out=np.zeros_like(o), where=mn > 0)
    ob = _overlap(d.bigrams, s.bigrams)
    mb = np.minimum(d.n_bigrams[:, None], s.n_bigrams[None, :])
    bcontain = np.divide(ob, mb, out=np.zeros_like(ob), where=mb > 0)
    of = _overlap(d.figures, s.figures)
    fconf = (((d.n_figures[:, None] - of) > 0) & ((s.n_figures[None, :] - of) > 0)).astype(np.float32)
    on = _overlap(d.names, s.names)
    nconf = (((d.n_names[:, None] - on) > 0) & ((s.n_names[None, :] - on) > 0)).astype(np.float32)
    wd, ws = d.n_words[:, None], s.n_words[None, :]
    mx = np.maximum(wd, ws)
    ratio = np.divide(np.minimum(wd, ws), mx, out=np.zeros_like(o), where=mx > 0)
    return [cos.astype(np.float32), dice, contain, bcontain, fconf, nconf, ratio]


def probability_matrix(d: SentenceRows, s: SentenceRows, cos: np.ndarray) -> np.ndarray:
    """Paraphrase probability of every sentence pair (rows: derived, columns: source)."""
    from storylens.nlp import sim_coef

    z = np.full(cos.shape, sim_coef.INTERCEPT, dtype=np.float32)
    for w, x in zip(sim_coef.COEF, feature_matrices(d, s, cos), strict=True):
        z += np.float32(w) * x
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def in_order_chain(P: np.ndarray, tau: float, usable: np.ndarray | None = None,
                   per_row: int = 3) -> list[tuple[int, int]]:
    """The heaviest chain of cells >= tau with rows strictly increasing and columns non-decreasing.

    Only each row's ``per_row`` best cells are candidates, so the cost is O(k log m) over k <= n * per_row
    cells (a Fenwick tree of prefix maxima over columns), whatever the texts' lengths. Ties go to the
    smallest column, so the chain is the same on every run.
    """
    n, m = P.shape
    if not n or not m:
        return []
    M = np.where(tau <= P, P, 0.0)
    if usable is not None:
        M[~usable] = 0.0
    tree_v = [0.0] * (m + 1)
    tree_c: list[int] = [-1] * (m + 1)
    cells: list[tuple[int, int]] = []
    prev: list[int] = []

    def query(j: int) -> tuple[float, int]:  # best chain ending at a column <= j
        best, arg = 0.0, -1
        j += 1
        while j > 0:
            if tree_v[j] > best:
                best, arg = tree_v[j], tree_c[j]
            j -= j & -j
        return best, arg

    def update(j: int, v: float, c: int) -> None:
        j += 1
        while j <= m:
            if v > tree_v[j]:
                tree_v[j], tree_c[j] = v, c
            j += j & -j

    best_end, best_val = -1, 0.0
    rows = np.nonzero(M.max(axis=1) > 0)[0] if M.size else []
    for i in rows:
        row = M[i]
        js = np.nonzero(row)[0]
        if len(js) > per_row:
            js = js[np.argsort(-row[js], kind="stable")[:per_row]]
        found = []
        for j in sorted(int(x) for x in js):
            v, c = query(j)
            found.append((j, v + float(row[j]) + 1.0, c))
        for j, v, c in found:  # a row's cells see only earlier rows
            cells.append((int(i), j))
            prev.append(c)
            update(j, v, len(cells) - 1)
            if v > best_val:
                best_val, best_end = v, len(cells) - 1
    out = []
    k = best_end
    while k >= 0:
        out.append(cells[k])
        k = prev[k]
    return sorted(out)
