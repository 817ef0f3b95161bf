"""Turn paths into raw documents, one at a time, with clear errors.

Every reader yields :class:`RawDoc` items for what it could read and
:class:`~storylens.model.InputError` items (file, line or record, and a
one-line reason) for what it could not, and then goes on with the next input.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from storylens.model import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def max_bytes_limit() -> int:
    """The size cap: ``STORYLENS_MAX_BYTES`` from the environment, else 50 MiB."""
    value = os.environ.get("STORYLENS_MAX_BYTES", "")
    try:
        n = int(value)
    except ValueError:
        return DEFAULT_MAX_BYTES
    return n if n > 0 else DEFAULT_MAX_BYTES


MAX_BYTES = max_bytes_limit()
"""Largest single document read (after decompression), as set when this module was imported.
Larger inputs are refused, never truncated. Readers look the limit up again on each call."""

_HTML_EXT = (".html", ".htm", ".xhtml", ".shtml", ".html.gz", ".htm.gz", ".xhtml.gz")
_TEXT_EXT = (".txt", ".text", ".txt.gz", ".text.gz")
_JSONL_EXT = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_JSON_EXT = (".json", ".json.gz")
_FEED_EXT = (".rss", ".atom", ".xml", ".rss.gz", ".atom.gz", ".xml.gz")
_WARC_EXT = (".warc", ".warc.gz", ".arc", ".arc.gz")

_META_FIELDS = ("id", "url", "outlet", "title", "published", "byline")
JSONL_FIELDS = ("id", "url", "outlet", "title", "published", "byline", "text", "html")


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


def _one_line(text: object, limit: int = 160) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


# ---------------------------------------------------------------- decoding

# WHATWG-style aliases: labels pages declare -> the codec browsers actually use.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252", "x-cp1252": "cp1252",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "windows-31j": "cp932", "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "big5": "big5hkscs", "euc-jp": "euc_jis_2004",
    "x-euc-jp": "euc_jis_2004", "iso-8859-9": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874",
    "unicode": "utf-16", "utf-16": "utf-16", "ucs-2": "utf-16",
}
_MULTIBYTE = re.compile(r"^(cp932|shift|sjis|euc|gb|big5|cp949|cp950|hz|iso2022|johab|utf|ucs)", re.I)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.I,
)


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page or XML file declares in its first 4 kB, if any."""
    m = _DECLARED.search(data[:4096])
    if not m:
        return None
    label = (m.group(1) or m.group(2) or b"").decode("ascii", "replace")
    return _codec(label)


