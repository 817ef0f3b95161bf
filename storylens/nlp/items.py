"""Specific items of a sentence, spelled one way: content stems, names, figures, dates, quoted share.

Shared by every stage that compares sentences across articles (reuse, claims and facts), so that
"2 percent" and "2%", "U.S." and "United States", "postponed" and "postponement" match everywhere alike.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from storylens.nlp.text import SPLITS, STOPWORDS, Memo, _name_candidates, numbers, split_sentences, words

_QUOTED = re.compile(r"“[^”]{3,}”|\"[^\"]{3,}\"")
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_DATE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|July|August|"
    r"September|October|November|December)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?"
)
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Za-z. ]{2,30})?\s*(?:\([^)]{1,30}\))?\s*[-—–:]\s")

# Names that denote the same place or people; general knowledge, not corpus-specific.
ALIASES: dict[str, str] = {
    "u.s.": "us", "us": "us", "u.s": "us", "united states": "us", "america": "us", "american": "us",
    "americans": "us", "u.k.": "uk", "uk": "uk", "britain": "uk", "british": "uk", "united kingdom": "uk",
    "u.n.": "un", "united nations": "un", "e.u.": "eu", "eu": "eu", "european union": "eu",
}


@lru_cache(maxsize=1 << 17)
def stem(word: str) -> str:
    """A crude, fast stem: enough to match 'increase'/'increases', 'postponed'/'postponement'."""
    w = word.lower().strip(".'’")
    for suf in ("ments", "ment", "ings", "ing", "ies", "ied", "es", "ed", "s", "ly"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            w = w[: -len(suf)]
            break
    return w[:7]


def content_stems(sentence: str) -> frozenset[str]:
    got = STEMS.get(sentence)
    if got is None:
        got = STEMS.put(sentence, frozenset(stem(w) for w in words(sentence) if w not in STOPWORDS and len(w) > 1))
    return got


STEMS: Memo = Memo(1 << 16)


def norm_name(name: str) -> str:
    n = name.lower().strip(" .,'’")
    n = re.sub(r"['’]s$", "", n)
    return ALIASES.get(n, ALIASES.get(n + ".", n))


def sentence_names(sentence: str) -> list[str]:
    return list(_name_candidates(sentence))


_SCALE = (("trillion", "tn"), ("billion", "bn"), ("million", "m"), ("mn", "m"))


def norm_number(num: str) -> str:
    """One spelling per figure: "£776 million" = "776m", "12 per cent" = "12%", "07:20" = "7:20"."""
    n = num.lower().replace(",", "").replace(" ", "")
    n = n.replace("percent", "%").lstrip("$€£¥")
    for word, short in _SCALE:
        if n.endswith(word):
            n = n[: -len(word)] + short
            break
    n = re.sub(r"^0+(?=\d)", "", n)  # "07:20" -> "7:20"
    return re.sub(r"^(\d+)\.0+(?=\D|$)", r"\1", n)  # "3.0" -> "3", "3.05" kept


# Titles and ranks that precede a name ("Mr Salmond", "First Minister Alex Salmond"): not part of whom it names.
_TITLE_WORDS = frozenset(
    ["mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "rev", "president",
     "minister", "first", "prime", "secretary", "chancellor", "governor", "gov", "senator", "sen", "rep",
     "judge", "justice", "chief", "general", "gen", "captain", "capt", "sgt", "sergeant", "inspector",
     "detective", "officer", "mayor", "king", "queen", "prince", "princess", "deputy", "former", "mp", "msp",
     "mep", "ceo", "chairman", "chairwoman", "spokesman", "spokeswoman", "leader", "head", "director"]
)


def name_tokens(names: set[str]) -> set[str]:
    """The words of the names, without titles: "scottish first minister alex salmond" and "mr salmond" share one."""
    out: set[str] = set()
    for n in names:
        for t in re.split(r"[\s\-]+", n):
            t = t.strip(".'’")
            if len(t) >= 3 and t not in _TITLE_WORDS and t not in STOPWORDS:
                out.add(t)
    return out


def dates_in(sentence: str) -> list[tuple[str, re.Match[str]]]:
    out = []
    for m in _DATE.finditer(sentence):
        month = _MONTHS[m.group(1).lower()]
        out.append((f"{m.group(3) or ''}-{month:02d}-{int(m.group(2)):02d}", m))
    for m in _WEEKDAY.finditer(sentence):
        out.append((m.group(1).lower(), m))
    return out


def quote_share(sentence: str) -> float:
    """Share of the sentence's characters inside quotation marks."""
    if not sentence:
        return 0.0
    inside = sum(len(m.group(0)) for m in _QUOTED.finditer(sentence))
    return inside / len(sentence)




