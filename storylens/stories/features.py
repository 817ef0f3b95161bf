"""What the story clusterer looks at in one article.

Three sparse fields (title words, lead words, names) weighted by TF-IDF with
document frequencies learned as articles arrive, an optional dense vector
(sentence embedding of the title and lead), and the publication time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from storylens.model import Article
from storylens.nlp import content_words, proper_names, split_sentences

LEAD_WORDS = 300  # words of body text used; leads carry the story, long tails add noise
MAX_NAMES = 40

# Capitalised words that are calendar or position words, not names of people, places or organisations.
_NOT_NAMES = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "today", "yesterday", "tomorrow", "tonight", "morning", "afternoon", "evening", "photo", "illustration", "file", "image", "video", "read", "more", "advertisement", "related"]
)


def _stem(word: str) -> str:
    """A very light normaliser: plural and possessive endings."""
    w = word.replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _unit(v: dict[str, float]) -> dict[str, float]:
    """A sparse vector scaled to length 1 (empty when it is all zeros)."""
    n = math.sqrt(sum(x * x for x in v.values()))
    return {t: x / n for t, x in v.items()} if n else {}


def _add_into(acc: dict[str, float], v: dict[str, float], cap: int) -> dict[str, float]:
    """Add ``v`` into the sparse sum ``acc``, keeping its ``cap`` strongest terms (ties by term)."""
    for t, x in v.items():
        acc[t] = acc.get(t, 0.0) + x
    if len(acc) > cap:
        acc = dict(sorted(acc.items(), key=lambda kv: (-kv[1], kv[0]))[:cap])
    return acc


def terms(text: str) -> list[str]:
    """Content words, lightly normalised, digits-only tokens dropped."""
    return [_stem(w) for w in content_words(text) if not w.isdigit()]


def log_tf(tokens: list[str]) -> dict[str, float]:
    return {t: 1.0 + math.log(c) for t, c in Counter(tokens).items()}


def names(text: str) -> list[str]:
    """Proper names (people, places, organisations) as written, calendar words removed."""
    out = []
    for n in proper_names(text):
        parts = [p for p in n.split() if p.lower().strip(".,") not in _NOT_NAMES]
        if not parts:
            continue
        name = " ".join(parts)
        if len(name) < 2 or name.isdigit():
            continue
        out.append(name)
    return out[: MAX_NAMES * 3]


def name_features(found: list[str]) -> list[str]:
    """Features of names: the full name and, for multi-word names, its last word ("Shigeru Ishiba" -> "ishiba")."""
    feats: list[str] = []
    for n in found:
        low = n.lower().replace("’", "'")
        feats.append("@" + low)
        parts = low.split()
        if len(parts) > 1:
            feats.append("@" + _stem(parts[-1]))
    return feats


def to_days(value: dt.datetime | dt.date | None) -> float | None:
    """Publication time as days since the Unix epoch (UTC); naive times are taken as UTC."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.timestamp() / 86400.0
    return dt.datetime(value.year, value.month, value.day, 12, tzinfo=dt.timezone.utc).timestamp() / 86400.0


@dataclass
class ArticleFeatures:
    id: str
    time: float | None
    day: str | None
    outlet: str | None
    title: str
    title_tf: dict[str, float]
    lead_tf: dict[str, float]
    name_tf: dict[str, float]
    names: list[str] = field(default_factory=list)
    embed_text: str = ""
    has_title: bool = False
    coarse: bool = False  # published as a day without a time: any moment of that day (and time zone)
    lang: str | None = None  # the language extraction detected (None: unknown)

    def all_terms(self) -> set[str]:
        return set(self.title_tf) | set(self.lead_tf) | set(self.name_tf)


def lead_text(article: Article, max_words: int = LEAD_WORDS) -> str:
    out: list[str] = []
    n = 0
    for para in article.body:
        for s in split_sentences(para):
            out.append(s)
            n += len(s.split())
            if n >= max_words:
                return " ".join(out)
    return " ".join(out)


# A wire dateline opening a lead ("GENEVA (Reuters) - ", "NEW DELHI, June 3 (AP) -- "), perhaps after a
# page's time stamp ("2009 06 13 00:11 JST ") or an editor's note: not part of a headline made from the lead's
# first sentence.
_STAMP = (r"(?:(?:\d{4}[-/ ]\d{1,2}[-/ ]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
          r"|(?:[A-Z][a-z]{2},? )?[A-Z][a-z]{2} \d{1,2},? \d{4},? \d{1,2}:\d{2}(?: ?[ap]\.?m\.?)?)(?:\s*[A-Z]{2,5})?\s+)?")
_NOTE = r"(?:\([^()]{3,80}\)\s+)?"  # an editor's note in front: "(Recasts; adds quotes and byline) "
_DATELINE = re.compile(_NOTE + _STAMP + r"(?:[A-Z][A-Z.'’ -]{1,40}(?:,?\s*[A-Z][\w.' -]{0,30})?\s*)?"
                       r"\([\w.&' -]{2,30}\)\s*(?:-{1,2}|[–—])\s+")


def headline_from_lead(sentence: str) -> str:
    """The first sentence of a lead as a headline for an article that has none: without the wire dateline
    and time stamp in front of it (what is left starts with a capital, or nothing is cut)."""
    m = _DATELINE.match(sentence)
    if m and sentence[m.end():m.end() + 1].isupper():
        return sentence[m.end():]
    return sentence


def featurize(article: Article) -> ArticleFeatures:
    lead = lead_text(article)
    title = (article.title or "").strip()
    has_title = bool(title)
    if not title:
        sents = split_sentences(lead)
        title = sents[0] if sents else ""
    found = names(title + "\n" + lead)
    day = article.published_date()
    first = " ".join(split_sentences(lead)[:3])
    return ArticleFeatures(
        id=article.id,
        time=to_days(article.published),
        day=day.isoformat() if day else None,
        outlet=article.outlet,
        title=(title if has_title else headline_from_lead(title))[:300],  # shown; the terms are the sentence's
        title_tf=log_tf(terms(title)),
        lead_tf=log_tf(terms(lead)),
        name_tf=log_tf(name_features(found)),
        names=found,
        embed_text=(title + ". " + first)[:1000] if title else first[:1000],
        has_title=has_title,
        coarse=article.published is not None and not isinstance(article.published, dt.datetime),
        lang=(article.language or "").lower() or None,
    )
