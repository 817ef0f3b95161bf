"""HTML -> Article, built on trafilatura, with our own metadata, captions, comments and furniture.

The page is parsed once with lxml; trafilatura works on (a copy of) that tree for the body,
and everything else (JSON-LD, meta tags, the visible headline, byline and dateline next to it,
figure captions, comment threads, link lists) is read from the same tree. Every block that is
not kept in the body is listed in ``Article.removed`` with the rule that decided it.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from storylens.extract.html_meta import (
    PageMeta,
    clean_ws,
    in_main,
    node_text,
    parse_iso,
    parse_text_date,
    similar,
    strip_site_name,
    unescape_ws,
    url_date,
)
from storylens.model import Article, Comment, LineKind, RemovedLine

MAX_HTML_CHARS = 5_000_000
MAX_REMOVED = 400
MAX_LINE = 2000

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "head", "title", "meta", "link"}
_BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "figcaption",
               "blockquote", "pre", "caption", "address")
_NAV_RX = re.compile(r"(^|[\s_-])(nav|navbar|navigation|menu|breadcrumbs?|footer|header|masthead|sidebar|"
                     r"widget|cookie|consent|newsletter|subscribe|social|share|sharing|tags?|pagination)([\s_-]|$)", re.I)
_RELATED_RX = re.compile(r"related|popular|trending|recommend|more-?(stories|articles|news)|read-?next|"
                         r"most-?(read|viewed)|you-?may|also-?like|latest", re.I)
_COMMENTS_RX = re.compile(r"(^|[\s_-])(comments?|commentlist|comment-list|comments-area|disqus_thread|"
                          r"discussion|responses)([\s_-]|$)", re.I)
_COMMENT_ITEM_ID = re.compile(r"^(li-|div-)?comment-\d+$", re.I)
_COMMENT_ITEM_CLS = re.compile(r"(^|\s)(comment|comment-item|single-comment|comment-entry|c-comment)(\s|$)", re.I)
_COMMENT_BODY_CLS = re.compile(r"comment[-_]?(content|text|body)|(^|\s)(content|text|body)(\s|$)", re.I)
_AUTHOR_CLS = re.compile(r"author|byline|(^|\s)fn(\s|$)|user-?name|commenter", re.I)
_BYLINE_CLS = re.compile(r"(^|[\s_-])(author|byline|by-line|writer|contributor)s?([\s_-]|$)|author-?name|"
                         r"post-?author|entry-?author|article-?author", re.I)
_CAPTION_CLS = re.compile(r"caption|credit", re.I)
_BY_PREFIX = re.compile(r"^\s*(?:(?:[\w']+\s+){0,3}?(?:written|posted|published|reviewed|edited|reported|authored|"
                        r"articles?|stories|story|posts?|recipe|photos?|words|text)\s+by|by|author|authors|written|"
                        r"posted|words)\s*[:\-–—]?\s*", re.I)
_MONTH_WORD = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
               r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_NAME_NOISE = re.compile(
    r"\s*(?:\b(?:last\s+)?(?:updated|published|posted|modified|on)\b.*$|\b" + _MONTH_WORD + r"\.?\s+\d.*$|"
    r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}.*$|\b\d{4}-\d{2}-\d{2}.*$|\s*[|•·].*$|\s+" + _MONTH_WORD + r"\.?$|"
    r"\s+(?:at|on|in|from|and)$)",
    re.I,
)
_SHARE_LINE = re.compile(r"^(share|tweet|pin|email|print|copy link|facebook|twitter|linkedin|whatsapp|"
                         r"advertisement|ad|sponsored|read more|click here|subscribe|sign up|table of contents|"
                         r"contents|in this article|related posts?|related articles?|related stories)[\s:!.]*$", re.I)


@dataclass
class _Ctx:
    tree: HtmlElement
    url: str | None
    meta: PageMeta
    removed: list[RemovedLine] = field(default_factory=list)
    seen_removed: set[str] = field(default_factory=set)

    def remove(self, text: str, kind: LineKind, rule: str, position: int | None = None) -> None:
        text = clean_ws(text)[:MAX_LINE]
        key = f"{kind}:{text}"
        if not text or key in self.seen_removed or len(self.removed) >= MAX_REMOVED:
            return
        self.seen_removed.add(key)
        self.removed.append(RemovedLine(text=text, kind=kind, rule=rule, position=position))


def _parse(html: str) -> HtmlElement | None:
    from trafilatura.utils import load_html

    try:
        tree = load_html(html[:MAX_HTML_CHARS])
    except (ValueError, TypeError):
        return None
    return tree


PARSER_DEPTH = 255  # libxml2 stops reading a page at this depth of nested tags (without its "huge" option)


def nested_too_deep(html: str) -> bool:
    """Whether the parser stopped at :data:`PARSER_DEPTH` nested tags, so everything deeper was never read
    (asked only of a page where no article text was found, to say why)."""
    from lxml import etree

    tree = _parse(html) if html and html.strip() else None
    if tree is None:
        return False
    depth = 0
    for event, _el in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth >= PARSER_DEPTH:
            return True
    return False


def _parse_fragment(html: str) -> HtmlElement | None:
    """A one-block fragment (a feed entry's or a JSONL record's html: "<p>...</p>"), which trafilatura's check
    refuses as no page, parsed inside a page of its own."""
    if "<" not in html[:MAX_HTML_CHARS]:
        return None
    return _parse(f"<html><body>{html[:MAX_HTML_CHARS]}</body></html>")


def extract_html(html: str, url: str | None = None) -> Article:
    """Extract one article from an HTML page (see the module docstring)."""
    empty = Article(id="", content_hash="", format="html", url=url, confidence=0.0)
    tree = _parse(html) if html and html.strip() else None
    fragment = tree is None and bool(html and html.strip())
    if fragment:
        tree = _parse_fragment(html)  # its body can only be a brief (below): trafilatura keeps any one line
    if tree is None:
        return empty
    ctx = _Ctx(tree=tree, url=url, meta=PageMeta.read(tree))
    host = _host(url)
    title, title_from, h1 = _choose_title(ctx, host)
    stream = _TextStream(tree)
    window = stream.window(h1) if h1 is not None else stream.head()
    authors, byline = _choose_authors(ctx, window, stream.items)
    published, published_from = _choose_date(ctx, window)
    outlet = ctx.meta.outlet()
    doc = None if fragment else _trafilatura(tree, url)

    comment_sections = _comment_sections(tree)
    comments = _comments(comment_sections)
    captions = _captions(tree)

    body = _body_lines(doc.text if doc and doc.text else "")
    body_rule = "trafilatura"
    declared = _declared_body(ctx, body)
    if declared:
        for i, line in enumerate(body):
            ctx.remove(line, "boilerplate", "html.jsonld-articlebody-disagrees", i)
        body, body_rule = declared, "jsonld"
    if not body and not fragment:
        body, body_rule = _fallback_body(ctx), "fallback"
    if not body:
        body = _brief_body(ctx)
    body = _clean_body(ctx, body, title, byline, captions, comments)

    furniture = _classify_removed(ctx, body, title, byline, captions, comment_sections)
    for c in comments:
        if c.author:
            ctx.remove(c.author, "comment_author", "html.comment-section", c.position)
        ctx.remove(c.text, "comment", "html.comment-section", c.position)

    return Article(
        id="", content_hash="", format="html", url=url or (doc.url if doc else None),
        outlet=outlet, outlet_from="meta" if outlet else None,
        title=title, title_from=title_from,
        published=published, published_from=published_from,
        byline=byline, authors=authors,
        body=body, captions=captions, furniture=furniture, comments=comments,
        removed=ctx.removed, confidence=_confidence(ctx, body) * (0.8 if body_rule == "fallback" else 1.0),
    )


# ------------------------------------------------------------------ trafilatura


def _trafilatura(tree: HtmlElement, url: str | None):  # -> trafilatura Document | None
    import trafilatura

    try:
        return trafilatura.bare_extraction(
tree, url=url, with_metadata=False, include_comments=False)
    except (ValueError, TypeError, RecursionError):
        return None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


# ------------------------------------------------------------------ text stream near the headline


class _TextStream:
    """The page's text nodes in reading order, with the element each belongs to."""

    def __init__(self, tree: HtmlElement, limit: int = 20000) -> None:
        self.items: list[tuple[HtmlElement, str]] = []
        self.index: dict[HtmlElement, int] = {}
        body = tree.find("body")
        root = body if body is not None else tree
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            if len(self.items) >= limit:
                break
            if el.tag in _SKIP_TAGS:
                continue
            self.index.setdefault(el, len(self.items))
            t = (el.text or "").strip()
            if t:
                self.items.append((el, t))

    def window(self, anchor: HtmlElement, before: int = 12, after_chars: int = 700) -> list[tuple[HtmlElement, str]]:
        i = self.index.get(anchor)
        if i is None:
            return self.head()
        out = self.items[max(0, i - before) : i]
        n = 0
        for el, t in self.items[i:]:
            out.append((el, t))
            n += len(t)
            if n > after_chars or len(out) > before + 60:
                break
        return out

    def head(self) -> list[tuple[HtmlElement, str]]:
        return self.items[:40]


