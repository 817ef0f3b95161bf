"""Claims: each body sentence of an article, with its specific items, modality and attribution.

A claim is one sentence (the unit the annotations are indexed by, :func:`storylens.nlp.annotate.body_sentences`).
Its items come from the shared helpers (``storylens.nlp.items``: names, figures in one spelling, dates), its
attribution from the quote finder (the speaker of a quote whose content overlaps the sentence) or from an
"according to ..." phrase, and its modality from a few unambiguous constructions:

* ``denied``: the sentence denies or rejects something (a denial verb, "not true");
* ``planned``: someone intends or has scheduled it ("plans to", "is being planned", "scheduled for", "will");
* ``expected``: it is forecast or hedged ("expected to", "likely", "may", "could");
* ``reported``: otherwise (it happened, or is the case).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storylens.claims.quotes import QuoteSpan
from storylens.model import Article, Claim, Modality, TextSpan
from storylens.nlp import numbers, words
from storylens.nlp.annotate import body_sentences, sentence_paragraphs
from storylens.nlp.dates import find_dates
from storylens.nlp.items import norm_number, sentence_names

VERSION = "4"  # 2: dates resolved by storylens.nlp.dates; 3: their expressions kept; 4: date rules of 2026-12-02

_DENIED = re.compile(r"\b(?:den(?:y|ies|ied|ying)|refut(?:e|es|ed|ing)|reject(?:s|ed|ing)? (?:claims?|reports?|the idea)"
                     r"|dismiss(?:es|ed)? (?:claims?|reports?)|not true|no truth)\b", re.IGNORECASE)
_PLANNED = re.compile(r"\b(?:plans?|planning|planned) to\b|\bbeing planned\b|\bis planned\b|\bscheduled\b|\bwill\b"
                      r"|\bintends? to\b|\baims? to\b|\bset to\b|\bto be held\b|\bprepar(?:es|ing) to\b"
                      r"|\bis to\b|\bare to\b", re.IGNORECASE)
_EXPECTED = re.compile(r"\bexpected to\b|\blikely\b|\bmay\b|\bmight\b|\bcould\b|\bpossibly\b|\bprobably\b"
                       r"|\bwould\b|\bforecasts?\b|\bpredict(?:s|ed)?\b", re.IGNORECASE)
_NEG = re.compile(r"\b(?:not|no|never|neither|nor|cannot|won't|didn't|doesn't|don't|isn't|wasn't|aren't|"
                  r"weren't|hasn't|haven't|hadn't)\b|n't\b", re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording to ((?:[A-Z][\w.'’-]*|the|a|an|Japanese|U\.S\.|government|officials?|sources?)"
                        r"(?:[ ,-]+(?:[A-Z][\w.'’-]*|of|the|and|government|officials?|sources?|familiar|"
                        r"with|matter|people|close|to)){0,8})", re.IGNORECASE)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def modality_of(sentence: str) -> Modality:
    """The claim's modality from its wording outside quotation marks (see the module docstring)."""
    bare = _QUOTED.sub(" ", sentence)
    if _DENIED.search(bare):
        return "denied"
    if _PLANNED.search(bare):
        return "planned"
    if _EXPECTED.search(bare):
        return "expected"
    return "reported"


def is_negated(sentence: str) -> bool:
    return bool(_NEG.search(_QUOTED.sub(" ", sentence)))


def date_keys(dates: Sequence[str]) -> set[str]:
    """Dates in a form two claims can share: month and day ('-02-07'), whether or not a year was known."""
    return {d[4:10] for d in dates if re.fullmatch(r"(?:\d{4}|XXXX)-\d{2}-\d{2}(?:T.*)?", d)}


def according_to(sentence: str) -> str | None:
    m = _ACCORDING.search(sentence)
    if not m:
        return None
    return m.group(1).strip(" ,.-") or None


def article_text(article: Article) -> tuple[str, list[int]]:
    """The body as one text (paragraphs joined by a blank line) and each paragraph's offset in it."""
    offsets, pos = [], 0
    for para in article.body:
        offsets.append(pos)
        pos += len(para) + 2
    return "\n\n".join(article.body), offsets


def to_span(article: Article, offsets: list[int], start: int, end: int) -> TextSpan:
    """A (start, end) range of :func:`article_text` as a paragraph span."""
    pi = max(0, next((i for i in range(len(offsets) - 1, -1, -1) if offsets[i] <= start), 0))
    para = article.body[pi] if article.body else ""
    s = max(0, start - offsets[pi])
    e = max(s, min(len(para), end - offsets[pi]))
    return TextSpan(article_id=article.id, paragraph=pi, start=s, end=e, text=para[s:e])


def extract_claims(article: Article) -> list[Claim]:
    """The claims of one article, in body order (attribution from "according to ..." only; quotes are
    attached by :func:`attach_quotes`)."""
    sents = body_sentences(article)
    places = sentence_paragraphs(article)
    ref = article.published_date()
    out: list[Claim] = []
    for k, (text, (pi, s, e)) in enumerate(zip(sents, places, strict=False)):
        found = [m for m in find_dates(text, ref) if m.type in ("DATE", "TIME") and m.granularity != "fuzzy"]
        dates, date_texts = [], []
        for m in found:
            if m.value not in dates:
                dates.append(m.value)
                date_texts.append(m.text)
        out.append(Claim(
            id=f"{article.id}:c{k}", article_id=article.id, sentence_index=k, text=text,
            span=TextSpan(article_id=article.id, paragraph=pi, start=s, end=e, text=article.body[pi][s:e]),
            actors=_unique(sentence_names(text)), numbers=_unique(norm_number(n) for n in numbers(text)),
            dates=dates, date_texts=date_texts, modality=modality_of(text), negated=is_negated(text), attribution=according_to(text),
        ))
    return out


def claim_range(article: Article, claim: Claim, offsets: list[int] | None = None) -> tuple[int, int]:
    """The claim's (start, end) in :func:`article_text` (``offsets``: its paragraph offsets, where the caller
    has them already)."""
    if offsets is None:
        _, offsets = article_text(article)
    base = offsets[claim.span.paragraph] if claim.span.paragraph < len(offsets) else 0
    return base + claim.span.start, base + claim.span.end


def attach_quotes(article: Article, claims: Sequence[Claim], quotes: Sequence[QuoteSpan]) -> None:
    """Credit each claim that overlaps a quote's content to the quote's speaker (in place).

    ``quotes`` are :func:`find_quotes` on :func:`article_text`; quote ``k`` is ``'<article id>:q<k>'``.
    """
    _, offsets = article_text(article)
    for c in claims:
        base = offsets[c.span.paragraph] if c.span.paragraph < len(offsets) else 0
        lo, hi = base + c.span.start, base + c.span.end
        for qi, q in enumerate(quotes):
            cs, ce = q.content
            if cs < hi and ce > lo:
                c.attribution = q.resolved or q.speaker or c.attribution
                c.quote_id = f"{article.id}:q{qi}"
                break


def word_count(text: str) -> int:
    return len(words(text))


def _unique(items) -> list[str]:  # noqa: ANN001 - any iterable of str
    seen: dict[str, None] = {}
    for x in items:
        if x:
            seen.setdefault(x, None)
    return list(seen)
