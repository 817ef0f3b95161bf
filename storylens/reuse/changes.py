"""Changes of substance between an aligned source and derived sentence, with spans and a reason."""

from __future__ import annotations

import re

from storylens.model import Change, Span
from storylens.nlp.text import STOPWORDS
from storylens.reuse.features import ALIASES, dates_in, norm_name, norm_number, stem

_NUMBER = re.compile(
    r"(?<![\w.])(?:[$€£¥]\s?)?\d+(?:[.,:]\d+)*(?:\s?(?:%|percent|per cent|million|billion|trillion|bn|m)\b)?",
    re.IGNORECASE,
)
_NEG = re.compile(r"\b(?:not|no|never|none|neither|nor|without|cannot|denied|denies|refused|n't)\b|n't\b", re.I)
_HEDGE = re.compile(
    r"\b(?:may|might|could|possibly|perhaps|likely|unlikely|reportedly|allegedly|expected|probably|appears?|"
    r"seems?|suggests?|considering|plans?|planned|aims?)\b",
    re.I,
)
_CERTAIN = re.compile(r"\b(?:will|shall|definitely|certainly|confirmed|must|is set to|has agreed)\b", re.I)
_ATTRIB = re.compile(
    r"\baccording to ([^,.;]{2,60})|\b([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*|sources|officials)\s+"
    r"(?:said|says|told|reported|announced|stated)\b"
)
_TOKEN = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*\.?", re.UNICODE)
_QUANT = {"both", "all", "each", "either", "neither", "every", "many", "several", "some"}
_CALENDAR = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)",
                       re.I)