# ------------------------------------------------------------------ title


def _choose_title(ctx: _Ctx, host: str | None) -> tuple[str | None, str | None, HtmlElement | None]:
    m = ctx.meta
    sites = m.site_names()
    metas: list[tuple[str, str]] = []
    for key in ("og:title", "twitter:title"):
        if m.meta.get(key):
            metas.append((m.meta[key], "meta"))
    headline = m.ld_value("headline")
    if isinstance(headline, str) and headline.strip():
        metas.append((unescape_ws(headline), "jsonld"))
    t_el = ctx.tree.find(".//title")
    if t_el is not None and node_text(t_el):
        metas.append((node_text(t_el), "title"))

    h1s = [(h, node_text(h)) for h in ctx.tree.iter("h1")]
    h1s = [(h, t) for h, t in h1s if 2 <= len(t) <= 300 and not _is_site(t, sites, host)][:10]
    best: tuple[float, HtmlElement, str] | None = None
    for h, t in h1s:
        score = max((similar(t, strip_site_name(mt, sites, host)) for mt, _ in metas), default=0.0)
        if in_main(h):
            score += 0.15
        if best is None or score > best[0]:
            best = (score, h, t)
    if best is not None and (best[0] >= 0.3 or len(h1s) == 1 or not metas):
        return best[2], "h1", best[1]
    if metas:
        t, src = metas[0]
        title = strip_site_name(t, sites, host)
        h_el = best[1] if best else None
        return title or None, src, h_el
    return None, None, best[1] if best else None


