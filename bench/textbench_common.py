"""Shared helpers for the plain-text extraction benchmarks (not a benchmark itself).

* ``html_to_text``: a deliberately simple HTML renderer: drop script/style, one line per block element.
  It keeps everything a scraper would get: menus, footers, cookie banners, related links.
* ``c4_filter``: a C4-style line filter used as the baseline.
* ``shingle_f1``: body F1 over word 4-gram shingles (lowercased ``\\w+`` tokens).
"""

from __future__ import annotations

import re
from pathlib import Path

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul", "button", "option",
    "select", "textarea", "label",
}
DROP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas"}


def find_corpora() -> Path | None:
    here = Path(__file__).resolve()
    for cand in (here.parents[1].parent / "shared" / "corpora", Path("/work/shared/corpora")):
        if cand.is_dir():
            return cand
    return None


def html_to_text(html: str) -> str:
    """The page's full visible text, one line per block element."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception:  # noqa: BLE001 - unparsable page renders as nothing
        return ""
    out: list[str] = []

    def walk(el: object) -> None:
        tag = getattr(el, "tag", None)
        if not isinstance(tag, str):  # comments, processing instructions
            tail = getattr(el, "tail", None)
            if tail:
                out.append(tail)
            return
        tag = tag.lower()
        if tag in DROP_TAGS:
            if el.tail:  # type: ignore[attr-defined]
                out.append(el.tail)  # type: ignore[attr-defined]
            return
        if tag == "br":
            out.append("\n")
            if el.tail:  # type: ignore[attr-defined]
                out.append(el.tail)  # type: ignore[attr-defined]
            return
        block = tag in BLOCK_TAGS
        if block:
            out.append("\n")
        if el.text:  # type: ignore[attr-defined]
            out.append(el.text)  # type: ignore[attr-defined]
        for child in el:  # type: ignore[attr-defined]
            walk(child)
        if block:
            out.append("\n")
        if el.tail:  # type: ignore[attr-defined]
            out.append(el.tail)  # type: ignore[attr-defined]

    body = root.find("body")
    walk(body if body is not None else root)
    text = "".join(out)
    lines = [re.sub(r"[ \t\r\f\v\u00a0]+", " ", ln).strip() for ln in text.split("\n")]
    res: list[str] = []
    for ln in lines:
        if ln or (res and res[-1]):
            res.append(ln)
    return "\n".join(res).strip()


_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    toks = _TOKEN.findall(text.lower())
    if not toks:
        return set()
    if len(toks) < n:
        return {tuple(toks)}
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def shingle_f1(pred: str, gold: str) -> tuple[float, float, float]:
    p, g = shingles(pred), shingles(gold)
    if not p and not g:
        return 1.0, 1.0, 1.0
    if not p or not g:
        return 0.0, 0.0, 0.0
    inter = len(p & g)
    prec, rec = inter / len(p), inter / len(g)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


_C4_BAD = ("javascript", "cookie", "lorem ipsum", "terms of use", "privacy policy", "{", "}")
_TERMINAL = ('.', '!', '?', '"', '”', "'", '’')


def c4_keep(line: str) -> bool:
    """C4-style heuristic: keep lines ending in terminal punctuation with >= 5 words and no bad phrases."""
    s = line.strip()
    if not s.endswith(_TERMINAL):
        return False
    if len(s.split()) < 5:
        return False
    low = s.lower()
    return not any(b in low for b in _C4_BAD)


def c4_filter(text: str) -> str:
    return "\n".join(ln for ln in text.splitlines() if c4_keep(ln))
