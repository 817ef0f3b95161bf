"""Candidate search without all-pairs: exact hashes, MinHash LSH for copies, hyperplane LSH for rewrites.

Each article gets a handful of bucket keys; articles sharing a key are candidates.
Candidates found only through the embedding buckets are re-ranked by document
cosine and cut to the best ``k``, so the cost per article stays bounded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container

import numpy as np

from storylens.nlp.minhash import MinHasher, band_keys
from storylens.reuse.features import Feat

NUM_PERM = 64
BANDS = 16  # 4 rows per band: pairs above ~0.5 shingle Jaccard almost always meet
HP_TABLES = 24
HP_BITS = 6
TOP_K = 12
MIN_DOC_COS = 0.55
BUCKET_CAP = 200
MIN_COLLISIONS = 2  # embedding tables an article must share with the query to be re-ranked
# MinHash over the article's specific keys (names, figures, dates): a rewrite rewords sentences but keeps them
KEY_PERM = 36
KEY_BANDS = 12  # 3 rows per band: key sets above ~0.5 Jaccard almost always meet
KEY_TOP = 8  # key-band matches kept per query, most shared bands first
MIN_KEYS = 4  # articles with fewer keys get no key bands (a handful of keys meets by chance)

_HASHER: MinHasher | None = None
_KEY_HASHER: MinHasher | None = None
_PLANES: np.ndarray | None = None


def hasher() -> MinHasher:
    global _HASHER
    if _HASHER is None:
        _HASHER = MinHasher(NUM_PERM, seed=11)
    return _HASHER


def key_hasher() -> MinHasher:
    global _KEY_HASHER
    if _KEY_HASHER is None:
        _KEY_HASHER = MinHasher(KEY_PERM, seed=31)
    return _KEY_HASHER


def key_band_keys(f: Feat) -> list[str]:
    keys = f.spec.keys()
    if len(keys) < MIN_KEYS:
        return []
    return ["k" + k for k in band_keys(key_hasher().signature(sorted(keys)), KEY_BANDS)]


def planes(dim: int = 512) -> np.ndarray:
    global _PLANES
    if _PLANES is None or _PLANES.shape[1] != dim:
        rng = np.random.default_rng(23)
        _PLANES = rng.standard_normal((HP_TABLES * HP_BITS, dim)).astype(np.float32)
    return _PLANES


def hp_keys(doc: np.ndarray) -> list[str]:
    if not np.any(doc):
        return []
    bits = ((planes(doc.shape[0]) @ doc) > 0).reshape(HP_TABLES, HP_BITS).astype(np.int64)
    codes = bits @ (1 << np.arange(HP_BITS - 1, -1, -1, dtype=np.int64))
    return [f"h{t}:{int(c):03x}" for t, c in enumerate(codes)]


def copy_keys(f: Feat) -> list[str]:
    keys = [f"x:{f.hash}"]
    if f.shingles:
        keys += band_keys(hasher().signature(f.shingles), BANDS)
    return keys


class Index:
    """Buckets from key to article ids; ``get``/``put`` let a store hold them (see :func:`update`).

    ``put`` receives every changed bucket at once, as ``(key, ids)`` pairs in key order, so a store writes
    them in one transaction."""

    def __init__(self, get: Callable[[str], list[str] | None] | None = None,
                 put: Callable[[list[tuple[str, list[str]]]], None] | None = None,
                 get_many: Callable[[list[str]], dict[str, list[str]]] | None = None) -> None:
        self.buckets: dict[str, list[str]] = {}
        self._row: dict[str, int] = {}
        self._mat = np.zeros((0, 0), dtype=np.float32)
        self._n = 0
        self._key_cache: dict[str, tuple[list[str], list[str], list[str]]] = {}
        self._get = get
        self._get_many = get_many  # several buckets in one read (a store on a server: one round trip)
        self._put = put
        self.dirty: set[str] = set()

    def _load(self, keys: list[str]) -> None:
        """Read the buckets of ``keys`` not read yet, in one call where the index was given ``get_many``."""
        if self._get_many is None:
            return
        todo = [k for k in dict.fromkeys(keys) if k not in self.buckets]
        if todo:
            got = self._get_many(todo)
            for k in todo:
                self.buckets[k] = list(got.get(k) or [])

    def _bucket(self, key: str) -> list[str]:
        if key not in self.buckets:
            got = self._get(key) if self._get else None
            self.buckets[key] = list(got or [])
        return self.buckets[key]

    def query(self, f: Feat, doc_lookup: Callable[[list[str]], dict[str, np.ndarray]] | None = None,
              skip: Container[str] = ()) -> list[str]:
        """Candidate ids for ``f``: every copy-key match, plus the best ``TOP_K`` embedding matches. ``skip``:
        ids not to consider (a batch's later articles that a killed run already indexed), left out before
        the best are chosen, so they take no candidate's place."""
        ck, hk, kk = self._keys(f)
        self._load([*ck, *kk, *hk])
        strong: set[str] = set()
        for k in ck:
            strong.update(i for i in self._bucket(k) if i not in skip)
        strong.discard(f.id)
        kc: Counter[str] = Counter()
        for k in kk:
            kc.update(self._bucket(k))
        for i, _ in sorted(((i, c) for i, c in kc.items() if i != f.id and i not in strong and i not in skip),
                           key=lambda ic: (-ic[1], ic[0]))[:KEY_TOP]:
            strong.add(i)
        counts: Counter[str] = Counter()
        for k in hk:
            counts.update(self._bucket(k))
        ids = sorted(i for i, c in counts.items()
                     if c >= MIN_COLLISIONS and i not in strong and i != f.id and i not in skip)
        ranked: list[str] = []
        if ids:
            missing = [i for i in ids if i not in self._row]
            if missing and doc_lookup:
                for i, v in sorted(doc_lookup(missing).items()):
                    self._add_vec(i, v)
            ids = [i for i in ids if i in self._row]
            if ids:
                sims = self._mat[[self._row[i] for i in ids]] @ f.doc
                order = np.argsort(-sims, kind="stable")[:TOP_K]
                ranked = [ids[o] for o in order if sims[o] >= MIN_DOC_COS]
        return sorted(strong) + ranked

    def _add_vec(self, id_: str, v: np.ndarray) -> None:
        if id_ in self._row:
            return
        if self._n == len(self._mat):
            grown = np.zeros((max(64, 2 * len(self._mat)), len(v)), dtype=np.float32)
            grown[: self._n] = self._mat[: self._n] if self._n else grown[:0]
            self._mat = grown
        self._mat[self._n] = v
        self._row[id_] = self._n
        self._n += 1

    def _keys(self, f: Feat) -> tuple[list[str], list[str], list[str]]:
        got = self._key_cache.get(f.id)
        if got is None:
            got = (copy_keys(f), hp_keys(f.doc), key_band_keys(f))
            self._key_cache = {f.id: got}  # the article just queried is usually the next one added
        return got

    def add(self, f: Feat) -> None:
        self._add_vec(f.id, f.doc)
        ck, hk, kk = self._keys(f)
        for k in ck + hk + kk:
            b = self._bucket(k)
            if f.id not in b:
                b.append(f.id)
                if len(b) > BUCKET_CAP:
                    del b[: len(b) - BUCKET_CAP]
                self.dirty.add(k)

    def flush(self) -> None:
        if self._put and self.dirty:
            self._put([(k, self.buckets[k]) for k in sorted(self.dirty)])
        self.dirty.clear()