def _is_site(text: str, sites: list[str], host: str | None) -> bool:
    k = re.sub(r"\W+", "", text.lower())
    if not k:
        return True
    if any(k == re.sub(r"\W+", "", s.lower()) for s in sites):
        return True
    return bool(host) and k == re.sub(r"\W+", "", (host or "").lower().removeprefix("www.").rsplit(".", 1)[0])


# ------------------------------------------------------------------ authors


_NOT_NAMES = re.compile(
    r"^(?:undefined|null|none|name|admin|administrator|webmaster|editor|staff|author|guest|anonymous|unknown|"
    r"share|follow|read more|\d+\s*min(?:ute)?s?\s*read|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|"
    r"january|february|march|april|june|july|august|september|october|november|december|"
    r"mon|tue|wed|thu|fri|sat|sun)(?:\W.*)?$", re.I)


def clean_name(raw: str) -> str:
    s = clean_ws(html_lib.unescape(raw))
    s = _BY_PREFIX.sub("", s)
    if re.search(r"\b(?:by|from)\s*:?$", s, re.I):
        return ""  # a label ("Recipe by", "Insights from"); the name follows it
    s = _NAME_NOISE.sub("", s).strip(" ,;:-–—|")
    if len(s) > 120 or not re.search(r"[^\W\d_]", s) or _NOT_NAMES.match(s) or "@" in s or "/" in s:
        return ""
    if re.search(r"[a-z]\.[a-z]", s):
        return ""  # a template placeholder ("page.head.author") or a user handle
    if re.search(r"\d", s) and not re.search(r"[A-Za-z]{3}", s):
        return ""
    return s


