"""Page metadata for HTML extraction: JSON-LD, meta tags, visible title, byline and dateline.

Everything here reads one parsed lxml tree; nothing parses the HTML again.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

_WS = re.compile(r"\s+")
_MAX_JSONLD = 200_000

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE_PATTERNS = [
    # 2025-03-04 (ISO)
    (re.compile(r"\b(20\d\d|19\d\d)-(\d{1,2})-(\d{1,2})\b"), ("y", "m", "d")),
    # March 4, 2025 / Mar 4th 2025
    (re.compile(_MON + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I), ("mon", "d", "y")),
    # 4 March 2025 / 4th of March, 2025
    (re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(\d{4})\b", re.I), ("d", "mon", "y")),
    # 2025/03/04 or 2025.03.04
    (re.compile(r"\b(20\d\d)[/.](\d{1,2})[/.](\d{1,2})\b"), ("y", "m", "d")),
    # 03/04/2025 (US order; day-first when the first number is over 12)
    (re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](20\d\d)\b"), ("a", "b", "y")),
]
_UPDATED_CUE = re.compile(r"\b(updated|modified|revised|reviewed)\b", re.I)
_PUBLISHED_CUE = re.compile(r"\b(published|posted|written|on)\b", re.I)


def clean_ws(s: str | None) -> str:
    return _WS.sub(" ", s or "").strip()


def unescape_ws(s: str | None) -> str:
    """Whitespace-collapsed text with HTML entities that sites double-escape in meta tags decoded."""
    return clean_ws(html_lib.unescape(s or ""))


def node_text(el: HtmlElement) -> str:
    try:
        return clean_ws(el.text_content())
    except ValueError:
        return ""


# ------------------------------------------------------------------ meta tags and JSON-LD


def meta_tags(tree: HtmlElement) -> dict[str, str]:
    """name/property/itemprop (lowercased) -> first non-empty content."""
    out: dict[str, str] = {}
    for m in tree.iter("meta"):
        key = m.get("property") or m.get("name") or m.get("itemprop") or ""
        val = m.get("content")
        if not key or not val:
            continue
        key = key.strip().lower()
        if key not in out and val.strip():
            out[key] = unescape_ws(val)
    return out


def _walk_ld(obj: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(obj, list):
        for x in obj:
            yield from _walk_ld(x, depth + 1)
    elif isinstance(obj, dict):
        yield obj
        if "@graph" in obj:
            yield from _walk_ld(obj["@graph"], depth + 1)
        main = obj.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _walk_ld(main, depth + 1)


def jsonld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    objs: list[dict[str, Any]] = []
    for s in tree.iter("script"):
        if (s.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (s.text or "").strip()
        if not raw or len(raw) > _MAX_JSONLD:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # some sites leave raw newlines or trailing commas
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw.replace("\n", " ")))
            except ValueError:
                continue
        objs.extend(_walk_ld(data))
    return objs


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.lower()}
    if isinstance(t, list):
        return {str(x).lower() for x in t}
    return set()


_ARTICLE_TYPES = ("article", "posting", "report", "review", "webpage", "recipe", "howto")


def article_ld(objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """JSON-LD objects that describe the page's article, most specific first."""

    def rank(o: dict[str, Any]) -> int:
        ts = _types(o)
        if any("article" in t or "posting" in t for t in ts):
            return 0
        if any(t in ("report", "review", "recipe", "howto") for t in ts):
            return 1
        if any("webpage" in t for t in ts):
            return 2
        return 9

    ranked = [(rank(o), i, o) for i, o in enumerate(objs)]
    return [o for r, _, o in sorted(ranked, key=lambda x: (x[0], x[1])) if r < 9]


def _ld_names(value: Any, objs_by_id: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """(name, type) pairs from a JSON-LD author/publisher value."""
    out: list[tuple[str, str]] = []
    vals = value if isinstance(value, list) else [value]
    for v in vals[:20]:
        if isinstance(v, str):
            out.append((v, "person"))
        elif isinstance(v, dict):
            ref = v.get("@id")
            if "name" not in v and isinstance(ref, str) and ref in objs_by_id:
                v = objs_by_id[ref]
            name = v.get("name")
            if isinstance(name, list):
                name = name[0] if name else None
            if isinstance(name, str):
                ts = _types(v)
                out.append((name, "organization" if any("organization" in t for t in ts) else "person"))
    return out


@dataclass
class PageMeta:
    meta: dict[str, str]
    ld: list[dict[str, Any]]
    ld_article: list[dict[str, Any]]
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, tree: HtmlElement) -> PageMeta:
        objs = jsonld_objects(tree)
        ids = {o["@id"]: o for o in objs if isinstance(o.get("@id"), str)}
        return cls(meta_tags(tree), objs, article_ld(objs), ids)

    def ld_value(self, key: str) -> Any:
        for o in self.ld_article:
            v = o.get(key)
            if v:
                return v
        return None

    def site_names(self) -> list[str]:
        names: list[str] = []
        for key in ("og:site_name", "application-name", "twitter:site", "al:ios:app_name"):
            if self.meta.get(key):
                names.append(self.meta[key].lstrip("@"))
        pub = self.ld_value("publisher")
        names += [n for n, _ in _ld_names(pub, self.ids)] if pub else []
        for o in self.ld:
            if _types(o) & {"website", "organization"} and isinstance(o.get("name"), str):
                names.append(o["name"])
        return [clean_ws(n) for n in names if n and len(n) < 100]

    def outlet(self) -> str | None:
        if self.meta.get("og:site_name"):
            return self.meta["og:site_name"][:100]
        pub = self.ld_value("publisher")
        names = _ld_names(pub, self.ids) if pub else []
        return clean_ws(names[0][0])[:100] if names else None

    def authors(self) -> tuple[list[str], str]:
        """Author names from JSON-LD, then meta tags; with where they came from."""
        val = self.ld_value("author") or self.ld_value("creator")
        if val:
            names = _ld_names(val, self.ids)
            people = [n for n, t in names if t == "person"]
            if people:
                return people, "jsonld"
            if names:
                return [n for n, _ in names], "jsonld-org"
        for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
                    "dcterms.creator", "byl", "twitter:creator"):
            v = self.meta.get(key)
            if v and not v.startswith(("http://", "https://", "@")):
                return [v], "meta"
        return [], ""

    def dates(self) -> tuple[dt.datetime | dt.date | None, dt.datetime | dt.date | None]:
        """(published, modified) from JSON-LD and meta tags."""
        pub = parse_iso(self.ld_value("datePublished") or self.ld_value("dateCreated"))
        if pub is None:
            for key in ("article:published_time", "og:published_time", "datepublished", "parsely-pub-date",
                        "sailthru.date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created",
                        "pubdate", "publish-date", "publish_date", "date", "article.published"):
                pub = parse_iso(self.meta.get(key))
                if pub is not None:
                    break
        mod = parse_iso(self.ld_value("dateModified"))
        if mod is None:
            for key in ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                        "last-modified"):
                mod = parse_iso(self.meta.get(key))
                if mod is not None:
                    break
        return pub, mod


