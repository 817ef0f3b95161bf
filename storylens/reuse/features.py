"""Per-article and per-sentence features used by candidate search, alignment and direction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from storylens.model import Article
from storylens.nlp import words
from storylens.nlp.items import (  # noqa: F401 - re-exported: the reuse features are spelled with these
    _DATELINE,
    _QUOTED,
    ALIASES,
    GENERIC_WORDS,
    content_stems,
    dates_in,
    name_tokens,
    norm_name,
    norm_number,
    quote_share,
    sentence_info,
    sentence_names,
    stem,
)


def normalized_text(text: str) -> str:
    return " ".join(words(text))


def text_hash(text: str) -> str:
    return hashlib.blake2b(normalized_text(text).encode("utf-8"), digest_size=12).hexdigest()


def shingles(text: str, k: int = 5) -> set[str]:
    return _shingles_of(words(text), k)


@dataclass
class Specifics:
    """Checkable details of a text: what a source has and a rewrite tends to drop."""

    names: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    quotes: int = 0
    dateline: bool = False
    n_words: int = 0
    n_generic: int = 0
    n_chars: int = 0  # letters in all words (mean word length: LLM rewrites prefer longer words)
    n_said: int = 0  # "said", "says", "told": a reporter's attribution, which rewrites vary
    _keys: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def keys(self) -> frozenset[str]:
        """Names as their words (titles dropped), figures and dates: what two tellings of one fact share.

        Worked out once per text: every candidate pair asks for both sides' keys twice.
        """
        if self._keys is None:
            self._keys = frozenset(name_tokens(self.names) | {"#" + n for n in self.numbers}
                                   | {"@" + d for d in self.dates})
        return self._keys


_sentence = sentence_info  # what the reuse features read from one sentence (storylens.nlp.items)


def specifics(sentences: list[str]) -> Specifics:
    sp = Specifics()
    for i, s in enumerate(sentences):
        x = _sentence(s)
        sp.names.update(x.names)
        sp.numbers.update(x.figures)
        sp.dates.update(x.dates)
        sp.quotes += x.quotes
        if i == 0 and _DATELINE.match(s):
            sp.dateline = True
        sp.n_words += len(x.words)
        sp.n_generic += x.n_generic
        sp.n_chars += x.n_chars
        sp.n_said += x.n_said
    return sp


def _shingles_of(ws: list[str] | tuple[str, ...], k: int = 5) -> set[str]:
    if len(ws) < k:
        return {" ".join(ws)} if ws else set()
    return {" ".join(ws[i : i + k]) for i in range(len(ws) - k + 1)}


@dataclass
class Feat:
    """Everything reuse needs to know about one article.

    Lexical features are computed when the Feat is built; the sentence embeddings (``emb``) and the sparse
    sentence rows (``rows``) only when a pair that survived the cheap document-level tests needs them.
    """

    article: Article
    sentences: list[str]
    doc: np.ndarray  # (dim,) unit vector of the title and lead (shared with the stories stage)
    stems: list[frozenset[str]]
    stems_unquoted: frozenset[str]  # content stems of the whole text outside quotation marks
    quote: list[float]
    hash: str
    shingles: set[str]
    shingles_unquoted: set[str]
    spec: Specifics
    items: list[str] = field(default_factory=list)  # names and figures, in order of first mention
    sent_names: list[set[str]] = field(default_factory=list)
    sent_figures: list[set[str]] = field(default_factory=list)
    _emb: np.ndarray | None = field(default=None, repr=False)
    _rows: object | None = field(default=None, repr=False)
    _partners: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # partner masks, by other id

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def emb(self) -> np.ndarray:
        """(n_sentences, dim) unit vectors (see :func:`ensure_embeddings`)."""
        if self._emb is None:
            ensure_embeddings([self])
        return self._emb  # type: ignore[return-value]

    @property
    def has_emb(self) -> bool:
        """Every sentence has its embedding."""
        return self._emb is not None

    def set_emb(self, e: np.ndarray) -> None:
        self._emb = np.asarray(e, dtype=np.float32)

    @property
    def rows(self):  # noqa: ANN201 - storylens.nlp.pairs.SentenceRows
        if self._rows is None:
            from storylens.nlp.pairs import sentence_rows

            self._rows = sentence_rows(self.sentences, self.stems, self.sent_names, self.sent_figures)
        return self._rows

    @property
    def usable(self) -> np.ndarray:
        """Sentences that are not mostly quotation (a quote repeated by two outlets is no derivation)."""
        return np.asarray([q < 0.5 for q in self.quote], dtype=bool)


def article_sentences(article: Article, max_sentences: int = 400) -> list[str]:
    from storylens.nlp.annotate import body_sentences

    return body_sentences(article, max_sentences)


def ordered_items(sentences: list[str]) -> list[str]:
    """Names and figures in order of first mention (a rewrite tends to keep its source's order of facts)."""
    seen: dict[str, None] = {}
    for s in sentences:
        x = _sentence(s)
        for n in x.names:
            seen.setdefault(n, None)
        for n in x.figures:
            seen.setdefault(n, None)
    return list(seen)


def ensure_embeddings(feats: list[Feat], loader=None, saver=None) -> int:  # noqa: ANN001
    """Give every Feat all its sentence embeddings; returns how many texts were embedded.

    ``loader(ids) -> {id: array}`` supplies embeddings stored by an earlier stage or run (never recomputed);
    ``saver(id, array) -> array`` stores an article's embeddings. An article's sentences are embedded
    together and alone (:func:`storylens.nlp.embed.embed_units`), so its vectors are the same whichever
    pair, stage or worker asks first. Vectors are kept at half precision, as stored, so a run that reads
    them back agrees with the run that computed them.
    """
    from storylens.nlp.embed import embed_units

    todo = [f for f in feats if not f.has_emb and f.sentences]
    if loader and todo:
        got = loader([f.id for f in todo])
        for f in todo:
            e = got.get(f.id)
            if e is not None and len(e) == len(f.sentences):
                f.set_emb(e)
    todo = list({id(f): f for f in todo if not f.has_emb}.values())
    if not todo:
        return 0
    from storylens.engine.forked import default_workers

    for f, e in zip(todo, embed_units([f.sentences for f in todo], workers=default_workers()), strict=True):
        f.set_emb(saver(f.id, e) if saver else e.astype(np.float16).astype(np.float32))
    return sum(len(f.sentences) for f in todo)


def build_features(articles: list[Article], doc_vectors: dict[str, np.ndarray] | None = None) -> list[Feat]:
    """Lexical features of each article and its document vector (title and lead, embedded in one batch).

    ``doc_vectors`` holds document vectors already computed (by the annotation step or an earlier run).
    """
    from storylens.nlp.annotate import document_vectors

    doc_vectors = dict(doc_vectors or {})
    need = [a for a in articles if a.id not in doc_vectors]
    if need:
        doc_vectors.update(document_vectors(None, need))
    out: list[Feat] = []
    for a in articles:
        ss = article_sentences(a)
        text = " ".join(ss)
        per = [_sentence(s) for s in ss]
        ws = [w for x in per for w in x.words]  # = words(text): no word spans the joining space
        names = [set(x.names) for x in per]
        figures = [set(x.figures) for x in per]
        out.append(
            Feat(
                article=a, sentences=ss, doc=np.asarray(doc_vectors[a.id], dtype=np.float32),
                stems=[content_stems(s) for s in ss],
                stems_unquoted=frozenset().union(*[content_stems(_QUOTED.sub(" ", s)) if x.quotes else
                                                   content_stems(s) for s, x in zip(ss, per, strict=True)]),
                quote=[x.quote_share for x in per],
                hash=hashlib.blake2b(" ".join(ws).encode("utf-8"), digest_size=12).hexdigest(),
                shingles=_shingles_of(ws),
                shingles_unquoted=(shingles(_QUOTED.sub(" | ", text)) if _QUOTED.search(text)  # quotes may span sentences
                                   else _shingles_of(ws)),
                spec=specifics(ss), items=ordered_items(ss), sent_names=names, sent_figures=figures,
            )
        )
    return out
