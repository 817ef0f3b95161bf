"""Who came first: publication time when known, else the text (sources are more specific)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from storylens.model import Article
from storylens.reuse.features import Feat

DIR_FEATURES = ["specifics", "quotes", "generic_words", "length", "containment", "sentence_length", "word_length",
                "said"]


@dataclass
class Direction:
    source: str
    derived: str
    by: str  # "published" | "text" | "chain"
    confidence: float
    evidence: list[str] = field(default_factory=list)


def _as_datetime(a: Article) -> dt.datetime | None:
    p = a.published
    if p is None:
        return None
    if isinstance(p, dt.datetime):
        return p if p.tzinfo else p.replace(tzinfo=dt.UTC)
    return dt.datetime(p.year, p.month, p.day, tzinfo=dt.UTC)


def from_dates(a: Article, b: Article) -> Direction | None:
    ta, tb = _as_datetime(a), _as_datetime(b)
    if ta is None or tb is None or ta == tb:
        return None
    day_only = not isinstance(a.published, dt.datetime) or not isinstance(b.published, dt.datetime)
    if day_only and ta.date() == tb.date():
        return None
    first, second = (a, b) if ta < tb else (b, a)
    gap = abs(tb - ta)
    conf = 0.97 if gap >= dt.timedelta(hours=1) else 0.85
    return Direction(first.id, second.id, "published", conf,
                     [f"{first.id} was published {first.published}, before {second.id} ({second.published})"])


def direction_features(a: Feat, b: Feat, cov_b_in_a: float, cov_a_in_b: float) -> tuple[list[float], int, int]:
    """Antisymmetric features: positive values point to ``a`` as the source."""
    sa, sb = a.spec, b.spec
    a_only = (len(sa.names - sb.names) + len(sa.numbers - sb.numbers) + len(sa.dates - sb.dates)
              + int(sa.dateline and not sb.dateline))
    b_only = (len(sb.names - sa.names) + len(sb.numbers - sa.numbers) + len(sb.dates - sa.dates)
              + int(sb.dateline and not sa.dateline))
    spec = (a_only - b_only) / (a_only + b_only + 2)
    quotes = (sa.quotes - sb.quotes) / (sa.quotes + sb.quotes + 1)
    # padding words per 100 words, smoothed so that one word more or less decides nothing
    ga = 100 * sa.n_generic / (sa.n_words + 100)
    gb = 100 * sb.n_generic / (sb.n_words + 100)
    generic = (gb - ga) / (gb + ga + 3)
    length = math.log((sa.n_words + 1) / (sb.n_words + 1))
    contain = cov_b_in_a - cov_a_in_b
    avg_a = sa.n_words / max(1, len(a.sentences))
    avg_b = sb.n_words / max(1, len(b.sentences))
    sent_len = math.log((avg_b + 1) / (avg_a + 1))
    # mean word length (rewrites, LLM ones above all, choose longer words) and the density of a reporter's
    # plain attribution ("said"), which rewrites replace with "stated", "noted", "according to"
    wl = sb.n_chars / max(1, sb.n_words) - sa.n_chars / max(1, sa.n_words)
    said = 100 * sa.n_said / (sa.n_words + 100) - 100 * sb.n_said / (sb.n_words + 100)
    return [spec, quotes, generic, length, contain, sent_len, wl, said], a_only, b_only


def text_score(a: Feat, b: Feat, cov_b_in_a: float, cov_a_in_b: float) -> tuple[float, list[str]]:
    """Positive when ``a`` looks like the source of ``b``; with the reasons, strongest first."""
    from storylens.reuse import decision_coef

    f, a_only, b_only = direction_features(a, b, cov_b_in_a, cov_a_in_b)
    contrib = [w * x for w, x in zip(decision_coef.DIR_COEF, f, strict=True)]
    z = sum(contrib)
    src, der = (a, b) if z >= 0 else (b, a)
    sa, sb = (a.spec, b.spec) if z >= 0 else (b.spec, a.spec)
    reasons: list[tuple[float, str]] = []
    sign = 1 if z >= 0 else -1
    for k, c in enumerate(contrib):
        if c * sign <= 0.05:
            continue
        name = DIR_FEATURES[k]
        if name == "specifics":
            n_s, n_d = (a_only, b_only) if z >= 0 else (b_only, a_only)
            txt = (f"{src.id} has more specific details of its own (names, figures, dates: {n_s} vs {n_d}); "
                   "rewrites tend to generalise")
        elif name == "quotes":
            txt = f"{src.id} has more direct quotes ({sa.quotes} vs {sb.quotes}); rewrites turn them into paraphrase"
        elif name == "generic_words":
            txt = (f"{der.id} uses more vague or padding words ({sb.n_generic} in {sb.n_words} words vs "
                   f"{sa.n_generic} in {sa.n_words})")
        elif name == "length":
            txt = f"{src.id} is longer ({sa.n_words} vs {sb.n_words} words); rewrites tend to condense"
        elif name == "containment":
            txt = f"more of {der.id}'s sentences are found in {src.id} than the other way round"
        elif name == "word_length":
            if abs(f[k]) < 0.2:
                continue  # a tenth of a letter decides nothing a reader should be told about
            txt = (f"{der.id} uses longer words ({sb.n_chars / max(1, sb.n_words):.1f} vs "
                   f"{sa.n_chars / max(1, sa.n_words):.1f} letters on average), as rewrites do")
        elif name == "said":
            if abs(sa.n_said - sb.n_said) < 2:
                continue
            txt = (f"{src.id} attributes with plain 'said' more often ({sa.n_said} vs {sb.n_said} times); "
                   "rewrites vary the attribution")
        else:
            txt = f"{der.id} has longer sentences (rewrites merge sentences)"
        reasons.append((abs(c), txt))
    return z, [t for _, t in sorted(reasons, key=lambda r: -r[0])]


def from_text(a: Feat, b: Feat, cov_b_in_a: float, cov_a_in_b: float) -> Direction:
    z, ev = text_score(a, b, cov_b_in_a, cov_a_in_b)
    conf = 1.0 / (1.0 + math.exp(-min(abs(z), 50.0)))
    if z >= 0:
        return Direction(a.id, b.id, "text", conf, ev)
    return Direction(b.id, a.id, "text", conf, ev)


def decide(a: Feat, b: Feat, cov_b_in_a: float, cov_a_in_b: float, use_dates: bool = True) -> Direction:
    d = from_dates(a.article, b.article) if use_dates else None
    t = from_text(a, b, cov_b_in_a, cov_a_in_b)
    if d is None:
        return t
    if t.source == d.source:
        d.evidence += [f"the text agrees: {e}" for e in t.evidence]
    else:
        d.confidence = max(0.6, d.confidence - 0.25 * (t.confidence - 0.5) * 2)
        d.evidence.append("the text points the other way: " + "; ".join(t.evidence or ["(weakly)"]))
    return d