def parse_iso(value: Any) -> dt.datetime | dt.date | None:
    if not isinstance(value, str):
        if isinstance(value, list) and value:
            return parse_iso(value[0])
        return None
    s = value.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?", s)
    if not m:
        return parse_text_date(s)
    try:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if m.group(4) is None:
            return dt.date(y, mo, d)
        tz: dt.tzinfo | None = None
        if m.group(7):
            z = m.group(7)
            if z == "Z":
                tz = dt.timezone.utc
            else:
                sign = 1 if z[0] == "+" else -1
                z = z[1:].replace(":", "")
                tz = dt.timezone(sign * dt.timedelta(hours=int(z[:2]), minutes=int(z[2:])))
        t = dt.datetime(y, mo, d, int(m.group(4)), int(m.group(5)), int(m.group(6) or 0), tzinfo=tz)
        return t if tz is not None else t.date()
    except ValueError:
        return None


def parse_text_date(s: str, *, earliest: int = 1995, latest: int | None = None) -> dt.date | None:
    """The first full date (day, month, year) written in ``s``."""
    latest = latest or dt.date.today().year + 1
    best: tuple[int, dt.date] | None = None
    for rx, order in _DATE_PATTERNS:
        m = rx.search(s)
        if not m:
            continue
        parts = dict(zip(order, m.groups(), strict=True))
        try:
            y = int(parts["y"])
            if "mon" in parts:
                mo = MONTHS[parts["mon"].lower().rstrip(".")]
                d = int(parts["d"])
            elif "a" in parts:
                a, b = int(parts["a"]), int(parts["b"])
                mo, d = (b, a) if a > 12 else (a, b)
            else:
                mo, d = int(parts["m"]), int(parts["d"])
            if not earliest <= y <= latest:
                continue
            found = dt.date(y, mo, d)
        except (KeyError, ValueError):
            continue
        if best is None or m.start() < best[0]:
            best = (m.start(), found)
    return best[1] if best else None


def url_date(url: str | None) -> dt.date | None:
    """A publication day written in the URL's path (one rule set for HTML and the dispatcher)."""
    from storylens.extract import date_from_url

    return date_from_url(url)


# ------------------------------------------------------------------ title

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|•|·|::|»|/|~)\s+|\s*\|\s*")


def _key(s: str) -> str:
    return re.sub(r"[^\w]+", "", s.lower())


def _tokens(s: str) -> set[str]:
    return set(re.findall(r"\w+", s.lower()))


def similar(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def strip_site_name(title: str, site_names: Iterable[str], host: str | None) -> str:
    """Drop a leading or trailing ' | Site Name' style segment."""
    title = clean_ws(title)
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    keys = {_key(n) for n in site_names if n}
    host_key = _key((host or "").removeprefix("www.").rsplit(".", 1)[0]) if host else ""

    def is_site(seg: str) -> bool:
        k = _key(seg)
        if not k:
            return True
        if k in keys or any(k and (k in sk or sk in k) and len(sk) > 3 for sk in keys):
            return True
        return bool(host_key) and (k in host_key or host_key in k) and len(k) > 2

    changed = True
    while changed and len(parts) > 1:
        changed = False
        if is_site(parts[-1]):
            parts.pop()
            changed = True
        elif is_site(parts[0]):
            parts.pop(0)
            changed = True
    if len(parts) > 1 and len(_tokens(parts[-1])) <= 4 < len(_tokens(" ".join(parts[:-1]))):
        # a short trailing segment after a long headline is almost always a site or section name
        parts.pop()
    # rebuild with the separators that were in the original title
    first, last = parts[0], parts[-1]
    i, j = title.find(first), title.rfind(last)
    if i >= 0 and j >= i:
        return title[i : j + len(last)].strip()
    return " | ".join(parts)


def h1_candidates(tree: HtmlElement) -> list[HtmlElement]:
    return [h for h in tree.iter("h1")][:10]


def in_main(el: HtmlElement) -> bool:
    for a in el.iterancestors():
        if a.tag in ("article", "main"):
            return True
        if a.tag in ("header", "nav", "footer", "aside"):
            return False
    return False
