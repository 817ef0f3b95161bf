"""Line-level features and small recognisers for the plain-text extractor.

Everything here looks at the *shape* of one line (length, punctuation, capitalisation,
date and name patterns) or at generic web vocabulary (share/subscribe/cookie); nothing is
keyed to one site's wording.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

TERMINAL = (".", "!", "?", "…", ".\"", ".”", ".’", "!\"", "!”", "?\"", "?”", ".)", "?)", "!)", ".'", ":\"", ":”", "。", "！", "？", "」", "。」")
_WORD_RE = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*")
SEPARATOR_RE = re.compile(r"[-–—_*•·|=~+#>.:/\\]{1,80}")
BULLET_RE = re.compile(r"^(?:[-–—*•·►▶›»>]|\d{1,2}[.)])\s+")

# ------------------------------------------------------------------ vocabulary (generic web furniture)

_BOILER_PATTERNS = [
    r"\bshare (?:this|on|via|the|article|story)\b", r"^share$", r"^(?:tweet|pin it|print|email|e-mail|whatsapp)$",
    r"\bfollow us\b", r"\bsubscribe\b", r"\bnewsletter\b", r"\bsign (?:up|in)\b", r"\blog ?in\b", r"\bregister\b",
    r"\bcookies?\b", r"\bprivacy (?:policy|notice|settings)\b", r"\bterms (?:of|and) (?:use|service|conditions)\b",
    r"©", r"\bcopyright\b", r"\ball rights reserved\b", r"^advertisement$", r"^(?:sponsored|promoted)\b",
    r"\bclick here\b", r"\bjavascript\b", r"\bskip to (?:main )?content\b", r"^(?:menu|search|home|close|back to top)$",
    r"\bdownload (?:the|our) app\b", r"\bget the app\b", r"\bread (?:more|next)\b", r"^(?:next|previous)(?: article| post| story)?$",
    r"\bfacebook\b.*\b(?:twitter|x|linkedin|whatsapp|email)\b", r"^(?:facebook|twitter|linkedin|instagram|youtube|reddit|x)$",
    r"\bcontact us\b", r"\babout us\b", r"^loading\W*$", r"\bsupport (?:our|independent) journalism\b",
    r"^(?:view|load|show) (?:more|all)\b", r"\bhas been (?:copied|added)\b", r"\blisten to (?:this )?article\b",
    r"^\d+\s*(?:min(?:ute)?s?|mins?)\s*read$", r"^reading time\b", r"^(?:see|view) (?:comments|gallery)\b",
]
BOILER_RE = re.compile("|".join(_BOILER_PATTERNS), re.IGNORECASE)

LIST_HEADER_RE = re.compile(
    r"\b(?:related|read (?:more|next|also)|more (?:from|on|in|stories|news|articles)|popular|most (?:read|viewed|"
    r"popular|shared|emailed)|trending|recommended|you (?:may|might) (?:also )?like|see also|latest (?:news|stories)?|"
    r"top (?:stories|news)|ranking|editor'?s? picks|further reading|also (?:read|see)|in (?:other|case you missed)|"
    r"don'?t miss|what to read|watch next|more like this)\b",
    re.IGNORECASE,
)

COMMENT_HEADER_RE = re.compile(
    r"^(?:(?P<n1>[\d,]+)\s+(?:comments?|responses?|replies|reactions|thoughts on .{0,80})"
    r"|(?:comments?|responses?|discussion|reader comments)\s*[(:\[]?\s*(?P<n2>[\d,]+)?\s*[)\]]?"
    r"|(?:join|leave|post|add) (?:the discussion|a comment|a reply|your comment)\W*)$",
    re.IGNORECASE,
)
COMMENT_NOISE_RE = re.compile(
    r"^(?:reply|replies|\d+\s+repl(?:y|ies)|like|likes?\s*\d*|\d+\s+likes?|report(?: abuse)?|share|flag|upvote|"
    r"downvote|quote|permalink|edit|delete|show more|load more(?: comments)?|view more(?: comments| replies)?|"
    r"see more|collapse|expand|vote|\W+|\d+\s*(?:points?|votes?)|"
    r"(?:\d+|an?|one)\s+(?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s?\s+ago|just now|yesterday|"
    r"[\d\s·|•]+|(?:reply|like|report|share)(?:\s*[·|•]\s*(?:reply|like|report|share|\d+))+)$",
    re.IGNORECASE,
)

_CAPTION_LEAD_RE = re.compile(
    r"^(?:photo|image|picture|pictured|illustration|caption|credit|file photo|graphic|video|gallery)s?"
    r"(?:\s*(?:/|:|\||—|–)|\s+(?:by|courtesy)\b)",
    re.IGNORECASE,
)
_CAPTION_CREDIT_RE = re.compile(
    r"(?:\((?:[^()]{0,40}\b(?:photo|image|file|getty|reuters|ap|afp|epa|courtesy|credit)\b[^()]{0,60})\)"
    r"|\b(?:getty images|shutterstock|ap photo|afp photo|reuters photo|photo credit)\b[^.]{0,60})\s*$",
    re.IGNORECASE,
)
_PAREN_NAME_END_RE = re.compile(r"\(([A-Z][\w.’'\-]+(?:\s+[A-Z][\w.’'\-]+){0,3})\)\s*$")

_BYLINE_RE = re.compile(
    r"^(?:by|written by|words by|reporting by|story by|text by)[:\s]+(?P<names>[^\n]{2,160})$", re.IGNORECASE
)
_WRITTEN_BY_RE = re.compile(
    r"^\(?\s*(?:this (?:article|story|report) (?:was )?(?:written|reported|compiled|prepared)|written|reported|"
    r"reporting|additional reporting)\s+by\s+(?P<names>.{2,200}?)[.)\s]*$",
    re.IGNORECASE,
)
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w’'\-]*\.?|[A-Z]\.|de|van|von|der|la|le|al|bin|da|di|du|del|dos)$")

LEGAL_RE = re.compile(
    r"\b(?:for (?:general )?informational purposes only|(?:is|are) not (?:intended|meant) (?:to|as)|"
    r"does not constitute|not (?:financial|legal|medical|investment|tax) advice|consult (?:a|your) (?:qualified|"
    r"licensed|professional|financial|tax|legal)|we may (?:receive|earn|be paid)|affiliate (?:links?|commissions?)|"
    r"(?:receive|earn) (?:financial )?compensation|this (?:site|website) uses cookies|by clicking|"
    r"views expressed (?:on|in|here)|do not necessarily (?:reflect|represent)|all rights reserved|"
    r"terms (?:of|and) (?:use|service|conditions)|privacy policy|advertiser disclosure|editorial disclosure)\b",
    re.IGNORECASE,
)
BIO_RE = re.compile(
    r"^(?:about the author\W*)?(?:[A-Z][\w'’.-]+,?\s+){1,3}(?:[A-Z]{2,6}®?\s+)?(?:is|was|has been|has spent|"
    r"has over|writes|covers|joined|holds)\s+(?:a|an|the|currently|our|based|\w+ing|\d|over|more|about|for|"
    r"writing|reporting)\b"
)
MARKUP_RE = re.compile(r"&(?:lt|gt|quot|amp|#\d+);|</?[a-z][a-z0-9]*[\s>]|\bhref=|\bsrc=|\{\s*[\w-]+\s*:", re.I)
MENU_SEP_RE = re.compile(r"\s[|•·»›]\s|\s{2,}")


def is_pipe_menu(line: Line) -> bool:
    """'Home | News | Sport | Weather': items joined by separators, not a sentence."""
    parts = [p for p in MENU_SEP_RE.split(line.text) if p.strip()]
    if len(parts) < 4:
        return False
    avg = sum(len(p.split()) for p in parts) / len(parts)
    return avg <= 6 and not line.terminal


def is_repetitive(line: Line) -> bool:
    """Keyword stuffing: a long line whose word trigrams mostly repeat."""
    if line.n_words < 30:
        return False
    toks = [t.lower() for t in _WORD_RE.findall(line.text)]
    grams = [tuple(toks[i:i + 3]) for i in range(len(toks) - 2)]
    return len(set(grams)) < 0.5 * len(grams)


def is_markup(line: Line) -> bool:
    return len(MARKUP_RE.findall(line.text)) >= 2


# ------------------------------------------------------------------ dates

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
DATE_RE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}/\d{1,2}/\d{4}"
    r"|\d{4}/\d{1,2}/\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})(?!\d)",
    re.IGNORECASE,
)
TIME_RE = re.compile(r"\b\d{1,2}(?::\d{2}){1,2}(?:\s*(?:a\.?m\.?|p\.?m\.?))?|\b\d{1,2}\s*(?:a\.m\.|p\.m\.|am|pm)\b",
                     re.IGNORECASE)
ZONES: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 3600, "CET": 3600, "CEST": 7200, "EET": 7200, "EEST": 10800,
    "MSK": 10800, "IST": 19800, "PKT": 18000, "ICT": 25200, "WIB": 25200, "HKT": 28800, "SGT": 28800, "CST": -21600,
    "AWST": 28800, "PHT": 28800, "JST": 32400, "KST": 32400, "AEST": 36000, "AEDT": 39600, "ACST": 34200,
    "NZST": 43200, "NZDT": 46800, "EST": -18000, "EDT": -14400, "CDT": -18000, "MST": -25200, "MDT": -21600,
    "PST": -28800, "PDT": -25200, "AKST": -32400, "AKDT": -28800, "HST": -36000, "ET": -18000, "PT": -28800,
}
_ZONE_RE = re.compile(
    r"\b(" + "|".join(sorted(ZONES, key=len, reverse=True)) + r")(?:\s?([+\-−])(\d{1,2})(?::?(\d{2}))?)?\b"
)


def zone_offset(m: re.Match[str]) -> int:
    """Seconds east of UTC for a matched zone such as 'JST', 'GMT+1' or 'UTC-05:30'."""
    off = ZONES[m.group(1)]
    if m.group(2):
        sign = -1 if m.group(2) in "-−" else 1
        off += sign * (int(m.group(3)) * 3600 + int(m.group(4) or 0) * 60)
    return off
_DATE_LABEL_RE = re.compile(
    r"\b(?:updated|published|posted|last updated|last modified|modified|first published|date|on|at|am|pm|a\.m|p\.m|"
    r"time|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|of|"
    r"utc|gmt|local)\b",
    re.IGNORECASE,
)


@dataclass
class Line:
    """One non-blank input line with its features."""

    idx: int  # index in the input's lines
    text: str
    n_words: int
    terminal: bool
    blank_before: bool

    @property
    def sentence_like(self) -> bool:
        return (self.n_words >= 6 and self.terminal) or self.n_words >= 20

    @property
    def is_separator(self) -> bool:
        return bool(SEPARATOR_RE.fullmatch(self.text))


_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(s: str) -> int:
    """Words in a line; scripts written without spaces (Chinese, Japanese) count about two characters a word."""
    cjk = len(_CJK_RE.findall(s))
    if cjk:
        return len(_WORD_RE.findall(_CJK_RE.sub(" ", s))) + (cjk + 1) // 2
    return len(_WORD_RE.findall(s))


def make_line(idx: int, text: str, blank_before: bool) -> Line:
    s = text.strip()
    return Line(idx=idx, text=s, n_words=word_count(s), terminal=s.endswith(TERMINAL),
                blank_before=blank_before)


def is_boilerplate(line: Line) -> bool:
    """Share/subscribe/cookie/copyright lines: generic web vocabulary on a short line."""
    if line.n_words > 14:
        return False
    return bool(BOILER_RE.search(line.text))


def headline_like(line: Line) -> bool:
    """A title-shaped line: a few words, not a sentence ending in a full stop."""
    s = line.text
    if not (2 <= line.n_words <= 30) or len(s) > 250:
        return False
    if s.endswith((".", ",", ";")) and not s.endswith(("..", "…")):
        return False
    return not DATE_RE.search(s) or line.n_words > 8


def is_caption(line: Line) -> bool:
    s = line.text
    if line.n_words > 70:
        return False
    return bool(_CAPTION_LEAD_RE.match(s) or _CAPTION_CREDIT_RE.search(s))


def ends_with_name_credit(line: Line) -> bool:
    """'... (Firstname Lastname)': a photographer credit after a description."""
    return bool(_PAREN_NAME_END_RE.search(line.text))


def _clean_name(chunk: str) -> str | None:
    chunk = re.sub(r"\s+", " ", chunk).strip(" .,;:()[]|")
    chunk = re.sub(r"^(?:and|&)\s+", "", chunk, flags=re.I)
    if not chunk:
        return None
    toks = chunk.split()
    if not 1 <= len(toks) <= 5:
        return None
    if not all(_NAME_TOKEN.match(t) for t in toks):
        return None
    if not toks[0][0].isupper():
        return None
    return chunk


def split_names(names: str) -> list[str]:
    """'A and B', 'A, B & C', 'A; editing by B' -> person names (drops roles and outlets after a pipe/dash)."""
    names = re.split(r"\s+[|–—]\s+|\s+-\s+|;", names)[0]
    names = re.sub(r"\b(?:staff|senior|chief)?\s*(?:writer|reporter|correspondent|editor)s?\b.*$", "", names, flags=re.I)
    out: list[str] = []
    for chunk in re.split(r",|\band\b|&", names):
        name = _clean_name(chunk)
        if name and name not in out:
            out.append(name)
    return out


def parse_byline(line: Line) -> tuple[str, list[str]] | None:
    """'By Jane Doe and John Roe' or '(This article was written by A and B.)' -> (byline, authors)."""
    if line.n_words > 30:
        return None
    s = line.text
    for rx in (_BYLINE_RE, _WRITTEN_BY_RE):
        m = rx.match(s)
        if m:
            names = DATE_RE.split(m.group("names"))[0]
            authors = split_names(names)
            if authors:
                return s.strip("() "), authors
    return None


def date_line(line: Line) -> bool:
    """A line that is mostly a date (with time, zone and a label such as 'Updated')."""
    s = line.text
    if line.n_words > 16 or len(s) > 120:
        return False
    m = DATE_RE.search(s)
    if not m:
        return False
    rest = DATE_RE.sub(" ", s)
    rest = TIME_RE.sub(" ", rest)
    rest = _ZONE_RE.sub(" ", rest)
    rest = _DATE_LABEL_RE.sub(" ", rest)
    leftover = _WORD_RE.findall(rest)
    return len(leftover) <= 3


def parse_date_text(s: str) -> dt.datetime | dt.date | None:
    """Parse the date (and time, and zone) in a dateline; zone abbreviations become fixed offsets."""
    from dateutil import parser as dparser

    m = DATE_RE.search(s)
    if not m:
        return None
    date_part = m.group(0)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", date_part):
        try:
            return dt.datetime.fromisoformat(date_part.replace("Z", "+00:00"))
        except ValueError:
            pass
    tm = TIME_RE.search(s[: m.start()] + " " + s[m.end():])
    zm = _ZONE_RE.search(s)
    pieces = [date_part]
    if tm:
        t = re.sub(r"a\.?m\.?", "AM", tm.group(0), flags=re.I)
        t = re.sub(r"p\.?m\.?", "PM", t, flags=re.I)
        pieces.append(t)
    tz: dict[str, int] = {}
    if tm and zm:
        pieces.append("XTZ")
        tz["XTZ"] = zone_offset(zm)
    txt = " ".join(pieces).replace(",", " ")
    dayfirst = bool(re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", date_part))
    try:
        val = dparser.parse(txt, tzinfos=tz or None, dayfirst=dayfirst)  # type: ignore[arg-type]
    except (ValueError, OverflowError, TypeError):
        return None
    if not (1990 <= val.year <= 2100):
        return None
    return val if tm else val.date()
