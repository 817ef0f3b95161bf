"""Fast, dependency-free text helpers: sentences, words, names, numbers."""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "st", "jr", "sr",
    "inc", "corp", "co", "ltd", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "u.s", "u.k", "u.n", "e.g",
    "i.e", "a.m", "p.m", "fig", "approx", "dept", "est", "ft", "mt", "ave", "blvd",
}
_SENT_END = re.compile(r"""([.!?]+["'”’)\]]*)\s+(?=["'“‘(\[]?[A-Z0-9])""")
_WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(
    r"(?<![\w.])(?:[$€£¥]\s?)?\d+(?:[.,:]\d+)*(?:\s?(?:%|percent|per cent|million|billion|trillion|bn|m))?",
    re.IGNORECASE,
)
_NAME_TOKEN = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'\-]*(?:\.(?:[A-Z]\.)+)?)"
_NAME = re.compile(rf"\b{_NAME_TOKEN}(?:\s+(?:of|de|van|von|al|for)?\s*{_NAME_TOKEN})*")

STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "said", "says", "say", "one", "two", "new", "also", "would", "could", "may", "might", "must", "shall", "us", "it's", "that's"]
)



_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` as a store, an encoder or a report can hold it: each lone surrogate (valid in JSON as
    ``"\\ud800"``, but no character: it cannot be encoded) replaced by U+FFFD and each NUL (PostgreSQL refuses
    it) by a space, so every offset into the text stays the same."""
    if "\x00" in text:
        text = text.replace("\x00", " ")
    return _LONE_SURROGATE.sub("\ufffd", text)

def normalize_space(text: str) -> str:
    """NFC-normalise and collapse runs of whitespace."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; paragraphs (blank-line or newline separated) never merge."""
    got = SPLITS.get(text)
    if got is None:
        got = SPLITS.put(text, _split(text))
    return list(got)


class Memo(dict):
    """A bounded memo of a pure function of one text: the oldest entries go first when it is full.

    A plain dict, so that what extraction workers worked out can be handed to the main process
    (:meth:`absorb`), where every stage then reads it instead of working it out again.
    """

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key, value):  # noqa: ANN001, ANN201
        if len(self) >= self.size:
            for k in list(itertools.islice(iter(self), max(1, self.size // 8))):
                del self[k]
        self[key] = value
        return value

    def absorb(self, items) -> None:  # noqa: ANN001
        for k, v in items:
            if k not in self:
                self.put(k, v)


# Several stages split the same bodies and leads in one run; the split is pure, so it is memoised.
SPLITS: Memo = Memo(1 << 16)


def _split(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for para in re.split(r"\n+", text):
        para = normalize_space(para)
        if not para:
            continue
        start = 0
        for m in _SENT_END.finditer(para):
            end = m.end(1)
            before = para[start:end]
            last = re.search(r"([\w.]+)[.!?]+[\"'”’)\]]*$", before)
            if last and m.group(1).startswith(".") and _is_abbrev(last.group(1)):
                continue
            piece = para[start:end].strip()
            if piece:
                out.append(piece)
            start = m.end()
        tail = para[start:].strip()
        if tail:
            out.append(tail)
    return tuple(out)


def _is_abbrev(token: str) -> bool:
    t = token.lower().rstrip(".")
    if t in _ABBREV:
        return True
    # single capital initials ("J.") and dotted acronyms ("U.S.")
    return bool(re.fullmatch(r"[a-z]", t) or re.fullmatch(r"(?:[a-z]\.)+[a-z]?", t))


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower() for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1]


def numbers(text: str) -> list[str]:
    """Numbers with their unit or currency, as written ("2 percent", "$3.5 billion", "11")."""
    return [m.group(0).strip() for m in _NUMBER.finditer(text)]


@lru_cache(maxsize=65536)
def _name_candidates(sentence: str) -> tuple[str, ...]:
    found = []
    for m in _NAME.finditer(sentence):
        parts = m.group(0).split()
        # drop leading function words ("The", "Several") that are capitalised only by position
        while parts and parts[0].lower().strip(".") in STOPWORDS | _LEADING:
            parts.pop(0)
        name = " ".join(parts).rstrip(",;:")
        if name.endswith(".") and not re.search(r"(?:[A-Z]\.){2,}$", name):
            name = name[:-1]
        if len(name) > 1 and name.lower() not in STOPWORDS:
            found.append(name)
    return tuple(found)


_LEADING = frozenset({"several", "many", "some", "another", "however", "meanwhile", "according", "since", "despite"})


def proper_names(text: str) -> list[str]:
    """Capitalised word sequences (people, places, organisations) — a fast heuristic, no model."""
    out: list[str] = []
    for s in split_sentences(text):
        out.extend(_name_candidates(s))
    return out
