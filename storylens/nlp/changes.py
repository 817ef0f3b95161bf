"""Changes of substance between aligned source and derived sentences, with spans and a plain reason.

The two sides are first aligned word by word (difflib over crude stems; a derived sentence that merges
several source sentences is compared with their union). Only differing stretches that sit between
words both sides share are examined, and each is classified: a figure or date replaced in the same
slot, a name replaced by another name in the same role, an owner changed or added ("X's side" ->
"both sides", "spending" -> "U.S. spending"), a negation or a hedge added or removed, a statement
credited to someone else. Each change gets a score; those under ``MIN_SCORE`` are dropped.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property

from storylens.model import Change, Span
from storylens.nlp.items import ALIASES, dates_in, norm_number, stem
from storylens.nlp.text import STOPWORDS

MIN_SCORE = 0.5
MAX_SEGMENT = 6  # longest differing stretch (in words) still read as "the same slot"
WINDOW = 6  # words either side that give a figure its context

_TOKEN = re.compile(r"(?:[$€£¥])?[^\W_]+(?:[.,:'’-][^\W_]+)*(?:['’]s)?\.?|%", re.UNICODE)
_DIGIT = re.compile(r"\d")
_NEG = frozenset({"not", "no", "never", "none", "neither", "nor", "without", "cannot", "n't", "denied", "denies",
                  "refused", "refuses"})
_HEDGE = frozenset({"may", "might", "could", "possibly", "perhaps", "likely", "unlikely", "reportedly",
                    "allegedly", "expected", "probably", "appears", "appear", "seems", "seem", "apparently"})
_CERTAIN = frozenset({"will", "shall", "definitely", "certainly", "confirmed", "must"})
_QUANT = frozenset({"both", "all", "each", "either", "neither", "every", "many", "several", "some", "most"})
_PREP = frozenset({"in", "at", "on", "to", "from", "near", "of", "for", "with", "into", "onto", "towards",
                   "toward", "across", "via", "off", "around", "outside", "inside"})
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame", "prof", "professor", "president", "prime",
                     "minister", "councillor", "councilor", "governor", "senator", "chief", "captain", "judge",
                     "general", "lord", "lady", "the", "mayor", "king", "queen", "new"})
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "its"})
_CUES = frozenset({"said", "says", "say", "told", "tells", "reported", "reports", "report", "announced",
                   "stated", "states", "confirmed", "confirms", "claimed", "claims", "insisted", "insists",
                   "added", "warned", "argued", "argues", "explained", "noted", "wrote"})
# a line that is only a clock time: the stamp heading an entry of a live page ("8:40 p.m.", "21:05 BST"), which
# two versions of one page may give in different time zones; it states nothing that can change
_STAMP = re.compile(r"^\W*\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:\(?[A-Z]{2,4}\)?)?\W*$", re.I)
# words that make a following "states" / "reports" / "claims" a plural noun, not a verb of saying
_COUNTING = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                       "twelve", "dozen", "dozens", "hundreds", "thousands", "few", "several", "many", "both",
                       "all", "other", "these", "those", "such", "more", "most", "some", "new", "early", "recent",
                       "media", "news", "press", "united", "member", "swing", "battleground", "border"})
_CALENDAR = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)", re.I)
_SEP = "\x00"
_POSSESSIVE = re.compile(r"['’]s$")
_INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}")  # "U.S.": its full stop is part of the word
_COMMA_SPACE = re.compile(r"[,\s]")


@dataclass
class Tok:
    text: str
    start: int
    end: int
    sent: int  # index of the sentence (source side) the token comes from
    pos: int  # position inside its own sentence
    key: str  # what the word-level alignment compares

    # worked out once per token (a pair's comparison reads them a million times on a busy stream)
    @cached_property
    def low(self) -> str:
        return self.bare.lower().replace("’", "'")

    @cached_property
    def bare(self) -> str:
        """Without a possessive ending or a closing full stop."""
        t = _POSSESSIVE.sub("", self.text)
        return t if _INITIALS.fullmatch(t) else t.rstrip(".")

    @cached_property
    def possessive(self) -> bool:
        return bool(_POSSESSIVE.search(self.text))

    @cached_property
    def is_number(self) -> bool:
        return bool(_DIGIT.search(self.text))

    @cached_property
    def is_content(self) -> bool:
        return self.low not in STOPWORDS and len(self.low) > 1 and not self.is_number


def _tokens(text: str, sent: int) -> list[Tok]:
    out = []
    for k, m in enumerate(_TOKEN.finditer(text)):
        t = m.group(0)
        if t.endswith(".") and not _INITIALS.fullmatch(t):
            t = t[:-1]
        if not t:
            continue
        low = _POSSESSIVE.sub("", t).lower().replace("’", "'")
        key = _COMMA_SPACE.sub("", low) if _DIGIT.search(low) else stem(low)
        out.append(Tok(t, m.start(), m.start() + len(t), sent, k, key))
    return out


def _is_name(toks: list[Tok], k: int) -> bool:
    t = toks[k]
    b = t.bare
    if not b or not b[0].isupper() or t.is_number or t.low in STOPWORDS or _CALENDAR.match(t.low):
        return False
    if t.pos == 0:  # capitalised by position: a name only when the next word is one too ("Agnes Tolley")
        nxt = toks[k + 1] if k + 1 < len(toks) and toks[k + 1].sent == t.sent else None
        return bool(nxt and nxt.bare[:1].isupper() and nxt.low not in STOPWORDS and not t.possessive)
    return True


def _name_runs(toks: list[Tok], lo: int, hi: int) -> list[tuple[int, int]]:
    """Maximal runs of name words in toks[lo:hi] (a possessive ends a run)."""
    runs = []
    k = lo
    while k < hi:
        if _is_name(toks, k):
            e = k + 1
            while e < hi and not toks[e - 1].possessive and _is_name(toks, e) and toks[e].sent == toks[k].sent:
                e += 1
            runs.append((k, e))
            k = e
        else:
            k += 1
    return runs


def _name_words(text: str) -> set[str]:
    out = set()
    for w in re.findall(r"[^\W_]+(?:[.'’-][^\W_]+)*\.?", text):
        w = re.sub(r"['’]s$", "", w).lower().rstrip(".") if not re.fullmatch(r"(?:[A-Za-z]\.){2,}", w) else w.lower()
        if w in ALIASES or w + "." in ALIASES:
            out.add(ALIASES.get(w, ALIASES.get(w + ".", w)))
        elif w not in _TITLES and w not in STOPWORDS and len(w) > 1:
            k = stem(w)
            out.add(k[:-1] if k.endswith("s") and len(k) > 3 else k)
    return out


def _same_name(a: str, b: str) -> bool:
    """Loose: any shared word (titles aside), or a shared 5-letter start ("Japan"/"Japanese")."""
    wa, wb = _name_words(a), _name_words(b)
    if wa & wb:
        return True
    return any(len(x) >= 5 and len(y) >= 5 and x[:5] == y[:5] for x in wa for y in wb)


def _named_alone(word: str, side: _Side) -> bool:
    """Is ``word`` a name of its own on this side (not inside a longer name: "U.S." is not "America First")?"""
    target = _name_words(word)
    for idx in side.texts:
        ks = [k for k, t in enumerate(side.toks) if t.sent == idx and t.pos >= 0]
        if not ks:
            continue
        for a, b in _name_runs(side.toks, ks[0], ks[-1] + 1):
            got = _name_words(" ".join(t.text for t in side.toks[a:b]))
            if got == target or any(len(x) >= 5 and len(y) >= 5 and x[:5] == y[:5] for x in got for y in target) \
                    and len(got) == 1:
                return True
    return False


def _mentions(name: str, text: str) -> bool:
    """Does ``text`` mention ``name`` (loosely, any capitalised or lower-case form)?"""
    words = _name_words(text)
    for w in _name_words(name):
        if w in words or any(len(w) >= 5 and len(x) >= 5 and x[:5] == w[:5] for x in words):
            return True
    return False


class _Side:
    """One side of a comparison: tokens over one or more sentences, with the sentence texts for spans."""

    def __init__(self, sents: list[tuple[int, str]]) -> None:
        self.texts = dict(sents)
        self.toks: list[Tok] = []
        self.keys: list[str] = []
        for n, (idx, text) in enumerate(sents):
            if n:
                self.keys.append(f"{_SEP}{n}")
                self.toks.append(Tok("", 0, 0, idx, -1, f"{_SEP}{n}"))
            for t in _tokens(text, idx):
                self.toks.append(t)
                self.keys.append(t.key)
        self.all_text = " ".join(t for _, t in sents)

    def span(self, a: int, b: int) -> Span:
        """Span from token a to token b-1 (both in one sentence; cut at a sentence border)."""
        first = self.toks[a]
        last = first
        for t in self.toks[a:b]:
            if t.sent != first.sent or t.pos < 0:
                break
            last = t
        text = self.texts[first.sent]
        return Span(text=text[first.start : last.end], start=first.start, end=last.end)

    def sent_of(self, k: int) -> int:
        return self.toks[k].sent


def _window(side: _Side, k: int) -> set[str]:
    sent = side.toks[k].sent
    lo, hi = max(0, k - WINDOW), min(len(side.toks), k + WINDOW + 1)
    return {t.key for t in side.toks[lo:hi] if t.sent == sent and t.pos >= 0 and t.is_content}


def _ctx_words(side: _Side, k: int, shared: set[str]) -> str:
    sent = side.toks[k].sent
    lo, hi = max(0, k - WINDOW), min(len(side.toks), k + WINDOW + 1)
    ws = [t.low for t in side.toks[lo:hi] if t.sent == sent and t.key in shared and t.is_content
          and not _CALENDAR.match(t.low)]
    return " ".join(dict.fromkeys(ws))


def _number_kind(text: str) -> str:
    if "%" in text or re.search(r"percent|per cent", text, re.I):
        return "percent"
    if re.search(r"[$€£¥]", text):
        return "money"
    if re.fullmatch(r"(?:19|20)\d\d", text):
        return "year"
    return "count"


def _numbers(side: _Side, date_tokens: set[int]) -> list[tuple[int, int, str, str]]:
    """(first token, end token, normalised value, kind) of every figure outside dates."""
    out = []
    for k, t in enumerate(side.toks):
        if t.pos < 0 or not t.is_number or k in date_tokens or not re.search(r"\d", t.text[:2]):
            continue
        if re.search(r"\d-[a-z]", t.low):  # "71-year-old": an age, compared as a word
            continue
        e = k + 1
        unit = ""
        if e < len(side.toks) and side.toks[e].low in {"%", "percent", "million", "billion", "trillion", "bn", "m"}:
            unit = side.toks[e].low.replace("percent", "%")
            e += 1
        val = norm_number(t.low + unit)  # "£776m" and "£776 million", "07:20" and "7:20" are one figure
        out.append((k, e, val, _number_kind(t.text + unit)))
    return out


def _dates(side: _Side) -> tuple[list[tuple[int, int, str, str]], set[int]]:
    out = []
    covered: set[int] = set()
    for idx, text in side.texts.items():
        toks = [(k, t) for k, t in enumerate(side.toks) if t.sent == idx and t.pos >= 0]
        for val, m in dates_in(text):
            ks = [k for k, t in toks if t.start < m.end() and t.end > m.start()]
            if not ks:
                continue
            covered.update(ks)
            out.append((ks[0], ks[-1] + 1, val, "weekday" if "-" not in val else "date"))
    return out, covered


def _full_date(v: str) -> bool:
    return len(v) == 10 and v[4] == "-" and v[:4].isdigit()


def _yearless_of(v: str, other: set[str]) -> bool:
    """``v`` is a full date whose month and day the other side gives without a year."""
    return _full_date(v) and v[4:] in other


def _slot_changes(kind: str, s: _Side, d: _Side, s_items: list[tuple[int, int, str, str]],
                  d_items: list[tuple[int, int, str, str]], di: int) -> list[Change]:
    """Figures (or dates) only one side has, paired by the words around them."""
    s_vals = {v for _, _, v, _ in s_items}
    d_vals = {v for _, _, v, _ in d_items}
    if kind == "date":
        # a date that drops (or adds) its year is the same date ("Sept. 11, 2001" -> "Sept. 11"), not a change
        s0, d0 = set(s_vals), set(d_vals)  # as written: a year on both sides is compared as it is
        s_vals = s0 | {v[4:] for v in s0 if _full_date(v)} | {v for v in d0 if _yearless_of(v, s0)}
        d_vals = d0 | {v[4:] for v in d0 if _full_date(v)} | {v for v in s0 if _yearless_of(v, d0)}
    s_only = [x for x in s_items if x[2] not in d_vals]
    d_only = [x for x in d_items if x[2] not in s_vals]
    cands = []
    for a in s_only:
        for b in d_only:
            if a[3] != b[3]:
                continue
            shared = _window(s, a[0]) & _window(d, b[0])
            score = len(shared)
            if a[1] < len(s.toks) and b[1] < len(d.toks) and s.toks[a[1]].key == d.toks[b[1]].key \
                    and s.toks[a[1]].is_content:
                score += 1  # the same unit right after ("17 people" / "27 people")
            if score >= 2:
                cands.append((-score, a[0], b[0], a, b, shared))
    out = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for neg, _, _, a, b, shared in sorted(cands):
        if a[0] in used_a or b[0] in used_b:
            continue
        used_a.add(a[0])
        used_b.add(b[0])
        sa, sb = s.span(a[0], a[1]), d.span(b[0], b[1])
        what = _ctx_words(s, a[0], shared)
        if kind == "number":
            lead = "the number of" if a[3] == "count" else "the figure for"
            why = f"{lead} {what} changed from {sa.text} to {sb.text}" if what else \
                f"the figure changed from {sa.text} to {sb.text}"
        else:
            why = f"the date changed from {sa.text} to {sb.text} ({what})" if what else \
                f"the date changed from {sa.text} to {sb.text}"
        out.append(Change(kind=kind, source=sa, derived=sb, source_index=s.sent_of(a[0]),  # type: ignore[arg-type]
                          derived_index=di, explanation=why, score=round(min(0.95, 0.6 - 0.1 * neg), 2)))
    return out


def _anchored(s: _Side, d: _Side, ops: list[tuple[str, int, int, int, int]], n: int) -> tuple[bool, bool]:
    """Whether the differing stretch ops[n] has shared words (one of them a content word, or two) before/after."""

    def good(op: tuple[str, int, int, int, int]) -> bool:
        tag, i1, i2, _, _ = op
        if tag != "equal":
            return False
        toks = [t for t in s.toks[i1:i2] if t.pos >= 0]
        return len(toks) >= 2 or any(t.is_content for t in toks)

    before = n > 0 and good(ops[n - 1])
    after = n + 1 < len(ops) and good(ops[n + 1])
    return before, after


def _has_sep(side: _Side, a: int, b: int) -> bool:
    return any(t.pos < 0 for t in side.toks[a:b])


def _with_article(side: _Side, lo: int, k: int) -> int:
    """Take a 'the' right before a name into its span when it is part of the changed stretch."""
    return k - 1 if k - 1 >= lo and side.toks[k - 1].low == "the" else k


def _next_content(side: _Side, k: int) -> int:
    """End of a noun with at most one following content word of the same sentence ("defense spending")."""
    e = k + 1
    if e < len(side.toks) and side.toks[e].sent == side.toks[k].sent and side.toks[e].pos >= 0 \
            and not side.texts[side.toks[k].sent][side.toks[k].end : side.toks[e].start].strip() \
            and side.toks[e].is_content and not side.toks[k].possessive and side.toks[e].bare[:1].islower():
        e += 1
    return e


def _is_owner(side: _Side, k: int) -> bool:
    t = side.toks[k]
    return t.low in _QUANT or t.possessive or (t.pos > 0 and t.bare[:1].isupper() and t.low not in STOPWORDS)


def _word_changes(s: _Side, d: _Side, der: str, di: int) -> list[Change]:
    out: list[Change] = []
    sm = difflib.SequenceMatcher(None, s.keys, d.keys, autojunk=False)
    ops = sm.get_opcodes()
    s_neg = sum(t.low in _NEG or t.low.endswith("n't") for t in s.toks)
    d_neg = sum(t.low in _NEG or t.low.endswith("n't") for t in d.toks)
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal" or i2 - i1 > MAX_SEGMENT or j2 - j1 > MAX_SEGMENT:
            continue
        if _has_sep(s, i1, i2):
            continue
        before, after = _anchored(s, d, ops, n)
        if not (before or after):
            continue
        nxt_s = i2 if after else None
        nxt_d = j2 if after else None
        # -- names swapped in one slot
        if tag == "replace":
            s_runs = [r for r in _name_runs(s.toks, i1, i2)
                      if _name_words(s.span(*r).text) and not _mentions(s.span(*r).text, der)]
            d_runs = [r for r in _name_runs(d.toks, j1, j2)
                      if _name_words(d.span(*r).text) and not _mentions(d.span(*r).text, s.all_text)]
            if (i2 < len(s.toks) and _is_name(s.toks, i2) and s.toks[i2].sent == s.toks[i1].sent) or \
                    (i1 > 0 and _is_name(s.toks, i1 - 1) and s.toks[i1 - 1].pos >= 0):
                s_runs = []  # one part of a longer name differs ("Mr Mosley" / "Max Mosley"): the same one
            for (a0, a1), (b0, b1) in zip(s_runs, d_runs, strict=False):
                sa = s.span(_with_article(s, i1, a0), a1)
                sb = d.span(_with_article(d, j1, b0), b1)
                prev = d.toks[_with_article(d, j1, b0) - 1].low if _with_article(d, j1, b0) > 0 else ""
                kind = "entity" if prev in _PREP else "actor"
                ctx = ""
                if after and b1 == j2:
                    _, e1, e2, _, _ = ops[n + 1]
                    words = [t.text for t in s.toks[e1 : min(e2, e1 + 5)] if t.pos >= 0]
                    while words and words[-1].lower() in STOPWORDS:
                        words.pop()
                    ctx = " " + " ".join(words) if words else ""
                why = (f"the source says {sa.text}{ctx}; the rewrite says {sb.text}{ctx}" if ctx else
                       f"'{sa.text}' in the source became '{sb.text}' in the rewrite")
                out.append(Change(kind=kind, source=sa, derived=sb,  # type: ignore[arg-type]
                                  source_index=s.sent_of(a0), derived_index=di, explanation=why,
                                  score=0.85 if before and after else 0.65))
            # -- the owner of a kept noun changed ("Trump's side" -> "both sides")
            k = i2
            swapped = bool(s_runs and d_runs)
            if after and not swapped and i2 - i1 <= 3 and j2 - j1 <= 3 and k < len(s.toks) \
                    and s.toks[k].is_content and s.toks[k].low.isalpha() and s.toks[k].bare[:1].islower() \
                    and _is_owner(s, i2 - 1) and _is_owner(d, j2 - 1):
                so, do = s.toks[i2 - 1], d.toks[j2 - 1]
                # a named party on one side at least: "the nation's leader" / "the country's leader" is one party
                named = so.bare[:1].isupper() or do.bare[:1].isupper()
                if named and not _same_name(so.bare, do.bare) and so.low != do.low:
                    sa, sb = s.span(i2 - 1, _next_content(s, i2)), d.span(j2 - 1, _next_content(d, j2))
                    out.append(Change(kind="actor", source=sa, derived=sb, source_index=s.sent_of(i2),
                                      derived_index=di, score=0.8,
                                      explanation=f"the source speaks of '{sa.text}', the rewrite of "
                                      f"'{sb.text}': the thing is credited to a different party"))
        # -- an owner added to a kept noun ("defense spending" -> "U.S. defense expenditure")
        if tag in ("insert", "replace") and after and all(t.low in STOPWORDS for t in s.toks[i1:i2]):
            k = i2
            q = j2 - 1
            if k < len(s.toks) and s.toks[k].is_content and s.toks[k].low.isalpha() and s.toks[k].bare[:1].islower() \
                    and _is_name(d.toks, q) and re.split("'", d.toks[q].low)[0] not in _PRONOUNS | _TITLES \
                    and not s.toks[k].low.endswith("ed") and j2 < len(d.toks) \
                    and not d.texts[d.toks[q].sent][d.toks[q].end : d.toks[j2].start].strip() \
                    and not _named_alone(d.toks[q].bare, s):
                sa = s.span(k, _next_content(s, k))
                sb = d.span(q, _next_content(d, j2))
                out.append(Change(kind="actor", source=sa, derived=sb, source_index=s.sent_of(k), derived_index=di,
                                  score=0.7, explanation=f"the rewrite says '{sb.text}' where the source says "
                                  f"'{sa.text}': it names an owner ({d.toks[q].bare}) the source does not give"))
        # -- negation added or removed
        sn = [k for k in range(i1, i2) if s.toks[k].low in _NEG or s.toks[k].low.endswith("n't")]
        dn = [k for k in range(j1, j2) if d.toks[k].low in _NEG or d.toks[k].low.endswith("n't")]
        plain = all(t.low in STOPWORDS for t in (d.toks[j1:j2] if sn else s.toks[i1:i2])) and \
            all(t.low in STOPWORDS | _NEG for t in (s.toks[i1:i2] if sn else d.toks[j1:j2]))
        if bool(sn) != bool(dn) and s_neg % 2 != d_neg % 2 and plain and after:
            if sn:
                sa = s.span(sn[0], nxt_s + 1 if nxt_s is not None else sn[0] + 1)
                sb = d.span(j1, j2 + 1) if j2 > j1 else (d.span(nxt_d, nxt_d + 1) if nxt_d is not None else None)
                why_side = "source"
            else:
                sb = d.span(dn[0], nxt_d + 1 if nxt_d is not None else dn[0] + 1)
                sa = s.span(i1, i2 + 1) if i2 > i1 else (s.span(nxt_s, nxt_s + 1) if nxt_s is not None else None)
                why_side = "rewrite"
            if sa is not None and sb is not None:
                out.append(Change(kind="negation", source=sa, derived=sb, source_index=s.sent_of(sn[0] if sn else i1
                                                                                                  if i2 > i1 else i2),
                                  derived_index=di, score=0.8,
                                  explanation=f"the source says '{sa.text}', the rewrite says '{sb.text}': only the "
                                  f"{why_side} is negated"))
        # -- hedge added or removed
        sh = [k for k in range(i1, i2) if s.toks[k].low in _HEDGE]
        dh = [k for k in range(j1, j2) if d.toks[k].low in _HEDGE]
        if any(t.is_content and t.low not in _HEDGE for t in s.toks[i1:i2] + d.toks[j1:j2]) and (i1 == i2 or j1 == j2):
            sh = dh = []  # a hedge inserted with other new words is a rewording, not a hedge added
        clean = (sh and (j2 == j1 or any(d.toks[k].low in _CERTAIN for k in range(j1, j2)))) or \
            (dh and (i2 == i1 or any(s.toks[k].low in _CERTAIN for k in range(i1, i2))))
        if bool(sh) != bool(dh) and clean:  # a plain swap ("may" -> "will") or a hedge dropped or added
            if sh:
                dc = [k for k in range(j1, j2) if d.toks[k].low in _CERTAIN]
                sa = s.span(sh[0], sh[0] + 1)
                sb = d.span(dc[0], dc[0] + 1) if dc else (d.span(nxt_d, nxt_d + 1) if nxt_d is not None else None)
                why = "the rewrite states as certain what the source hedged" if dc else \
                    "the source hedges, the rewrite states it as fact"
                idx = s.sent_of(sh[0])
            else:
                sc = [k for k in range(i1, i2) if s.toks[k].low in _CERTAIN]
                sb = d.span(dh[0], dh[0] + 1)
                sa = s.span(sc[0], sc[0] + 1) if sc else (s.span(nxt_s, nxt_s + 1) if nxt_s is not None else None)
                why = "the rewrite hedges what the source stated" if sc else \
                    "the source states it as fact, the rewrite hedges"
                idx = s.sent_of(sc[0]) if sc else (nxt_s and s.sent_of(nxt_s)) or s.toks[0].sent
            if sa is not None and sb is not None:
                out.append(Change(kind="hedging", source=sa, derived=sb, source_index=idx, derived_index=di,
                                  score=0.75, explanation=f"'{sa.text}' became '{sb.text}': {why}" if
                                  ("certain" in why or "stated" in why) else
                                  f"{why} ('{sa.text}' / '{sb.text}')"))
    return out


def _speakers(side: _Side) -> list[tuple[int, int]]:
    """Token ranges naming who said something: 'X said', 'according to X'."""
    out = []
    toks = side.toks
    for k, t in enumerate(toks):
        if t.pos < 0:
            continue
        if t.low == "according" and k + 1 < len(toks) and toks[k + 1].low == "to":
            e = k + 2
            while e < len(toks) and e - k - 2 < 6 and toks[e].pos >= 0 and toks[e].sent == t.sent \
                    and not re.search(r"[,;:]$", side.texts[t.sent][toks[e - 1].end : toks[e].start] or "") \
                    and side.texts[t.sent][toks[e - 1].end : toks[e].start].strip() == "":
                e += 1
            if e > k + 2:
                out.append((k + 2, e))
        elif t.low in _CUES and k > 0 and not (t.low.endswith("s") and t.low not in {"says", "tells"} and
                                                (toks[k - 1].low in _COUNTING or toks[k - 1].is_number)):
            b = k
            text = side.texts[t.sent]
            while b > 0 and k - b < 5 and toks[b - 1].sent == t.sent and toks[b - 1].pos >= 0 \
                    and text[toks[b - 1].end : toks[b].start].strip() == "" \
                    and (toks[b - 1].is_content or toks[b - 1].low in {"the", "its", "a", "an"} or
                         toks[b - 1].low in _PRONOUNS):
                b -= 1
            while b < k and (toks[b].low.endswith("ing") or toks[b].low in _PRONOUNS - {"its"}):
                b += 1  # "releasing the statement said": the verb is not the speaker
            if b < k and toks[k - 1].is_content:
                out.append((b, k))
    return out


def _speaker_words(side: _Side, r: tuple[int, int]) -> set[str]:
    return {side.toks[k].key for k in range(*r) if side.toks[k].is_content and side.toks[k].low not in _TITLES}


def _attribution_changes(s: _Side, d: _Side, di: int) -> list[Change]:
    ss, ds = _speakers(s), _speakers(d)
    if not ss or not ds:
        return []
    sw = [(r, _speaker_words(s, r)) for r in ss]
    dw = [(r, _speaker_words(d, r)) for r in ds]
    if any(not w for _, w in sw + dw):
        return []  # a pronoun or a bare "the official": cannot tell whether it is the same speaker
    s_all = set().union(*(w for _, w in sw))
    d_all = set().union(*(w for _, w in dw))
    s_new = [(r, w) for r, w in sw if not (w & d_all) and not _mentions(s.span(*r).text, d.all_text)]
    d_new = [(r, w) for r, w in dw if not (w & s_all) and not _mentions(d.span(*r).text, s.all_text)]
    out = []
    for (ra, _), (rb, _) in zip(s_new, d_new, strict=False):
        sa, sb = s.span(*ra), d.span(*rb)
        out.append(Change(kind="attribution", source=sa, derived=sb, source_index=s.sent_of(ra[0]), derived_index=di,
                          score=0.75, explanation=f"the source credits this to {sa.text}, the rewrite to {sb.text}"))
    return out


def find_changes_union(sources: list[tuple[int, str]], der: str, di: int) -> list[Change]:
    """Changes of substance between one derived sentence and the source sentence(s) it was made from."""
    if not sources or not der:
        return []
    if all(text == der for _, text in sources):
        return []
    if _STAMP.match(der) or all(_STAMP.match(text) for _, text in sources):
        return []  # an entry's time stamp, not a statement
    s, d = _Side(sources), _Side([(di, der)])
    sd, s_cov = _dates(s)
    dd, d_cov = _dates(d)
    out = _slot_changes("date", s, d, sd, dd, di)
    out += _slot_changes("number", s, d, _numbers(s, s_cov), _numbers(d, d_cov), di)
    out += _word_changes(s, d, der, di)
    out += _attribution_changes(s, d, di)
    keep: list[Change] = []
    seen: set[tuple[str, int | None, int | None]] = set()
    for c in sorted(out, key=lambda c: -(c.score or 0.0)):
        if (c.score or 0.0) < MIN_SCORE or not c.derived.text or c.derived.text == der:
            continue
        key = (c.kind, c.derived.start, c.source.start)
        overlap = any(c.derived.start is not None and k[1] is not None and k[1] == c.derived.start for k in seen)
        if key in seen or overlap:
            continue
        seen.add(key)
        keep.append(c)
    return sorted(keep, key=lambda c: (c.source_index or 0, c.derived.start or 0, c.kind))


def find_changes(src: str, der: str, si: int, di: int) -> list[Change]:
    """Every change of substance between one aligned pair of sentences."""
    return find_changes_union([(si, src)], der, di)