# Words a rewrite uses when it generalises or pads (vague quantifiers, evaluative and connective words).
GENERIC_WORDS = frozenset(
    ["significant", "significantly", "various", "several", "numerous", "range", "key", "critical", "major", "crucial", "notable", "notably", "broader", "overall", "additionally", "furthermore", "moreover", "highlights", "highlighted", "highlighting", "underscores", "underscored", "underscoring", "emphasized", "emphasizing", "emphasizes", "emphasised", "potential", "potentially", "concerns", "ongoing", "efforts", "impact", "impacts", "situation", "incident", "individuals", "prominent", "substantial", "importance", "important", "particularly", "amid", "regarding", "aimed", "ensure", "measures", "noting", "expressed", "widespread", "considerable", "vital", "essential", "pivotal", "heightened", "growing", "increasingly", "amidst", "underscore", "highlight", "stakeholders"]
)
_SAID = frozenset(["said", "says", "told"])


class SentenceInfo(NamedTuple):
    """What the stages read from one sentence, worked out once per distinct sentence."""

    words: tuple[str, ...]
    names: tuple[str, ...]  # normalised, in order of mention
    figures: tuple[str, ...]  # normalised, in order of mention
    dates: tuple[str, ...]
    quotes: int
    quote_share: float
    n_generic: int  # words a rewrite uses when it pads (:data:`GENERIC_WORDS`)
    n_chars: int  # letters in all words
    n_said: int  # "said", "says", "told"


INFOS: Memo = Memo(1 << 16)


def sentence_info(s: str) -> SentenceInfo:
    got = INFOS.get(s)
    if got is not None:
        return got
    ws = tuple(words(s))
    return INFOS.put(s, SentenceInfo(
        words=ws, names=tuple(norm_name(n) for n in sentence_names(s)),
        figures=tuple(norm_number(n) for n in numbers(s)), dates=tuple(d for d, _ in dates_in(s)),
        quotes=len(_QUOTED.findall(s)), quote_share=quote_share(s),
        n_generic=sum(1 for w in ws if w in GENERIC_WORDS), n_chars=sum(len(w) for w in ws),
        n_said=sum(1 for w in ws if w in _SAID),
    ))


def analyse_paragraphs(paragraphs: list[str], max_sentences: int) -> list:
    """Split each paragraph and work out every sentence's :class:`SentenceInfo` and content stems, returning
    what was worked out, for :func:`absorb` in another process (extraction workers do this for the stages)."""
    splits, infos, stems = [], [], []
    n = 0
    for para in paragraphs:
        sents = split_sentences(para)
        splits.append((para, tuple(sents)))
        for s in sents:
            infos.append((s, sentence_info(s)))
            stems.append((s, content_stems(s)))
        n += len(sents)
        if n >= max_sentences:
            break
    return [splits, infos, stems]


def absorb(worked: list) -> None:
    """Take in what :func:`analyse_paragraphs` worked out elsewhere (the same values this process would compute)."""
    splits, infos, stems = worked
    SPLITS.absorb(splits)
    INFOS.absorb(infos)
    STEMS.absorb(stems)


def forget_sentences() -> None:
    """Empty the sentence memos and the word caches (between rounds of a long run, so memory follows the round:
    a cache that keeps its oldest survivors scatters them over memory the round freed, which then cannot be
    handed back; synthetic 4,000 in rounds of 1,000 held 503 MB after the third round with these emptied
    too, 568 MB without), and the encoder's cache of sentence vectors (stored vectors are read from the store)."""
    import importlib

    SPLITS.clear()
    INFOS.clear()
    STEMS.clear()
    stem.cache_clear()
    _name_candidates.cache_clear()
    importlib.import_module("storylens.nlp.embed").forget()  # the module (the package's ``embed`` is its function)
