"""Per-article and per-sentence features used by candidate search, alignment and direction."""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from storylens.model import Article
from storylens.nlp import numbers, split_sentences, words
from storylens.nlp.text import STOPWORDS, _name_candidates

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


def stem(word: str) -> str:
    """A crude, fast stem: enough to match 'increase'/'increases', 'postponed'/'postponement'."""
    w = word.lower().strip(".'’")
    for suf in ("ments", "ment", "ings", "ing", "ies", "ied", "es", "ed", "s", "ly"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            w = w[: -len(suf)]
            break
    return w[:7]


def content_stems(sentence: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(sentence) if w not in STOPWORDS and len(w) > 1)


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


def normalized_text(text: str) -> str:
    return " ".join(words(text))


def text_hash(text: str) -> str:
    return hashlib.blake2b(normalized_text(text).encode("utf-8"), digest_size=12).hexdigest()


def shingles(text: str, k: int = 5) -> set[str]:
    ws = words(text)
    if len(ws) < k:
        return {" ".join(ws)} if ws else set()
    return {" ".join(ws[i : i + k]) for i in range(len(ws) - k + 1)}


# Words a rewrite uses when it generalises or pads (vague quantifiers, evaluative and connective words).
GENERIC_WORDS = frozenset(
    ["significant", "significantly", "various", "several", "numerous", "range", "key", "critical", "major", "crucial", "notable", "notably", "broader", "overall", "additionally", "furthermore", "moreover", "highlights", "highlighted", "highlighting", "underscores", "underscored", "underscoring", "emphasized", "emphasizing", "emphasizes", "emphasised", "potential", "potentially", "concerns", "ongoing", "efforts", "impact", "impacts", "situation", "incident", "individuals", "prominent", "substantial", "importance", "important", "particularly", "amid", "regarding", "aimed", "ensure", "measures", "noting", "expressed", "widespread", "considerable", "vital", "essential", "pivotal", "heightened", "growing", "increasingly", "amidst", "underscore", "highlight", "stakeholders"]
)


_SAID = frozenset(["said", "says", "told"])


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


def specifics(sentences: list[str]) -> Specifics:
    sp = Specifics()
    for i, s in enumerate(sentences):
        sp.names.update(norm_name(n) for n in sentence_names(s))
        sp.numbers.update(norm_number(n) for n in numbers(s))
        sp.dates.update(d for d, _ in dates_in(s))
        sp.quotes += len(_QUOTED.findall(s))
        if i == 0 and _DATELINE.match(s):
            sp.dateline = True
        ws = words(s)
        sp.n_words += len(ws)
        sp.n_generic += sum(1 for w in ws if w in GENERIC_WORDS)
        sp.n_chars += sum(len(w) for w in ws)
        sp.n_said += sum(1 for w in ws if w in _SAID)
    return sp


@dataclass
class Feat:
    """Everything reuse needs to know about one article."""

    article: Article
    sentences: list[str]
    emb: np.ndarray  # (n_sentences, dim) unit vectors
    doc: np.ndarray  # (dim,) unit vector
    stems: list[frozenset[str]]
    stems_unquoted: frozenset[str]  # content stems of the whole text outside quotation marks
    quote: list[float]
    hash: str
    shingles: set[str]
    shingles_unquoted: set[str]
    spec: Specifics
    items: list[str] = field(default_factory=list)  # names and figures, in order of first mention
    grams: dict[str, float] = field(default_factory=dict)  # character 4-gram profile, unit length

    @property
    def id(self) -> str:
        return self.article.id


def article_sentences(article: Article, max_sentences: int = 400) -> list[str]:
    out: list[str] = []
    for para in article.body:
        out.extend(split_sentences(para))
    return out[:max_sentences]


def ordered_items(sentences: list[str]) -> list[str]:
    """Names and figures in order of first mention (a rewrite tends to keep its source's order of facts)."""
    seen: dict[str, None] = {}
    for s in sentences:
        for n in sentence_names(s):
            seen.setdefault(norm_name(n), None)
        for n in numbers(s):
            seen.setdefault(norm_number(n), None)
    return list(seen)


def char_grams(text: str, k: int = 4, cap: int = 20000) -> dict[str, float]:
    """Character k-gram counts of the lower-cased text (whitespace squeezed), scaled to unit length."""
    t = " ".join(text.lower().split())[:cap]
    c = Counter(t[i : i + k] for i in range(len(t) - k + 1))
    norm = math.sqrt(sum(v * v for v in c.values())) or 1.0
    return {g: v / norm for g, v in c.items()}


def gram_cosine(a: dict[str, float], b: dict[str, float]) -> float:
    return float(sum(a[g] * b[g] for g in a.keys() & b.keys()))


def build_features(articles: list[Article]) -> list[Feat]:
    """Sentence embeddings for all articles in one batch, plus lexical features."""
    from storylens.nlp import embed

    sents = [article_sentences(a) for a in articles]
    flat = [s for ss in sents for s in ss]
    vecs = embed(flat) if flat else np.zeros((0, 512), dtype=np.float32)
    out: list[Feat] = []
    pos = 0
    for a, ss in zip(articles, sents, strict=True):
        e = vecs[pos : pos + len(ss)]
        pos += len(ss)
        if len(ss):
            d = e.mean(axis=0)
            d = d / (np.linalg.norm(d) or 1.0)
        else:
            d = np.zeros(vecs.shape[1] if vecs.ndim == 2 else 512, dtype=np.float32)
        text = " ".join(ss)
        out.append(
            Feat(
                article=a, sentences=ss, emb=e.astype(np.float32), doc=d.astype(np.float32),
                stems=[content_stems(s) for s in ss],
                stems_unquoted=frozenset().union(*[content_stems(_QUOTED.sub(" ", s)) for s in ss]), quote=[quote_share(s) for s in ss], hash=text_hash(text),
                shingles=shingles(text), shingles_unquoted=shingles(_QUOTED.sub(" | ", text)),
                spec=specifics(ss), items=ordered_items(ss), grams=char_grams(text),
            )
        )
    return out