def _split_names(s: str) -> list[str]:
    parts = re.split(r"\s*(?:;|,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\s*", s)
    return [p for p in (clean_name(x) for x in parts) if p]


def _choose_authors(ctx: _Ctx, window: list[tuple[HtmlElement, str]],
                    stream_items: list[tuple[HtmlElement, str]]) -> tuple[list[str], str | None]:
    names, source = ctx.meta.authors()
    if source == "meta":  # one tag may hold several people: "A and B", "A; B", "A & B" (commas may be "Last, First")
        names = [part for x in names for part in re.split(r"\s*;\s*|\s+and\s+|\s*&\s*", x)]
    names = [n for n in (clean_name(x) for x in names) if n]
    visible = _visible_byline(ctx, window)
    if visible and (not names or source == "jsonld-org"):
        names = _split_names(visible) or names
    if not names:
        names = _trafilatura_authors(ctx.tree)
    if not names:
        # a "Written by Name" line elsewhere on the page (author box under the article)
        for _, t in stream_items:
            if len(t) < 80 and _BY_TEXT.match(t):
                found = clean_name(t)
                if found and _looks_like_name(found):
                    names = _split_names(found)
                    break
    # user handles with digits in them are account names, not bylines
    names = [n for n in names if not re.search(r"[a-z]\d|\d[a-z]", n)]
    # de-duplicate, keep order
    seen: set[str] = set()
    out = []
    for n in names:
        k = n.lower()
        if k not in seen:
            seen.add(k)
            out.append(n[:120])
    out = out[:10]
    return out, (", ".join(out) if out else None)


def _trafilatura_authors(tree: HtmlElement) -> list[str]:
    """trafilatura's byline XPaths, as a last resort."""
    from trafilatura.metadata import extract_author

    try:
        found = extract_author(tree)
    except (ValueError, TypeError):
        return []
    return [n for n in (clean_name(x) for x in (found or "").split(";")) if n]


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6 or name.endswith((".", "?", "!")):
        return False
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return caps * 2 >= len(words)


_AUTHOR_HREF = re.compile(r"/(?:author|authors|writers?|people|profiles?|contributors?|staff|team|user)/[^/?#]+", re.I)
_BY_LABEL = re.compile(r"^\s*(?:[\w']+\s+){0,2}(?:by|from|author|authors)\s*:?\s*$", re.I)
_NOT_BYLINE_PLACE = re.compile(r"(^|[\s_-])(nav|navbar|menu|filters?|breadcrumbs?)([\s_-]|$)", re.I)
_NOT_BYLINE_ROLE = re.compile(r"categor(y|ies)|(^|[\s_-])(tags?|topics?|description|bio)([\s_-]|$)", re.I)


def _in_page_chrome(el: HtmlElement) -> bool:
    """Inside navigation, a menu, a form or a filter list; or itself a category, tag or author-bio text."""
    for depth, a in enumerate([el, *list(el.iterancestors())[:6]]):
        if a.tag in ("nav", "form", "label", "fieldset", "select", "option"):
            return True
        attrs = f"{a.get('class', '')} {a.get('id', '')} {a.get('role', '')}"
        if _NOT_BYLINE_PLACE.search(attrs) or a.get("role") in ("navigation", "menu", "menubar"):
            return True
        if depth <= 1 and _NOT_BYLINE_ROLE.search(attrs):
            return True
    return False


_BY_TEXT = re.compile(r"^\s*(?:(?:written|posted|published|article|story|words)\s+)?by\s*:?\s+\S", re.I)