_NAME_TOKEN = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z][\w’'-]*$")


def _span(text: str, m: re.Match[str] | tuple[int, int]) -> Span:
    s, e = (m.start(), m.end()) if isinstance(m, re.Match) else m
    return Span(text=text[s:e], start=s, end=e)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    out = []
    for m in _TOKEN.finditer(text):
        t = m.group(0)
        if not re.fullmatch(r"(?:[A-Z]\.){2,}", t):
            t = t.rstrip(".")
        out.append((t, m.start(), m.start() + len(t)))
    return out


def _possessor(text: str, toks: list[tuple[str, int, int]], k: int) -> tuple[str, int] | None:
    """The name or quantifier right before token k ("Trump's side", "both sides", "U.S. defense")."""
    if k == 0:
        return None
    t, s, e = toks[k - 1]
    if text[e : toks[k][1]].strip():  # punctuation between: not a modifier
        return None
    low = t.lower()
    if low in _QUANT:
        return low, k - 1
    base = re.sub(r"['’]s$", "", t)
    if _NAME_TOKEN.match(base) and low not in STOPWORDS and not _CALENDAR.match(low):
        return norm_name(base), k - 1
    return None


def _actor_changes(src: str, der: str, si: int, di: int) -> list[Change]:
    """A noun kept by the rewrite but credited to someone else ("X's side" -> "both sides", "spending" ->
    "U.S. spending")."""
    out: list[Change] = []
    st, dt_ = _tokens(src), _tokens(der)
    src_index: dict[str, list[int]] = {}
    for k, (t, _, _) in enumerate(st):
        if t.lower() not in STOPWORDS and not _NAME_TOKEN.match(t):
            src_index.setdefault(stem(t), []).append(k)
    seen: set[str] = set()
    for k, (t, ds, de) in enumerate(dt_):
        if t.lower() in STOPWORDS or _NAME_TOKEN.match(t) or k == 0 or not t.isalpha() or len(t) < 3:
            continue
        ks = src_index.get(stem(t))
        if not ks or stem(t) in seen:
            continue
        dpos = _possessor(der, dt_, k)
        spos = [(_possessor(src, st, q), q) for q in ks]
        s_owner = next(((p, q) for p, q in spos if p is not None), None)
        d_owner = dpos[0] if dpos else None
        s_owner_name = s_owner[0][0] if s_owner and s_owner[0] else None
        if d_owner == s_owner_name:
            continue
        if d_owner is None and s_owner_name is None:
            continue
        # the same owner named a little later in the source ("imports from Japan" vs "Japanese imports")
        q0 = ks[0]
        after = {norm_name(x[0]) for x in st[q0 + 1 : q0 + 4]}
        if d_owner and d_owner in after:
            continue
        if s_owner_name and s_owner_name in ALIASES.values() and d_owner is None:
            continue
        if d_owner is None and s_owner and not re.search(r"['’]s$", st[s_owner[0][1]][0]):
            continue  # "Ishiba plans" -> "plans": a dropped subject, not a dropped owner
        seen.add(stem(t))
        if s_owner and s_owner[0]:
            q = s_owner[0][1]
            sspan = Span(text=src[st[q][1] : st[s_owner[1]][2]], start=st[q][1], end=st[s_owner[1]][2])
        else:
            q = ks[0]
            sspan = Span(text=src[st[q][1] : st[q][2]], start=st[q][1], end=st[q][2])
        if dpos:
            dspan = Span(text=der[dt_[dpos[1]][1] : de], start=dt_[dpos[1]][1], end=de)
        else:
            dspan = Span(text=der[ds:de], start=ds, end=de)
        if s_owner_name and d_owner:
            why = f"'{t}' is credited to '{dspan.text.split()[0]}' instead of '{sspan.text.split()[0]}'"
            score = 0.9
        elif d_owner:
            why = f"the rewrite adds '{dspan.text.split()[0]}' as the owner of '{t}', which the source leaves open"
            score = 0.7
        else:
            why = f"the rewrite drops '{sspan.text.split()[0]}' as the owner of '{t}'"
            score = 0.5
        out.append(Change(kind="actor", source=sspan, derived=dspan, source_index=si, derived_index=di,
                          explanation=why, score=score))
    return out


def _set_changes(kind: str, src_items: list[tuple[str, Span]], der_items: list[tuple[str, Span]], si: int,
                 di: int, noun: str) -> list[Change]:
    s_keys = {k for k, _ in src_items}
    d_keys = {k for k, _ in der_items}
    s_only = [(k, sp) for k, sp in src_items if k not in d_keys]
    d_only = [(k, sp) for k, sp in der_items if k not in s_keys]
    out = []
    for (_, a), (_, b) in zip(s_only, d_only, strict=False):
        out.append(Change(kind=kind, source=a, derived=b, source_index=si, derived_index=di,  # type: ignore[arg-type]
                          explanation=f"{noun} '{a.text}' became '{b.text}'"))
    return out


def _names(text: str) -> list[tuple[str, Span]]:
    from storylens.reuse.features import sentence_names

    out = []
    pos = 0
    for n in sentence_names(text):
        s = text.find(n, pos)
        if s < 0:
            s = text.find(n)
        if s < 0:
            continue
        pos = s + len(n)
        out.append((norm_name(n), Span(text=n, start=s, end=s + len(n))))
    return out


def _pattern_flag(rx: re.Pattern[str], text: str) -> list[re.Match[str]]:
    return list(rx.finditer(text))


def _modal_first(ms: list[re.Match[str]]) -> list[re.Match[str]]:
    """Modal verbs ("may", "might", "could") first: they carry the hedge most plainly."""
    return sorted(ms, key=lambda m: (m.group(0).lower() not in {"may", "might", "could"}, m.start()))


def find_changes(src: str, der: str, si: int, di: int) -> list[Change]:
    """Every change of substance between one aligned pair of sentences."""
    out: list[Change] = []
    sd = [(d, _span(src, m)) for d, m in dates_in(src)]
    dd = [(d, _span(der, m)) for d, m in dates_in(der)]
    out += _set_changes("date", sd, dd, si, di, "the date")
    date_spans = [sp for _, sp in sd] + [sp for _, sp in dd]

    def not_in_date(sp: Span, spans: list[Span]) -> bool:
        return not any(d.start is not None and sp.start is not None and d.start <= sp.start < (d.end or 0)
                       for d in spans)

    sn = [(norm_number(m.group(0)), _span(src, m)) for m in _NUMBER.finditer(src)]
    dn = [(norm_number(m.group(0)), _span(der, m)) for m in _NUMBER.finditer(der)]
    sn = [x for x in sn if not_in_date(x[1], [s for _, s in sd])]
    dn = [x for x in dn if not_in_date(x[1], [s for _, s in dd])]
    out += _set_changes("number", sn, dn, si, di, "the figure")
    del date_spans
    # names swapped for other names (not just dropped or added)
    s_names, d_names = _names(src), _names(der)
    s_keys, d_keys = {k for k, _ in s_names}, {k for k, _ in d_names}

    def loose(k: str, keys: set[str]) -> bool:
        return any(k == x or k.split()[-1] == x.split()[-1] or x.startswith(k[:5]) or k.startswith(x[:5])
                   for x in keys)

    s_only = [(k, sp) for k, sp in s_names if not loose(k, d_keys)]
    d_only = [(k, sp) for k, sp in d_names if not loose(k, s_keys)]
    for (_, a), (_, b) in zip(s_only, d_only, strict=False):
        out.append(Change(kind="entity", source=a, derived=b, source_index=si, derived_index=di,
                          explanation=f"'{a.text}' in the source, '{b.text}' in the rewrite", score=0.6))
    entity_spans = [(c.source.start or 0, c.source.end or 0) for c in out if c.kind == "entity"]
    for c in _actor_changes(src, der, si, di):
        cs = c.source.start or 0
        if not any(a <= cs < b for a, b in entity_spans):  # already reported as a swapped name
            out.append(c)
    # negation flips
    sneg, dneg = _pattern_flag(_NEG, src), _pattern_flag(_NEG, der)
    if len(sneg) % 2 != len(dneg) % 2:
        a = _span(src, sneg[0]) if sneg else Span(text=src, start=0, end=len(src))
        b = _span(der, dneg[0]) if dneg else Span(text=der, start=0, end=len(der))
        which = "source" if sneg else "rewrite"
        out.append(Change(kind="negation", source=a, derived=b, source_index=si, derived_index=di,
                          explanation=f"only the {which} is negated", score=0.7))
    # hedging: "may" -> "will" and back
    sh, dh = _modal_first(_pattern_flag(_HEDGE, src)), _modal_first(_pattern_flag(_HEDGE, der))
    sc, dc = _pattern_flag(_CERTAIN, src), _pattern_flag(_CERTAIN, der)
    if sh and not dh and dc:
        out.append(Change(kind="hedging", source=_span(src, sh[0]), derived=_span(der, dc[0]), source_index=si,
                          derived_index=di, explanation=f"'{sh[0].group(0)}' became '{dc[0].group(0)}': "
                          "the rewrite states as certain what the source hedged", score=0.8))
    elif sh and not dh:
        out.append(Change(kind="hedging", source=_span(src, sh[0]), derived=Span(text=der, start=0, end=len(der)),
                          source_index=si, derived_index=di, explanation=f"the source hedges ('{sh[0].group(0)}'); "
                          "the rewrite states it as fact", score=0.6))
    elif dh and not sh and sc:
        out.append(Change(kind="hedging", source=_span(src, sc[0]), derived=_span(der, dh[0]), source_index=si,
                          derived_index=di, explanation=f"'{sc[0].group(0)}' became '{dh[0].group(0)}': "
                          "the rewrite hedges what the source stated", score=0.7))
    # attribution dropped or changed
    sa, da = _ATTRIB.search(src), _ATTRIB.search(der)
    if sa and not da:
        out.append(Change(kind="attribution", source=_span(src, sa), derived=Span(text=der, start=0, end=len(der)),
                          source_index=si, derived_index=di,
                          explanation=f"the source attributes this ('{sa.group(0)}'); the rewrite states it "
                          "without attribution", score=0.6))
    elif sa and da:
        who_s = norm_name(sa.group(1) or sa.group(2) or "")
        who_d = norm_name(da.group(1) or da.group(2) or "")
        if who_s and who_d and who_s != who_d and not loose(who_s, {who_d}):
            out.append(Change(kind="attribution", source=_span(src, sa), derived=_span(der, da), source_index=si,
                              derived_index=di, explanation=f"attributed to '{who_d}' instead of '{who_s}'",
                              score=0.7))
    return out
