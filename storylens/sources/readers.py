"""Turn paths into raw documents, one at a time, with clear errors."""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storylens.model import InputError

MAX_BYTES = int(os.environ.get("STORYLENS_MAX_BYTES", 50 * 1024 * 1024))
"""Largest input file read (after decompression). Larger files are refused, not truncated."""

_HTML_EXT = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
_TEXT_EXT = (".txt", ".text", ".txt.gz")
_JSONL_EXT = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_FEED_EXT = (".rss", ".atom", ".xml", ".rss.gz", ".xml.gz")
_WARC_EXT = (".warc", ".warc.gz", ".arc.gz")


@dataclass
class RawDoc:
    """One document as read, before extraction."""

    source: str
    content: str
    format: str  # "html" or "text"
    meta: dict[str, Any] = field(default_factory=dict)
    raw: bytes | None = None  # original bytes, for the content hash when available


class InputProblem(Exception):
    """A reason an input cannot be read; its message is one line for the user."""


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes to text: BOMs, declared charset, then detection. Refuses binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    if sample.count(b"\x00") > len(sample) // 100 + 1:
        raise InputProblem("binary data, not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data[:2_000_000]).best()
    if best is None:
        raise InputProblem("binary data or unknown text encoding")
    text = str(best) if len(data) <= 2_000_000 else data.decode(best.encoding, errors="replace")
    return text


def _looks_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def read_file_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    size = path.stat().st_size
    name = path.name.lower()
    if name.endswith(".gz"):
        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputProblem(f"corrupt or truncated gzip ({exc.__class__.__name__})") from None
    else:
        if size > max_bytes:
            raise InputProblem(f"file is {size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit")
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise InputProblem(f"file is over the {max_bytes / 1e6:.0f} MB limit")
    if not data.strip():
        raise InputProblem("empty file")
    return data


def _kind_from_name(name: str) -> str | None:
    n = name.lower()
    for kind, exts in (("warc", _WARC_EXT), ("jsonl", _JSONL_EXT), ("html", _HTML_EXT), ("feed", _FEED_EXT),
                       ("text", _TEXT_EXT)):
        if n.endswith(exts):
            return kind
    return None


def _sniff(text: str) -> str:
    head = text[:2048].lstrip().lower()
    if head.startswith("<?xml") or head.startswith("<rss") or head.startswith("<feed"):
        if "<rss" in head or "<feed" in head or "<rdf" in head:
            return "feed"
        return "html" if "<html" in head else "feed"
    if head.startswith("<!doctype html") or head.startswith("<html") or "<body" in text[:20000].lower():
        return "html"
    if head.startswith("{") and text.lstrip().split("\n", 1)[0].rstrip().endswith("}"):
        return "jsonl"
    return "text"


def _walk(paths: list[str | Path]) -> Iterator[Path | InputError]:
    for p in paths:
        path = Path(p)
        if not path.exists():
            yield InputError(source=str(p), reason="no such file or folder")
        elif path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and not f.name.startswith(".") and not f.name.endswith(".meta.json"):
                    yield f
        else:
            yield path


def iter_sources(paths: list[str | Path], max_bytes: int = MAX_BYTES) -> Iterator[RawDoc | InputError]:
    """Yield raw documents (and errors) for files and folders, in a stable order."""
    for item in _walk(paths):
        if isinstance(item, InputError):
            yield item
            continue
        yield from _read_path(item, max_bytes)


def _read_path(path: Path, max_bytes: int) -> Iterator[RawDoc | InputError]:
    src = str(path)
    kind = _kind_from_name(path.name)
    try:
        data = read_file_bytes(path, max_bytes)
        if kind == "warc":
            yield from read_warc(data, src)
            return
        if kind is None and _looks_binary(data):
            raise InputProblem("binary file, not an article")
        if kind != "html" and _looks_binary(data):
            raise InputProblem("binary file, not an article")
        text = decode_bytes(data)
        kind = kind or _sniff(text)
        sidecar = _sidecar(path)
        if kind == "jsonl":
            yield from read_jsonl(text, src)
        elif kind == "feed":
            yield from read_feed(data, src)
        elif kind == "html":
            yield RawDoc(source=src, content=text, format="html", meta=sidecar, raw=data)
        else:
            yield RawDoc(source=src, content=text, format="text", meta=sidecar, raw=data)
    except InputProblem as exc:
        yield InputError(source=src, reason=str(exc))
    except (OSError, ValueError) as exc:
        yield InputError(source=src, reason=f"cannot read: {exc.__class__.__name__}: {str(exc).splitlines()[0][:200]}")


def _sidecar(path: Path) -> dict[str, Any]:
    """Optional ``NAME.meta.json`` beside a file: url, outlet, title, published for that one article."""
    base = path.name
    for suffix in (".gz", ".html", ".htm", ".txt", ".text"):
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)]
    side = path.with_name(base + ".meta.json")
    if not side.is_file():
        return {}
    try:
        rec = json.loads(side.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputProblem(f"unreadable sidecar {side.name} ({exc.__class__.__name__})") from None
    if not isinstance(rec, dict):
        raise InputProblem(f"sidecar {side.name} is not a JSON object")
    meta = {k: rec[k] for k in ("url", "outlet", "title", "published", "byline") if rec.get(k)}
    if "published" in meta:
        meta["published_from"] = "file"
    return meta


JSONL_FIELDS = ("id", "url", "outlet", "title", "published", "text", "html")


def read_jsonl(text: str, src: str) -> Iterator[RawDoc | InputError]:
    """One article a line: ``id`` and any of url, outlet, title, published, text, html."""
    for lineno, line in enumerate(io.StringIO(text), start=1):
        line = line.strip()
        if not line:
            continue
        where = f"{src}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(source=where, reason=f"broken JSON line ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(rec, dict):
            yield InputError(source=where, reason="JSON line is not an object")
            continue
        html, body = rec.get("html"), rec.get("text")
        if not isinstance(html, str) and not isinstance(body, str):
            yield InputError(source=where, reason="record has neither 'text' nor 'html'")
            continue
        meta = {k: rec[k] for k in ("id", "url", "outlet", "title", "published") if rec.get(k) not in (None, "")}
        if "id" in meta:
            meta["id"] = str(meta["id"])
        if isinstance(html, str) and html.strip():
            yield RawDoc(source=where, content=html, format="html", meta=meta)
        elif isinstance(body, str) and body.strip():
            yield RawDoc(source=where, content=body, format="text", meta=meta)
        else:
            yield InputError(source=where, reason="record's text is empty")


def read_feed(data: bytes, src: str) -> Iterator[RawDoc | InputError]:
    """RSS or Atom: each entry's content (or summary) becomes a document. XML is parsed safely."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputProblem(f"unsafe XML refused ({exc.__class__.__name__})") from None
    except Exception as exc:  # ParseError and friends
        raise InputProblem(f"malformed XML feed ({str(exc).splitlines()[0][:120]})") from None
    import feedparser

    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    feed_title = parsed.feed.get("title") if parsed.get("feed") else None
    if not parsed.entries:
        raise InputProblem("feed has no entries")
    for i, entry in enumerate(parsed.entries):
        where = f"{src}#entry{i + 1}"
        content = ""
        if entry.get("content"):
            content = max((c.get("value", "") for c in entry.content), key=len)
        content = content or entry.get("summary", "")
        if not content.strip():
            yield InputError(source=where, reason="feed entry has no content")
            continue
        meta: dict[str, Any] = {"url": entry.get("link"), "title": entry.get("title"), "feed_title": feed_title}
        if entry.get("published") or entry.get("updated"):
            meta["published"] = entry.get("published") or entry.get("updated")
            meta["published_from"] = "feed"
        if entry.get("author"):
            meta["byline"] = entry.get("author")
        if entry.get("id"):
            meta["id"] = None  # feed guids are not stable article ids across feeds
        meta = {k: v for k, v in meta.items() if v}
        yield RawDoc(source=where, content=content, format="html", meta=meta)


def read_warc(data: bytes, src: str) -> Iterator[RawDoc | InputError]:
    """HTTP responses with HTML bodies from a WARC file."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    try:
        for rec in ArchiveIterator(io.BytesIO(data)):
            if rec.rec_type != "response":
                continue
            ctype = (rec.http_headers.get_header("Content-Type") or "") if rec.http_headers else ""
            if "html" not in ctype.lower():
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI")
            body = rec.content_stream().read(MAX_BYTES + 1)
            n += 1
            where = f"{src}#{url or n}"
            if len(body) > MAX_BYTES:
                yield InputError(source=where, reason="record over the size limit")
                continue
            charset = None
            if "charset=" in ctype.lower():
                charset = ctype.lower().split("charset=")[-1].split(";")[0].strip()
            try:
                text = decode_bytes(body, charset)
            except InputProblem as exc:
                yield InputError(source=where, reason=str(exc))
                continue
            meta = {"url": url, "crawl_date": rec.rec_headers.get_header("WARC-Date")}
            yield RawDoc(source=where, content=text, format="html", meta={k: v for k, v in meta.items() if v},
                         raw=body)
    except ArchiveLoadFailed as exc:
        raise InputProblem(f"not a readable WARC file ({str(exc).splitlines()[0][:120]})") from None
    if n == 0:
        raise InputProblem("WARC file holds no HTML responses")