def _visible_byline(ctx: _Ctx, window: list[tuple[HtmlElement, str]]) -> str | None:
    """A byline next to the headline: byline/author markup, an author-page link, or 'By Name'."""
    for i, (el, t) in enumerate(window):
        # "Written by" / "By" label, name in the next text node
        if _BY_LABEL.match(t) and i + 1 < len(window):
            name = clean_name(window[i + 1][1])
            if name and _looks_like_name(name):
                return name
        if _BY_TEXT.match(t) and len(t) < 120:
            name = clean_name(t)
            if name and _looks_like_name(name):
                return name
        parents = [el, *list(el.iterancestors())[:3]]
        marked = any(_BYLINE_CLS.search(f"{p.get('class', '')} {p.get('id', '')} {p.get('itemprop', '')} "
                                        f"{p.get('rel', '')}") for p in parents)
        linked = el.tag == "a" and _AUTHOR_HREF.search(el.get("href") or "")
        if (marked or linked) and not _in_page_chrome(el):
            name = clean_name(t)
            if name and _looks_like_name(name) and not name.lower().startswith(("about", "share", "more")):
                return name
    return None


# ------------------------------------------------------------------ dates


def _choose_date(ctx: _Ctx, window: list[tuple[HtmlElement, str]]):
    """Prefer the date a reader sees next to the headline; else htmldate's reading of the markup."""
    pub, mod = ctx.meta.dates()
    visible = _visible_date(window)
    found: dt.date | dt.datetime | None = None
    if visible is not None:
        # the date shown next to the headline, when the markup confirms it; a visible date that is
        # only the page's modified date does not replace a published date (it is an "Updated" line)
        if pub is not None and _day(pub) == visible:
            return pub, "meta"
        if pub is None and mod is not None and _day(mod) == visible:
            return mod, "meta"
        if pub is not None and visible < _day(pub) and (mod is None or _day(mod) != visible):
            # the page shows an earlier date than its markup's "published": markup dates are often those of a
            # re-publication or a CMS migration, and the first publication is the one that matters
            return visible, "text"
        found = _htmldate(ctx)
        if found is not None and _day(found) == visible:
            return found, "text"
    if pub is not None:
        return pub, "meta"
    u = url_date(ctx.url)
    if u is not None:
        return u, "url"
    if visible is not None:
        return visible, "text"
    found = found or _htmldate(ctx)
    if found is not None:
        return found, "meta"
    if mod is not None:
        return mod, "meta"
    return None, None


def _htmldate(ctx: _Ctx) -> dt.date | dt.datetime | None:
    """htmldate on the markup only (no guessing from free text such as copyright years)."""
    from htmldate import find_date

    try:
        found = find_date(ctx.tree, extensive_search=False, original_date=True, url=ctx.url,
                          max_date=dt.date.today().isoformat())
    except (ValueError, TypeError):
        return None
    return parse_iso(found) if found else None


def _day(d: dt.date) -> dt.date:
    return d.date() if isinstance(d, dt.datetime) else d


def _visible_date(window: list[tuple[HtmlElement, str]]) -> dt.date | None:
    for el, t in window:
        if el.tag == "time" and el.get("datetime"):
            d = parse_iso(el.get("datetime"))
            if d is not None:
                return d if type(d) is dt.date else d.date()  # type: ignore[union-attr]
        if len(t) <= 80:
            d = parse_text_date(t)
            if d is not None:
                return d
    return None


# ------------------------------------------------------------------ captions and comments


def _captions(tree: HtmlElement) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for el in tree.iter("figcaption", "caption"):
        t = node_text(el)
        if t and t not in seen and len(t) < MAX_LINE:
            seen.add(t)
            out.append(t)
    for el in tree.iter("p", "span", "div"):
        cls = el.get("class") or ""
        if cls and _CAPTION_CLS.search(cls) and "wp-caption" not in cls.split():
            t = node_text(el)
            if t and t not in seen and 3 <= len(t) < 600:
                seen.add(t)
                out.append(t)
        if len(out) > 100:
            break
    return out


