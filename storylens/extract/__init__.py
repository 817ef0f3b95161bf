"""Extraction: raw HTML or plain text -> :class:`~storylens.model.Article`.

``extract(text_or_html, url=None)`` is the one entry point; it detects the
format, runs the HTML or plain-text extractor, then fills what the input's own
metadata knows better (JSONL fields, feed entries, sidecar files).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

from storylens.model import Article
from storylens.nlp.text import storable

_ID_SAFE = re.compile(r"[^A-Za-z0-9._:-]+")


def content_hash(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogatepass")
    return hashlib.sha256(data).hexdigest()


# Rules per known site: publishers that serve one outlet from several registrable domains.
# Keys and values are registrable domains seen in real URLs; nothing here is guessed from text.
SITE_RULES: dict[str, str] = {
    "bbc.com": "bbc.co.uk",
    "nytimes.com": "nytimes.com",
    "nyti.ms": "nytimes.com",
    "reut.rs": "reuters.com",
    "washingtonpost.com": "washingtonpost.com",
    "wapo.st": "washingtonpost.com",
    "theguardian.com": "theguardian.com",
    "guardian.co.uk": "theguardian.com",
    "cnn.it": "cnn.com",
    "apnews.com": "apnews.com",
    "ap.org": "apnews.com",
}

_HOST_PREFIXES = ("www.", "www1.", "www2.", "www3.", "m.", "amp.", "mobile.")


def _registrable(host: str) -> str:
    """example.co.uk for news.example.co.uk, from the public suffix list (bundled, offline)."""
    try:
        from tld import get_fld
    except ImportError:  # pragma: no cover - tld comes with trafilatura
        return host
    fld = get_fld(host, fix_protocol=True, fail_silently=True)
    return str(fld) if fld else host


def outlet_from_url(url: str | None) -> str | None:
    """The publisher from a URL: its registrable domain (``news.example.co.uk`` -> ``example.co.uk``),
    mapped through :data:`SITE_RULES`. None for URLs without a host name or with an IP address."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    host = host.lower().rstrip(".")
    if re.fullmatch(r"[\d.]+", host) or ":" in host:
        return None  # an IP address names a machine, not a publisher
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
    domain = _registrable(host)
    return SITE_RULES.get(domain, domain)


_URL_DATE = (
    re.compile(r"(?<![\d])((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?=/|$|[^\d])"),
    re.compile(r"(?<![\d])((?:19|20)\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?![\d])"),
    re.compile(r"(?<![\d])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d])"),
)


def date_from_url(url: str | None) -> dt.date | None:
    """A publication day written in a URL's path: ``/2024/03/05/``, ``2024-03-05`` or ``20240305``."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in _URL_DATE:
        for m in pattern.finditer(path):
            try:
                day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
            if day <= dt.date.today() + dt.timedelta(days=2):
                return day
    return None


def parse_date(value: Any) -> dt.datetime | dt.date | None:
    """Parse an ISO 8601 (or RFC 822, as feeds write) date; a bare day stays a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value
    s = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        try:
            return dt.date.fromisoformat(s)
        except ValueError:
            return None
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        from dateutil import parser as dparser

        return dparser.parse(s)
    except (ValueError, OverflowError, TypeError):
        return None


EARLIEST = dt.date(1800, 1, 1)  # older "publication dates" are mistakes, not news


