"""Temporal expressions in news text, resolved against the article's publication date.

``find_dates(text, ref)`` returns every expression it recognises with its character span, its TimeML type
(DATE, TIME, DURATION), an ISO 8601 value and its granularity:

* absolute dates: "Jan. 8, 1998", "8 January 1998", "1998-01-08", "10/30/89" -> ``1998-01-08``;
  "January 1998" -> ``1998-01``; "1998" -> ``1998``; "the 1990s" -> ``199``;
* dates relative to ``ref`` (the publication date): "today", "yesterday", "tomorrow", a weekday ("Friday":
  the last one, or the next one when the sentence looks ahead: "will", "is expected to", "next"),
  "last week" / "this month" / "next year", "two years ago", "the third quarter" -> ``1989-Q3``,
  "the first half of 2025" -> ``2025-H1``, a month named alone ("in January") in the year that fits the tense;
* times: "8:30 a.m." on ``ref``'s day, "this morning" -> ``1998-01-08TMO``;
* fuzzy references: "now", "currently" -> ``PRESENT_REF``, "recently" -> ``PAST_REF``, "soon" -> ``FUTURE_REF``;
* durations: "five years", "a week", "the last 24 hours" -> ``P5Y``, ``P1W``, ``P1D``.

Without ``ref``, relative expressions keep only what the text gives (a weekday stays unresolved). Rules
only (no model), English only; deterministic.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a hundred": 100,
    "thirteen": 13,
    "fourteen": 14,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "a couple of": 2,
    "couple of": 2,
    "several": None,
    "few": None,
    "a few": None,
    "some": None,
    "many": None,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
# Decades and centuries as TimeBank writes them ("about a decade" P1E, "centuries" PXC).
UNIT = {
    "day": "D",
    "week": "W",
    "month": "M",
    "year": "Y",
    "decade": "E",
    "century": "C",
    "hour": "H",
    "minute": "M",
    "quarter": "Q",
}

_MON = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_MONTHS_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = (
    r"(?:\d+(?:\s+1/2|\.5)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](?:one|two|three|four|five|"
    r"six|seven|eight|nine)|a couple of|couple of|a hundred|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|several|a few|few|many|some)"
)
_ONES_W = "one|two|three|four|five|six|seven|eight|nine"
# A year said in words, as broadcast transcripts write them: "nineteen ninety-six", "two thousand and one".
_SPELLED_YEAR = (
    rf"(?i:nineteen[- ](?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:{_ONES_W}))?|ten|eleven|"
    rf"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)|two\s+thousand(?:\s+and\s+(?:{_ONES_W}))?)"
)
_UNITS = r"(?:centuries|(?:day|week|month|year|decade|century|hour|minute|quarter)s?)"
_AHEAD = re.compile(
    r"\b(?:will|shall|is to|are to|to be|expected|scheduled|planned|plans? to|planning|upcoming|"
    r"would|going to|set to|set for|slated|come(?=\s+the\b)|due|effective|payable|takes? effect)\b",
    re.IGNORECASE,
)
# Past tense: the common irregular verbs of news, "-ed" forms (the look-ahead ones excepted), "since", "ago".
_BACK = re.compile(
    r"\b(?:said|told|was|were|had|did|since|ago|began|came|went|rose|fell|met|made|took|gave|got|"
    r"saw|left|won|lost|sold|bought|paid|held|brought|ran|began|grew|led|spent|struck|wrote|"
    r"(?!hundred|united|limited)[a-z]{2,}[^aeiou\s]ed|[a-z]{2,}ied)\b",
    re.IGNORECASE,
)
_FINITE = {"said", "told", "was", "were", "had", "did", "since", "ago"}  # past whatever comes before them
# Before a past form that is then a participle or an adjective ("will be paid", "the reduced dividend").
_ADJ_BEFORE = re.compile(
    r"\b(?:be|been|being|is|are|was|were|the|a|an|its|their|his|her|and|or|newly|to)\s+$", re.I
)

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "mdy",
        re.compile(
            rf"\b(?:{_DAY},?\s+)?(?P<mon>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?\b"
        ),
    ),
    ("monrel", re.compile(rf"\b(?P<mon>{_MONTHS_FULL})\s+(?P<rel>last|next|this)\s+year\b")),
    (
        "dmy",
        re.compile(
            rf"\b(?:{_DAY},?\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MON})(?:,?\s+(?P<y>\d{{4}}))?\b"
        ),
    ),
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("slash", re.compile(r"\b(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>\d{2}|\d{4})\b")),
    ("monyear", re.compile(rf"\b(?:(?P<pos>early|mid|late)[- ])?(?P<mon>{_MON}),?\s+(?P<y>(?:19|20)\d\d)\b")),
    (
        "half",
        re.compile(
            r"\b(?:the\s+)?(?P<which>first|second|latter|last)\s+half\s+of\s+(?:(?P<y>(?:19|20)\d\d)|(?P<rel>this|next|last)\s+year)\b",
            re.I,
        ),
    ),
    (
        "quarter",
        re.compile(
            r"\b(?:the\s+)?(?:(?P<rel>latest|current|past|last|next|year-earlier|year-ago)\s+|(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[- ])quarter\b|\bthe\s+quarter\b(?!-)",
            re.I,
        ),
    ),
    # A quarter with its year: "the third quarter of 1990", "the 1988 third quarter", "this year's third quarter",
    # "the year-earlier quarter", "the quarter a year ago"; a results period: "the 1988 period", "the latest period".
    (
        "qyear",
        re.compile(
            r"\b(?:the\s+)?(?:(?P<pre>(?:19|20)\d\d|(?:this|last|next)\s+year's|(?:comparable\s+)?year-(?:earlier|ago))"
            r"\s+)?(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[- ])?quarter(?:\s+of\s+(?P<post>(?:19|20)\d\d|"
            r"(?:this|last|next)\s+year)|\s+(?P<ago>a\s+year\s+(?:ago|earlier)))?\b",
            re.I,
        ),
    ),
    (
        "period",
        re.compile(
            r"\b[Tt]he\s+(?P<pre>(?:19|20)\d\d|year-earlier|year-ago|latest|same|comparable|corresponding)\s+"
            r"period(?:\s+(?P<ago>a\s+year\s+(?:ago|earlier)|last\s+year))?\b"
        ),
    ),
    ("decade", re.compile(r"\b(?:the\s+)?(?:(?P<c>19|20)(?P<d>\d)0s|'(?P<s>\d)0s)\b")),
    ("decade", re.compile(r"'(?<!\w')(?P<s>\d)0s\b")),  # "the late '80s": no word boundary before the apostrophe
    (
        "ago",
        re.compile(
            rf"\b(?P<n>{_NUM})\s+(?P<u>{_UNITS})(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|before|later|from now|hence)\b", re.I
        ),
    ),
    (
        "recentunits",
        re.compile(
            r"\b(?:recent|past|last|coming|next)\s+(?:several\s+|few\s+)?(?P<u>years|months|weeks|days|decades)\b",
            re.I,
        ),
    ),
    (
        "relunit",
        re.compile(
            r"\b(?P<rel>last|this|next|past|coming|previous|current)\s+(?P<u>week|month|year|weekend|spring|summer|fall|autumn|winter)\b"
            r"(?!\s+of\s+(?:the|his|her|its|their|a|an)\b)",  # "the last week of the race": not the week gone by
            re.I,
        ),
    ),
    ("yearago", re.compile(r"\b(?:a|one)\s+year\s+(?:ago|earlier)\b|\byear-(?:earlier|ago)\b", re.I)),
    (
        "weekday",
        re.compile(
            rf"\b(?:(?P<rel>(?i:the\s+(?:previous|following|next)|last|next|this\s+coming|this|coming|on|early|late))\s+)?(?P<wd>{_DAY})(?:\s+(?P<part>morning|afternoon|evening|night))?\b"
        ),
    ),
    (
        "day",
        re.compile(
            r"\b(?P<w>today|yesterday|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening))\b",
            re.I,
        ),
    ),
    # "the weekend" (the one just gone, or the coming one in a clause that looks ahead); "the year" of a report
    # (the publication year; "the year ended June 30" is a span of a year); "that year", "the following year".
    (
        "season",
        re.compile(
            rf"\b(?:(?P<rel>this\s+past|last|this|next|coming|past|previous)\s+|(?P<the>the\s+(?:(?:early|late)\s+)?|"
            rf"(?:early|late|mid)[- ])|(?P<pre>(?:in|during|by|until|till|through|since|before|after)\s+(?!fall\b)))?"
            rf"(?P<s>spring|summer|fall|autumn|winter)\b(?:\s+of\s+(?:(?P<y>(?:19|20)\d\d)|"
            rf"(?P<sy>{_SPELLED_YEAR})))?(?!-|\s+of\s)",
            re.I,
        ),
    ),
    (
        "dayana",
        re.compile(
            r"\b(?:(?P<pre>[Tt]hat|[Tt]he\s+same|[Tt]he\s+following|(?:[Tt]he\s+)?[Nn]ext(?=\s+(?:day|morning)\b)|[Tt]he\s+next|[Tt]he\s+previous)\s+"
            r"(?P<u>day|week|month|morning|afternoon|evening|night)|(?:later|earlier)\s+in\s+the\s+(?P<u2>day|week|month)|"
            r"[Tt]he\s+(?P<u3>day|week|month)\s+(?P<post>before|after)(?=\s*[,.;:)]|\s*$)|[Ii]n\s+the\s+(?P<u4>morning|afternoon|evening))\b"
        ),
    ),
    (
        "dayparts",
        re.compile(
            r"\b(?:(?P<d1>yesterday|today|tomorrow)\s+(?P<p1>morning|afternoon|evening|night)|(?:early\s+|late\s+|"
            r"mid-?\s?)?(?P<p2>morning|afternoon|evening)\s+(?P<d2>yesterday|today|tomorrow)|"
            r"(?P<mid>mid-?\s?(?:morning|afternoon)))\b",
            re.I,
        ),
    ),
    ("weekend", re.compile(r"\b(?:over\s+|ahead\s+of\s+)?the\s+weekend\b", re.I)),
    (
        "theyear",
        re.compile(
            r"\b(?:[Tt]he\s+(?P<kind>(?:full|fiscal|current|calendar)\s+(?:fiscal\s+)?)?year\b"
            r"|(?P<ana>[Tt]hat\s+year|[Tt]he\s+(?:following|next|previous)\s+year|[Tt]he\s+year\s+before))"
            r"(?![-'\u2019]|\s+(?:19|20)\d\d|\s+two\s+thousand)"
        ),
    ),
    (
        "spelledyear",
        re.compile(
            rf"\b(?:(?P<mon>{_MONTHS_FULL})\s+|(?i:the\s+year\s+))?(?P<sy>{_SPELLED_YEAR})\b(?![- ](?:hundred|thousand))"
        ),
    ),
    (
        "time",
        re.compile(
            r"\b(?:(?P<h>[01]?\d)(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>a\.m\.|p\.m\.|am\b|pm\b)|(?P<noon>noon|midnight|midday)\b|"
            r"(?<=\bat\s)(?P<h24>[01]?\d|2[0-3]):(?P<mi24>[0-5]\d)\b(?!:)|(?P<hz>[01]?\d|2[0-3]):(?P<miz>[0-5]\d)(?=\s+"
            r"(?:GMT|BST|UTC|EST|EDT|CST|CDT|PST|PDT|local\s+time)\b))",
            re.I,
        ),
    ),
    (
        "monalone",
        re.compile(
            rf"\b(?P<pre>(?i:in|into|since|until|by|from|of|early|late|mid|last|next|this|for|through|during|before|"
            rf"after|to))[- ](?P<mon>{_MONTHS_FULL})\b(?!\.?\s+\d|'s)|\b(?P<pos>(?P<mon2>{_MONTHS_FULL})'s)|"
            rf"\b(?P<art>[Tt]he|an?)\s+(?P<mon3>{_MONTHS_FULL})(?=\s+[a-z]{{3,}})(?!\s+(?:of|and|or|to)\b)"
        ),
    ),
    # A year before 1900 where a preposition introduces it: "independence from Spain in 1898".
    ("oldyear", re.compile(r"\b(?:in|since|from|until|by)\s+(?P<y>1[5-8]\d\d)\b(?=\s*(?:[,.;:)]|and\b|to\b|when\b|$))")),
    (
        "year",
        re.compile(
            r"(?<![\d,.$£€-])\b(?:(?:in|since|by|of|from|until|during|for|before|after|the)\s+)?(?P<y>(?:19[0-9]|20[0-4])\d)\b(?!\d|,\d|%|\s*(?:percent|people|tons?|troops|jobs)\b)",
            re.I,
        ),
    ),
    (
        "fuzzy",
        re.compile(
            r"\b(?P<w>as\s+soon\s+as\s+possible|now|currently|current|recently|recent|soon|the past(?!\s+(?:\d|two|three|four|five|six|seven|"
            r"eight|nine|ten|several|few|couple)\b)|the future|nowadays|these days|lately|the time being|"
            r"the near future|the near term|the short term)\b",
            re.I,
        ),
    ),
    (
        "duration",
        re.compile(
            rf"\b(?:(?:the\s+)?(?:last|past|next|first|coming)\s+)?(?P<n>{_NUM})(?P<andhalf>\s+and\s+a\s+half)?[- ](?:(?:more|additional|extra|trading|business|working)\s+)?(?P<u>{_UNITS})(?P<half>\s+and\s+a\s+half)?(?:[- ]long)?\b(?![- ]old\b)",
            re.I,
        ),
    ),
    (
        "set",
        re.compile(
            rf"\b(?P<w>daily|weekly|monthly|annually|yearly|hourly|nightly)\b|\b(?:each|every)\s+(?P<what>{_DAY}|{_MONTHS_FULL}|"
            r"day|week|month|year|quarter|morning|night|summer|winter|spring|fall)\b",
            re.I,
        ),
    ),
    # A span of time by its unit alone: "for years", "within weeks", "for centuries".
    (
        "pxunits",
        re.compile(
            r"\b(?:for|in|within|over)\s+(?P<u>years|months|weeks|days|decades|centuries|hours|minutes)\b(?!\s+(?:ago|of|and))",
            re.I,
        ),
    ),
    ("century", re.compile(r"\b(?:the\s+)?(?P<n>\d{1,2})(?:st|nd|rd|th)[- ]century\b", re.I)),
    (
        "decadeword",
        re.compile(
            r"\b(?:the\s+)?(?:(?P<c>nineteen|twenty)[- ])?(?P<d>twenties|thirties|forties|fifties|"
            r"sixties|seventies|eighties|nineties)\b",
            re.I,
        ),
    ),
    ("midyear", re.compile(r"\b(?P<pos>early|mid|late)[- ](?P<y>(?:19|20)\d\d)\b", re.I)),
    # "the last Friday in August", "the first Monday of May 1998": that weekday of that month.
    (
        "nthwd",
        re.compile(
            rf"\b(?:the\s+)?(?P<nth>first|second|third|fourth|last)\s+(?P<wd>{_DAY})\s+(?:in|of)\s+(?P<mon>{_MONTHS_FULL})"
            r"(?:,?\s+(?P<y>(?:19|20)\d\d))?\b",
            re.I,
        ),
    ),
    # A weekday that recurs: "on Mondays", "Tuesday nights".
    (
        "wdset",
        re.compile(
            rf"\b(?P<wd>{_DAY})(?:s(?:\s+(?P<p1>mornings|afternoons|evenings|nights))?|\s+(?P<p2>mornings|afternoons|"
            r"evenings|nights))\b"
        ),
    ),
    # Holidays with a fixed or computed day: "Christmas", "New Year's Day", "Easter", "Thanksgiving".
    (
        "holiday",
        re.compile(
            r"(?<!Lunar )(?<!Chinese )\b(?:(?P<y>(?:19|20)\d\d)(?:'s)?\s+)?(?P<h>Christmas\s+Eve|Christmas\s+Day|Christmas|"
            r"New\s+Year's\s+(?:Eve|Day)|Valentine's\s+Day|Halloween|Thanksgiving(?:\s+Day)?|Easter(?:\s+Sunday)?|"
            r"Good\s+Friday|Memorial\s+Day|Labor\s+Day|Boxing\s+Day|Election\s+Day)\b(?P<week>\s+week\b)?(?:,?\s+(?P<y2>(?:19|20)\d\d)\b)?"
        ),
    ),
    # "for a while", "in a little while": a span of no stated length
    ("awhile", re.compile(r"(?:(?<=\bfor )|(?<=\bin )|(?<=\bafter ))a\s+(?:(?:little|long|short)\s+)?while\b", re.I)),
    ("unitlong", re.compile(r"\b(?P<u>day|week|month|year|hour)-long\b", re.I)),
    # A clock time as wire services give it beside the local one: "(1530 GMT)".
    ("gmt", re.compile(r"\b(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)\s+(?:GMT|UTC|local\s+time)\b")),
    (
        "reldecade",
        re.compile(
            r"\b(?:the\s+)?(?P<rel>last|this|next|past|previous|coming|current)\s+(?P<u>decade|century)\b", re.I
        ),
    ),
    (
        "daytwo",
        re.compile(r"\b(?:the\s+)?day\s+(?P<d>before\s+yesterday|after\s+tomorrow)\b", re.I),
    ),
    # "by the end of the month", "early in the week": this week or month (the modifier joins the extent).
    (
        "endof",
        re.compile(r"\b(?:end|beginning|start|middle)\s+of\s+(?P<th>the\s+(?P<u>week|month))\b(?!\s+(?:of|before|after))", re.I),
    ),
    ("yearend", re.compile(r"\b(?:(?P<since>since)\s+)?(?P<w>year[- ]end|year's\s+end)\b", re.I)),
    (
        "everyn",
        re.compile(
            r"\b(?:each|every)\s+(?P<n>other|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+"
            r"(?P<u>days|weeks|months|years|hours|minutes|year|day|week|month)\b",
            re.I,
        ),
    ),
    # Halves and quarters of a unit: "two and a half years", "half an hour", "a half-hour", "a quarter century".
    (
        "halfunit",
        re.compile(
            rf"\b(?<!first )(?<!second )(?:half\s+an?\s+|(?:an?\s+)?half[- ]|"
            rf"(?P<q>an?\s+quarter[- ]))(?P<u>{_UNITS})\b(?![- ]old\b)",
            re.I,
        ),
    ),
    # A day judged, as news quotes it: "a historic day for Poland", "this is a sad day": the day the text is about.
    (
        "evalday",
        re.compile(
            r"\b(?:[Aa]n?|[Tt]his|[Tt]hat)\s+(?:(?:very|truly|really|most)\s+)?(?:great|historic|sad|tragic|black|"
            r"dark|proud|momentous|memorable|glorious|joyous|solemn|somber|sombre|emotional|remarkable|painful|"
            r"terrible|wonderful|happy|landmark|fateful|bloody)\s+(?P<d>day)\b(?![-'\u2019]|\s+(?:of|when|in|after|before)\b)"
        ),
    ),
    # A span by its unit alone, counted from another event: "hours later", "days after the attack", "weeks ago".
    (
        "unitslater",
        re.compile(
            r"\b(?P<u>minutes|hours|days|weeks|months|years|decades)(?=\s+(?P<dir>later|earlier|after|before|ago)\b)"
            r"(?P<ago>\s+ago\b)?",
            re.I,
        ),
    ),
]
FUZZY = {
    "now": "PRESENT_REF",
    "currently": "PRESENT_REF",
    "current": "PRESENT_REF",
    "nowadays": "PRESENT_REF",
    "these days": "PRESENT_REF",
    "the time being": "PRESENT_REF",
    "recently": "PAST_REF",
    "recent": "PAST_REF",
    "the past": "PAST_REF",
    "lately": "PAST_REF",
    "soon": "FUTURE_REF",
    "the future": "FUTURE_REF",
}


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int
    end: int
    value: str
    granularity: str  # day, week, month, quarter, half, year, decade, time, fuzzy, duration
    type: str  # DATE, TIME, DURATION


def _num(s: str) -> int | float | None:
    s = " ".join(s.lower().replace("-", " ").split())
    if s.isdigit():
        return int(s)
    half = re.fullmatch(r"(\d+)(?: 1/2|\.5)", s)
    if half:
        return int(half.group(1)) + 0.5
    parts = s.split()
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _ONES:
        return _TENS[parts[0]] + _ONES[parts[1]]
    return NUMBER_WORDS.get(s)


# Half a unit, in the next smaller one: "2 1/2 years" -> P2Y6M, "a day and a half" -> P1DT12H.
_HALF = {
    ("Y", False): "6M",
    ("M", False): "15D",
    ("W", False): "3DT12H",
    ("D", False): "T12H",
    ("H", True): "30M",
    ("M", True): "30S",
}


def _amount(n: int | float, code: str, time: bool) -> str:
    """ISO 8601 duration of n units ("2 1/2 years" -> P2Y6M, "a minute and a half" -> PT1M30S)."""
    t = "T" if time else ""
    whole = int(n)
    if n == whole:
        return f"P{t}{whole}{code}"
    half = _HALF.get((code, time))
    if half is None:
        return f"P{t}{n}{code}"
    return "P" + (f"{t}{whole}{code}" if whole else t) + half


def _year(y: str) -> int:
    v = int(y)
    return v + (1900 if v >= 50 else 2000) if len(y) == 2 else v


def _quarter(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def _week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _shift_months(d: dt.date, n: int) -> tuple[int, int]:
    m = d.year * 12 + d.month - 1 + n
    return m // 12, m % 12 + 1


_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_SEASON = {
    "spring": ("SP", 3),
    "summer": ("SU", 6),
    "fall": ("FA", 9),
    "autumn": ("FA", 9),
    "winter": ("WI", 12),
}


def _season(ref: dt.date, name: str, mode: str) -> str:
    """A season named without its year (three months from its first: March, June, September, December):
    "past" the last one over before ``ref`` ("last summer" in October is this year's), "ahead" the next to
    begin, "this" the one of ``ref``'s year, "latest" the last one begun (the one under way counts)."""
    code, first = _SEASON[name]
    start = {y: dt.date(y, first, 1) for y in (ref.year - 1, ref.year, ref.year + 1)}
    if mode == "this":
        y = ref.year
    elif mode == "ahead":
        y = min(y for y, d in start.items() if d > ref)
    elif mode == "past":
        y = max(y for y, d in start.items() if _shift_months(d, 3) <= (ref.year, ref.month))
    else:
        y = max(y for y, d in start.items() if d <= ref)
    return f"{y:04d}-{code}"


# Holidays: a fixed (month, day), or a rule for the day in a given year; the month and day used to choose the year.
_HOLIDAY_FIXED = {
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
    "christmas": (12, 25),
    "new year's eve": (12, 31),
    "new year's day": (1, 1),
    "valentine's day": (2, 14),
    "halloween": (10, 31),
    "boxing day": (12, 26),
}


def _easter(y: int) -> dt.date:
    """Western Easter Sunday of year ``y`` (the Gregorian computus)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    return dt.date(y, month, (h + ell - 7 * m + 114) % 31 + 1)


def _nth_weekday(y: int, month: int, wd: int, n: int) -> dt.date:
    """The n-th weekday ``wd`` (0 Monday) of a month; n -1: the last one."""
    if n < 0:
        last = dt.date(y, month, calendar.monthrange(y, month)[1])
        return last - dt.timedelta(days=(last.weekday() - wd) % 7)
    first = dt.date(y, month, 1)
    return first + dt.timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))


def _holiday_day(name: str, y: int) -> dt.date:
    if name in _HOLIDAY_FIXED:
        return dt.date(y, *_HOLIDAY_FIXED[name])
    if name.startswith("easter"):
        return _easter(y)
    if name == "good friday":
        return _easter(y) - dt.timedelta(days=2)
    if name.startswith("thanksgiving"):
        return _nth_weekday(y, 11, 3, 4)
    if name == "election day":  # the United States': the Tuesday after the first Monday of November
        return _nth_weekday(y, 11, 0, 1) + dt.timedelta(days=1)
    if name == "memorial day":
        return _nth_weekday(y, 5, 0, -1)
    return _nth_weekday(y, 9, 0, 1)  # Labor Day


def _holiday(m: re.Match[str], text: str, ref: dt.date | None) -> tuple[str, str, str] | None:
    """A holiday's day: in the year given, else the one the clause's tense points to (as for "Jan. 28")."""
    name = " ".join(m.group("h").lower().split())
    y = m.group("y") or m.group("y2")
    if y:
        day = _holiday_day(name, int(y))
    elif ref is None:
        return None
    else:
        approx = _holiday_day(name, ref.year)
        day = _holiday_day(name, _closest_year(ref, approx.month, approx.day, _tense(text, m.start(), m.end())))
    if m.group("week"):
        return _week(day), "week", "DATE"  # "Easter week": the week it falls in
    return day.isoformat(), "day", "DATE"


def _spelled_year(words: str) -> int | None:
    w = " ".join(words.lower().replace("-", " ").split())
    if w.startswith("two thousand"):
        rest = w[len("two thousand") :].replace("and", "").split()
        return 2000 + (_ONES[rest[0]] if rest else 0)
    tail = _num(w[len("nineteen ") :])
    return 1900 + tail if isinstance(tail, int) and 10 <= tail <= 99 else None


# "$500 million a year", "four flights a week", "20 times a day": the words before a rate.
_RATE_BEFORE = re.compile(
    r"(?:\d\S*|million|billion|thousand|hundred|cents|dollars|percent|times|[a-z]{3,}[^s\W]s)\s+$", re.I
)
# "that year", "the following month", "the next day": relative to the last date the text named (``_doc_anaphora``).
_DOC_REL = "@"


def _quarter_value(y: int, q: int) -> str:
    while q < 1:
        q, y = q + 4, y - 1
    while q > 4:
        q, y = q - 4, y + 1
    return f"{y:04d}-Q{q}"


# The quarter a results report is about is known only from the document: "the quarter", "a year earlier" and
# "the 1988 period" are given as this prefix plus a year shift ("-1", "0") or a year ("1988"), and
# ``_doc_quarters`` puts in the quarter the report is about.
_DOC_QUARTER = "@Q"


# A date up to two months ahead stays ahead in a clause that looks back ("was extended to Nov. 16", "had been
# set to expire Nov. 6"): deadlines and payment dates; further ahead, the past tense takes the date a year back.
PAST_SLACK = 60
AHEAD_WINDOW = 100  # characters before a mention in which a look-ahead word ("will", "expected to") counts


def _closest_year(ref: dt.date, mon: int, day: int | None, tense: str | None = None) -> int:
    """The year of a month (and day) named without one: the next such date when the clause looks ahead
    (a month back still counts), else the nearest, with the past preferred (news reports more than it announces: a date ahead counts
    twice its distance), but the last one when the clause looks back and the nearest is more than
    ``PAST_SLACK`` days ahead ("in January, the company brought in" in October). ``day`` None: the month as a whole (the current month is past and ahead)."""
    years = (ref.year - 1, ref.year, ref.year + 1)

    def gap(y: int) -> int:
        if day is None:
            return 0 if (y, mon) == (ref.year, ref.month) else (dt.date(y, mon, 15) - ref).days
        return (dt.date(y, mon, day) - ref).days

    if tense == "ahead":
        return min((y for y in years if gap(y) >= -31), key=gap)
    near = min(years, key=lambda y: -gap(y) if gap(y) <= 0 else 2 * gap(y))
    if tense == "past" and gap(near) > PAST_SLACK:
        return max(y for y in years if gap(y) <= 0)
    return near


# The present of a scheduled event, as news writes it: "the trial opens Monday", "Leaders meet on Thursday".
_SCHEDULED = re.compile(
    r"\b(?:arrives?|leaves|meets?|begins|opens|starts|votes|visits|travels|returns|resumes|heads|hosts|faces|"
    r"plays|convenes?|flies|departs|ends|closes|expires|takes\s+office|gets\s+under\s+way)\b",
    re.I,
)
_NOUN_BEFORE = re.compile(r"\b(?:the|a|an|his|her|its|their|our|my|your|this|that|these|those)\s+$", re.I)


def _tense(text: str, start: int, end: int, end_points: bool = True) -> str | None:
    """Whether the clause around a mention looks ahead ("ahead": will, expected to, next...) or back ("past":
    said, was, rose, since...): the cue nearest the mention decides, so "said on Tuesday that Iraq would
    retaliate" is past and "said it will begin withdrawing on Friday" ahead; None without a cue."""
    lo = max(text.rfind(".", 0, start), text.rfind(";", 0, start), start - AHEAD_WINDOW) + 1
    # A clause ends at the next comma, unless the mention opens the sentence ("In January, the company
    # brought in"): then the clause it belongs to is the one after the comma.
    opener = re.fullmatch(r"\W*(?:\w+\s+){0,2}", text[lo:start]) is not None
    ends = [
        k for k in (text.find(".", end), text.find(";", end), -1 if opener else text.find(",", end)) if k >= 0
    ]
    hi = min(ends + [end + (AHEAD_WINDOW if opener else 20)])
    before = text[max(0, start - 12) : start].lower()
    if re.search(r"\bsince\s+$", before):
        return "past"
    if end_points and re.search(r"\b(?:to|until|till|through|by|before)\s+$", before):
        # an end point ("was extended to Nov. 16"): a past verb says nothing of it, a look-ahead one does
        # ("will double its flights by August")
        return "ahead" if _tense(text, start, end, end_points=False) == "ahead" else None
    best: tuple[int, str] | None = None
    for rx, tense in ((_AHEAD, "ahead"), (_SCHEDULED, "ahead"), (_BACK, "past")):
        for c in rx.finditer(text, lo, hi):
            if start <= c.start() < end:
                continue
            if rx is _SCHEDULED and (
                _NOUN_BEFORE.search(text[max(lo, c.start() - 8) : c.start()])
                or re.search(r"\bto\s+$", text[max(lo, c.start() - 4) : c.start()])
            ):
                continue  # "the votes", "his visits": nouns; "offering to meet": no schedule
            word = c.group(0).lower()
            if tense == "past" and (
                _AHEAD.fullmatch(word)
                or word in ("was", "were") and _AHEAD.match(text, text.find(" ", c.start()) + 1)
                or word not in _FINITE
                and _ADJ_BEFORE.search(text[max(lo, c.start() - 12) : c.start()])
            ):
                continue  # "expected", "scheduled"; "will be paid", "the reduced dividend": not a past event
            label = tense
            if tense == "ahead" and re.search(
                r"\bhad(?:\s+been)?\s+$", text[max(lo, c.start() - 12) : c.start()]
            ):
                label = "past"  # "had been scheduled to expire Friday": a plan that is over
            gap = start - c.end() if c.end() <= start else c.start() - end
            if best is None or gap < best[0]:
                best = (gap, label)
    return best[1] if best else None


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around a span (to the nearest full stop, at most ``AHEAD_WINDOW`` characters each way)."""
    lo = max(text.rfind(".", 0, start) + 1, start - AHEAD_WINDOW, 0)
    hi = text.find(".", end)
    return text[lo : min(hi if hi >= 0 else len(text), end + AHEAD_WINDOW)]


def _ahead(text: str, start: int, end: int) -> bool:
    """Whether the clause around a mention looks ahead (will, expected to, next...)."""
    return _tense(text, start, end) == "ahead"


def _resolve(kind: str, m: re.Match[str], text: str, ref: dt.date | None) -> tuple[str, str, str] | None:
    g = m.groupdict()
    if kind in ("mdy", "dmy"):
        mon = MONTHS[g["mon"].rstrip(".").lower()]
        day = int(g["d"])
        if not 1 <= day <= 31:
            return None
        if g.get("y"):
            return f"{int(g['y']):04d}-{mon:02d}-{day:02d}", "day", "DATE"
        if ref is None:
            return f"XXXX-{mon:02d}-{day:02d}", "day", "DATE"
        y = _closest_year(ref, mon, min(day, 28), _tense(text, m.start(), m.end()))
        return f"{y:04d}-{mon:02d}-{day:02d}", "day", "DATE"
    if kind in ("iso", "slash"):
        mon, day = int(g["m"]), int(g["d"])
        if not (1 <= mon <= 12 and 1 <= day <= 31):
            return None
        return f"{_year(g['y']):04d}-{mon:02d}-{day:02d}", "day", "DATE"
    if kind == "monyear":
        mon = MONTHS[g["mon"].rstrip(".").lower()]
        return f"{int(g['y']):04d}-{mon:02d}", "month", "DATE"
    if kind == "half":
        which = 1 if g["which"].lower() == "first" else 2
        if g.get("y"):
            y = int(g["y"])
        elif ref is not None:
            y = ref.year + {"this": 0, "next": 1, "last": -1}[g["rel"].lower()]
        else:
            return None
        return f"{y:04d}-H{which}", "half", "DATE"
    if kind == "quarter":
        if ref is None:
            return None
        rel = (g.get("rel") or "").lower()
        y, q = ref.year, _quarter(ref)
        if g.get("ord"):
            q = ORDINAL[g["ord"].lower()]
            if q > _quarter(ref) and not _ahead(text, m.start(), m.end()):
                y -= 1
        elif rel in ("last", "past"):
            q -= 1
        elif rel == "next":
            q += 1
        elif rel in ("year-earlier", "year-ago"):
            return _DOC_QUARTER + "-1", "quarter", "DATE"  # the quarter reported on, a year before
        elif rel != "current":
            return (
                _DOC_QUARTER + "0",
                "quarter",
                "DATE",
            )  # "the quarter", "the latest quarter": the one reported on
        return _quarter_value(y, q), "quarter", "DATE"
    if kind in ("qyear", "period"):
        if ref is None:
            return None
        pre = " ".join((g.get("pre") or "").lower().split())
        post = " ".join((g.get("post") or "").lower().split())
        ago = g.get("ago")
        rel = {
            "this year's": 0,
            "last year's": -1,
            "next year's": 1,
            "this year": 0,
            "last year": -1,
            "next year": 1,
        }
        if kind == "period" and not re.search(
            r"\bquarter", text[max(0, m.start() - 600) : m.end() + 200], re.I
        ):
            return None  # a period in a report that is not about a quarter: leave it to the year, if any
        if re.fullmatch(r"\d{4}", pre or post):
            y: int | str = int(pre or post)
        elif (pre or post) in rel:
            y = ref.year + rel[pre or post]
        elif "year-" in pre or ago:
            y = "-1"
        elif kind == "period" and pre in ("latest", "comparable", "same", "corresponding"):
            y = "0"
        else:
            return None  # a quarter without its year: the "quarter" rule
        if g.get("ord"):
            q = ORDINAL[g["ord"].lower()]
            if isinstance(y, str):
                y = ref.year + int(y) - (1 if q > _quarter(ref) else 0)
            return _quarter_value(y, q), "quarter", "DATE"
        return f"{_DOC_QUARTER}{y}", "quarter", "DATE"
    if kind == "decade":
        if g.get("c"):
            return f"{g['c']}{g['d']}", "decade", "DATE"
        return f"19{g['s']}", "decade", "DATE"
    if kind == "ago":
        n = _num(g["n"])
        u = g["u"].lower().rstrip("s")
        u = "century" if u == "centurie" else u
        if n == 1 and u == "year" and g["dir"].lower() in ("ago", "earlier"):
            return _resolve(
                "yearago", m, text, ref
            )  # "a year ago": the quarter compared with, in results news
        if n is None and g["dir"].lower() == "ago":
            return "PAST_REF", "fuzzy", "DATE"  # "several years ago"
        if g["dir"].lower() in ("later", "earlier", "before"):
            # "three days later", "a month before the vote": a span from another event, not from the
            # publication date; TimeML gives the span alone ("three days", P3D) and "later" as a signal.
            if n is None:
                return f"P{'T' if u in ('hour', 'minute') else ''}X{UNIT[u]}", "duration", "DURATION"
            return _amount(n, UNIT[u], u in ("hour", "minute")), "duration", "DURATION"
        if ref is not None and isinstance(n, int) and u in ("decade", "century") and g["dir"].lower() == "ago":
            if u == "decade":  # "a decade ago" in 1998: the 1980s
                return f"{(ref.year - 10 * n) // 10:03d}", "decade", "DATE"
            return f"{(ref.year - 100 * n) // 100:02d}", "century", "DATE"
        if ref is None or n is None or u in ("hour", "minute", "decade", "century"):
            return None
        sign = -1 if g["dir"].lower() in ("ago", "earlier", "before") else 1
        if u == "day":
            return (ref + dt.timedelta(days=sign * n)).isoformat(), "day", "DATE"
        if u == "week":
            return _week(ref + dt.timedelta(weeks=sign * n)), "week", "DATE"
        if u == "month":
            y, mo = _shift_months(ref, sign * n)
            return f"{y:04d}-{mo:02d}", "month", "DATE"
        if u == "quarter":
            y, mo = _shift_months(ref, sign * 3 * n)
            return f"{y:04d}-Q{(mo - 1) // 3 + 1}", "quarter", "DATE"
        return f"{ref.year + sign * n:04d}", "year", "DATE"
    if kind == "yearago":
        if ref is None:
            return None
        if re.search(r"\bquarter", text[max(0, m.start() - 400) : m.end() + 200], re.I):
            return _DOC_QUARTER + "-1", "quarter", "DATE"  # results: the quarter reported on, a year before
        return f"{ref.year - 1:04d}", "year", "DATE"
    if kind == "recentunits":
        return f"PX{UNIT[g['u'].lower().rstrip('s')]}", "duration", "DURATION"
    if kind == "relunit":
        if ref is None:
            return None
        rel, u = g["rel"].lower(), g["u"].lower()
        k = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[rel]
        if u == "week":
            return _week(ref + dt.timedelta(weeks=k)), "week", "DATE"
        if u == "weekend":
            return _week(ref + dt.timedelta(weeks=k)) + "-WE", "week", "DATE"
        if u == "month":
            y, mo = _shift_months(ref, k)
            return f"{y:04d}-{mo:02d}", "month", "DATE"
        if u == "year":
            return f"{ref.year + k:04d}", "year", "DATE"
        return _season(ref, u, "past" if k < 0 else "ahead" if k > 0 else "this"), "season", "DATE"
    if kind == "weekday":
        wd = WEEKDAYS[g["wd"].lower()]
        if ref is None:
            return None
        if not g.get("rel") and re.search(r"\b(?:[Oo]ne|[Ss]ome|[Aa]ny)\s+$", text[max(0, m.start() - 5) : m.start()]):
            return None  # "One Sunday in late 2001": a day the text does not fix
        if (
            not g.get("part")
            and re.search(r"\b[Tt]he\s+$", text[max(0, m.start() - 4) : m.start()])
            and re.match(rf"\s+(?!{_MONTHS_FULL}\b)[A-Z]", text[m.end() :])
        ):
            return None  # "the Sunday New York Times", "the Sunday Telegraph": a paper's edition
        rel = " ".join((g.get("rel") or "").lower().split())
        if rel.startswith("the "):  # "the previous Friday", "the following Monday": from the last day named
            return f"{_DOC_REL}K{'-' if rel.endswith('previous') else '+'}{wd}", "day", "DATE"
        # a deadline ("until Thursday", "by Friday") is ahead unless a pluperfect puts it in the past
        sent = _sentence(text, m.start(), m.end())
        deadline = re.search(
            r"\b(?:until|till|by|as\s+(?:soon|early|late)\s+as)\s+(?:(?:noon|midnight|\S+\s+[ap]\.?m\.?)\s+"
            r"(?:(?:EST|EDT|CST|CDT|PST|PDT|GMT|ET|PT|local\s+time)\s+)?)?$",
            text[max(0, m.start() - 30) : m.start()],
            re.I,
        ) and not re.search(r"\bhad\b", sent)
        ahead = rel in ("next", "coming", "this coming") or (
            rel != "last" and (bool(deadline) or _ahead(text, m.start(), m.end()))
        )
        delta = (wd - ref.weekday()) % 7 if ahead else -((ref.weekday() - wd) % 7)
        if rel == "this" and ref.weekday() < 5:
            delta = wd - ref.weekday()  # "this Friday" on a Wednesday: the Friday of this week, ahead or gone by
        if delta == 0 and rel in ("last", "next"):
            delta = 7 if rel == "next" else -7  # "last Wednesday", written on a Wednesday: the one a week ago
        day = ref + dt.timedelta(days=delta)
        # "Friday night" is the day, Friday: AQUAINT's reading (TimeBank writes 1998-10-23TNI); the extent keeps
        # "night"
        return day.isoformat(), "day", "DATE"
    if kind == "day":
        if ref is None:
            return None
        w = " ".join(g["w"].lower().split())
        if g["w"][0].isupper() and re.search(r"\b(?:USA|VOA|BBC|NBC|CBS|Radio\s+\d|\w+'s)\s+$|[A-Z]\w*\s+$",
                                             text[max(0, m.start() - 12) : m.start()]) and not re.search(
            r"(?:^|[.!?\"'`:\n]\s*)$", text[max(0, m.start() - 3) : m.start()]
        ):
            return None  # "USA Today", "Radio 4's Today": a name (a capital after a capitalised word)
        if w == "today" and re.match(
            r"'s\s+(?:world|youth|society|generation|young|children|kids|personal|economy|standards)\b", text[m.end() :]
        ):
            return None  # "today's world": the present age, not the publication day
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "last night": -1}.get(w, 0)
        day = (ref + dt.timedelta(days=shift)).isoformat()
        if w in ("tonight", "last night"):
            return f"{day}TNI", "time", "TIME"
        if w.startswith("this "):
            return (
                f"{day}T{ {'morning': 'MO', 'afternoon': 'AF', 'evening': 'EV'}[w.split()[1]] }",
                "time",
                "TIME",
            )
        return day, "day", "DATE"
    if kind == "time":
        if ref is None:
            return None
        if g.get("h24") or g.get("hz"):  # "at 15:30", "09:00 GMT": a 24-hour clock
            h24, mi24 = (g["h24"], g["mi24"]) if g.get("h24") else (g["hz"], g["miz"])
            return f"{ref.isoformat()}T{int(h24):02d}:{mi24}", "time", "TIME"
        if g.get("noon"):
            return f"{ref.isoformat()}T{'24:00' if g['noon'].lower() == 'midnight' else '12:00'}", "time", "TIME"
        h = int(g["h"])
        if not 1 <= h <= 12:
            return None
        if g["ap"].lower().startswith("p") and h != 12:
            h += 12
        if g["ap"].lower().startswith("a") and h == 12:
            h = 0
        return f"{ref.isoformat()}T{h:02d}:{int(g['mi'] or 0):02d}", "time", "TIME"
    if kind == "monalone":
        mon = MONTHS[(g["mon"] or g["mon2"] or g["mon3"]).lower()]
        if ref is None:
            return f"XXXX-{mon:02d}", "month", "DATE"
        pre = (g["pre"] or "").lower()
        ana = re.match(r"\s+of\s+(that|the\s+same|the\s+following|the\s+next|the\s+previous)\s+year\b", text[m.end() :])
        if ana:  # "in early June of that year": the month in the year the text last named
            shift = {"that": 0, "the same": 0, "the following": 1, "the next": 1, "the previous": -1}[
                " ".join(ana.group(1).lower().split())
            ]
            return f"{_DOC_REL}y{shift:+d}-{mon:02d}", "month", "DATE"
        if pre == "last":  # the last such month before this one ("last May" in February: a year ago)
            y = ref.year if mon < ref.month else ref.year - 1
        elif pre == "next":
            y = ref.year if mon > ref.month else ref.year + 1
        elif pre == "this":
            y = ref.year
        else:
            if pre == "since":
                tense: str | None = "past"
            elif pre in ("until", "by", "through", "to", "before"):  # "loans through January": an end point,
                ahead = _tense(text, m.start(), m.end(), end_points=False) == "ahead"  # ahead with a look-ahead verb
                tense = "ahead" if ahead else None
            else:
                tense = _tense(text, m.start(), m.end())
            y = _closest_year(ref, mon, None, tense)
        return f"{y:04d}-{mon:02d}", "month", "DATE"
    if kind == "monrel":
        if ref is None:
            return None
        y = ref.year + {"last": -1, "next": 1, "this": 0}[g["rel"].lower()]
        return f"{y:04d}-{MONTHS[g['mon'].lower()]:02d}", "month", "DATE"
    if kind == "year":
        return g["y"], "year", "DATE"
    if kind == "fuzzy":
        w = " ".join(g["w"].lower().split())
        if w == "soon" and re.search(r"\bas\s+$", text[max(0, m.start() - 4) : m.start()], re.I):
            return None  # "as soon as": a conjunction
        if w == "soon" and re.match(r"\s+(?:after|before)\b", text[m.end() :]):
            return None  # "soon after being captured": a relation to an event, not a time
        if m.group(0)[0].isupper() and not re.search(r"(?:^|[.!?\"'`:\n]\s*)$", text[max(0, m.start() - 3) : m.start()]):
            return None  # "Current TV": a name
        if m.group(0) == "Now" and text[m.end() : m.end() + 1] == "," and (
            m.start() == 0 or re.search(r"[.!?\"'`\n]\s*$", text[max(0, m.start() - 3) : m.start()])
        ):
            return None  # "Now, he says...": a turn in the telling, not the present
        return FUZZY.get(w, "FUTURE_REF"), "fuzzy", "DATE"
    if kind == "season":
        sea = g["s"].lower()
        if g.get("y") or g.get("sy"):
            y = int(g["y"]) if g.get("y") else _spelled_year(g["sy"])
            return (f"{y:04d}-{_SEASON[sea][0]}", "season", "DATE") if y else None
        rel = " ".join((g.get("rel") or "").lower().split())
        if g.get("pre") and re.match(r"\s+(?:vaccines?|jobs?|houses?|camps?|schools?|terms?|breaks?|holidays?|"
                                     r"olympics|games|sessions?|months|seasons?|flu)\b", text[m.end() :], re.I):
            return None  # "in summer jobs", "during winter months": the season as an adjective, left alone
        if ref is None or not (rel or g.get("the") or g.get("pre") or re.match(r"(?i)early|late|mid", m.group(0))):
            return None  # "summer" alone: "summer jobs", "a summer house"
        if rel in ("this past", "last", "past", "previous"):
            mode = "past"
        elif rel in ("next", "coming"):
            mode = "ahead"
        elif rel == "this":
            mode = "this"
        else:
            mode = "ahead" if _ahead(text, m.start(), m.end()) else "latest"
        return _season(ref, sea, mode), "season", "DATE"
    if kind == "dayana":
        if ref is None:
            return None
        pre = " ".join((g.get("pre") or "").lower().split())
        u = (g.get("u") or g.get("u2") or g.get("u3") or g.get("u4")).lower()
        shift = {"the following": 1, "the next": 1, "next": 1, "the previous": -1}.get(pre, 0)
        if g.get("post"):
            shift = -1 if g["post"] == "before" else 1
        if u == "month":
            return f"{_DOC_REL}M{shift:+d}", "month", "DATE"
        if u == "week":
            if pre in ("the next", "next"):
                return None  # "in the next week": the coming seven days, not the week after a day named
            return f"{_DOC_REL}W{shift:+d}", "week", "DATE"
        if u == "day":
            return f"{_DOC_REL}D{shift:+d}", "day", "DATE"
        return f"{_DOC_REL}D{shift:+d}T{_PARTS[u]}", "time", "TIME"
    if kind == "dayparts":
        if ref is None:
            return None
        w = (g.get("d1") or g.get("d2") or "today").lower()
        part = (
            g.get("p1") or g.get("p2") or g.get("mid").replace("-", " ").split()[-1].removeprefix("mid")
        ).lower()
        day = ref + dt.timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[w])
        return f"{day.isoformat()}T{_PARTS[part]}", "time", "TIME"
    if kind == "weekend":
        if ref is None:
            return None
        if _ahead(text, m.start(), m.end()) or m.group(0).lower().startswith("ahead"):
            sat = ref + dt.timedelta(days=(5 - ref.weekday()) % 7 if ref.weekday() != 6 else -1)
        else:  # the weekend just gone (the one under way on a Saturday or Sunday)
            sat = ref - dt.timedelta(days=(ref.weekday() - 5) % 7)
        return _week(sat) + "-WE", "week", "DATE"
    if kind == "theyear":
        if ref is None:
            return None
        if re.match(rf"\s+(?:ended|ending|to|through)\s+(?:{_MONTHS_FULL}|{_MON}\s+\d)", text[m.end() :]):
            return "P1Y", "duration", "DURATION"  # "the year ended June 30": the twelve months to that day
        ana = " ".join((g.get("ana") or "").lower().split())
        if ana:
            shift = {
                "that year": 0,
                "the following year": 1,
                "the next year": 1,
                "the previous year": -1,
                "the year before": -1,
            }[ana]
            return f"{_DOC_REL}Y{shift:+d}", "year", "DATE"
        return f"{ref.year:04d}", "year", "DATE"
    if kind == "spelledyear":
        y = _spelled_year(g["sy"])
        if y is None or (y == 2000 and not m.group(0).lower().startswith("the")):
            return None  # "two thousand" alone is a number: "two thousand troops"
        if g.get("mon"):
            return f"{y:04d}-{MONTHS[g['mon'].lower()]:02d}", "month", "DATE"
        return f"{y:04d}", "year", "DATE"
    if kind == "duration":
        n = _num(g["n"])
        u = g["u"].lower().rstrip("s")
        if u == "centurie":
            u = "century"
        code = UNIT[u]
        if u == "quarter" and (n is None or n == 1 or g["n"].lower() in ("a", "an")):
            return None  # "a quarter of the shares": a fourth
        if (
            u == "quarter"
            and not re.match(r"(?i)the|last|past|next|first|coming", m.group(0))
            and re.match(r"\s+of\s+(?:its|their|his|her|our|the|all|a|an|those|these)\b(?!\s+(?:year|fiscal|decade)\b)",
                         text[m.end() :], re.I)
        ):
            return None  # "three-quarters of its food": a fraction
        if (
            n == 1
            and u == "day"
            and re.search(
                r"\b(?:will|would|could|may|might|can)\s+$", text[max(0, m.start() - 8) : m.start()]
            )
        ):
            return "FUTURE_REF", "fuzzy", "DATE"  # "Islam will one day be..."
        t = u in ("hour", "minute")
        if g["u"][0].isupper() and not g["n"][0].isupper():
            return None  # "CBS's 60 Minutes": a name
        if g["n"].lower() in ("many", "some") and not g["u"].lower().endswith("s"):
            return None  # "many a year", "some day"
        if n is None:
            return f"P{'T' if t else ''}X{code}", "duration", "DURATION"
        if u == "year" and re.match(r"\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|\d+)\b",
                                    text[m.end() :], re.I):
            return None  # "a year seven pupil": a school year
        if re.search(r"\b(?:aged|ages|age)\s+(?:(?:between|from)\s+)?$|\baged\s+(?:\S+\s+){1,3}(?:to|and)\s+$",
                     text[max(0, m.start() - 30) : m.start()], re.I):
            return None  # "children aged 6 months to 18 years": ages
        if g["n"].lower() in ("a", "an") and _RATE_BEFORE.search(text[max(0, m.start() - 30) : m.start()]):
            return None  # "$500 million a year", "four flights a week": a rate, not a span of time
        if g.get("half") or g.get("andhalf"):  # "a day and a half", "two and a half years"
            n = n + 0.5
        if n == 24 and u == "hour" and re.match(r"(?i)(?:the\s+)?(?:last|past)\s", m.group(0)):
            return "P1D", "duration", "DURATION"  # "the last 24 hours": the day gone by, as TimeBank writes it
        if u == "decade" and n * 10 == int(n * 10):
            return f"P{int(n * 10)}Y", "duration", "DURATION"  # "two decades": P20Y, as TimeBank and AQUAINT write it
        return _amount(n, code, t), "duration", "DURATION"
    if kind == "set":
        if g.get("w"):
            if g["w"].lower() == "daily" and re.match(r"\s+[A-Z]", text[m.end() :]):
                return None  # "the Communist Party daily Granma": a newspaper
            if g["w"][0].isupper() and not re.search(r"(?:^|[.!?\"'`]\s*)$", text[max(0, m.start() - 3) : m.start()]):
                return None  # "Washington Monthly": a name
            return (
                {
                    "daily": "P1D",
                    "nightly": "XXXX-XX-XXTNI",
                    "weekly": "P1W",
                    "monthly": "P1M",
                    "annually": "P1Y",
                    "yearly": "P1Y",
                    "hourly": "PT1H",
                }[g["w"].lower()],
                "set",
                "SET",
            )
        what = g["what"].lower()
        if what in WEEKDAYS:
            return f"XXXX-WXX-{WEEKDAYS[what] + 1}", "set", "SET"
        if what in MONTHS:
            return f"XXXX-{MONTHS[what]:02d}", "set", "SET"
        return (
            {
                "day": "P1D",
                "week": "P1W",
                "month": "P1M",
                "year": "P1Y",
                "quarter": "P1Q",
                "morning": "XXXX-XX-XXTMO",
                "night": "XXXX-XX-XXTNI",
                "summer": "XXXX-SU",
                "winter": "XXXX-WI",
                "spring": "XXXX-SP",
                "fall": "XXXX-FA",
            }[what],
            "set",
            "SET",
        )
    if kind == "pxunits":
        u = g["u"].lower()
        u = "century" if u == "centuries" else u.rstrip("s")
        return f"P{'T' if u in ('hour', 'minute') else ''}X{UNIT[u]}", "duration", "DURATION"
    if kind == "century":
        n = int(g["n"])
        return (f"{n - 1:02d}", "century", "DATE") if 1 <= n <= 21 else None
    if kind == "decadeword":
        d = {
            "twenties": 2,
            "thirties": 3,
            "forties": 4,
            "fifties": 5,
            "sixties": 6,
            "seventies": 7,
            "eighties": 8,
            "nineties": 9,
        }[g["d"].lower()]
        c = "20" if (g.get("c") or "").lower() == "twenty" else "19"
        return f"{c}{d}", "decade", "DATE"
    if kind == "oldyear":
        return g["y"], "year", "DATE"
    if kind == "awhile":
        return "PXX", "duration", "DURATION"
    if kind == "unitlong":
        u = g["u"].lower()
        return _amount(1, UNIT[u], u == "hour"), "duration", "DURATION"
    if kind == "holiday":
        return _holiday(m, text, ref)
    if kind == "nthwd":
        mon = MONTHS[g["mon"].lower()]
        n = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}[g["nth"].lower()]
        if g.get("y"):
            y = int(g["y"])
        elif ref is None:
            return None
        else:
            y = _closest_year(ref, mon, 15, _tense(text, m.start(), m.end()))
        return _nth_weekday(y, mon, WEEKDAYS[g["wd"].lower()], n).isoformat(), "day", "DATE"
    if kind == "wdset":
        part = (g.get("p1") or g.get("p2") or "").lower().rstrip("s")
        return f"XXXX-WXX-{WEEKDAYS[g['wd'].lower()] + 1}" + (f"T{_PARTS[part]}" if part else ""), "set", "SET"
    if kind == "gmt":
        if ref is None:
            return None
        return f"{ref.isoformat()}T{g['h']}:{g['mi']}", "time", "TIME"
    if kind == "reldecade":
        if ref is None:
            return None
        rel = g["rel"].lower()
        if rel == "past":  # "over the past decade": the span of time up to now
            return ("P1C" if g["u"].lower() == "century" else "P10Y"), "duration", "DURATION"
        k = {"last": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[rel]
        if g["u"].lower() == "century":
            return f"{ref.year // 100 + k:02d}", "century", "DATE"
        return f"{ref.year // 10 + k:03d}", "decade", "DATE"
    if kind == "daytwo":
        if ref is None:
            return None
        shift = -2 if g["d"].lower().startswith("before") else 2
        return (ref + dt.timedelta(days=shift)).isoformat(), "day", "DATE"
    if kind == "endof":
        if ref is None:
            return None
        if g["u"].lower() == "week":
            return _week(ref), "week", "DATE"
        return f"{ref.year:04d}-{ref.month:02d}", "month", "DATE"
    if kind == "yearend":
        if ref is None:
            return None
        return f"{ref.year - (1 if g.get('since') else 0):04d}", "year", "DATE"
    if kind == "everyn":
        n = 2 if g["n"].lower() == "other" else _num(g["n"])
        u = g["u"].lower().rstrip("s")
        if not isinstance(n, int):
            return None
        return _amount(n, UNIT[u], u in ("hour", "minute")), "set", "SET"
    if kind == "midyear":
        return g["y"], "year", "DATE"
    if kind == "halfunit":
        u = g["u"].lower().rstrip("s")
        u = "century" if u == "centurie" else u
        if g.get("q"):
            if u != "century":
                return None  # "a quarter hour" is rare; "a quarter-point" is not a time
            return "P25Y", "duration", "DURATION"
        if u in ("decade", "century"):  # "half a century": P50Y, as decades are written in years
            return f"P{5 if u == 'decade' else 50}Y", "duration", "DURATION"
        if u == "quarter":
            return None
        return _amount(0.5, UNIT[u], u in ("hour", "minute")), "duration", "DURATION"
    if kind == "evalday":
        if ref is None or re.search(
            rf"\b(?i:today|yesterday|tomorrow|{_DAY})\s+(?:is|was|will\s+be)\s+$", text[max(0, m.start() - 25) : m.start()]
        ):
            return None  # "Today is a sad day": the day is named already
        return f"{_DOC_REL}D+0", "day", "DATE"
    if kind == "unitslater":
        before = text[max(0, m.start() - 12) : m.start()]
        if re.search(r"\b(?:the|those|these|first|last|early|final|recent|coming|next|past|few|several|many|some|"
                     r"of|\d+|\w+teen|\w+ty|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+$",
                     before, re.I):
            return None  # "in the days before the slaying": a time told by the event; a number: the "ago" rule
        u = g["u"].lower().rstrip("s")
        if g.get("ago"):
            return "PAST_REF", "fuzzy", "DATE"  # "weeks ago", as "several weeks ago"
        return f"P{'T' if u in ('hour', 'minute') else ''}X{UNIT[u]}", "duration", "DURATION"
    return None


_TRIGGER = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)|"
    r"today|yesterday|tomorrow|tonight|\bnow|current|recent|soon|past|future|week|month|year|quarter|decade|"
    r"centur|\bday|hour|minute|morning|afternoon|evening|night|spring|summer|fall\b|autumn|winter|lately|"
    r"time being|half|noon|midnight|midday|while|christmas|easter|halloween|thanksgiving|valentine|gmt|utc|daily|weekly|monthly|annually|yearly|hourly|nightly|ties\b|each|every|nineteen|thousand",
    re.IGNORECASE,
)
# Patterns tried only where one of these (lower-case) words is in the text.
_NEEDS = {
    "halfunit": ("half", "quarter"),
    "evalday": (" day",),
    "unitslater": ("later", "earlier", "after", "before", "ago"),
}
_MOD_DATE = re.compile(
    r"\b(?:(?:the\s+)?(?:early|late|mid)(?:\s+|-)|(?:earlier|later|sometime|right|around|about|"
    r"the\s+(?:end|beginning|middle|start)\s+of)\s+)+\Z",
    re.I,
)
_MOD_DURATION = re.compile(
    r"\b(?:(?:nearly|almost|about|around|roughly|more\s+than|less\s+than|at\s+least|up\s+to|no\s+more\s+than|"
    r"over|only|just)\s+|the\s+(?:latest\s+|same\s+)?)+\Z",
    re.I,
)
_TRIM_LEAD = re.compile(r"^(?:in|into|since|by|of|from|until|during|for|before|after|on|through|to)\s+", re.I)


def find_dates(text: str, ref: dt.date | dt.datetime | None = None) -> list[DateMention]:
    """Every temporal expression in ``text`` (non-overlapping, longest first, in text order)."""
    if isinstance(ref, dt.datetime):
        ref = ref.date()
    if not _TRIGGER.search(text):
        return []  # every pattern needs one of these words or a digit: most sentences are done here
    found: list[tuple[int, int, str, re.Match[str]]] = []
    low = None
    for kind, rx in PATTERNS:
        need = _NEEDS.get(kind)
        if need is not None:  # a rare pattern: only where its word is (a substring test costs next to nothing)
            low = text.lower() if low is None else low
            if not any(w in low for w in need):
                continue
        for m in rx.finditer(text):
            found.append((m.start(), m.end(), kind, m))
    found.sort(key=lambda t: (-(t[1] - t[0]), t[0]))
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for s, e, kind, m in found:
        if any(s < te and e > ts for ts, te in taken):
            continue
        try:
            got = _resolve(kind, m, text, ref)
        except (OverflowError, ValueError):  # "9999999 days ago", or "yesterday" of 1 January of year 1:
            got = None  # past the calendar's ends, so no date to give
        if got is None:
            continue
        span = text[s:e]
        lead = _TRIM_LEAD.match(span) if kind in ("year", "oldyear", "weekday", "monalone", "pxunits", "season") else None
        if kind == "weekday" and m.group("rel") and m.group("rel").lower() == "on":
            lead = re.match(r"on\s+", span, re.I)
        if kind == "year" and not lead:
            lead = re.match(r"the\s+", span, re.I)
        elif kind in ("weekend", "dayana"):
            lead = re.match(r"(?:over|ahead\s+of|(?:later|earlier)\s+in|in)\s+", span, re.I)
        elif kind == "endof":
            lead = re.match(r".*?(?=the\s)", span, re.I | re.S)  # the month; "the end of" joins as a modifier
        elif kind == "yearend" and m.group("since"):
            lead = re.match(r"since\s+", span, re.I)
        elif kind == "quarter":
            lead = re.match(
                r"the\s+(?=\w+-quarter)", span, re.I
            )  # "the third-quarter loss": the modifier alone
        if kind == "ago" and got[2] == "DURATION":
            e = s + len(span.rstrip()) - len(m.group("dir"))
            e = s + len(text[s:e].rstrip())  # "three days later": the span, "later" a signal
        if kind == "evalday":
            s = m.start("d")  # "a great day": TimeML's extent is the day alone
        if kind == "monalone" and m.group("art"):
            lead = re.match(r"\w+\s+", span)  # "the October slaying": the month
        if kind == "monalone" and m.group("pos"):
            e -= 2  # "December's figures": the month
        if lead:
            s += lead.end()
        value, gran, typ = got
        # TimeML's extent takes in the modifier ("early next year", "nearly two years", "the nine months").
        mod = (_MOD_DURATION if typ == "DURATION" else _MOD_DATE).search(text, max(0, s - 40), s)
        if mod and mod.group(0).lower().endswith("over ") and text[s:e].lower().startswith("the"):
            mod = None  # "over the next three quarters": a preposition there, not "more than"
        if mod and not any(mod.start() < te and s > ts for ts, te in taken):
            s = mod.start()
        span = text[s:e]
        taken.append((s, e))
        out.append(DateMention(span, s, e, value, gran, typ))
    out.sort(key=lambda d: d.start)
    return _join_times(text, _week_of(text, _doc_anaphora(_doc_quarters(_day_ranges(text, out), ref), ref)))


_RANGE_END = re.compile(r"\s*(?:and|to|through|-|\u2013)\s*(\d{1,2})\b(?!\s*(?:%|percent|[:.,]\d|p\.?m|a\.?m))")


def _day_ranges(text: str, found: list[DateMention]) -> list[DateMention]:
    """The second day of a range named by its number alone: "April 24 and 25", "May 3-5" (the 25th, the 5th)."""
    out: list[DateMention] = []
    for d in found:
        out.append(d)
        if not (re.fullmatch(r"\d{4}-\d\d-\d\d", d.value) and d.text[-1:].isdigit()):
            continue
        r = _RANGE_END.match(text, d.end)
        if r is None or not int(d.value[8:]) < int(r.group(1)) <= 31:
            continue
        if any(o.start < r.end(1) and o.end > r.start(1) for o in found):
            continue
        out.append(DateMention(r.group(1), r.start(1), r.end(1), f"{d.value[:8]}{int(r.group(1)):02d}", "day", "DATE"))
    return out


_WEEK_OF = re.compile(r"\b(?:the\s+)?week\s+of\s+$", re.I)


def _week_of(text: str, found: list[DateMention]) -> list[DateMention]:
    """"The week of Aug. 24": one mention, the week that day falls in."""
    out: list[DateMention] = []
    for d in found:
        w = _WEEK_OF.search(text, max(0, d.start - 16), d.start) if _DAY_VALUE.fullmatch(d.value) else None
        if w and not any(o.start < d.start and o.end > w.start() for o in out):
            try:
                day = dt.date.fromisoformat(d.value)
            except ValueError:  # "the week of 30 February": no such day
                out.append(d)
                continue
            d = DateMention(text[w.start() : d.end], w.start(), d.end, _week(day), "week", "DATE")
        out.append(d)
    return out


def _doc_anaphora(found: list[DateMention], ref: dt.date | None) -> list[DateMention]:
    """Dates given relative to the last one the text named (``_DOC_REL`` + "Y", "M" or "D" and a shift):
    "In 1995 ... the following year" is 1996, "Oct. 12, the day before the plunge" ... "that day" is Oct. 12,
    "the next day" the 13th, "in the morning" that day's morning; the publication date when none was named."""
    if ref is None:
        return [d for d in found if not d.value.startswith(_DOC_REL)]
    day, year, month = ref, ref.year, ref.month
    out: list[DateMention] = []
    for d in found:
        try:
            d = _anaphor(d, day, year, month)
        except (
            ValueError,
            OverflowError,
        ):  # "the next day" after "1 February 0000": past the calendar's ends
            continue
        if d is None:
            continue
        out.append(d)
        if re.match(r"\d{4}-\d\d-\d\d", d.value):
            try:
                day = dt.date.fromisoformat(d.value[:10])
            except ValueError:  # "30 February 2026": a day the calendar lacks, not one to count from
                continue
            year, month = day.year, day.month
        elif re.match(r"\d{4}-(?:0[1-9]|1[0-2])$", d.value):
            year, month = int(d.value[:4]), int(d.value[5:7])
        elif re.match(r"\d{4}(?:$|-)", d.value):
            year = int(d.value[:4])
    return out


def _anaphor(d: DateMention, day: dt.date, year: int, month: int) -> DateMention | None:
    """One mention with its value against the last date named (``_doc_anaphora``); others as they are."""
    month_of = re.fullmatch(r"@y([+-]\d+)-(\d\d)", d.value)
    if month_of:
        return DateMention(d.text, d.start, d.end, f"{year + int(month_of.group(1)):04d}-{month_of.group(2)}",
                           d.granularity, d.type)
    weekday = re.fullmatch(r"@K([+-])(\d)", d.value)
    if weekday:  # the weekday before or after the last day named (never that day itself)
        wd = int(weekday.group(2))
        if weekday.group(1) == "-":
            when = day - dt.timedelta(days=(day.weekday() - wd) % 7 or 7)
        else:
            when = day + dt.timedelta(days=(wd - day.weekday()) % 7 or 7)
        return DateMention(d.text, d.start, d.end, when.isoformat(), d.granularity, d.type)
    ana = re.fullmatch(r"@([YMWD])([+-]?\d+)(T\w+)?", d.value)
    if ana:
        unit, shift, part = ana.group(1), int(ana.group(2)), ana.group(3) or ""
        if unit == "Y":
            year += shift
            value = f"{year:04d}"
        elif unit == "M":
            year, month = _shift_months(dt.date(year, month, 1), shift)
            value = f"{year:04d}-{month:02d}"
        elif unit == "W":  # "that week", "the following week": the week of the last day named (that day stays)
            value = _week(day + dt.timedelta(weeks=shift))
        else:
            day = day + dt.timedelta(days=shift)
            year, month = day.year, day.month
            value = day.isoformat() + part
        return DateMention(d.text, d.start, d.end, value, d.granularity, d.type)
    return d


def _doc_quarters(found: list[DateMention], ref: dt.date | None) -> list[DateMention]:
    """Resolve the quarters known only from the document (``_DOC_QUARTER``): the quarter a results report is
    about is the first quarter of the last year it names (its lead: "third-quarter profit rose"), else the
    quarter just ended; "the quarter" is that one, "a year earlier" that quarter a year before."""
    if ref is None or not any(d.value.startswith(_DOC_QUARTER) for d in found):
        return found
    now = ref.year * 4 + _quarter(ref) - 1
    named = [
        d.value
        for d in found
        if re.fullmatch(r"\d{4}-Q[1-4]", d.value)
        and 1 <= now - (int(d.value[:4]) * 4 + int(d.value[-1]) - 1) <= 4
    ]  # ended, within a year
    base = named[0] if named else _quarter_value(ref.year, _quarter(ref) - 1)
    out = []
    for d in found:
        if d.value.startswith(_DOC_QUARTER):
            y, q = int(base[:4]), int(base[-1])
            arg = d.value[len(_DOC_QUARTER) :]
            y = int(arg) if len(arg) == 4 else y + int(arg)
            d = DateMention(d.text, d.start, d.end, _quarter_value(y, q), d.granularity, d.type)
        out.append(d)
    return out


_BETWEEN = re.compile(
    r"^,?\s*(?:(?:EST|EDT|CST|CDT|PST|PDT|GMT|BST|UTC|ET|PT|local time)\b,?\s*)?(?:on\s+)?$"
)


def _join_times(text: str, found: list[DateMention]) -> list[DateMention]:
    """A clock time followed by the day it falls on ("10 p.m. Wednesday", "5 p.m. EST Nov. 9", "noon
    Thursday") is one time on that day, not a time today and a separate day."""
    out: list[DateMention] = []
    i = 0
    while i < len(found):
        cur = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        if (
            nxt is not None
            and cur.type == "TIME"
            and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", cur.value)
            and nxt.granularity == "day"
            and re.fullmatch(r"\d{4}-\d\d-\d\d", nxt.value)
            and _BETWEEN.match(text[cur.end : nxt.start])
        ):
            out.append(
                DateMention(
                    text[cur.start : nxt.end],
                    cur.start,
                    nxt.end,
                    f"{nxt.value}T{cur.value[11:]}",
                    "time",
                    "TIME",
                )
            )
            i += 2
            continue
        out.append(cur)
        i += 1
    return _clock_days(text, out)


_CLOCK = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")


def _clock_days(text: str, found: list[DateMention]) -> list[DateMention]:
    """A clock time next to its day but not joined to it takes that day: "10:30 a.m. (0730 GMT) Friday" (both
    times), "Friday at 10:30 a.m."; a clock time alone stays on the publication day."""
    out = list(found)
    for i, cur in enumerate(out):
        if cur.type != "TIME" or not _CLOCK.fullmatch(cur.value) or not re.search(r"\d|noon|midnight|midday", cur.text, re.I):
            continue
        day = None
        j = i + 1  # after it, past any other clock times in brackets: "10:30 a.m. (0730 GMT) Friday"
        last_end = cur.end
        while j < len(out) and out[j].type == "TIME" and _CLOCK.fullmatch(out[j].value):
            if not re.fullmatch(r"\s*\(?\s*", text[last_end : out[j].start]):
                break
            last_end = out[j].end
            j += 1
        if (
            j < len(out)
            and _DAY_VALUE.fullmatch(out[j].value)
            and re.fullmatch(r"[\s,)]*(?:on\s+)?", text[last_end : out[j].start])
        ):
            day, upto = out[j].value, j
        elif (
            i > 0
            and _DAY_VALUE.fullmatch(out[i - 1].value)
            and re.fullmatch(r"\s*,?\s*(?:at\s+)?", text[out[i - 1].end : cur.start])
        ):
            day, upto = out[i - 1].value, i + 1  # "Friday at 10:30 a.m."
        if day is None:
            continue
        for k in range(i, upto):
            d = out[k]
            out[k] = DateMention(d.text, d.start, d.end, day + d.value[10:], d.granularity, d.type)
    return out