def _comment_sections(tree: HtmlElement) -> list[HtmlElement]:
    out: list[HtmlElement] = []
    for el in tree.iter("section", "div", "ol", "ul", "aside"):
        key = f"{el.get('id', '')} {el.get('class', '')}"
        if not _COMMENTS_RX.search(key) or re.search(r"no-?comments|comments?-(count|link|icon|number)", key, re.I):
            continue
        if any(a in out for a in el.iterancestors()):
            continue
        if _comment_items(el):
            out.append(el)
    return out[:3]


def _comment_items(section: HtmlElement) -> list[HtmlElement]:
    items = []
    for el in section.iter("li", "article", "div"):
        if el is section:
            continue
        if _COMMENT_ITEM_ID.match(el.get("id") or "") or _COMMENT_ITEM_CLS.search(el.get("class") or ""):
            items.append(el)
    # keep outermost item per id-level: drop wrappers that only hold one item
    return items[:500]


def _comments(sections: list[HtmlElement]) -> list[Comment]:
    out: list[Comment] = []
    for sec in sections:
        items = _comment_items(sec)
        item_set = set(items)
        for it in items:
            # skip an item that is the inner wrapper of another (li#comment-1 > div#div-comment-1)
            if any(a in item_set for a in it.iterancestors()) and not any(
                    a.tag in ("ol", "ul") for a in _between(it, item_set)):
                continue
            author = None
            when = None
            text_parts: list[str] = []
            for d in it.iter():
                if d is not it and d in item_set and any(a.tag in ("ol", "ul") for a in _between(d, item_set)):
                    break  # nested replies are their own comments
                if not isinstance(d.tag, str):
                    continue
                cls = f"{d.get('class', '')} {d.get('itemprop', '')}"
                if author is None and _AUTHOR_CLS.search(cls):
                    a = _comment_author(node_text(d))
                    if a:
                        author = a
                if when is None and (d.tag == "time" or re.search(r"date(Created|Published)", cls)):
                    when = _comment_time(d.get("datetime") or d.get("content") or "")
                if d.tag == "p" or (_COMMENT_BODY_CLS.search(d.get("class") or "") and d.find(".//p") is None):
                    t = node_text(d)
                    if t and t not in text_parts:
                        text_parts.append(t)
            text = "\n".join(text_parts).strip()
            if text:
                out.append(Comment(author=author, text=text[:10000], position=len(out), published=when))
            if len(out) >= 500:
                return out
    return out


def _comment_author(raw: str) -> str | None:
    """A commenter's name as shown: names and user handles ("mark.t.averill") alike, never a label or a date."""
    s = clean_ws(html_lib.unescape(raw)).strip(" ,;:-–—|")
    s = re.sub(r"^(?:posted\s+)?by\s+", "", s, flags=re.I)
    s = re.sub(r"\s+(?:says|said|wrote|writes)\s*:?$", "", s, flags=re.I)
    if not s or len(s) >= 80 or not re.search(r"[^\W\d_]", s) or re.search(r"\s(?:ago|at)\s|\d{1,2}:\d\d", s):
        return None
    return s


def _comment_time(value: str) -> dt.datetime | None:
    """A comment's time from a ``datetime`` or ``content`` attribute (ISO 8601, with its offset when given)."""
    value = value.strip()
    if not re.match(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d", value):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _between(el: HtmlElement, stop: set[HtmlElement]) -> list[HtmlElement]:
    out = []
    for a in el.iterancestors():
        if a in stop:
            break
        out.append(a)
    return out


# ------------------------------------------------------------------ body


def _body_lines(text: str) -> list[str]:
    return [clean_ws(p) for p in text.split("\n") if p.strip()]


_WORD_RX = re.compile(r"\w+")


def _shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    toks = _WORD_RX.findall(text.lower())
    return {tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1))} if toks else set()