def plausible_date(value: dt.datetime | dt.date) -> bool:
    """A publication date news can have: from 1800 to a year from today."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return EARLIEST <= day <= dt.date.today() + dt.timedelta(days=366)


_TAG = re.compile(r"<(link|meta)\b([^>]*)>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def page_url(html: str) -> str | None:
    """The page's own address: ``<link rel="canonical">``, else ``og:url`` (absolute http(s) only)."""
    import html as html_lib

    found: dict[str, str] = {}
    for m in _TAG.finditer(html[:200_000]):
        attrs = {a.group(1).lower(): (a.group(2) or a.group(3) or a.group(4) or "") for a in _ATTR.finditer(m.group(2))}
        if m.group(1).lower() == "link" and "canonical" in attrs.get("rel", "").lower().split():
            found.setdefault("canonical", attrs.get("href", ""))
        elif m.group(1).lower() == "meta" and attrs.get("property", attrs.get("name", "")).lower() == "og:url":
            found.setdefault("og", attrs.get("content", ""))
    for key in ("canonical", "og"):
        value = html_lib.unescape(found.get(key, "")).strip()
        if re.match(r"https?://[^/\s]+", value, re.I) and len(value) < 2000:
            return value
    return None


def detect_format(content: str) -> str:
    head = content[:4096].lstrip().lower()
    if head.startswith(("<!doctype", "<html", "<?xml")) or re.search(r"<(body|article|div|p)[\s>]", content[:50000], re.I):
        return "html"
    return "text"


def detect_language(text: str) -> str | None:
    if len(text) < 20:
        return None
    import py3langid

    lang, _ = py3langid.classify(text[:1500])  # a paragraph or two tells the language; the rest costs time
    return lang


def extract(
    content: str | bytes,
    url: str | None = None,
    *,
    meta: dict[str, Any] | None = None,
    format: str | None = None,
    source: str | None = None,
    raw: bytes | None = None,
) -> Article:
    """Extract one article from HTML or plain text."""
    from storylens.sources import decode_bytes

    if isinstance(content, bytes):
        raw = raw or content
        content = decode_bytes(content)
    content = storable(content)
    meta = {k: storable(v) if isinstance(v, str) else v for k, v in (meta or {}).items()}
    url = storable(url) if url else meta.get("url")
    fmt = format or detect_format(content)
    if fmt == "html":
        from storylens.extract.html import extract_html

        art = extract_html(content, url=url)
    else:
        from storylens.extract.text import extract_text

        art = extract_text(content)
    chash = content_hash(raw if raw is not None else content)
    ext_id = meta.get("id")
    art_id = _ID_SAFE.sub("_", str(ext_id))[:120] if ext_id else chash[:16]
    upd: dict[str, Any] = {"id": art_id, "content_hash": chash, "external_id": str(ext_id) if ext_id else None,
                           "source": source or url, "url": url or art.url or (page_url(content) if fmt == "html" else None),
                           "format": fmt}
    # Input metadata outranks what the page says about itself.
    # a field that cleans to nothing (a NUL, blanks) is no field: None, not ""
    m_outlet, m_title, m_byline = (str(meta.get(k) or "").strip() for k in ("outlet", "title", "byline"))
    if m_outlet:
        upd.update(outlet=m_outlet, outlet_from="input")
    elif not art.outlet and (from_url := outlet_from_url(upd["url"])):
        upd.update(outlet=from_url, outlet_from="url")
    if m_title:
        upd.update(title=m_title, title_from="input")
    if meta.get("published"):
        parsed = parse_date(meta["published"])
        if parsed is not None:
            upd.update(published=parsed, published_from=meta.get("published_from", "jsonl"))
    if not art.byline and m_byline:
        upd.update(byline=m_byline)
    if "published" not in upd and art.published is None:
        day = date_from_url(upd["url"])
        if day is not None:
            upd.update(published=day, published_from="url")
    art = art.model_copy(update=upd)
    if art.published is not None and not plausible_date(art.published):
        # year 1 or 9999 from a page or a record is no publication date, and every date the article's text
        # gives relative to it ("yesterday") would fall off the calendar
        art = art.model_copy(update={"published": None, "published_from": None})
    if art.language is None:
        art.language = detect_language(art.text)
    return art


__all__ = ["SITE_RULES", "content_hash", "date_from_url", "detect_format", "extract", "outlet_from_url", "page_url", "parse_date",
           "plausible_date", "storable"]