def _utf16_without_bom(sample: bytes) -> str | None:
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    ze, zo = even.count(0) / len(even), odd.count(0) / len(odd)
    if zo > 0.4 and ze < 0.05:
        return "utf-16-le"
    if ze > 0.4 and zo < 0.05:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    """Control bytes or NULs that no text encoding we read would contain."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or _utf16_without_bom(data[:8192]):
        return False
    sample = data[:8192]
    if not sample:
        return False
    # A stray NUL (a scraper's or a disk's) does not make text binary; images and archives hold NULs by the
    # hundred and other control bytes besides.
    if sample.count(0) > max(8, len(sample) * 0.01):
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    return control > len(sample) * 0.02


def _guess_encoding(data: bytes) -> str | None:
    """Detect the encoding of non-UTF-8 bytes.

    CJK and other multi-byte encodings come from charset-normalizer. Among the
    single-byte ones it often confuses Windows-1252 with its Central-European
    cousins, so Windows-1252 (what browsers assume for unlabelled Western pages)
    wins whenever it decodes the bytes and reads no worse than the detector's pick.
    """
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    sample = data[:262144]
    best = from_bytes(sample).best()
    if best is not None and _MULTIBYTE.match(best.encoding):
        return best.encoding
    try:
        western = sample.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and (best is None or mess_ratio(western, 1.0) <= best.chaos + 0.05):
        return "cp1252"
    return best.encoding if best is not None else None


def _mixed_utf8(data: bytes, declared: str | None = None) -> str | None:
    """Text whose lines are partly UTF-8 and partly a single-byte legacy encoding (Latin-1 lines appended to a
    UTF-8 file): each line in its own encoding. None unless UTF-8 lines with non-ASCII characters (at least
    three of them) are there, and the other lines read as a single-byte encoding."""
    if any(enc and _MULTIBYTE.match(enc) for enc in (_codec(declared), declared_charset(data))):
        return None
    lines = data.splitlines(keepends=True)
    good_non_ascii = 0
    bad: list[int] = []
    for i, line in enumerate(lines):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(i)
            continue
        good_non_ascii += sum(1 for ch in text if ord(ch) > 127)
    if good_non_ascii < 3 or not bad:
        return None
    rest = b"".join(lines[i] for i in bad)
    if _looks_binary(rest):
        return None
    enc = _guess_encoding(rest)
    if enc is None or _MULTIBYTE.match(enc):
        return None
    bad_set = set(bad)
    return "".join(line.decode(enc, errors="replace") if i in bad_set else line.decode("utf-8")
                   for i, line in enumerate(lines))


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes to text: BOM, UTF-8, declared charset, then detection. Refuses binary data."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    utf16 = _utf16_without_bom(data[:8192])
    if utf16:
        return data.decode(utf16, errors="replace")
    # Valid UTF-8 with non-ASCII characters is UTF-8 whatever the page declares (a wrong declaration is
    # common; text in another encoding that happens to be valid UTF-8 is not).
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A page cut mid-character at the very end is still UTF-8.
        if exc.start >= len(data) - 3 and max(data[: exc.start], default=0) >= 0x80:
            return data.decode("utf-8", errors="replace")
    mixed = _mixed_utf8(data, declared)
    if mixed is not None:
        return mixed
    for enc in (_codec(declared), declared_charset(data)):
        if enc:
            try:
                return data.decode(enc)
            except (LookupError, UnicodeDecodeError):
                pass
    if _looks_binary(data):
        raise InputProblem("binary data, not text")
    enc = _guess_encoding(data)
    if enc is None:
        raise InputProblem("binary data or unknown text encoding")
    return data.decode(enc, errors="replace")


# ---------------------------------------------------------------- files


BOMB_RATIO = 100
"""A streamed gzip input (JSONL, WARC) that inflates to more than this many times the compressed bytes read is a
decompression bomb: text and HTML compress 3 to 20 times, a bomb about 1,000."""
BOMB_AFTER = 1024 * 1024  # decompressed bytes before the ratio is judged (a short file may compress very well)


class DecompressionBomb(InputProblem):
    """A gzip input that inflates past :data:`BOMB_RATIO` times its size."""


class _GuardedGzip(io.RawIOBase):
    """The decompressed bytes of a gzip file (every member), refusing a decompression bomb as it is read.

    A streamed input has no total size cap (a crawl may be tens of GB), so what is judged is the ratio: once
    :data:`BOMB_AFTER` bytes are out, more than :data:`BOMB_RATIO` times the compressed bytes read so far raises
    :class:`DecompressionBomb`, whatever reads it (a line reader, warcio skipping a record)."""

    def __init__(self, path: Path) -> None:
        self._raw = path.open("rb")
        self._gz = gzip.GzipFile(fileobj=self._raw, mode="rb")
        self.out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._gz.readinto(buffer)
        self.out += n
        if self.out > BOMB_AFTER:
            read = max(1, self._raw.tell())
            if self.out > BOMB_RATIO * read:
                raise DecompressionBomb(f"decompression bomb refused: {_mb(read)} of gzip inflated to {_mb(self.out)} "
                                        f"and on (over {BOMB_RATIO} times; text compresses some 3 to 20 times)")
        return n

    def close(self) -> None:
        try:
            self._gz.close()
        finally:
            self._raw.close()
            super().close()


def _open_maybe_gzip(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return io.BufferedReader(_GuardedGzip(path), buffer_size=256 * 1024)
    return path.open("rb")


def read_file_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """A whole (decompressed) file, refusing empty, oversized and corrupt ones."""
    limit = max_bytes or max_bytes_limit()
    size = path.stat().st_size
    if size == 0:
        raise InputProblem("empty file")
    if path.name.lower().endswith(".gz"):
        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read(limit + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputProblem(f"corrupt or truncated gzip ({_one_line(exc, 80) or exc.__class__.__name__})") from None
    else:
        if size > limit:
            raise InputProblem(f"file is {_mb(size)}, over the {_mb(limit)} limit (STORYLENS_MAX_BYTES)")
        data = path.read_bytes()
    if len(data) > limit:
        raise InputProblem(f"file is over the {_mb(limit)} limit once decompressed (STORYLENS_MAX_BYTES)")
    if not data.strip():
        raise InputProblem("empty file")
    return data


def _mb(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} bytes"


def _kind_from_name(name: str) -> str | None:
    n = name.lower()
    for kind, exts in (("warc", _WARC_EXT), ("jsonl", _JSONL_EXT), ("json", _JSON_EXT), ("html", _HTML_EXT),
                       ("feed", _FEED_EXT), ("text", _TEXT_EXT)):
        if n.endswith(exts):
            return kind
    return None


def _sniff(text: str) -> str:
    head = text[:2048].lstrip().lower()
    if head.startswith(("<?xml", "<rss", "<feed", "<rdf")):
        if re.search(r"<(rss|feed|rdf:rdf)[\s>]", head):
            return "feed"
        return "html" if "<html" in head else "feed"
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(body|article|p|div)[\s>]", text[:20000], re.I):
        return "html"
    first = text.lstrip().split("\n", 1)[0].rstrip()
    if first.startswith("{") and first.endswith("}"):
        return "jsonl"
    return "text"


_FOLDER_DOC = re.compile(r"(?i)^(readme|license|licence|copying|changelog)(\.(md|rst|txt))?$")


_DB_SIDE_FILE = re.compile(r"-(wal|shm|journal|lock)$")


def _is_database(f: Path) -> bool:
    """An SQLite database or one of its side files (SQLite's, and storylens's writer lock): what a store beside
    the inputs leaves in a folder."""
    if _DB_SIDE_FILE.search(f.name) and f.with_name(_DB_SIDE_FILE.sub("", f.name)).is_file():
        return True
    try:
        with f.open("rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _walk(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    for p in paths:
        path = Path(p)
        if str(p) == STDIN:
            yield path  # standard input: read as JSONL by _read_path
        elif not path.exists():
            yield InputError(source=str(p), reason="no such file or folder")
        elif path.is_dir():
            try:
                files = sorted(f for f in path.rglob("*") if f.is_file())
            except OSError as exc:
                yield InputError(source=str(p), reason=f"cannot list folder ({exc.strerror or exc})")
                continue
            for f in files:
                rel = f.relative_to(path).parts
                if any(part.startswith(".") for part in rel) or f.name.endswith(".meta.json"):
                    continue
                if _FOLDER_DOC.match(f.name):  # a folder's own README or LICENSE is not an article
                    continue
                if _is_database(f):  # a store kept beside its inputs (and its -wal/-shm/-journal files)
                    continue
                yield f
        elif not path.is_file():
            yield InputError(source=str(p), reason="not a regular file")
        else:
            yield path


def list_files(folder: Path) -> list[Path]:
    """The files ``analyze FOLDER`` reads, in the order it reads them (hidden files, sidecars, a folder's
    README and a store kept beside the inputs left out)."""
    return [p for p in _walk([folder]) if isinstance(p, Path)]


def iter_sources(paths: Iterable[str | Path], max_bytes: int | None = None) -> Iterator[RawDoc | InputError]:
    """Yield raw documents (and errors) for files and folders, in a stable order."""
    if isinstance(paths, str | Path):
        paths = [paths]
    limit = max_bytes or max_bytes_limit()
    for item in _walk(paths):
        if isinstance(item, InputError):
            yield item
            continue
        yield from _read_path(item, limit)


def _read_path(path: Path, max_bytes: int) -> Iterator[RawDoc | InputError]:
    src = str(path)
    kind = _kind_from_name(path.name)
    try:
        if src == STDIN:
            src = "stdin"
            yield from read_jsonl_stream(sys.stdin.buffer, src, max_bytes)
            return
        if kind == "warc":
            yield from read_warc_file(path, max_bytes)
            return
        if kind == "jsonl":
            yield from read_jsonl_file(path, max_bytes)
            return
        data = read_file_bytes(path, max_bytes)
        if kind in (None, "text") and _looks_binary(data):
            raise InputProblem("binary file, not an article")
        if kind == "feed":
            yield from read_feed(data, src)
            return
        if kind == "json":
            yield from read_json(data, src)
            return
        text = decode_bytes(data)
        if not text.strip():
            raise InputProblem("no text in the file")
        if kind is None:
            kind = _sniff(text)
            if kind == "feed":
                yield from read_feed(data, src)
                return
            if kind == "jsonl":
                yield from read_jsonl(text, src, max_bytes)
                return
        sidecar = _sidecar(path)
        yield RawDoc(source=src, content=text, format="html" if kind == "html" else "text", meta=sidecar, raw=data)
    except InputProblem as exc:
        yield InputError(source=src, reason=str(exc))
    except (OSError, EOFError, zlib.error) as exc:
        reason = getattr(exc, "strerror", None) or _one_line(exc) or exc.__class__.__name__
        yield InputError(source=src, reason=f"cannot read ({reason})")
    except (ValueError, LookupError) as exc:
        yield InputError(source=src, reason=f"cannot read ({exc.__class__.__name__}: {_one_line(exc)})")
    except Exception as exc:  # noqa: BLE001 - a parser's surprise must not stop the other inputs
        yield InputError(source=src, reason=f"cannot read ({exc.__class__.__name__}: {_one_line(exc)})")


def _sidecar(path: Path) -> dict[str, Any]:
    """Optional ``NAME.meta.json`` beside a file: id, url, outlet, title, published, byline for that article."""
    base = path.name
    for suffix in (".gz", ".html", ".htm", ".xhtml", ".shtml", ".txt", ".text"):
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)]
    side = path.with_name(base + ".meta.json")
    if not side.is_file():
        return {}
    try:
        rec = json.loads(side.read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise InputProblem(f"unreadable sidecar {side.name} ({_one_line(exc, 100)})") from None
    if not isinstance(rec, dict):
        raise InputProblem(f"sidecar {side.name} is not a JSON object")
    meta = _meta_from_record(rec)
    if "published" in meta:
        meta["published_from"] = "file"
    return meta


def _meta_from_record(rec: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for k in _META_FIELDS:
        v = rec.get(k)
        if v is None or v == "" or isinstance(v, dict | list):
            continue
        meta[k] = str(v).strip() if not isinstance(v, bool) else str(v)
    return {k: v for k, v in meta.items() if v}


# ---------------------------------------------------------------- JSON lines


def _record_to_doc(rec: Any, where: str) -> RawDoc | InputError:
    if not isinstance(rec, dict):
        return InputError(source=where, reason="JSON record is not an object")
    html, body = rec.get("html"), rec.get("text")
    if not isinstance(html, str) and not isinstance(body, str):
        return InputError(source=where, reason="record has neither 'text' nor 'html'")
    meta = _meta_from_record(rec)
    if "published" in meta:
        meta["published_from"] = "jsonl"
    if isinstance(html, str) and html.strip():
        return RawDoc(source=where, content=html, format="html", meta=meta)
    if isinstance(body, str) and body.strip():
        return RawDoc(source=where, content=body, format="text", meta=meta)
    return InputError(source=where, reason="record's text is empty")


def _jsonl_line(line: str, where: str) -> RawDoc | InputError | None:
    line = line.strip().lstrip("\ufeff")
    if not line:
        return None
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(source=where, reason=f"broken JSON line at column {exc.colno} ({exc.msg})")
    except RecursionError:
        return InputError(source=where, reason="JSON line nested too deeply to read (an article record is a flat object)")
    return _record_to_doc(rec, where)


def read_jsonl(text: str, src: str, max_bytes: int | None = None) -> Iterator[RawDoc | InputError]:
    """One article a line: ``id`` and any of url, outlet, title, published, byline, text, html."""
    limit = max_bytes or max_bytes_limit()
    for lineno, line in enumerate(io.StringIO(text), start=1):
        where = f"{src}:{lineno}"
        if len(line) > limit:
            yield InputError(source=where, reason=f"line is over the {_mb(limit)} limit")
            continue
        item = _jsonl_line(line, where)
        if item is not None:
            yield item


def read_jsonl_file(path: Path, max_bytes: int | None = None) -> Iterator[RawDoc | InputError]:
    """Stream a JSONL file (optionally gzipped) line by line; each line is capped, not the file."""
    limit = max_bytes or max_bytes_limit()
    if path.stat().st_size == 0:
        raise InputProblem("empty file")
    try:
        with _open_maybe_gzip(path) as fh:
            yield from read_jsonl_stream(fh, str(path), limit)
    except (OSError, EOFError, zlib.error) as exc:
        reason = "corrupt or truncated gzip" if path.name.lower().endswith(".gz") else "cannot read"
        raise InputProblem(f"{reason} ({_one_line(exc, 80) or exc.__class__.__name__})") from None


STDIN = "-"  # the path that names standard input (``storylens analyze -``)


def read_jsonl_stream(fh: IO[bytes], src: str, max_bytes: int | None = None) -> Iterator[RawDoc | InputError]:
    """JSONL from an open binary stream (a file, or standard input as it arrives), line by line; each line is
    capped, a line that is not UTF-8 is read in its own encoding. Raises :class:`InputProblem` when the stream
    holds no line at all."""
    limit = max_bytes or max_bytes_limit()
    n_records = 0
    n_refused = 0  # lines refused here (oversized, binary, undecodable): the stream was not empty
    lineno = 0
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            break
        lineno += 1
        where = f"{src}:{lineno}"
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the oversized line
                raw = fh.readline(1024 * 1024)
            n_refused += 1
            yield InputError(source=where, reason=f"line is over the {_mb(limit)} limit")
            continue
        if b"\x00" in raw:
            n_refused += 1
            yield InputError(source=where, reason="binary data in the line, not JSON")
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line = decode_bytes(raw)
            except InputProblem as exc:
                n_refused += 1
                yield InputError(source=where, reason=str(exc))
                continue
        item = _jsonl_line(line, where)
        if item is not None:
            n_records += 1
            yield item
    if n_records == 0 and n_refused == 0:
        raise InputProblem("empty file (no JSON lines)" if src != "stdin" else "no JSON lines on standard input")


def read_json(data: bytes, src: str) -> Iterator[RawDoc | InputError]:
    """A ``.json`` file: one record (an object) or a list of records, with the JSONL fields."""
    try:
        doc = json.loads(decode_bytes(data))
    except json.JSONDecodeError as exc:
        raise InputProblem(f"broken JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})") from None
    except RecursionError:
        raise InputProblem("JSON nested too deeply to read (an article record is a flat object)") from None
    if isinstance(doc, dict) and isinstance(doc.get("articles"), list):
        doc = doc["articles"]
    if isinstance(doc, dict):
        yield _record_to_doc(doc, src)
    elif isinstance(doc, list):
        if not doc:
            raise InputProblem("JSON list is empty")
        for i, rec in enumerate(doc):
            yield _record_to_doc(rec, f"{src}#{i}")
    else:
        raise InputProblem("JSON file holds neither an object nor a list of objects")


# ---------------------------------------------------------------- feeds


def read_feed(data: bytes, src: str) -> Iterator[RawDoc | InputError]:
    """RSS or Atom: each entry's content (or summary) becomes an HTML document.

    The XML is checked with defusedxml first: entity declarations (billion
    laughs) and external entities or DTDs are refused before feedparser sees it.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputProblem(f"unsafe XML refused: {exc.__class__.__name__} (entity or external reference)") from None
    except Exception as exc:  # noqa: BLE001 - expat ParseError and friends; feedparser may still cope
        if re.search(rb"<!(DOCTYPE|ENTITY)", data[:65536], re.I):
            raise InputProblem(f"malformed XML feed ({_one_line(exc, 120)})") from None
        syntax_error: str | None = _one_line(exc, 120)
    else:
        syntax_error = None
    import feedparser

    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    feed = parsed.get("feed") or {}
    if not parsed.entries:
        if syntax_error:
            raise InputProblem(f"malformed XML feed ({syntax_error})")
        raise InputProblem("feed has no entries")
    feed_link = feed.get("link")
    for i, entry in enumerate(parsed.entries):
        where = f"{src}#entry{i + 1}"
        content = ""
        if entry.get("content"):
            content = max((c.get("value", "") for c in entry.content), key=len)
        summary = entry.get("summary", "") or ""
        if len(summary) > len(content):
            content = summary
        if not content.strip():
            yield InputError(source=where, reason="feed entry has no content or summary")
            continue
        meta: dict[str, Any] = {"url": entry.get("link") or None, "title": entry.get("title")}
        published = entry.get("published") or entry.get("updated")
        if published:
            meta["published"] = published
            meta["published_from"] = "feed"
        if entry.get("author"):
            meta["byline"] = entry.get("author")
        if not meta["url"] and feed_link:
            meta["feed_url"] = feed_link
        if feed.get("title"):
            meta["feed_title"] = feed.get("title")
        meta = {k: v for k, v in meta.items() if v}
        yield RawDoc(source=where, content=content, format="html", meta=meta)