def _declared_body(ctx: _Ctx, body: list[str]) -> list[str] | None:
    """The page's JSON-LD ``articleBody`` when trafilatura's body disagrees with it and is much shorter:
    the page says what its article is, and trafilatura picked something else."""
    declared = ctx.meta.ld_value("articleBody")
    if not isinstance(declared, str) or len(declared) < 300:
        return None
    text = "\n".join(body)
    if len(declared) < 1.2 * len(text):
        return None
    d_sh = _shingles(declared)
    if not d_sh or len(d_sh & _shingles(text)) / len(d_sh) >= 0.5:
        return None
    declared = html_lib.unescape(declared)
    return [clean_ws(p) for p in re.split(r"\n+", declared) if p.strip()][:2000]


def _fallback_body(ctx: _Ctx) -> list[str]:
    body = ctx.meta.ld_value("articleBody")
    if isinstance(body, str) and body.strip():
        return [clean_ws(p) for p in re.split(r"\n\s*\n|\r\n", body) if p.strip()]
    container = next((c for c in (ctx.tree.find(f".//{t}") for t in ("article", "main", "body")) if c is not None),
                     None)
    if container is None:
        return []
    return [t for t in (node_text(p) for p in container.iter("p")) if len(t.split()) >= 5]


def _brief_body(ctx: _Ctx) -> list[str]:
    """A short page without a body may be a brief (a sentence or two: a wire flash, a feed entry): its
    sentences, as the plain-text extractor finds them in the page's visible blocks (furniture stays out)."""
    import copy

    from storylens.extract.text import BRIEF_MAX_CHARS, extract_text

    root = ctx.tree.find("body")
    if root is None or len(node_text(root)) > 4 * BRIEF_MAX_CHARS:
        return []
    root = copy.deepcopy(root)  # the page's own tree still lists every removed block afterwards
    for bad in list(root.iter("script", "style", "noscript", "template", "nav", "footer", "header", "aside", "form")):
        if bad.getparent() is not None:
            bad.drop_tree()
    text = node_text(root)
    if not text or len(text) > BRIEF_MAX_CHARS:
        return []
    blocks = [node_text(el) for el in root.iter(*_BLOCK_TAGS)] or [text]
    return extract_text("\n\n".join(b for b in blocks if b)).body


def _clean_body(ctx: _Ctx, body: list[str], title: str | None, byline: str | None,
                captions: list[str], comments: list[Comment]) -> list[str]:
    caption_set = {clean_ws(c) for c in captions}
    comment_set = {clean_ws(c.text) for c in comments}
    title_key = re.sub(r"\W+", "", (title or "").lower())
    out: list[str] = []
    for i, line in enumerate(body):
        key = re.sub(r"\W+", "", line.lower())
        if title_key and key == title_key:
            ctx.remove(line, "title", "html.title-in-body", i)
        elif line in caption_set and len(line.split()) < 60:
            ctx.remove(line, "caption", "html.figcaption", i)
        elif line in comment_set:
            ctx.remove(line, "comment", "html.comment-section", i)
        elif _SHARE_LINE.match(line):
            ctx.remove(line, "furniture", "html.share-widget", i)
        elif i < 4 and byline and len(line) < 150 and re.match(r"^\s*(by\s+)?" + re.escape(byline), line, re.I):
            ctx.remove(line, "byline", "html.byline", i)
        else:
            out.append(line)
    return out


# ------------------------------------------------------------------ removed blocks and furniture


def _classify_removed(ctx: _Ctx, body: list[str], title: str | None, byline: str | None,
                      captions: list[str], comment_sections: list[HtmlElement]) -> list[str]:
    """List every visible block that is not in the body, with a kind and a rule."""
    body_text = "\n".join(body)
    caption_set = set(captions)
    comment_set = set(comment_sections)
    furniture: list[str] = []
    cache: dict[HtmlElement, str | None] = {}
    body_el = ctx.tree.find("body")
    if body_el is None:
        return furniture
    n = 0
    for pos, el in enumerate(body_el.iter(*_BLOCK_TAGS)):
        if n > 3000 or len(ctx.removed) >= MAX_REMOVED:
            break
        n += 1
        if el.tag not in ("li", "figcaption") and next(el.iterdescendants(*_BLOCK_TAGS), None) is not None:
            continue
        text = node_text(el)
        if not text or len(text) > MAX_LINE:
            continue
        if text in body_text:
            continue
        ancestors = list(el.iterancestors())
        if any(a in comment_set for a in ancestors):
            continue  # comments are reported from the parsed thread
        if el.tag == "figcaption" or text in caption_set:
            ctx.remove(text, "caption", "html.figcaption", pos)
            continue
        if title and text == title:
            ctx.remove(text, "title", "html.title", pos)
            continue
        if byline and byline in text and len(text) < 200:
            ctx.remove(text, "byline", "html.byline", pos)
            continue
        rule = _furniture_rule(el, ancestors, cache)
        if rule:
            ctx.remove(text, "furniture", rule, pos)
            if len(furniture) < MAX_REMOVED:
                furniture.append(text)
        else:
            ctx.remove(text, "boilerplate", "html.not-main-content", pos)
    return furniture


