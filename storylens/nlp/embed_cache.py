"""A disk cache for :func:`storylens.nlp.embed` (benchmarks and batch runs).

``load(path)`` fills the in-memory cache from a ``.npz`` file written by
``save(path)``, so repeated runs over the same corpus do not recompute
embeddings. Keys are the same text hashes that ``embed`` uses.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np

_embed_mod = importlib.import_module("storylens.nlp.embed")


def load(path: str | Path) -> int:
    """Add the cached vectors in ``path`` (if it exists) to the in-memory cache; return how many."""
    p = Path(path)
    if not p.exists():
        return 0
    with np.load(p, allow_pickle=False) as data:
        keys = [str(k) for k in data["keys"]]
        vecs = data["vecs"].astype(np.float32)
    for k, v in zip(keys, vecs, strict=True):
        _embed_mod._CACHE[k] = v
    return len(keys)


def save(path: str | Path) -> int:
    """Write every vector of the in-memory cache to ``path`` (``.npz``); return how many."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    items = list(_embed_mod._CACHE.items())
    if not items:
        return 0
    keys = np.array([k for k, _ in items])
    vecs = np.stack([v for _, v in items]).astype(np.float32)
    tmp = p.with_name(p.stem + ".tmp.npz")
    np.savez(tmp, keys=keys, vecs=vecs)
    tmp.replace(p)
    return len(items)