# ---------------------------------------------------------------- WARC


def read_warc(data: bytes | IO[bytes], src: str, max_bytes: int | None = None) -> Iterator[RawDoc | InputError]:
    """HTTP responses (and resource records) with HTML bodies from a WARC file."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    limit = max_bytes or max_bytes_limit()
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    n = 0
    records = 0
    try:
        for rec in ArchiveIterator(stream):
            records += 1
            if rec.rec_type not in ("response", "resource"):
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI")
            if rec.rec_type == "response":
                if rec.http_headers is None:
                    continue
                status = rec.http_headers.get_statuscode() or ""
                if not status.startswith("2"):
                    continue
                ctype = rec.http_headers.get_header("Content-Type") or ""
            else:
                ctype = rec.rec_headers.get_header("Content-Type") or ""
            if "html" not in ctype.lower():
                continue
            n += 1
            where = f"{src}#{url or f'record{records}'}"
            body = rec.content_stream().read(limit + 1)
            if len(body) > limit:
                yield InputError(source=where, reason=f"record is over the {_mb(limit)} limit")
                continue
            if not body.strip():
                yield InputError(source=where, reason="record has an empty body")
                continue
            charset = None
            m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", ctype, re.I)
            if m:
                charset = m.group(1)
            try:
                text = decode_bytes(body, charset)
            except InputProblem as exc:
                yield InputError(source=where, reason=str(exc))
                continue
            meta = {"url": url, "crawl_date": rec.rec_headers.get_header("WARC-Date"),
                    "id": rec.rec_headers.get_header("WARC-Record-ID")}
            yield RawDoc(source=where, content=text, format="html", meta={k: v for k, v in meta.items() if v},
                         raw=body)
    except ArchiveLoadFailed as exc:
        raise InputProblem(f"not a readable WARC file ({_one_line(exc, 120)})") from None
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise InputProblem(f"WARC file is corrupt or truncated after {records} record(s) "
                           f"({_one_line(exc, 80) or exc.__class__.__name__})") from None
    if n == 0:
        raise InputProblem("WARC file holds no HTML responses")


def read_warc_file(path: Path, max_bytes: int | None = None) -> Iterator[RawDoc | InputError]:
    """Stream a WARC file record by record (warcio handles per-record gzip); each record is capped."""
    if path.stat().st_size == 0:
        raise InputProblem("empty file")
    # gzip (by its magic, whatever the name says) is inflated here, through the bomb check; warcio reads the
    # uncompressed stream
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opened: IO[bytes] = io.BufferedReader(_GuardedGzip(path), buffer_size=256 * 1024) if gzipped else path.open("rb")
    with opened as fh:
        yield from read_warc(fh, str(path), max_bytes)