def _ancestor_rule(a: HtmlElement) -> str | None:
    tag = a.tag
    if tag == "nav" or a.get("role") == "navigation":
        return "html.nav"
    if tag == "footer" or a.get("role") == "contentinfo":
        return "html.footer"
    if tag == "aside" or a.get("role") == "complementary":
        return "html.sidebar"
    if tag == "header" and not in_main(a):
        return "html.header"
    key = f"{a.get('class', '')} {a.get('id', '')}"
    if key.strip():
        if _RELATED_RX.search(key):
            return "html.related-list"
        if _NAV_RX.search(key):
            return "html.nav"
    return None


def _furniture_rule(el: HtmlElement, ancestors: list[HtmlElement], cache: dict[HtmlElement, str | None]) -> str | None:
    for a in ancestors[:12]:
        if a not in cache:
            cache[a] = _ancestor_rule(a)
        if cache[a]:
            return cache[a]
    if el.tag == "li":
        parent = el.getparent()
        if parent is not None:
            key = ("ratio", parent)
            if key not in cache:
                cache[key] = "html.link-list" if _link_ratio(parent) > 0.6 else None  # type: ignore[index]
            return cache[key]  # type: ignore[index]
    elif _link_ratio(el) > 0.8:
        return "html.link-list"
    return None


def _link_ratio(el: HtmlElement) -> float:
    total = len(node_text(el))
    if not total:
        return 0.0
    linked = sum(len(node_text(a)) for a in el.iter("a"))
    return min(1.0, linked / total)


# ------------------------------------------------------------------ confidence


def _confidence(ctx: _Ctx, body: list[str]) -> float:
    """How sure we are of the body: agreement between trafilatura's body and the page's own article
    markup (articleBody / <article> / <main>, whichever holds most of it), then text-shape penalties."""
    if not body:
        return 0.0
    body_words = sum(len(line.split()) for line in body)
    containers = [*ctx.tree.xpath("//*[@itemprop='articleBody']")[:2], *list(ctx.tree.iter("article"))[:4],
                  *list(ctx.tree.iter("main"))[:1]]
    probes = [line[:60] for line in body if len(line) >= 20][:40] or [line[:60] for line in body][:40]
    agreement = -1.0
    for c in containers:
        ctext = node_text(c)
        if len(ctext) < 200:
            continue
        hit = sum(1 for p in probes if p in ctext) / len(probes)
        # a container much larger than the body means the body may have missed part of it
        cover = min(1.0, len(" ".join(body)) / max(1, len(ctext)))
        agreement = max(agreement, 0.75 * hit + 0.25 * cover)
    score = 0.55 if agreement < 0 else 0.3 + 0.65 * agreement
    ld_body = ctx.meta.ld_value("articleBody")
    if isinstance(ld_body, str) and len(ld_body) > 200 and similar(ld_body[:3000], " ".join(body)[:3000]) > 0.5:
        score = max(score, 0.9)
    if body_words < 80:
        score *= 0.6
    elif body_words < 200:
        score *= 0.85
    if not any(len(line.split()) >= 15 for line in body):
        score *= 0.7
    return round(max(0.05, min(1.0, score)), 3)
