"""Annotate once: what several stages need from an article, computed once, stored, read by every stage.

* the document vector: the embedding of the title and first sentences (``lead_text``), used by the reuse
  stage's candidate search and by the stories stage;
* sentence vectors: the embedding of every body sentence, computed only when a stage first needs them
  (the reuse stage, for a pair that survived its cheap document-level tests; the facts stage, for a story
  of several articles), all of an article's sentences at once, and stored, so no later stage or run
  computes them again.

Both are keyed by the article id and checked against a hash of the text they were computed from and the
annotator version, so an article whose body changed (furniture moved out) is annotated again.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

import numpy as np

from storylens.model import Article
from storylens.nlp.text import split_sentences
from storylens.store.base import Store

VERSION = "1"
DOC_KEY = "ann:doc:"
SENT_KEY = "ann:sent:"
LEAD_SENTENCES = 3


MAX_SENTENCES = 400  # sentences of a body that are annotated (live blogs and transcripts are cut here)


def body_sentences(article: Article, max_sentences: int = MAX_SENTENCES) -> list[str]:
    """The body's sentences, in order: the units every stage's sentence annotations are indexed by."""
    out: list[str] = []
    for para in article.body:
        out.extend(split_sentences(para))
        if len(out) >= max_sentences:
            break
    return out[:max_sentences]


def analyse_sentences(articles: Sequence[Article]) -> list:
    """Every body sentence's analysis (:func:`storylens.nlp.items.sentence_info`, content stems, the split of
    each paragraph), worked out now, in an extraction worker, and handed to the main process with the
    articles (:func:`storylens.nlp.items.absorb`); the stages then read it there rather than work it out
    again on one core. The values are pure functions of each text, so they are the ones the stages would
    compute, whichever process computes them."""
    from storylens.nlp.items import analyse_paragraphs

    out: list = [[], [], []]
    for a in articles:
        for part, got in zip(out, analyse_paragraphs(a.body, MAX_SENTENCES), strict=True):
            part.extend(got)
    return out


def sentence_paragraphs(article: Article, max_sentences: int = MAX_SENTENCES) -> list[tuple[int, int, int]]:
    """For each of :func:`body_sentences`, (paragraph index, start, end) of its text in that paragraph.

    The splitter collapses runs of spaces, so a sentence is looked up from the end of the previous one;
    where it cannot be found verbatim, the span runs from there for the sentence's length.
    """
    out: list[tuple[int, int, int]] = []
    for pi, para in enumerate(article.body):
        cur = 0
        for sent in split_sentences(para):
            k = para.find(sent, cur)
            if k < 0:
                k = min(cur, len(para))
            end = min(len(para), k + len(sent))
            out.append((pi, k, end))
            cur = end
            if len(out) >= max_sentences:
                return out
    return out


def sentence_vectors(store: Store | None, articles: Sequence[Article]) -> dict[str, np.ndarray]:
    """Each article's sentence vectors (rows: :func:`body_sentences`): read from the store, or embedded now
    and stored, so the reuse stage and the facts stage never embed a sentence twice. An article's sentences
    are embedded together and alone (:func:`storylens.nlp.embed.embed_units`): its vectors are a function of
    its text, whichever stage or worker computes them."""
    from storylens.nlp.embed import embed_units

    load = sentence_vector_loader(store) if store is not None else (lambda ids: {})
    have = load([a.id for a in articles])
    out: dict[str, np.ndarray] = {}
    need: list[tuple[Article, list[str]]] = []
    for a in articles:
        sents = body_sentences(a)
        got = have.get(a.id)
        if got is not None and len(got) == len(sents):
            out[a.id] = got
        elif sents:
            need.append((a, sents))
        else:
            out[a.id] = np.zeros((0, 512), dtype=np.float32)
    if need:
        save = sentence_vector_saver(store) if store is not None else None
        for (a, _), e in zip(need, embed_units([ss for _, ss in need]), strict=True):
            out[a.id] = save(a.id, e) if save else decode(encode(e), len(e))
    return out


def lead_text(article: Article, max_sentences: int = LEAD_SENTENCES) -> str:
    """The text of the document vector: the title and the first sentences of the body."""
    first: list[str] = []
    for para in article.body:
        first.extend(split_sentences(para))
        if len(first) >= max_sentences:
            break
    lead = " ".join(first[:max_sentences])
    title = (article.title or "").strip()
    return ((title + ". " + lead) if title else lead)[:1000]


def _hash(text: str) -> str:
    return hashlib.blake2b(f"{VERSION}\n{text}".encode(), digest_size=8).hexdigest()


def encode(v: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(v, dtype=np.float16).tobytes()).decode("ascii")


def decode(s: str, rows: int | None = None) -> np.ndarray:
    v = np.frombuffer(base64.b64decode(s), dtype=np.float16).astype(np.float32)
    return v.reshape(rows, -1) if rows is not None else v


def document_vectors(store: Store | None, articles: Sequence[Article]) -> dict[str, np.ndarray]:
    """Each article's document vector: read from the store, or embedded now (one batch) and stored."""

    out: dict[str, np.ndarray] = {}
    need: list[tuple[Article, str, str]] = []
    stored = store.get_states(DOC_KEY + a.id for a in articles) if store is not None else {}
    for a in articles:
        text = lead_text(a)
        h = _hash(text)
        got = stored.get(DOC_KEY + a.id)
        if got and got.get("h") == h:
            out[a.id] = decode(got["v"])
        else:
            need.append((a, text, h))
    if need:
        vecs = _embed_leads([t for _, t, _ in need])
        items = []
        for (a, _, h), v in zip(need, vecs, strict=True):
            # stored at half precision; the value used now is the one read back, so every run agrees
            s = encode(v)
            out[a.id] = decode(s)
            items.append((DOC_KEY + a.id, {"h": h, "v": s}))
        if store is not None:
            store.put_states(items)
    return out


