"""Candidate search without all-pairs: exact hashes, MinHash LSH for copies, hyperplane LSH for rewrites.

Each article gets a handful of bucket keys; articles sharing a key are candidates.
Candidates found only through the embedding buckets are re-ranked by document
cosine and cut to the best ``k``, so the cost per article stays bounded.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import numpy as np

from storylens.nlp.minhash import MinHasher, band_keys
from storylens.reuse.features import Feat

NUM_PERM = 64
BANDS = 16  # 4 rows per band: pairs above ~0.5 shingle Jaccard almost always meet
HP_TABLES = 24
HP_BITS = 6
TOP_K = 12
MIN_DOC_COS = 0.55
BUCKET_CAP = 400

_HASHER: MinHasher | None = None
_PLANES: np.ndarray | None = None


def hasher() -> MinHasher:
    global _HASHER
    if _HASHER is None:
        _HASHER = MinHasher(NUM_PERM, seed=11)
    return _HASHER


def planes(dim: int = 512) -> np.ndarray:
    global _PLANES
    if _PLANES is None or _PLANES.shape[1] != dim:
        rng = np.random.default_rng(23)
        _PLANES = rng.standard_normal((HP_TABLES * HP_BITS, dim)).astype(np.float32)
    return _PLANES


def hp_keys(doc: np.ndarray) -> list[str]:
    if not np.any(doc):
        return []
    bits = (planes(doc.shape[0]) @ doc) > 0
    out = []
    for t in range(HP_TABLES):
        chunk = bits[t * HP_BITS : (t + 1) * HP_BITS]
        code = int("".join("1" if x else "0" for x in chunk), 2)
        out.append(f"h{t}:{code:03x}")
    return out


def copy_keys(f: Feat) -> list[str]:
    keys = [f"x:{f.hash}"]
    if f.shingles:
        keys += band_keys(hasher().signature(f.shingles), BANDS)
    return keys


def encode_vec(v: np.ndarray) -> str:
    return base64.b64encode(v.astype(np.float16).tobytes()).decode("ascii")


def decode_vec(s: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype=np.float16).astype(np.float32)


class Index:
    """Buckets from key to article ids; ``get``/``put`` let a store hold them (see :func:`update`)."""

    def __init__(self, get: Callable[[str], list[str] | None] | None = None,
                 put: Callable[[str, list[str]], None] | None = None) -> None:
        self.buckets: dict[str, list[str]] = {}
        self.docs: dict[str, np.ndarray] = {}
        self._get = get
        self._put = put
        self.dirty: set[str] = set()

    def _bucket(self, key: str) -> list[str]:
        if key not in self.buckets:
            got = self._get(key) if self._get else None
            self.buckets[key] = list(got or [])
        return self.buckets[key]

    def query(self, f: Feat, doc_lookup: Callable[[list[str]], dict[str, np.ndarray]] | None = None) -> list[str]:
        """Candidate ids for ``f``: every copy-key match, plus the best ``TOP_K`` embedding matches."""
        strong: set[str] = set()
        for k in copy_keys(f):
            strong.update(self._bucket(k))
        loose: set[str] = set()
        for k in hp_keys(f.doc):
            loose.update(self._bucket(k))
        loose -= strong
        loose.discard(f.id)
        strong.discard(f.id)
        ranked: list[str] = []
        if loose:
            ids = sorted(loose)
            missing = [i for i in ids if i not in self.docs]
            if missing and doc_lookup:
                self.docs.update(doc_lookup(missing))
            ids = [i for i in ids if i in self.docs]
            if ids:
                sims = np.stack([self.docs[i] for i in ids]) @ f.doc
                order = np.argsort(-sims, kind="stable")[:TOP_K]
                ranked = [ids[o] for o in order if sims[o] >= MIN_DOC_COS]
        return sorted(strong) + ranked

    def add(self, f: Feat) -> None:
        self.docs[f.id] = f.doc
        for k in copy_keys(f) + hp_keys(f.doc):
            b = self._bucket(k)
            if f.id not in b:
                b.append(f.id)
                if len(b) > BUCKET_CAP:
                    del b[: len(b) - BUCKET_CAP]
                self.dirty.add(k)

    def flush(self) -> None:
        if self._put:
            for k in sorted(self.dirty):
                self._put(k, self.buckets[k])
        self.dirty.clear()