def _embed_leads(texts: list[str]) -> np.ndarray:
    """Lead texts' vectors: those prefetched or cached taken as they are, the rest (a run's worth where
    nothing was prefetched) shared among the worker processes; each text is an encoder call of its own
    either way, so the vectors are the same (a test checks). A daemon process (a stage run beside another)
    may not start processes of its own."""
    import multiprocessing as mp

    from storylens.engine import forked
    from storylens.nlp.embed import embed

    return embed(texts, workers=1 if mp.current_process().daemon else forked.default_workers())


def prefetch_document_vectors(articles: Sequence[Article]) -> None:
    """Start embedding these articles' lead texts in the background (see :func:`storylens.nlp.embed.prefetch`);
    :func:`document_vectors` then finds them computed. Nothing is stored here."""
    from storylens.nlp.embed import prefetch

    prefetch([lead_text(a) for a in articles if a.body])


def stored_document_vectors(store: Store, ids: Sequence[str]) -> dict[str, np.ndarray]:
    """Document vectors stored for these ids (no text check: for candidate search over stored articles)."""
    got = store.get_states(DOC_KEY + i for i in ids)
    return {i: decode(got[DOC_KEY + i]["v"]) for i in ids if got.get(DOC_KEY + i)}


def sentence_vector_loader(store: Store):  # noqa: ANN201 - (ids) -> {id: (n, dim) array}
    def load(ids: list[str]) -> dict[str, np.ndarray]:
        got = store.get_states(SENT_KEY + i for i in ids)
        return {i: decode(g["e"], g["n"]) for i in ids if (g := got.get(SENT_KEY + i)) and g.get("v") == VERSION}

    return load


def sentence_vector_saver(store: Store):  # noqa: ANN201 - (id, (n, dim) array) -> stored value read back
    def save(article_id: str, e: np.ndarray) -> np.ndarray:
        s = encode(e)
        store.put_state(SENT_KEY + article_id, {"v": VERSION, "n": int(len(e)), "e": s})
        return decode(s, len(e))

    return save


def update(store: Store, new_articles: Sequence[Article]) -> None:
    """The annotation stage: document vectors of the new articles, once."""
    document_vectors(store, [a for a in new_articles if a.body])
